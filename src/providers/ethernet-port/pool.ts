// DSP1050: one Xen_NetworkPool per shown network, the pool the Ethernet connections of VIFs
// are allocated from. Its id (the InstanceID's local part) is `NetworkPool/<network uuid>`.
import type { XenModel } from '../../xenapi/model.js';
import { str, type XenRecord } from '../../xenapi/values.js';
import { classSpec } from '../class-spec.js';
import { instanceId, localId } from '../ids.js';
import { CIMV2, orNull } from '../instances.js';
import { AllocationState, RequestTypes, SharingMode, type PoolAllocation, type PoolKind } from '../pools.js';
import { ETHERNET_CONNECTION, guestVifsOn, isAttached, NETWORK_POOL_CLASS, networkPoolId, shownNetworkByUuid, shownNetworks } from './networks.js';

const PREFIX = 'NetworkPool/';

/** The network a pool id (`NetworkPool/<network uuid>`) stands for, if it is shown. */
export function networkOfPool(model: XenModel, id: string): XenRecord | undefined {
  return id.startsWith(PREFIX) ? shownNetworkByUuid(model, id.slice(PREFIX.length)) : undefined;
}

const ids = (model: XenModel) => (): string[] => shownNetworks(model).map(([uuid]) => networkPoolId(uuid));

function allocation(net: XenRecord): PoolAllocation {
  return {
    elementName: `Ethernet connection allocation from ${str(net, 'name_label')}`,
    description: 'A network interface (VIF) is connected to the network; VIFs are added or removed on running or halted VMs.',
    resourceType: ETHERNET_CONNECTION,
    requestTypesSupported: RequestTypes.AllocationSettingsOnly,
    // Any number of VIFs share one network.
    sharingMode: SharingMode.Shared,
    supportedAddStates: [AllocationState.Enabled, AllocationState.Disabled],
    supportedRemoveStates: [AllocationState.Enabled, AllocationState.Disabled],
  };
}

/** The network pools as a pool kind, for their allocation capabilities (pools.ts). */
export function networkPoolKind(model: XenModel): PoolKind {
  return {
    poolClass: NETWORK_POOL_CLASS,
    dependsOn: ['network'],
    ids: ids(model),
    source: (id) => networkOfPool(model, id),
    allocation: (_id, source) => allocation(source as XenRecord),
  };
}

export function networkPoolSpec(model: XenModel) {
  return classSpec<XenRecord>({
    className: NETWORK_POOL_CLASS,
    namespace: CIMV2,
    dependsOn: ['network'],
    ids: ids(model),
    source: (id) => networkOfPool(model, id),
    // The usage counts read the VIFs and their VMs.
    extraDeps: (net) => guestVifsOn(model, net).flatMap((vif) => [vif, model.get('VM', str(vif, 'VM'))]),
    keys: (id) => [{ name: 'InstanceID', value: instanceId(id) }],
    idFromKeys: (k) => {
      const local = localId(k.get('instanceid'));
      return local?.startsWith(PREFIX) ? local : undefined;
    },
    properties: (_id, net) => {
      const vifs = guestVifsOn(model, net);
      return {
        Caption: 'Ethernet connection pool',
        Description: orNull(str(net, 'name_description')),
        ElementName: str(net, 'name_label'),
        PoolID: str(net, 'uuid'),
        Primordial: true,
        ResourceType: ETHERNET_CONNECTION,
        AllocationUnits: 'count',
        // A network takes any number of connections.
        Capacity: null,
        Reserved: vifs.length,
        CurrentlyConsumedResource: vifs.filter(isAttached).length,
      };
    },
  });
}
