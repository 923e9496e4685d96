// Disks, CD drives and network interfaces of a VM as the management methods add and remove
// them: RASDs are turned into checked plans (device numbers, SR, image, network, MAC) before
// anything is written, then created through XenAPI with an undo step for each.
import type { XenModel } from '../../xenapi/model.js';
import { bool, int, isNullRef, map, refs, str, type XenRecord } from '../../xenapi/values.js';
import { shownNetworkByUuid, shownNetworks } from '../ethernet-port/networks.js';
import { isCdSr, isDiskSr, shownVdiByUuid } from '../storage/records.js';
import { invalidParameter, numberOf, textOf, textsOf, type XenSteps } from './management-methods-common.js';
import { bootableOf, bytesOf, bytesPerUnit, type Rasd } from './management-methods-rasd.js';

interface NewVdi {
  readonly sr: string;
  readonly size: number;
  readonly name: string;
  readonly description: string;
}

export type DevicePlan =
  | { readonly kind: 'disk'; readonly label: string; readonly userdevice: string; readonly bootable: boolean; readonly mode: 'RO' | 'RW'; readonly vdi: { readonly ref: string } | NewVdi }
  | { readonly kind: 'cd'; readonly label: string; readonly userdevice: string; readonly bootable: boolean; readonly vdiRef: string | undefined }
  | { readonly kind: 'nic'; readonly label: string; readonly device: string; readonly network: string; readonly mac: string; readonly mtu: number };

export interface DeviceContext {
  readonly model: XenModel;
  /** the VM's name, for the names of new disks */
  readonly vmName: string;
  /** disk positions (userdevice numbers) already taken */
  readonly usedVbd: ReadonlySet<string>;
  /** NIC positions (device numbers) already taken */
  readonly usedVif: ReadonlySet<string>;
}

/** Userdevice numbers XenAPI offers for disks (VM.get_allowed_VBD_devices) and for NICs. */
const MAX_VBD = 16;
const MAX_VIF = 7;

/** The VDI a disk or CD RASD names by HostExtentName (a VDI uuid) or HostResource (a Xen_DiskImage path), if any. */
export function namedVdi(model: XenModel, rasd: Rasd): [string, XenRecord] | undefined {
  const extent = textOf(rasd.inst, 'HostExtentName');
  const resource = textsOf(rasd.inst, 'HostResource')?.[0];
  const fromPath = resource === undefined ? undefined : (/DeviceID="Xen:[^/"]*\/([^"]+)"/.exec(resource)?.[1] ?? resource.trim());
  const uuid = extent ?? fromPath;
  if (uuid === undefined || uuid === '') return undefined;
  const vdi = shownVdiByUuid(model, uuid);
  const ref = model.refByUuid('VDI', uuid);
  if (!vdi || ref === undefined) throw invalidParameter(`${rasd.label}: no disk image ${uuid} on this host.`);
  return [ref, vdi];
}

function srOfPool(model: XenModel, rasd: Rasd): [string, XenRecord] {
  const poolId = textOf(rasd.inst, 'PoolID');
  let ref: string | undefined;
  if (poolId !== undefined) {
    ref = model.refByUuid('SR', poolId);
    if (ref === undefined) throw invalidParameter(`${rasd.label}: PoolID ${poolId} names no storage pool.`);
  } else {
    const pool = model.all('pool').values().next().value;
    ref = pool ? str(pool, 'default_SR') : undefined;
    if (ref === undefined || isNullRef(ref)) throw invalidParameter(`${rasd.label}: no PoolID, and the host has no default storage pool.`);
  }
  const sr = model.get('SR', ref);
  if (!sr) throw invalidParameter(`${rasd.label}: the storage pool is gone.`);
  if (!isDiskSr(sr)) throw invalidParameter(`${rasd.label}: storage pool ${str(sr, 'uuid')} cannot hold new disks.`);
  return [ref, sr];
}

function networkOf(model: XenModel, rasd: Rasd): XenRecord {
  const poolId = textOf(rasd.inst, 'PoolID');
  const connection = textsOf(rasd.inst, 'Connection')?.[0];
  const switchPath = textsOf(rasd.inst, 'HostResource')?.[0];
  const fromSwitch = switchPath === undefined ? undefined : /Name="([^"]+)"/.exec(switchPath)?.[1];
  const wanted = poolId ?? fromSwitch;
  if (wanted !== undefined) {
    const net = shownNetworkByUuid(model, wanted);
    if (!net) throw invalidParameter(`${rasd.label}: ${poolId !== undefined ? 'PoolID' : 'HostResource'} ${wanted} names no network pool.`);
    return net;
  }
  if (connection !== undefined) {
    const byName = shownNetworks(model).filter(([uuid, n]) => uuid === connection || str(n, 'name_label') === connection);
    const [first, second] = byName;
    if (!first) throw invalidParameter(`${rasd.label}: Connection ${connection} names no network.`);
    if (second) throw invalidParameter(`${rasd.label}: several networks are called ${connection}; give PoolID.`);
    return first[1];
  }
  // Neither: the network of the host's management interface, as xe vm-install's default.
  for (const pif of model.all('PIF').values()) {
    const net = bool(pif, 'management') ? model.get('network', str(pif, 'network')) : undefined;
    if (net && shownNetworkByUuid(model, str(net, 'uuid'))) return net;
  }
  throw invalidParameter(`${rasd.label}: no PoolID or Connection, and the host has no management network.`);
}

