// DSP1050: Xen_NetworkPortSettingData, the Ethernet connection of one guest VIF: its MAC, its
// position, the network it connects to (pool, switch and VLAN). Each network pool also has a
// Default setting (DSP1043; id `NetworkPool/<network uuid>/Default`): the template a client fills
// in for AddResourceSettings or DefineSystem (a new VIF on that network, its MAC generated).
import type { XenModel } from '../../xenapi/model.js';
import { str, type XenRecord } from '../../xenapi/values.js';
import { classSpec } from '../class-spec.js';
import { splitLocal } from '../devices.js';
import { instanceId, localId } from '../ids.js';
import type { CimValue } from '../../cim/types.js';
import { CIMV2 } from '../instances.js';
import {
  cimMac, ETHERNET_CONNECTION, guestVifByUuid, guestVifs, networkDeps, networkPoolId, networkVlan, PORT_RASD_CLASS, shownNetworkOfVif, shownNetworks, switchPath,
} from './networks.js';
import { networkOfPool } from './pool.js';

const DEFAULT = '/Default';

/** Every network pool's Default setting, as [pool id, setting id]. */
export function networkDefaults(model: XenModel): [string, string][] {
  return shownNetworks(model).map(([uuid]) => [networkPoolId(uuid), networkPoolId(uuid) + DEFAULT]);
}

/** The network whose Default setting `id` is, if it is one. */
function networkOfDefault(model: XenModel, id: string): XenRecord | undefined {
  return id.endsWith(DEFAULT) ? networkOfPool(model, id.slice(0, -DEFAULT.length)) : undefined;
}

function defaultProperties(model: XenModel, net: XenRecord): Record<string, CimValue> {
  const uuid = str(net, 'uuid');
  const vlan = networkVlan(model, net);
  return {
    Caption: 'The settings a new network interface gets from this pool unless the request says otherwise',
    ElementName: 'Network interface default',
    ResourceType: ETHERNET_CONNECTION,
    PoolID: uuid,
    ConsumerVisibility: 3 /* Virtualized */,
    HostResource: [switchPath(uuid)],
    AllocationUnits: 'count',
    VirtualQuantity: 1,
    AutomaticAllocation: true,
    AutomaticDeallocation: true,
    Connection: [str(net, 'name_label')],
    // No MAC: each new interface is given its own.
    Address: null,
    DefaultPortVID: vlan ?? 0,
    AllowedToTransmitVLANs: vlan !== undefined ? [vlan] : null,
  };
}

export function networkPortSettingDataSpec(model: XenModel) {
  const vmUuidOf = (uuid: string): string => guestVifByUuid(model, uuid)?.vmUuid ?? '';
  return classSpec<XenRecord>({
    className: PORT_RASD_CLASS,
    namespace: CIMV2,
    dependsOn: ['VIF', 'VM', 'network'],
    ids: () => [...guestVifs(model).map((v) => v.uuid), ...networkDefaults(model).map(([, id]) => id)],
    // A guest's VIF, or the network of a pool's Default setting.
    source: (id) => guestVifByUuid(model, id)?.vif ?? networkOfDefault(model, id),
    extraDeps: (record) => {
      const net = 'MAC' in record ? model.get('network', str(record, 'network')) : record;
      return net ? [net, ...networkDeps(model, net)] : [];
    },
    keys: (id) => [{ name: 'InstanceID', value: instanceId(id.endsWith(DEFAULT) ? id : `${vmUuidOf(id)}/${id}`) }],
    idFromKeys: (k) => {
      const local = localId(k.get('instanceid'));
      if (local?.endsWith(DEFAULT)) return networkOfDefault(model, local) ? local : undefined;
      const ids = splitLocal(k.get('instanceid'));
      return ids && guestVifByUuid(model, ids[1])?.vmUuid === ids[0] ? ids[1] : undefined;
    },
    properties: (id, vif) => {
      if (id.endsWith(DEFAULT)) return defaultProperties(model, vif);
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
