// DSP1050: one Xen_NetworkPort per guest VIF, the virtual Ethernet adapter the guest sees.
import type { XenModel } from '../../xenapi/model.js';
import { int, str, type XenRecord } from '../../xenapi/values.js';
import { classSpec } from '../class-spec.js';
import { deviceState, guestDeviceId, splitLocal } from '../devices.js';
import { deviceKeys, VM_CLASS } from '../ids.js';
import { CIMV2 } from '../instances.js';
import { cimMac, guestVifByUuid, guestVifs, isAttached, PORT_CLASS } from './networks.js';

/** The VIF's device number ("0", "1", …) as a number, or null. */
export function vifDevice(vif: XenRecord): number | null {
  const n = int(vif, 'device');
  return Number.isInteger(n) && n >= 0 ? n : null;
}

export function networkPortSpec(model: XenModel) {
  const vmUuidOf = (uuid: string): string => guestVifByUuid(model, uuid)?.vmUuid ?? '';
  return classSpec<XenRecord>({
    className: PORT_CLASS,
    namespace: CIMV2,
    dependsOn: ['VIF', 'VM'],
    ids: () => guestVifs(model).map((v) => v.uuid),
    source: (uuid) => guestVifByUuid(model, uuid)?.vif,
    extraDeps: (vif) => [model.get('network', str(vif, 'network'))],
    keys: (uuid) => deviceKeys(VM_CLASS, vmUuidOf(uuid), PORT_CLASS, guestDeviceId(vmUuidOf(uuid), uuid)),
    idFromKeys: (k) => {
      const ids = splitLocal(k.get('deviceid'));
      return ids && guestVifByUuid(model, ids[1])?.vmUuid === ids[0] ? ids[1] : undefined;
    },
    properties: (_uuid, vif) => {
      const net = model.get('network', str(vif, 'network'));
      const mac = cimMac(str(vif, 'MAC'));
      const mtu = int(vif, 'MTU');
      return {
        Caption: 'Virtual network interface',
        Description: net ? `Connected to ${str(net, 'name_label')}` : null,
        ElementName: `Network interface ${str(vif, 'device')}`,
        ...deviceState(isAttached(vif)),
        PortNumber: vifDevice(vif),
        LinkTechnology: 2 /* Ethernet */,
        PermanentAddress: mac,
        NetworkAddresses: mac !== null ? [mac] : null,
        ActiveMaximumTransmissionUnit: Number.isFinite(mtu) && mtu > 0 ? mtu : null,
      };
    },
  });
}
