// DSP1042: the host's virtual system management service and its capabilities.
import type { XenModel } from '../../xenapi/model.js';
import type { XenRecord } from '../../xenapi/values.js';
import { classSpec } from '../class-spec.js';
import { deviceKeys, HOST_CLASS, hosts, instanceId, localId } from '../ids.js';
import { CIMV2 } from '../instances.js';
import { EnabledState, RequestedState } from '../power-state.js';

export const VSMS_CLASS = 'Xen_VirtualSystemManagementService';
export const VSMC_CLASS = 'Xen_VirtualSystemManagementCapabilities';
export const VSMS_NAME = 'Xen Hypervisor';
export const VIRTUAL_SYSTEM_TYPES = ['DMTF:Xen:HVM', 'DMTF:Xen:PV'];

export function managementServiceSpec(model: XenModel) {
  return classSpec<XenRecord>({
    className: VSMS_CLASS,
    namespace: CIMV2,
    dependsOn: ['host'],
    ids: () => hosts(model).map(([uuid]) => uuid),
    source: (uuid) => model.byUuid('host', uuid),
    keys: (uuid) => deviceKeys(HOST_CLASS, uuid, VSMS_CLASS, VSMS_NAME, 'Name'),
    idFromKeys: (k) => (k.get('name') === undefined || k.get('name') === VSMS_NAME ? k.get('systemname') : undefined),
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
      // The service's methods arrive with the write operations; none is offered yet.
      SynchronousMethodsSupported: [],
      AsynchronousMethodsSupported: [],
    }),
  });
}
