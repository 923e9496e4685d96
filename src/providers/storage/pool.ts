// DSP1047: one Xen_StoragePool per SR, the pool the SR's disk or CD images are allocated from.
// Its id (the InstanceID's local part) is `StoragePool/<SR uuid>`, as pools.ts asks.
import type { XenModel } from '../../xenapi/model.js';
import { bool, str, type XenRecord } from '../../xenapi/values.js';
import { classSpec } from '../class-spec.js';
import { instanceId, localId } from '../ids.js';
import { CIMV2, orNull } from '../instances.js';
import { AllocationState, RequestTypes, SharingMode, type PoolAllocation, type PoolKind } from '../pools.js';
import { bytes, isCdSr, poolResourceType, srs, STORAGE_POOL_CLASS } from './records.js';

const PREFIX = 'StoragePool/';

/** The pool id of an SR. */
export function storagePoolId(srUuid: string): string {
  return PREFIX + srUuid;
}

export function srOfPool(model: XenModel, id: string): XenRecord | undefined {
  return id.startsWith(PREFIX) ? model.byUuid('SR', id.slice(PREFIX.length)) : undefined;
}

const ids = (model: XenModel) => (): string[] => srs(model).map(([uuid]) => storagePoolId(uuid));

// VBDs are created, destroyed, inserted and ejected on halted and running VMs alike (xapi
// hot-plugs them on a running domain), but not on a suspended one.
const ANY_ACTIVE_STATE = [AllocationState.Enabled, AllocationState.Disabled] as const;

function allocation(sr: XenRecord): PoolAllocation {
  const cd = isCdSr(sr);
  return {
    elementName: `${cd ? 'CD image' : 'Disk'} allocation from ${str(sr, 'name_label')}`,
    description: cd
      ? 'A CD drive holds one ISO image of the SR at a time; images are inserted and ejected on running or halted VMs.'
      : 'A disk is a VDI of the SR (a new one of a given size, or an existing one); disks are added or removed on running or halted VMs.',
    resourceType: poolResourceType(sr),
    requestTypesSupported: cd ? RequestTypes.SpecificResourcesOnly : RequestTypes.Both,
    // Several VBDs may use one VDI read-only (ISO images always), and the SR's space is shared by its VDIs.
    sharingMode: SharingMode.Shared,
    supportedAddStates: ANY_ACTIVE_STATE,
    supportedRemoveStates: ANY_ACTIVE_STATE,
  };
}

/** The storage pools as a pool kind, for their allocation capabilities (pools.ts). */
export function storagePoolKind(model: XenModel): PoolKind {
  return {
    poolClass: STORAGE_POOL_CLASS,
    dependsOn: ['SR'],
    ids: ids(model),
    source: (id) => srOfPool(model, id),
    allocation: (_id, source) => allocation(source as XenRecord),
  };
}

export function storagePoolSpec(model: XenModel) {
  return classSpec<XenRecord>({
    className: STORAGE_POOL_CLASS,
    namespace: CIMV2,
    dependsOn: ['SR'],
    ids: ids(model),
    source: (id) => srOfPool(model, id),
    keys: (id) => [{ name: 'InstanceID', value: instanceId(id) }],
    idFromKeys: (k) => {
      const local = localId(k.get('instanceid'));
      return local?.startsWith(PREFIX) ? local : undefined;
    },
    properties: (_id, sr) => {
      const size = bytes(sr, 'physical_size');
      const used = bytes(sr, 'physical_utilisation');
      return {
        Caption: isCdSr(sr) ? 'CD image storage pool' : 'Disk storage pool',
        Description: orNull(str(sr, 'name_description')),
        ElementName: str(sr, 'name_label'),
        PoolID: str(sr, 'uuid'),
        // Every SR is storage of the host (or pool) itself, not carved out of another pool.
        Primordial: true,
        ResourceType: poolResourceType(sr),
        AllocationUnits: 'byte',
        Capacity: size,
        // Reserved stays within Capacity (Capacity − Reserved is what is free): the space
        // taken now. virtual_allocation may exceed the SR's size on thin SRs; it is VirtualAllocation.
        Reserved: used,
        CurrentlyConsumedResource: used,
        MaxConsumableResource: size,
        StorageType: str(sr, 'type'),
        Shared: bool(sr, 'shared'),
        VirtualAllocation: bytes(sr, 'virtual_allocation'),
      };
    },
  });
}
