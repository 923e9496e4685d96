// DSP1097: one Xen_VirtualSwitch per shown network: the bridge the host runs for it.
import type { XenModel } from '../../xenapi/model.js';
import { bool, str, type XenRecord } from '../../xenapi/values.js';
import { classSpec } from '../class-spec.js';
import { CIMV2, orNull } from '../instances.js';
import { EnabledState, RequestedState } from '../power-state.js';
import { networkDeps, networkPifs, networkVlan, shownNetworkByUuid, shownNetworks, SWITCH_CLASS, switchKeys } from '../ethernet-port/networks.js';

/**
 * A switch forwards between its ports whether or not it has an uplink: Enabled when it has
 * none (an internal network) or one is attached; Enabled but Offline when its uplinks are
 * all unplugged (guests still reach each other, not the outside).
 */
export function switchState(model: XenModel, net: XenRecord): { enabledState: number; operationalStatus: number; status: string } {
  const pifs = networkPifs(model, net);
  const up = pifs.filter((p) => bool(p, 'currently_attached'));
  if (pifs.length === 0) return { enabledState: EnabledState.Enabled, operationalStatus: 2, status: 'Internal network (no uplink)' };
  if (up.length > 0) return { enabledState: EnabledState.Enabled, operationalStatus: 2, status: `Uplink ${up.map((p) => str(p, 'device')).join(', ')} attached` };
  return { enabledState: EnabledState.EnabledButOffline, operationalStatus: 15 /* Dormant */, status: 'No uplink attached' };
}

export function switchSpec(model: XenModel) {
  return classSpec<XenRecord>({
    className: SWITCH_CLASS,
    namespace: CIMV2,
    dependsOn: ['network'],
    ids: () => shownNetworks(model).map(([uuid]) => uuid),
    source: (uuid) => shownNetworkByUuid(model, uuid),
    extraDeps: (net) => networkDeps(model, net),
    keys: (uuid) => switchKeys(uuid),
    idFromKeys: (k) => k.get('name'),
    properties: (_uuid, net) => {
      const state = switchState(model, net);
      const vlan = networkVlan(model, net);
      const info = [str(net, 'bridge')];
      const desc = ['Bridge'];
      if (vlan !== undefined) {
        info.push(String(vlan));
        desc.push('VLAN ID');
      }
      return {
        Caption: 'Virtual Ethernet switch',
        Description: orNull(str(net, 'name_description')),
        ElementName: str(net, 'name_label'),
        OperationalStatus: [state.operationalStatus],
        StatusDescriptions: [state.status],
        HealthState: 5,
        EnabledState: state.enabledState,
        RequestedState: RequestedState.NotApplicable,
        EnabledDefault: 2,
        TransitioningToState: RequestedState.NotApplicable,
        NameFormat: 'Other',
        Dedicated: [5 /* Switch */],
        OtherIdentifyingInfo: info,
        IdentifyingDescriptions: desc,
      };
    },
  });
}