/** A MAC in XenAPI's form (aa:bb:cc:dd:ee:ff) from CIM's (12 hex digits) or any separated form; "" when absent. */
function macOf(rasd: Rasd): string {
  const address = textOf(rasd.inst, 'Address');
  if (address === undefined || address === '') return '';
  const digits = address.replace(/[:.-]/g, '');
  if (!/^[0-9a-fA-F]{12}$/.test(digits)) throw invalidParameter(`${rasd.label}: Address ${address} is not a MAC address.`);
  return (digits.toLowerCase().match(/../g) ?? []).join(':');
}

function positionOf(rasd: Rasd, max: number): string | undefined {
  const p = textOf(rasd.inst, 'AddressOnParent');
  if (p === undefined || p === '') return undefined;
  if (!/^\d+$/.test(p) || Number(p) >= max) throw invalidParameter(`${rasd.label}: AddressOnParent must be a device number from 0 to ${max - 1}.`);
  return String(Number(p));
}

/** Takes a free position: the given one if it is free, else the lowest free one. */
function claim(used: Set<string>, wanted: string | undefined, max: number, label: string): string {
  if (wanted !== undefined) {
    if (used.has(wanted)) throw invalidParameter(`${label}: device ${wanted} is taken.`);
    used.add(wanted);
    return wanted;
  }
  for (let n = 0; n < max; n++) {
    if (!used.has(String(n))) {
      used.add(String(n));
      return String(n);
    }
  }
  throw invalidParameter(`${label}: the VM has no free device number left.`);
}

/** Checked plans for the disk, CD and NIC RASDs, in the order given. */
export function planDevices(dc: DeviceContext, rasds: readonly Rasd[]): DevicePlan[] {
  const { model } = dc;
  const usedVbd = new Set(dc.usedVbd);
  const usedVif = new Set(dc.usedVif);
  // Explicit positions first, so that a later explicit one never collides with an earlier automatic one.
  const wanted = rasds.map((r) => (r.kind === 'nic' ? positionOf(r, MAX_VIF) : positionOf(r, MAX_VBD)));
  rasds.forEach((r, i) => {
    const w = wanted[i];
    if (w !== undefined) claim(r.kind === 'nic' ? usedVif : usedVbd, w, r.kind === 'nic' ? MAX_VIF : MAX_VBD, r.label);
  });
  return rasds.map((rasd, i): DevicePlan => {
    const given = wanted[i];
    const position = given ?? claim(rasd.kind === 'nic' ? usedVif : usedVbd, undefined, rasd.kind === 'nic' ? MAX_VIF : MAX_VBD, rasd.label);
    const access = numberOf(rasd.inst, 'Access');
    switch (rasd.kind) {
      case 'nic': {
        const net = networkOf(model, rasd);
        const mtu = int(net, 'MTU');
        return { kind: 'nic', label: rasd.label, device: position, network: model.refByUuid('network', str(net, 'uuid')) ?? '', mac: macOf(rasd), mtu: Number.isInteger(mtu) && mtu > 0 ? mtu : 1500 };
      }
      case 'cd': {
        if (access === 3 || access === 2) throw invalidParameter(`${rasd.label}: a CD/DVD drive is read-only (Access 1).`);
        const image = namedVdi(model, rasd);
        if (image) {
          const sr = model.get('SR', str(image[1], 'SR'));
          if (!sr || !isCdSr(sr)) throw invalidParameter(`${rasd.label}: ${str(image[1], 'uuid')} is not a CD/DVD image.`);
        }
        return { kind: 'cd', label: rasd.label, userdevice: position, bootable: bootableOf(rasd, false), vdiRef: image?.[0] };
      }
      case 'disk': {
        if (access !== undefined && access !== 0 && access !== 1 && access !== 3) {
          throw invalidParameter(`${rasd.label}: Access must be 1 (Readable) or 3 (Read/Write).`);
        }
        const mode = access === 1 ? 'RO' : 'RW';
        const bootable = bootableOf(rasd, position === '0');
        const image = namedVdi(model, rasd);
        if (image) {
          const sr = model.get('SR', str(image[1], 'SR'));
          if (!sr || !isDiskSr(sr)) throw invalidParameter(`${rasd.label}: ${str(image[1], 'uuid')} is not a disk image.`);
          return { kind: 'disk', label: rasd.label, userdevice: position, bootable, mode, vdi: { ref: image[0] } };
        }
        const [srRef] = srOfPool(model, rasd);
        const unit = bytesPerUnit(textOf(rasd.inst, 'AllocationUnits'), 1, rasd.label);
        const size = bytesOf(rasd.inst, 'VirtualQuantity', unit, rasd.label);
        if (size === undefined || size <= 0) throw invalidParameter(`${rasd.label}: a new disk needs its size in VirtualQuantity.`);
        const name = textOf(rasd.inst, 'ElementName') ?? `${dc.vmName} disk ${position}`;
        return { kind: 'disk', label: rasd.label, userdevice: position, bootable, mode, vdi: { sr: srRef, size, name, description: textOf(rasd.inst, 'Description') ?? '' } };
      }
      default:
        throw invalidParameter(`${rasd.label}: processors and memory are not devices.`);
    }
  });
}

