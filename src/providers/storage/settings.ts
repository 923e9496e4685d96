// DSP1047: Xen_DiskSettingData, the allocation of one guest VBD (disk or CD drive): what it
// holds (the VDI as a Xen_DiskImage path), how large, from which pool (the SR), with what access.
// Each storage pool also has a Default setting (DSP1043; id `StoragePool/<SR uuid>/Default`): the
// template a client fills in for AddResourceSettings or DefineSystem (a new disk of that SR).
import type { XenModel } from '../../xenapi/model.js';
import { bool, str, type XenRecord } from '../../xenapi/values.js';
import type { ProviderServices } from '../services.js';
import { DISK_WRITABLE, putResourceSetting } from '../system-virtualization/rasd-put.js';
import { classSpec } from '../class-spec.js';
import { splitLocal } from '../devices.js';
import { instanceId, localId } from '../ids.js';
import { CIMV2, orNull } from '../instances.js';
import { CimError } from '../../cim/errors.js';
import type { CimValue } from '../../cim/types.js';
import { wbemPath } from '../wbem-path.js';
import { srOfPool, storagePoolId } from './pool.js';
import {
  bytes, DISK_IMAGE_CLASS, DISK_RASD_CLASS, diskImageKeys, guestVbdByUuid, guestVbds, isCdSr, isDiskSr, isShownVdi, ResourceType, srDeps, srs, vdiOf,
} from './records.js';

const KINDS = ['Disk', 'CD'] as const;
const DEFAULT = '/Default';
/** The size of a new disk made from a Default setting as it stands (a client sets its own). */
export const DEFAULT_DISK_BYTES = 8 * 2 ** 30;

/** The storage pools that have a Default setting (those that take new disks or hold CD images), as [pool id, setting id]. */
export function storageDefaults(model: XenModel): [string, string][] {
  return srs(model).filter(([, sr]) => isDiskSr(sr) || isCdSr(sr)).map(([uuid]) => [storagePoolId(uuid), storagePoolId(uuid) + DEFAULT]);
}

/** The SR whose Default setting `id` is, if it is one. */
function srOfDefault(model: XenModel, id: string): XenRecord | undefined {
  const sr = id.endsWith(DEFAULT) ? srOfPool(model, id.slice(0, -DEFAULT.length)) : undefined;
  return sr && (isDiskSr(sr) || isCdSr(sr)) ? sr : undefined;
}

function defaultProperties(sr: XenRecord): Record<string, CimValue> {
  const cd = isCdSr(sr);
  return {
    Caption: `The settings a new ${cd ? 'CD/DVD drive' : 'disk'} gets from this pool unless the request says otherwise`,
    ElementName: cd ? 'CD drive default' : 'Disk default',
    ResourceType: cd ? ResourceType.DVDDrive : ResourceType.LogicalDisk,
    PoolID: str(sr, 'uuid'),
    ConsumerVisibility: 3 /* Virtualized */,
    // A new disk is a new image of the pool; a new CD drive is empty until an image is inserted.
    HostResource: null,
    HostExtentName: null,
    AllocationUnits: 'byte',
    VirtualQuantity: cd ? null : DEFAULT_DISK_BYTES,
    VirtualResourceBlockSize: 1,
    AutomaticAllocation: true,
    AutomaticDeallocation: true,
    Access: cd ? 1 /* Readable */ : 3 /* Read/Write Supported */,
    Bootable: false,
  };
}

/** The WBEM path of the Xen_DiskImage a VDI is shown as, or undefined when it is not shown. */
export function diskImagePath(model: XenModel, vdi: XenRecord): string | undefined {
  const keys = isShownVdi(vdi) ? diskImageKeys(model, vdi) : undefined;
  return keys ? wbemPath(CIMV2, DISK_IMAGE_CLASS, keys) : undefined;
}

export function diskSettingDataSpec(model: XenModel, services: ProviderServices) {
  const vmUuidOf = (uuid: string): string => guestVbdByUuid(model, uuid, KINDS)?.vmUuid ?? '';
  const put = putResourceSetting(model, services, DISK_RASD_CLASS, (uuid) => `${vmUuidOf(uuid)}/${uuid}`);
  return classSpec<XenRecord>({
    className: DISK_RASD_CLASS,
    namespace: CIMV2,
    dependsOn: ['VBD', 'VM', 'SR'],
    ids: () => [...guestVbds(model, KINDS).map((v) => v.uuid), ...storageDefaults(model).map(([, id]) => id)],
    // A guest's VBD, or the SR of a pool's Default setting.
    source: (id) => guestVbdByUuid(model, id, KINDS)?.vbd ?? srOfDefault(model, id),
    writable: DISK_WRITABLE,
    modify: (ctx, id, source, changes, kept) => {
      if (id.endsWith(DEFAULT)) return Promise.reject(new CimError('NOT_SUPPORTED', `${DISK_RASD_CLASS} ${instanceId(id)} is a storage pool's Default setting, which is fixed; give the values wanted in the request that creates the disk.`, { subject: 'property', valueProblem: 'read-only' }));
      return put(ctx, id, source, changes, kept);
    },
    extraDeps: (record) => {
      if (!('userdevice' in record)) return [];
      const vdi = vdiOf(model, record);
      return [vdi, ...srDeps(model, vdi ? model.get('SR', str(vdi, 'SR')) : undefined)];
    },
    keys: (id) => [{ name: 'InstanceID', value: instanceId(id.endsWith(DEFAULT) ? id : `${vmUuidOf(id)}/${id}`) }],
    idFromKeys: (k) => {
      const local = localId(k.get('instanceid'));
      if (local?.endsWith(DEFAULT)) return srOfDefault(model, local) ? local : undefined;
      const ids = splitLocal(k.get('instanceid'));
      return ids && guestVbdByUuid(model, ids[1], KINDS)?.vmUuid === ids[0] ? ids[1] : undefined;
    },
    properties: (id, record) => {
      if (id.endsWith(DEFAULT)) return defaultProperties(record);
      const vbd = record;
      const cd = str(vbd, 'type') === 'CD';
      const vdi = vdiOf(model, vbd);
      const sr = vdi ? model.get('SR', str(vdi, 'SR')) : undefined;
      const path = vdi ? diskImagePath(model, vdi) : undefined;
      const position = str(vbd, 'userdevice');
      return {
        Caption: cd ? 'Virtual CD/DVD drive settings' : 'Virtual disk settings',
        Description: vdi ? orNull(str(vdi, 'name_description')) : null,
        ElementName: vdi && !cd ? str(vdi, 'name_label') : `${cd ? 'CD drive' : 'Disk'} ${position}`,
        ResourceType: cd ? ResourceType.DVDDrive : ResourceType.LogicalDisk,
        PoolID: sr ? str(sr, 'uuid') : null,
        ConsumerVisibility: 3 /* Virtualized */,
        HostResource: path !== undefined ? [path] : null,
        HostExtentName: vdi ? str(vdi, 'uuid') : null,
        AllocationUnits: 'byte',
        VirtualQuantity: vdi ? bytes(vdi, 'virtual_size') : null,
        VirtualResourceBlockSize: 1,
        // The image is attached whenever the VM starts; an empty drive has none to attach.
        AutomaticAllocation: vdi !== undefined,
        AutomaticDeallocation: true,
        AddressOnParent: position,
        Access: str(vbd, 'mode') === 'RO' ? 1 /* Readable */ : 3 /* Read/Write Supported */,
        Bootable: bool(vbd, 'bootable'),
      };
    },
  });
}
