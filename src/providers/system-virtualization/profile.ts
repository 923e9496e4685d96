// DSP1042 System Virtualization: the host (scoping system), its management service and
// capabilities, and how the host relates to the virtual systems it runs.
import type { XenModel } from '../../xenapi/model.js';
import { guests, HOST_CLASS, hostOfVm, hosts, VM_CLASS } from '../ids.js';
import { CIMV2 } from '../instances.js';
import type { ProfileParts } from '../profile.js';
import type { ProviderServices } from '../services.js';
import { hostSpec } from './host.js';
import { managementCapabilitiesSpec, managementServiceSpec, VSMC_CLASS, VSMS_CLASS } from './management-service.js';

const end = (role: string, className: string) => ({ role, namespace: CIMV2, className });

export function systemVirtualization(model: XenModel, services: ProviderServices): ProfileParts {
  const sameHost = (): Iterable<readonly [string, string]> => hosts(model).map(([u]) => [u, u] as const);
  const hostToVm = function* (): Generator<readonly [string, string]> {
    for (const [uuid, vm] of guests(model)) {
      const host = hostOfVm(model, vm);
      if (host) yield [host, uuid];
    }
  };
  return {
    name: 'system-virtualization',
    specs: [hostSpec(model), managementServiceSpec(model, services), managementCapabilitiesSpec(model)],
    links: [
      { association: 'Xen_HostedDependency', row: { ends: [end('Antecedent', HOST_CLASS), end('Dependent', VM_CLASS)], dependsOn: ['VM', 'host', 'pool'], pairs: hostToVm } },
      { association: 'Xen_HostedService', row: { ends: [end('Antecedent', HOST_CLASS), end('Dependent', VSMS_CLASS)], dependsOn: ['host'], pairs: sameHost } },
      { association: 'Xen_ElementCapabilities', row: { ends: [end('ManagedElement', HOST_CLASS), end('Capabilities', VSMC_CLASS)], dependsOn: ['host'], pairs: sameHost } },
      { association: 'Xen_ElementCapabilities', row: { ends: [end('ManagedElement', VSMS_CLASS), end('Capabilities', VSMC_CLASS)], dependsOn: ['host'], pairs: sameHost } },
      {
        association: 'Xen_ServiceAffectsElement',
        row: {
          ends: [end('AffectingElement', VSMS_CLASS), end('AffectedElement', VM_CLASS)],
          dependsOn: ['VM', 'host', 'pool'],
          pairs: hostToVm,
          properties: () => ({ ElementEffects: [5 /* Manages */] }),
        },
      },
    ],
    central: [{ profile: 'DSP1042', end: end('ManagedElement', HOST_CLASS), dependsOn: ['host'], ids: () => hosts(model).map(([u]) => u) }],
  };
}
