// VBDs and VIFs: create, destroy, plug/unplug and CD insert/eject with xapi's checks
// (xapi_vbd.ml, xapi_vbd_helpers.ml, xapi_vif_helpers.ml), keeping VM.VBDs/VIFs,
// VDI.VBDs and network.VIFs in step. `check…` functions never mutate; `add…`/`apply…` never
// fail, so every request is checked in full before anything changes.
import { randomUUID } from 'node:crypto';
import { XenFailure } from './errors.js';
import { macFor } from './ids.js';
import { must, newRef, withoutRef, withRef } from './objects.js';
import { vbdAllowedOperations, vifAllowedOperations } from './power.js';
import { makeRecord } from './records.js';
import type { VbdRecord, VmRecord } from './records-vm.js';
import type { Store, Transaction } from './store.js';
import { NULL_REF, type StrMap } from './values.js';

export const VBD_MODES = ['RO', 'RW'] as const;
export const VBD_TYPES = ['CD', 'Disk', 'Floppy'] as const;
/** VDI types a VBD may point at (xapi_vbd.create). */
const ATTACHABLE_VDI_TYPES: ReadonlySet<string> = new Set(['system', 'user', 'ephemeral', 'suspend', 'crashdump', 'metadata']);

/** Userdevice numbers the simulator offers for disks and NICs. */
const VBD_DEVICES = 16;
const VIF_DEVICES = 7;

export interface VbdSpec {
  readonly VM: string;
  readonly VDI: string;
  readonly userdevice: string;
  readonly bootable: boolean;
  readonly mode: (typeof VBD_MODES)[number];
  readonly type: (typeof VBD_TYPES)[number];
  readonly unpluggable: boolean;
  readonly empty: boolean;
  readonly other_config: StrMap;
  readonly qos_algorithm_type: string;
  readonly qos_algorithm_params: StrMap;
  /** The guest device name; "" until attached, unless copied from another VBD. */
  readonly device?: string;
}

/**
 * A device name's disk number as a comparable key: "1", "xvdb", "hdb" and "sdb1" are all
 * disk 1 (xapi expands each name into all its spellings to detect clashes); undefined when
 * the name is not valid (Xapi_vbd_helpers.valid_device).
 */
export function deviceKey(dev: string): string | undefined {
  if (/^-?\d+$/.test(dev)) return String(Number(dev));
  const disk = /^(?:xvd|hd|sd)([a-p])(\d*)$/.exec(dev);
  if (disk !== null) return String((disk[1] ?? 'a').charCodeAt(0) - 97);
  const floppy = /^fd([ab])(\d*)$/.exec(dev);
  return floppy === null ? undefined : `fd${floppy[1] ?? ''}`;
}

function usedDeviceKeys(store: Store, vm: VmRecord): Set<string> {
  const used = new Set<string>();
  for (const ref of vm.VBDs) {
    const vbd = store.get('VBD', ref);
    if (vbd === undefined) continue;
    for (const d of [vbd.userdevice, vbd.device]) {
      const k = deviceKey(d);
      if (k !== undefined) used.add(k);
    }
  }
  return used;
}

/** VM.get_allowed_VBD_devices: the free disk numbers. */
export function allowedVbdDevices(store: Store, vm: VmRecord, extra: ReadonlySet<string> = new Set()): string[] {
  const used = usedDeviceKeys(store, vm);
  const out: string[] = [];
  for (let n = 0; n < VBD_DEVICES; n++) if (!used.has(String(n)) && !extra.has(String(n))) out.push(String(n));
  return out;
}

/** VM.get_allowed_VIF_devices: the free NIC numbers. */
export function allowedVifDevices(store: Store, vm: VmRecord): string[] {
  const used = new Set(vm.VIFs.map((r) => store.get('VIF', r)?.device));
  const out: string[] = [];
  for (let n = 0; n < VIF_DEVICES; n++) if (!used.has(String(n))) out.push(String(n));
  return out;
}

/**
 * VBD.create's checks in xapi's order; returns the userdevice to record ("autodetect"
 * resolved). `taken` holds device keys claimed by other VBDs of the same request.
 */
