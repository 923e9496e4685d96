// DSP1047: one Xen_DiskImage per VDI shown (see isShownVdi): the host storage extents that
// virtual disks and CD drives are backed by, hosted by the host their SR is reported on.
import type { XenModel } from '../../xenapi/model.js';
import { bool, str, type XenRecord } from '../../xenapi/values.js';
import { classSpec } from '../class-spec.js';
import { splitLocal } from '../devices.js';
import { CIMV2, orNull } from '../instances.js';
import { bytes, DISK_IMAGE_CLASS, diskImageKeys, isCdSr, shownVdiByUuid, shownVdis, srDeps } from './records.js';

export function diskImageSpec(model: XenModel) {
  return classSpec<XenRecord>({
    className: DISK_IMAGE_CLASS,
    namespace: CIMV2,
    dependsOn: ['VDI', 'SR'],
    ids: () => shownVdis(model).map(([uuid]) => uuid),
    source: (uuid) => shownVdiByUuid(model, uuid),
    extraDeps: (vdi) => srDeps(model, model.get('SR', str(vdi, 'SR'))),
    keys: (_uuid, vdi) => diskImageKeys(model, vdi) ?? [],
    idFromKeys: (k) => {
      const ids = splitLocal(k.get('deviceid'));
      if (!ids) return undefined;
      const vdi = shownVdiByUuid(model, ids[1]);
      const sr = vdi ? model.get('SR', str(vdi, 'SR')) : undefined;
      return sr && str(sr, 'uuid') === ids[0] ? ids[1] : undefined;
    },
    properties: (uuid, vdi) => {
      const sr = model.get('SR', str(vdi, 'SR'));
      const size = bytes(vdi, 'virtual_size');
      const missing = bool(vdi, 'missing');
      return {
        Caption: sr && isCdSr(sr) ? 'CD image' : 'Disk image',
        Description: orNull(str(vdi, 'name_description')),
        ElementName: str(vdi, 'name_label'),
        Name: uuid,
        EnabledState: 2,
        RequestedState: 12,
        EnabledDefault: 2,
        OperationalStatus: [missing ? 6 /* Error */ : 2 /* OK */],
        StatusDescriptions: [missing ? 'Missing from its SR' : 'OK'],
        HealthState: missing ? 20 /* Major failure */ : 5,
        Access: bool(vdi, 'read_only') ? 1 /* Readable */ : 3 /* Read/Write Supported */,
        BlockSize: 1,
        NumberOfBlocks: size,
        ConsumableBlocks: size,
        // VDIs are created and destroyed through XenAPI: not primordial.
        Primordial: false,
        PhysicalUtilisation: bytes(vdi, 'physical_utilisation'),
      };
    },
  });
}
