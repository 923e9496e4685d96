// DSP1047: the storage devices of a guest, one per VBD: Xen_Disk for disks, Xen_CDROMDrive for
// CD drives (empty or holding an ISO image). Floppy VBDs are not shown.
import type { XenModel } from '../../xenapi/model.js';
import { bool, str, type XenRecord } from '../../xenapi/values.js';
import { classSpec } from '../class-spec.js';
import { deviceState, guestDeviceId, splitLocal } from '../devices.js';
import { deviceKeys, VM_CLASS } from '../ids.js';
import { CIMV2, orNull } from '../instances.js';
import { bytes, CDROM_CLASS, DISK_CLASS, guestVbdByUuid, guestVbds, vdiOf, type VbdKind } from './records.js';

/** What the disk and CD drive specs share: ids, keys and the lookup by DeviceID. */
function vbdDeviceSpec(model: XenModel, className: string, kind: VbdKind) {
  const kinds = [kind] as const;
  const vmUuidOf = (uuid: string): string => guestVbdByUuid(model, uuid, kinds)?.vmUuid ?? '';
  return {
    className,
    namespace: CIMV2,
    dependsOn: ['VBD', 'VM'] as const,
    ids: () => guestVbds(model, kinds).map((v) => v.uuid),
    source: (uuid: string) => guestVbdByUuid(model, uuid, kinds)?.vbd,
    extraDeps: (vbd: XenRecord) => [vdiOf(model, vbd)],
    keys: (uuid: string) => deviceKeys(VM_CLASS, vmUuidOf(uuid), className, guestDeviceId(vmUuidOf(uuid), uuid)),
    idFromKeys: (k: ReadonlyMap<string, string>) => {
      const ids = splitLocal(k.get('deviceid'));
      return ids && guestVbdByUuid(model, ids[1], kinds)?.vmUuid === ids[0] ? ids[1] : undefined;
    },
  };
}

export function diskSpec(model: XenModel) {
  return classSpec<XenRecord>({
    ...vbdDeviceSpec(model, DISK_CLASS, 'Disk'),
    properties: (_uuid, vbd) => {
      const vdi = vdiOf(model, vbd);
      const size = vdi ? bytes(vdi, 'virtual_size') : null;
      return {
        Caption: 'Virtual disk',
        Description: vdi ? orNull(str(vdi, 'name_description')) : null,
        ElementName: vdi ? str(vdi, 'name_label') : `Disk ${str(vbd, 'userdevice')}`,
        Name: orNull(str(vbd, 'device')),
        ...deviceState(bool(vbd, 'currently_attached')),
        Access: str(vbd, 'mode') === 'RO' ? 1 /* Readable */ : 3 /* Read/Write Supported */,
        BlockSize: 1,
        NumberOfBlocks: size,
        ConsumableBlocks: size,
        Primordial: false,
      };
    },
  });
}

export function cdromSpec(model: XenModel) {
  return classSpec<XenRecord>({
    ...vbdDeviceSpec(model, CDROM_CLASS, 'CD'),
    properties: (_uuid, vbd) => {
      const vdi = vdiOf(model, vbd);
      return {
        Caption: 'Virtual CD/DVD drive',
        Description: vdi ? `Holds ${str(vdi, 'name_label')}` : 'Empty',
        ElementName: `CD drive ${str(vbd, 'userdevice')}`,
        Name: orNull(str(vbd, 'device')),
        ...deviceState(bool(vbd, 'currently_attached')),
        Capabilities: [3 /* Random Access */, 7 /* Supports Removeable Media */],
      };
    },
  });
}