export function checkVbdCreate(store: Store, spec: VbdSpec, taken: ReadonlySet<string> = new Set()): string {
  if (!spec.empty) {
    const vdi = must(store, 'VDI', spec.VDI);
    if (!ATTACHABLE_VDI_TYPES.has(vdi.type)) throw new XenFailure('VDI_INCOMPATIBLE_TYPE', [spec.VDI, vdi.type]);
  }
  if (spec.type === 'CD' && spec.mode !== 'RO') throw new XenFailure('VBD_CDS_MUST_BE_READONLY', []);
  if (spec.type !== 'CD' && spec.empty) throw new XenFailure('VBD_NOT_REMOVABLE_MEDIA', ['in constructor']);
  if (spec.type === 'CD' && !spec.empty) assertIso(store, spec.VDI);
  if (spec.mode === 'RW' && !spec.empty && must(store, 'VDI', spec.VDI).read_only) throw new XenFailure('VDI_READONLY', [spec.VDI]);
  return resolveUserdevice(store, must(store, 'VM', spec.VM), spec.userdevice, taken);
}

/** Checks a userdevice for a new VBD of `vm` and resolves "autodetect" to the first free number. */
export function resolveUserdevice(store: Store, vm: VmRecord, userdevice: string, taken: ReadonlySet<string> = new Set()): string {
  const free = allowedVbdDevices(store, vm, taken);
  if (userdevice !== 'autodetect' && deviceKey(userdevice) === undefined) throw new XenFailure('INVALID_DEVICE', [userdevice]);
  if (userdevice === 'autodetect' && free.length === 0) throw new XenFailure('INVALID_DEVICE', [userdevice]);
  const resolved = userdevice === 'autodetect' ? (free[0] ?? '') : userdevice;
  const key = deviceKey(resolved) ?? resolved;
  if (usedDeviceKeys(store, vm).has(key) || taken.has(key)) throw new XenFailure('DEVICE_ALREADY_EXISTS', [resolved]);
  return resolved;
}

function assertIso(store: Store, vdiRef: string): void {
  const vdi = must(store, 'VDI', vdiRef);
  const ct = must(store, 'SR', vdi.SR).content_type;
  if (ct !== 'iso') throw new XenFailure('VDI_IS_NOT_ISO', [vdiRef, ct]);
}

/** Adds a VBD (after checkVbdCreate) and links it into its VM and VDI. */
export function addVbd(store: Store, tx: Transaction, spec: VbdSpec, userdevice: string): string {
  const ref = newRef();
  const vm = must(store, 'VM', spec.VM);
  tx.add('VBD', ref, makeRecord('VBD', {
    uuid: randomUUID(),
    allowed_operations: vbdAllowedOperations(false, spec.type === 'CD', spec.empty, spec.unpluggable),
    VM: spec.VM,
    VDI: spec.VDI,
    userdevice,
    device: spec.device ?? '',
    bootable: spec.bootable,
    mode: spec.mode,
    type: spec.type,
    unpluggable: spec.unpluggable,
    empty: spec.empty,
    other_config: spec.other_config,
    qos_algorithm_type: spec.qos_algorithm_type,
    qos_algorithm_params: spec.qos_algorithm_params,
  }));
  tx.update('VM', spec.VM, { VBDs: withRef(vm.VBDs, ref) });
  const vdi = store.get('VDI', spec.VDI);
  if (vdi !== undefined) tx.update('VDI', spec.VDI, { VBDs: withRef(vdi.VBDs, ref) });
  return ref;
}

/** VBD.destroy: only a detached VBD; its VDI stays. */
export function destroyVbd(store: Store, ref: string): (tx: Transaction) => void {
  const vbd = must(store, 'VBD', ref);
  if (vbd.currently_attached) {
    const vmUuid = store.get('VM', vbd.VM)?.uuid ?? vbd.VM;
    throw new XenFailure('OPERATION_NOT_ALLOWED', [`VBD '${vbd.uuid}' still attached to '${vmUuid}'`]);
  }
  return (tx) => unlinkVbd(store, tx, ref, vbd);
}

