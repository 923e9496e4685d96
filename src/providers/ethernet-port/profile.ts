// DSP1050 Ethernet Port Resource Virtualization: networks as Ethernet connection pools (the
// central instances), guests' VIFs as network ports with their connection settings, and the
// associations to their VM, its settings, their pool and the host.
import type { XenModel } from '../../xenapi/model.js';
import { str } from '../../xenapi/values.js';
import type { Pair } from '../association-table.js';
import { HOST_CLASS, VM_CLASS } from '../ids.js';
import { CIMV2 } from '../instances.js';
import { defaultSettingLinks } from '../pools.js';
import type { ProfileParts } from '../profile.js';
import { VSSD_CLASS } from '../virtual-system/settings.js';
import { guestVifs, NETWORK_POOL_CLASS, networkHost, networkPoolId, PORT_CLASS, PORT_RASD_CLASS, shownNetworkOfVif, shownNetworks } from './networks.js';
import { networkPoolKind, networkPoolSpec } from './pool.js';
import { networkPortSpec } from './port.js';
import { networkDefaults, networkPortSettingDataSpec } from './settings.js';

const end = (role: string, className: string) => ({ role, namespace: CIMV2, className });
const VIF_DEPS = ['VIF', 'VM'] as const;
const POOL_DEPS = ['VIF', 'VM', 'network'] as const;

export function ethernetPort(model: XenModel): ProfileParts {
  const vmToVif = (): Pair[] => guestVifs(model).map((v) => [v.vmUuid, v.uuid]);
  const sameVif = (): Pair[] => guestVifs(model).map((v) => [v.uuid, v.uuid]);
  const poolToVif = function* (): Generator<Pair> {
    for (const v of guestVifs(model)) {
      const net = shownNetworkOfVif(model, v.vif);
      if (net) yield [networkPoolId(str(net, 'uuid')), v.uuid];
    }
  };
  const hostToPool = function* (): Generator<Pair> {
    for (const [uuid, net] of shownNetworks(model)) {
      const host = networkHost(model, net);
      if (host !== undefined) yield [host, networkPoolId(uuid)];
    }
  };
  return {
    name: 'ethernet-port',
    specs: [networkPoolSpec(model), networkPortSpec(model), networkPortSettingDataSpec(model)],
    links: [
      { association: 'Xen_SystemDevice', row: { ends: [end('GroupComponent', VM_CLASS), end('PartComponent', PORT_CLASS)], dependsOn: VIF_DEPS, pairs: vmToVif } },
      { association: 'Xen_SettingsDefineState', row: { ends: [end('ManagedElement', PORT_CLASS), end('SettingData', PORT_RASD_CLASS)], dependsOn: VIF_DEPS, pairs: sameVif } },
      { association: 'Xen_VirtualSystemSettingDataComponent', row: { ends: [end('GroupComponent', VSSD_CLASS), end('PartComponent', PORT_RASD_CLASS)], dependsOn: VIF_DEPS, pairs: vmToVif } },
      { association: 'Xen_ElementAllocatedFromPool', row: { ends: [end('Antecedent', NETWORK_POOL_CLASS), end('Dependent', PORT_CLASS)], dependsOn: POOL_DEPS, pairs: poolToVif } },
      { association: 'Xen_ResourceAllocationFromPool', row: { ends: [end('Antecedent', NETWORK_POOL_CLASS), end('Dependent', PORT_RASD_CLASS)], dependsOn: POOL_DEPS, pairs: poolToVif } },
      { association: 'Xen_HostedResourcePool', row: { ends: [end('GroupComponent', HOST_CLASS), end('PartComponent', NETWORK_POOL_CLASS)], dependsOn: ['network', 'PIF', 'host', 'pool'], pairs: hostToPool } },
      // DSP1043: each pool's Default setting.
      defaultSettingLinks(PORT_RASD_CLASS, ['network'], () => networkDefaults(model)),
    ],
    central: [
      { profile: 'DSP1050', end: end('ManagedElement', NETWORK_POOL_CLASS), dependsOn: ['network'], ids: () => shownNetworks(model).map(([uuid]) => networkPoolId(uuid)) },
    ],
    pools: [networkPoolKind(model)],
  };
}
