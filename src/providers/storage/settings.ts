// DSP1047: Xen_DiskSettingData, the allocation of one guest VBD (disk or CD drive): what it
// holds (the VDI as a Xen_DiskImage path), how large, from which pool (the SR), with what access.
import type { XenModel } from '../../xenapi/model.js';
import { bool, str, type XenRecord } from '../../xenapi/values.js';
import type { ProviderServices } from '../services.js';
import { DISK_WRITABLE, putResourceSetting } from '../system-virtualization/rasd-put.js';
import { classSpec } from '../class-spec.js';
import { splitLocal } from '../devices.js';
import { instanceId } from '../ids.js';
import { CIMV2, orNull } from '../instances.js';
import { wbemPath } from '../wbem-path.js';
import {
  bytes, DISK_IMAGE_CLASS, DISK_RASD_CLASS, diskImageKeys, guestVbdByUuid, guestVbds, isShownVdi, ResourceType, srDeps, vdiOf,
} from './records.js';

const KINDS = ['Disk', 'CD'] as const;

/** The WBEM path of the Xen_DiskImage a VDI is shown as, or undefined when it is not shown. */
export function diskImagePath(model: XenModel, vdi: XenRecord): string | undefined {
  const keys = isShownVdi(vdi) ? diskImageKeys(model, vdi) : undefined;
  return keys ? wbemPath(CIMV2, DISK_IMAGE_CLASS, keys) : undefined;
}

export function diskSettingDataSpec(model: XenModel, services: ProviderServices) {
  const vmUuidOf = (uuid: string): string => guestVbdByUuid(model, uuid, KINDS)?.vmUuid ?? '';
  return classSpec<XenRecord>({
    className: DISK_RASD_CLASS,
    namespace: CIMV2,
    dependsOn: ['VBD', 'VM'],
    ids: () => guestVbds(model, KINDS).map((v) => v.uuid),
    source: (uuid) => guestVbdByUuid(model, uuid, KINDS)?.vbd,
    writable: DISK_WRITABLE,
    modify: putResourceSetting(model, services, DISK_RASD_CLASS, (uuid) => `${vmUuidOf(uuid)}/${uuid}`),
    extraDeps: (vbd) => {
      const vdi = vdiOf(model, vbd);
      return [vdi, ...srDeps(model, vdi ? model.get('SR', str(vdi, 'SR')) : undefined)];
    },
    keys: (uuid) => [{ name: 'InstanceID', value: instanceId(`${vmUuidOf(uuid)}/${uuid}`) }],
    idFromKeys: (k) => {
      const ids = splitLocal(k.get('instanceid'));
      return ids && guestVbdByUuid(model, ids[1], KINDS)?.vmUuid === ids[0] ? ids[1] : undefined;
    },
    properties: (_uuid, vbd) => {
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
