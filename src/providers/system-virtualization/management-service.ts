// DSP1042: the host's virtual system management service and its capabilities.
import type { XenModel } from '../../xenapi/model.js';
import type { XenRecord } from '../../xenapi/values.js';
import { classSpec } from '../class-spec.js';
import { deviceKeys, HOST_CLASS, hosts, instanceId, localId } from '../ids.js';
import { CIMV2 } from '../instances.js';
import { EnabledState, RequestedState } from '../power-state.js';
import type { ProviderServices } from '../services.js';
import { invokeManagementMethod, MANAGEMENT_METHODS, METHOD_NUMBERS } from './management-methods.js';

export const VSMS_CLASS = 'Xen_VirtualSystemManagementService';
export const VSMC_CLASS = 'Xen_VirtualSystemManagementCapabilities';
export const VSMS_NAME = 'Xen Hypervisor';
export const VIRTUAL_SYSTEM_TYPES = ['DMTF:Xen:HVM', 'DMTF:Xen:PV'];

export function managementServiceSpec(model: XenModel, services: ProviderServices) {
  return classSpec<XenRecord>({
    className: VSMS_CLASS,
    namespace: CIMV2,
    dependsOn: ['host'],
    ids: () => hosts(model).map(([uuid]) => uuid),
    source: (uuid) => model.byUuid('host', uuid),
    keys: (uuid) => deviceKeys(HOST_CLASS, uuid, VSMS_CLASS, VSMS_NAME, 'Name'),
    idFromKeys: (k) => (k.get('name') === undefined || k.get('name') === VSMS_NAME ? k.get('systemname') : undefined),
    methodNames: MANAGEMENT_METHODS,
    invoke: (ctx, method, hostUuid, _host, params) => invokeManagementMethod(model, services, ctx, hostUuid, method, params),
    properties: () => ({
      Caption: 'Virtual system management service',
      ElementName: VSMS_NAME,
      Description: 'Defines, destroys and reconfigures the virtual machines of this Xen host through XenAPI.',
      OperationalStatus: [2],
      HealthState: 5,
      EnabledState: EnabledState.Enabled,
      RequestedState: RequestedState.NotApplicable,
      EnabledDefault: 2,
      Started: true,
    }),
  });
}

export function managementCapabilitiesSpec(model: XenModel) {
  return classSpec<XenRecord>({
    className: VSMC_CLASS,
    namespace: CIMV2,
    dependsOn: ['host'],
    ids: () => hosts(model).map(([uuid]) => uuid),
    source: (uuid) => model.byUuid('host', uuid),
    keys: (uuid) => [{ name: 'InstanceID', value: instanceId(uuid) }],
    idFromKeys: (k) => localId(k.get('instanceid')),
    properties: () => ({
      ElementName: 'Virtual system management capabilities',
      VirtualSystemTypesSupported: VIRTUAL_SYSTEM_TYPES,
      // Every method may complete before it answers; DefineSystem from a template may also
      // answer 4096 with a job while VM.provision runs.
      SynchronousMethodsSupported: Object.values(METHOD_NUMBERS).sort((a, b) => a - b),
      AsynchronousMethodsSupported: [METHOD_NUMBERS.DefineSystem],
    }),
  });
}