export function unlinkVbd(store: Store, tx: Transaction, ref: string, vbd: VbdRecord): void {
  const vm = store.get('VM', vbd.VM);
  if (vm !== undefined) tx.update('VM', vbd.VM, { VBDs: withoutRef(vm.VBDs, ref) });
  const vdi = store.get('VDI', vbd.VDI);
  if (vdi !== undefined) tx.update('VDI', vbd.VDI, { VBDs: withoutRef(vdi.VBDs, ref) });
  tx.remove('VBD', ref);
}

/** The guest-visible device name a disk gets when attached: userdevice 1 → xvdb. */
export function deviceName(userdevice: string): string {
  const n = Number(userdevice);
  return Number.isInteger(n) && n >= 0 && n < 26 ? `xvd${String.fromCharCode(97 + n)}` : userdevice;
}

/** VBD.plug / VBD.unplug (xapi_vbd_helpers.valid_operations, first error wins). */
export function plugVbd(store: Store, ref: string, plug: boolean): (tx: Transaction) => void {
  const vbd = must(store, 'VBD', ref);
  if (!plug && !vbd.unpluggable) throw new XenFailure('VBD_NOT_UNPLUGGABLE', [ref]);
  const vm = must(store, 'VM', vbd.VM);
  if (vm.power_state !== 'Running') throw new XenFailure('VM_BAD_POWER_STATE', [vbd.VM, 'running', vm.power_state.toLowerCase()]);
  if (plug && vbd.currently_attached) throw new XenFailure('DEVICE_ALREADY_ATTACHED', [ref]);
  if (!plug && !vbd.currently_attached) throw new XenFailure('DEVICE_ALREADY_DETACHED', [ref]);
  if (vbd.type === 'CD' && vm.domain_type === 'hvm') {
    throw new XenFailure('OPERATION_NOT_ALLOWED', ['HVM CDROMs cannot be hotplugged/unplugged, only inserted or ejected']);
  }
  return (tx) =>
    tx.update('VBD', ref, {
      currently_attached: plug,
      device: plug && vbd.device === '' ? deviceName(vbd.userdevice) : vbd.device,
      allowed_operations: vbdAllowedOperations(plug, vbd.type === 'CD', vbd.empty, vbd.unpluggable),
    });
}

function assertNotSuspended(vm: VmRecord, vmRef: string): void {
  if (vm.power_state === 'Suspended') throw new XenFailure('VM_BAD_POWER_STATE', [vmRef, 'halted, running', 'suspended']);
}

/** VBD.insert: puts an ISO into an empty CD drive. */
export function insertVbd(store: Store, ref: string, vdiRef: string): (tx: Transaction) => void {
  const vbd = must(store, 'VBD', ref);
  assertNotSuspended(must(store, 'VM', vbd.VM), vbd.VM);
  if (vbd.type !== 'CD') throw new XenFailure('VBD_NOT_REMOVABLE_MEDIA', [ref]);
  if (!vbd.empty) throw new XenFailure('VBD_NOT_EMPTY', [ref]);
  assertIso(store, vdiRef);
  const vdi = must(store, 'VDI', vdiRef);
  return (tx) => {
    tx.update('VBD', ref, { VDI: vdiRef, empty: false, allowed_operations: vbdAllowedOperations(vbd.currently_attached, true, false, vbd.unpluggable) });
    tx.update('VDI', vdiRef, { VBDs: withRef(vdi.VBDs, ref) });
  };
}

/** VBD.eject: empties a CD drive. */
export function ejectVbd(store: Store, ref: string): (tx: Transaction) => void {
  const vbd = must(store, 'VBD', ref);
  if (vbd.type !== 'CD') throw new XenFailure('VBD_NOT_REMOVABLE_MEDIA', [ref]);
  if (vbd.empty) throw new XenFailure('VBD_IS_EMPTY', [ref]);
  assertNotSuspended(must(store, 'VM', vbd.VM), vbd.VM);
  return (tx) => {
    tx.update('VBD', ref, { VDI: NULL_REF, empty: true, allowed_operations: vbdAllowedOperations(vbd.currently_attached, true, true, vbd.unpluggable) });
    const vdi = store.get('VDI', vbd.VDI);
    if (vdi !== undefined) tx.update('VDI', vbd.VDI, { VBDs: withoutRef(vdi.VBDs, ref) });
  };
}