export interface CreatedDevice {
  readonly kind: 'vbd' | 'vif';
  readonly ref: string;
}

/** Creates the planned devices on `vmRef` (plugging them into a running VM when `plug`), each with its undo step. */
export async function createDevices(steps: XenSteps, vmRef: string, plans: readonly DevicePlan[], plug: boolean): Promise<CreatedDevice[]> {
  const out: CreatedDevice[] = [];
  for (const plan of plans) {
    if (plan.kind === 'nic') {
      const vif = await steps.ref('VIF.create', [{
        device: plan.device, network: plan.network, VM: vmRef, MAC: plan.mac, MTU: String(plan.mtu), other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {},
      }]);
      steps.onUndo('VIF.destroy', () => steps.call('VIF.destroy', [vif]));
      if (plug) {
        await steps.call('VIF.plug', [vif]);
        steps.onUndo('VIF.unplug', () => steps.call('VIF.unplug', [vif]));
      }
      out.push({ kind: 'vif', ref: vif });
      continue;
    }
    let vdi = 'OpaqueRef:NULL';
    if (plan.kind === 'cd') vdi = plan.vdiRef ?? vdi;
    else if ('ref' in plan.vdi) vdi = plan.vdi.ref;
    else {
      const spec = plan.vdi;
      const created = await steps.ref('VDI.create', [{
        name_label: spec.name, name_description: spec.description, SR: spec.sr, virtual_size: String(spec.size), type: 'user',
        sharable: false, read_only: false, other_config: {}, xenstore_data: {}, sm_config: {}, tags: [],
      }]);
      steps.onUndo('VDI.destroy', () => steps.call('VDI.destroy', [created]));
      vdi = created;
    }
    const cd = plan.kind === 'cd';
    const vbd = await steps.ref('VBD.create', [{
      VM: vmRef, VDI: vdi, userdevice: plan.userdevice, bootable: plan.bootable, mode: cd ? 'RO' : plan.mode, type: cd ? 'CD' : 'Disk',
      // Data disks can be hot-unplugged later; the boot disk and CD drives stay.
      unpluggable: !cd && !plan.bootable, empty: isNullRef(vdi), other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {},
    }]);
    steps.onUndo('VBD.destroy', () => steps.call('VBD.destroy', [vbd]));
    if (plug) {
      await steps.call('VBD.plug', [vbd]);
      steps.onUndo('VBD.unplug', () => steps.call('VBD.unplug', [vbd]));
    }
    out.push({ kind: 'vbd', ref: vbd });
  }
  return out;
}

/** Userdevice numbers of the VM's VBDs, and device numbers of its VIFs, from the model. */
export function usedPositions(model: XenModel, vm: XenRecord): { vbd: Set<string>; vif: Set<string> } {
  const vbd = new Set<string>();
  const vif = new Set<string>();
  for (const ref of refs(vm, 'VBDs')) {
    const r = model.get('VBD', ref);
    const n = r ? str(r, 'userdevice') : '';
    if (/^\d+$/.test(n)) vbd.add(String(Number(n)));
  }
  for (const ref of refs(vm, 'VIFs')) {
    const r = model.get('VIF', ref);
    if (r) vif.add(str(r, 'device'));
  }
  return { vbd, vif };
}

/** Disk positions a template's VM.provision will take (other_config "disks"). */
export function provisionPositions(template: XenRecord): string[] {
  const xml = map(template, 'other_config')['disks'] ?? '';
  return [...xml.matchAll(/<disk\b[^>]*?\bdevice="(\d+)"/g)].map((m) => String(Number(m[1])));
}
