// What the Ethernet port and virtual switch classes read from XenAPI: the networks shown
// (every one but the host-internal management network), the host a network is reported on,
// its VLAN and uplinks, and the guests' VIFs.
import type { KeyBinding } from '../../cim/object-path.js';
import type { XenModel } from '../../xenapi/model.js';
import { bool, int, map, refs, str, type XenRecord } from '../../xenapi/values.js';
import { compareIds } from '../devices.js';
import { isGuest, masterUuid, systemKeys } from '../ids.js';
import { CIMV2 } from '../instances.js';
import { wbemPath } from '../wbem-path.js';

export const NETWORK_POOL_CLASS = 'Xen_NetworkPool';
export const PORT_CLASS = 'Xen_NetworkPort';
export const PORT_RASD_CLASS = 'Xen_NetworkPortSettingData';
export const SWITCH_CLASS = 'Xen_VirtualSwitch';
export const SWITCH_SETTINGS_CLASS = 'Xen_VirtualEthernetSwitchSettingData';

/** CIM ResourceType 33 Ethernet Connection: a VIF's connection to a network (DSP1050). */
export const ETHERNET_CONNECTION = 33;

/** xapi's host-internal management network is an implementation detail of the host: never shown. */
export function isShownNetwork(net: XenRecord): boolean {
  return map(net, 'other_config')['is_host_internal_management_network'] !== 'true';
}

/** Shown networks in uuid order, as [uuid, record]. */
export function shownNetworks(model: XenModel): [string, XenRecord][] {
  const out: [string, XenRecord][] = [];
  for (const net of model.all('network').values()) if (isShownNetwork(net)) out.push([str(net, 'uuid'), net]);
  return out.sort((a, b) => compareIds(a[0], b[0]));
}

export function shownNetworkByUuid(model: XenModel, uuid: string): XenRecord | undefined {
  const net = model.byUuid('network', uuid);
  return net && isShownNetwork(net) ? net : undefined;
}

/** The network's PIFs (its uplinks on the hosts), found from the network's PIFs field. */
export function networkPifs(model: XenModel, net: XenRecord): XenRecord[] {
  const out: XenRecord[] = [];
  for (const ref of refs(net, 'PIFs')) {
    const pif = model.get('PIF', ref);
    if (pif) out.push(pif);
  }
  return out;
}

/** The VLAN ID of a VLAN network (a PIF with VLAN ≥ 0), or undefined for an untagged one. */
export function networkVlan(model: XenModel, net: XenRecord): number | undefined {
  for (const pif of networkPifs(model, net)) {
    const vlan = int(pif, 'VLAN');
    if (Number.isInteger(vlan) && vlan >= 0) return vlan;
  }
  return undefined;
}

/**
 * The host a network's switch and pool are reported on: the pool master when it has an uplink
 * on the network or the network has none (an internal network), else the first host with one.
 */
export function networkHost(model: XenModel, net: XenRecord): string | undefined {
  const master = masterUuid(model);
  const withPif: string[] = [];
  for (const pif of networkPifs(model, net)) {
    const host = model.get('host', str(pif, 'host'));
    if (host) withPif.push(str(host, 'uuid'));
  }
  if (master !== undefined && (withPif.length === 0 || withPif.includes(master))) return master;
  return withPif.sort()[0] ?? master;
}

/** Records a network's switch and pool placement depend on, for memoized instances. */
export function networkDeps(model: XenModel, net: XenRecord): readonly unknown[] {
  return [...networkPifs(model, net), model.all('pool').values().next().value];
}

export function networkPoolId(networkUuid: string): string {
  return `NetworkPool/${networkUuid}`;
}

export function switchKeys(networkUuid: string): KeyBinding[] {
  return systemKeys(SWITCH_CLASS, networkUuid);
}

/** WBEM paths of a network's switch and pool, for HostResource and AssociatedResourcePool. */
export function switchPath(networkUuid: string): string {
  return wbemPath(CIMV2, SWITCH_CLASS, switchKeys(networkUuid));
}

export function networkPoolPath(networkUuid: string): string {
  return wbemPath(CIMV2, NETWORK_POOL_CLASS, [{ name: 'InstanceID', value: `Xen:${networkPoolId(networkUuid)}` }]);
}

export interface GuestVif {
  readonly uuid: string;
  readonly vif: XenRecord;
  readonly vmUuid: string;
}

function guestOfVif(model: XenModel, vif: XenRecord): XenRecord | undefined {
  const vm = model.get('VM', str(vif, 'VM'));
  return vm && isGuest(vm) ? vm : undefined;
}

/** VIFs of guests, in VM uuid, then device number, then VIF uuid order. */
export function guestVifs(model: XenModel): GuestVif[] {
  const out: GuestVif[] = [];
  for (const vif of model.all('VIF').values()) {
    const vm = guestOfVif(model, vif);
    if (vm) out.push({ uuid: str(vif, 'uuid'), vif, vmUuid: str(vm, 'uuid') });
  }
  const device = (v: GuestVif): number => {
    const n = int(v.vif, 'device');
    return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
  };
  return out.sort((a, b) => compareIds(a.vmUuid, b.vmUuid) || device(a) - device(b) || compareIds(a.uuid, b.uuid));
}

export function guestVifByUuid(model: XenModel, uuid: string): GuestVif | undefined {
  const vif = model.byUuid('VIF', uuid);
  const vm = vif ? guestOfVif(model, vif) : undefined;
  return vif && vm ? { uuid, vif, vmUuid: str(vm, 'uuid') } : undefined;
}

/** The shown network a VIF is connected to, or undefined (gone, or the internal network). */
export function shownNetworkOfVif(model: XenModel, vif: XenRecord): XenRecord | undefined {
  const net = model.get('network', str(vif, 'network'));
  return net && isShownNetwork(net) ? net : undefined;
}

/** The guests' VIFs on a network (for the pool's usage). */
export function guestVifsOn(model: XenModel, net: XenRecord): XenRecord[] {
  const out: XenRecord[] = [];
  for (const ref of refs(net, 'VIFs')) {
    const vif = model.get('VIF', ref);
    if (vif && guestOfVif(model, vif)) out.push(vif);
  }
  return out;
}

/** Whether the VIF is plugged into a running domain now. */
export function isAttached(vif: XenRecord): boolean {
  return bool(vif, 'currently_attached');
}

/**
 * A MAC address in CIM's form (CIM_EthernetPort.NetworkAddresses): twelve hexadecimal digits,
 * no separators, upper case; null when XenAPI's value is not a 6-octet MAC.
 */
export function cimMac(mac: string): string | null {
  const digits = mac.replace(/[:.-]/g, '').toUpperCase();
  return /^[0-9A-F]{12}$/.test(digits) ? digits : null;
}