export interface VifSpec {
  readonly device: string;
  readonly network: string;
  readonly VM: string;
  readonly MAC: string;
  readonly MTU: number;
  readonly other_config: StrMap;
  readonly qos_algorithm_type: string;
  readonly qos_algorithm_params: StrMap;
  readonly locking_mode: string;
  readonly ipv4_allowed: readonly string[];
  readonly ipv6_allowed: readonly string[];
}

const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/**
 * VIF.create's checks in xapi's order; returns the MAC to record and whether it was
 * generated ("" with a mac_seed on the VM → derived from the seed and the device).
 */
export function checkVifCreate(store: Store, spec: VifSpec): { mac: string; generated: boolean } {
  const vm = must(store, 'VM', spec.VM);
  must(store, 'network', spec.network);
  if (!/^-?\d+$/.test(spec.device)) throw new XenFailure('INVALID_DEVICE', [spec.device]);
  const seed = vm.other_config['mac_seed'];
  const generated = spec.MAC === '' && seed !== undefined;
  const mac = generated ? macFor(`${seed}/${spec.device}`) : spec.MAC;
  if (!MAC.test(mac)) throw new XenFailure('MAC_INVALID', [mac]);
  if (vm.VIFs.some((r) => store.get('VIF', r)?.device === spec.device)) throw new XenFailure('DEVICE_ALREADY_EXISTS', [spec.device]);
  return { mac, generated };
}

/** Adds a VIF (after checkVifCreate), detached, and links it into its VM and network. */
export function addVif(store: Store, tx: Transaction, spec: VifSpec, mac: string, generated: boolean): string {
  const ref = newRef();
  tx.add('VIF', ref, makeRecord('VIF', {
    uuid: randomUUID(),
    allowed_operations: vifAllowedOperations(false),
    device: spec.device,
    network: spec.network,
    VM: spec.VM,
    MAC: mac,
    MTU: String(spec.MTU),
    other_config: spec.other_config,
    qos_algorithm_type: spec.qos_algorithm_type,
    qos_algorithm_params: spec.qos_algorithm_params,
    MAC_autogenerated: generated,
    locking_mode: spec.locking_mode,
    ipv4_allowed: spec.ipv4_allowed,
    ipv6_allowed: spec.ipv6_allowed,
  }));
  const vm = must(store, 'VM', spec.VM);
  tx.update('VM', spec.VM, { VIFs: withRef(vm.VIFs, ref) });
  const net = must(store, 'network', spec.network);
  tx.update('network', spec.network, { VIFs: withRef(net.VIFs, ref) });
  return ref;
}

const live = (vm: VmRecord | undefined): boolean => vm?.power_state === 'Running' || vm?.power_state === 'Paused';

/** VIF.destroy: not while attached to a running VM. */
export function destroyVif(store: Store, ref: string): (tx: Transaction) => void {
  const vif = must(store, 'VIF', ref);
  const vm = store.get('VM', vif.VM);
  if (live(vm) && vif.currently_attached) throw new XenFailure('OPERATION_NOT_ALLOWED', ['VIF currently attached to a running VM']);
  return (tx) => {
    if (vm !== undefined) tx.update('VM', vif.VM, { VIFs: withoutRef(vm.VIFs, ref) });
    const net = store.get('network', vif.network);
    if (net !== undefined) tx.update('network', vif.network, { VIFs: withoutRef(net.VIFs, ref) });
    tx.remove('VIF', ref);
  };
}

/** VIF.plug / VIF.unplug (xapi_vif_helpers.valid_operations). */
export function plugVif(store: Store, ref: string, plug: boolean): (tx: Transaction) => void {
  const vif = must(store, 'VIF', ref);
  const vm = must(store, 'VM', vif.VM);
  if (vm.power_state !== 'Running') throw new XenFailure('VM_BAD_POWER_STATE', [vif.VM, 'running', vm.power_state.toLowerCase()]);
  if (plug && vif.currently_attached) throw new XenFailure('DEVICE_ALREADY_ATTACHED', [ref]);
  if (!plug && !vif.currently_attached) throw new XenFailure('DEVICE_ALREADY_DETACHED', [ref]);
  return (tx) => tx.update('VIF', ref, { currently_attached: plug, allowed_operations: vifAllowedOperations(plug) });
}
