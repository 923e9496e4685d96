// DSP1050: Xen_NetworkPortSettingData, the Ethernet connection of one guest VIF: its MAC, its
// position, the network it connects to (pool, switch and VLAN).
import type { XenModel } from '../../xenapi/model.js';
import { str, type XenRecord } from '../../xenapi/values.js';
import { classSpec } from '../class-spec.js';
import { splitLocal } from '../devices.js';
import { instanceId } from '../ids.js';
import { CIMV2 } from '../instances.js';
import {
  cimMac, ETHERNET_CONNECTION, guestVifByUuid, guestVifs, networkDeps, networkVlan, PORT_RASD_CLASS, shownNetworkOfVif, switchPath,
} from './networks.js';

export function networkPortSettingDataSpec(model: XenModel) {
  const vmUuidOf = (uuid: string): string => guestVifByUuid(model, uuid)?.vmUuid ?? '';
  return classSpec<XenRecord>({
    className: PORT_RASD_CLASS,
    namespace: CIMV2,
    dependsOn: ['VIF', 'VM'],
    ids: () => guestVifs(model).map((v) => v.uuid),
    source: (uuid) => guestVifByUuid(model, uuid)?.vif,
    extraDeps: (vif) => {
      const net = model.get('network', str(vif, 'network'));
      return net ? [net, ...networkDeps(model, net)] : [];
    },
    keys: (uuid) => [{ name: 'InstanceID', value: instanceId(`${vmUuidOf(uuid)}/${uuid}`) }],
    idFromKeys: (k) => {
      const ids = splitLocal(k.get('instanceid'));
      return ids && guestVifByUuid(model, ids[1])?.vmUuid === ids[0] ? ids[1] : undefined;
    },
    properties: (_uuid, vif) => {
      const anyNet = model.get('network', str(vif, 'network'));
      // PoolID and HostResource name instances; the host-internal network has none.
      const net = shownNetworkOfVif(model, vif);
      const netUuid = net ? str(net, 'uuid') : undefined;
      const vlan = net ? networkVlan(model, net) : undefined;
      const device = str(vif, 'device');
      return {
        Caption: 'Virtual network interface connection',
        ElementName: `Network interface ${device}`,
        ResourceType: ETHERNET_CONNECTION,
        PoolID: netUuid ?? null,
        ConsumerVisibility: 3 /* Virtualized */,
        HostResource: netUuid !== undefined ? [switchPath(netUuid)] : null,
        AllocationUnits: 'count',
        VirtualQuantity: 1,
        AutomaticAllocation: true,
        AutomaticDeallocation: true,
        Connection: anyNet ? [str(anyNet, 'name_label')] : null,
        Address: cimMac(str(vif, 'MAC')),
        AddressOnParent: device,
        // A VIF on a VLAN network is an access port of that VLAN; others carry untagged frames.
        DefaultPortVID: net ? (vlan ?? 0) : null,
        AllowedToTransmitVLANs: vlan !== undefined ? [vlan] : null,
      };
    },
  });
}
