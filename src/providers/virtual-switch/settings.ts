// DSP1097: Xen_VirtualEthernetSwitchSettingData, the settings of one virtual switch (network).
import type { XenModel } from '../../xenapi/model.js';
import { int, str, type XenRecord } from '../../xenapi/values.js';
import { classSpec } from '../class-spec.js';
import { instanceId, localId } from '../ids.js';
import { CIMV2, orNull } from '../instances.js';
import { networkDeps, networkPoolPath, networkVlan, shownNetworkByUuid, shownNetworks, SWITCH_SETTINGS_CLASS } from '../ethernet-port/networks.js';

export function switchSettingDataSpec(model: XenModel) {
  return classSpec<XenRecord>({
    className: SWITCH_SETTINGS_CLASS,
    namespace: CIMV2,
    dependsOn: ['network'],
    ids: () => shownNetworks(model).map(([uuid]) => uuid),
    source: (uuid) => shownNetworkByUuid(model, uuid),
    extraDeps: (net) => networkDeps(model, net),
    keys: (uuid) => [{ name: 'InstanceID', value: instanceId(uuid) }],
    idFromKeys: (k) => localId(k.get('instanceid')),
    properties: (uuid, net) => {
      const vlan = networkVlan(model, net);
      const mtu = int(net, 'MTU');
      const description = str(net, 'name_description');
      return {
        Caption: 'Virtual Ethernet switch settings',
        Description: orNull(description),
        ElementName: str(net, 'name_label'),
        VirtualSystemIdentifier: uuid,
        Notes: description ? [description] : null,
        VLANConnection: vlan !== undefined ? [String(vlan)] : null,
        AssociatedResourcePool: [networkPoolPath(uuid)],
        // Open vSwitch and the Linux bridge learn MACs without a configured limit.
        MaxNumMACAddress: null,
        MTU: Number.isFinite(mtu) && mtu > 0 ? mtu : null,
      };
    },
  });
}
