// VM power operations: check with xapi's rules (power.ts), then apply every consequence in
// one transaction so clients see one consistent batch of events: the VM (power_state, domid,
// resident_on, allowed_operations, suspend_VDI), its VBDs and VIFs (currently_attached), the
// host (resident_VMs) and the suspend-image VDI and its SR. Metrics change silently, as in xapi.
import { randomUUID } from 'node:crypto';
import { deviceName } from './devices.js';
import { handleInvalid, XenFailure } from './errors.js';
import { allowedOperations, operationError, vbdAllowedOperations, vifAllowedOperations, type VmOperation } from './power.js';
import { makeRecord } from './records.js';
import type { VmRecord } from './records-vm.js';
import type { World } from './seed.js';
import type { Transaction } from './store.js';
import { DateTime, NULL_REF } from './values.js';

export type PowerOperation =
  | 'start'
  | 'start_on'
  | 'clean_shutdown'
  | 'hard_shutdown'
  | 'shutdown'
  | 'clean_reboot'
  | 'hard_reboot'
  | 'pause'
  | 'unpause'
  | 'suspend'
  | 'resume';

export interface PowerOptions {
  readonly startPaused?: boolean;
}

/** Runs a power operation on `ref`, or throws the XenFailure xapi would send. */
export function powerOperation(world: World, ref: string, op: PowerOperation, opts: PowerOptions = {}): void {
  const vm = world.store.get('VM', ref);
  if (vm === undefined) throw handleInvalid('VM', ref);
  const failure = operationError(vm, ref, op as VmOperation);
  if (failure !== undefined) throw new XenFailure(failure[0], failure.slice(1));
  if (op === 'start' || op === 'start_on') validateForStart(world, vm);
  const paused = opts.startPaused === true;
  const from = vm.power_state;
  world.store.transact((tx) => {
    switch (op) {
      case 'start':
      case 'start_on':
        goLive(world, tx, ref, vm, paused ? 'Paused' : 'Running');
        break;
      case 'resume':
        goLive(world, tx, ref, vm, paused ? 'Paused' : 'Running');
        dropSuspendImage(world, tx, ref, vm);
        break;
      case 'pause':
        tx.update('VM', ref, { power_state: 'Paused' });
        break;
      case 'unpause':
        tx.update('VM', ref, { power_state: 'Running' });
        break;
      case 'clean_reboot':
      case 'hard_reboot':
        tx.update('VM', ref, { power_state: 'Running', domid: String(world.nextDomid++) });
        world.store.updateSilently('VM_metrics', vm.metrics, { start_time: now(), last_updated: now() });
        break;
      case 'suspend':
        goDown(world, tx, ref, vm, 'Suspended');
        tx.update('VM', ref, { suspend_VDI: addSuspendImage(world, tx, vm) });
        break;
      case 'clean_shutdown':
      case 'hard_shutdown':
      case 'shutdown':
        if (from === 'Suspended') dropSuspendImage(world, tx, ref, vm);
        else goDown(world, tx, ref, vm, 'Halted');
        tx.update('VM', ref, { power_state: 'Halted' });
        break;
    }
    tx.update('VM', ref, { allowed_operations: allowedOperations(vm, ref) });
  });
}

const now = (): DateTime => DateTime.fromMillis(Date.now());

/**
 * What xapi checks before booting a VM whose record nobody validated since VM.create
 * (Xapi_vm_helpers.validate_basic_parameters, then the host's pCPU count).
 */
function validateForStart(world: World, vm: VmRecord): void {
  const max = Number(vm.VCPUs_max);
  const atStartup = Number(vm.VCPUs_at_startup);
  if (max < 1) throw new XenFailure('INVALID_VALUE', ['VCPUs_max', vm.VCPUs_max]);
  if (atStartup < 1) throw new XenFailure('INVALID_VALUE', ['VCPUs-at-startup', vm.VCPUs_at_startup]);
  if (atStartup > max) throw new XenFailure('VALUE_NOT_SUPPORTED', ['VCPUs-at-startup', vm.VCPUs_at_startup, 'value greater than VCPUs-max']);
  const smin = Number(vm.memory_static_min);
  const dmin = Number(vm.memory_dynamic_min);
  const dmax = Number(vm.memory_dynamic_max);
  const smax = Number(vm.memory_static_max);
  if (!(smin <= dmin && dmin <= dmax && dmax <= smax)) throw new XenFailure('MEMORY_CONSTRAINT_VIOLATION', []);
  const pcpus = Number(world.store.get('host', world.host)?.cpu_info['cpu_count'] ?? 0);
  if (pcpus > 0 && max > pcpus) throw new XenFailure('HOST_NOT_ENOUGH_PCPUS', [vm.VCPUs_max, String(pcpus)]);
}

/** The memory target a domain gets: VM.create leaves memory_target at 0, xapi boots at dynamic_min. */
function bootTarget(vm: VmRecord): string {
  return Number(vm.memory_target) > 0 ? vm.memory_target : vm.memory_dynamic_min;
}

function footprint(vm: VmRecord): number {
  return Number(vm.memory_target) + Number(vm.memory_overhead);
}

function goLive(world: World, tx: Transaction, ref: string, vm: VmRecord, state: 'Running' | 'Paused'): void {
  const { store } = world;
  const hm = store.get('host_metrics', world.hostMetrics);
  const free = Number(hm?.memory_free ?? 0);
  const target = bootTarget(vm);
  const needed = Number(target) + Number(vm.memory_overhead);
  if (needed > free) throw new XenFailure('HOST_NOT_ENOUGH_FREE_MEMORY', [String(needed), String(free)]);
  tx.update('VM', ref, { power_state: state, domid: String(world.nextDomid++), resident_on: world.host, memory_target: target });
  setAttached(tx, world, vm, true);
  const host = store.get('host', world.host);
  if (host !== undefined) tx.update('host', world.host, { resident_VMs: [...host.resident_VMs, ref] });
  store.updateSilently('host_metrics', world.hostMetrics, { memory_free: String(free - needed), last_updated: now() });
  store.updateSilently('VM_metrics', vm.metrics, {
    memory_actual: vm.memory_target,
    VCPUs_number: vm.VCPUs_at_startup,
    VCPUs_utilisation: { '0': 0 },
    start_time: now(),
    last_updated: now(),
    hvm: vm.domain_type === 'hvm',
    current_domain_type: vm.domain_type,
  });
}

function goDown(world: World, tx: Transaction, ref: string, vm: VmRecord, state: 'Halted' | 'Suspended'): void {
  const { store } = world;
  tx.update('VM', ref, { power_state: state, domid: '-1', resident_on: NULL_REF });
  setAttached(tx, world, vm, false);
  const host = store.get('host', world.host);
  if (host !== undefined) tx.update('host', world.host, { resident_VMs: host.resident_VMs.filter((r) => r !== ref) });
  const hm = store.get('host_metrics', world.hostMetrics);
  const free = Number(hm?.memory_free ?? 0) + footprint(vm);
  store.updateSilently('host_metrics', world.hostMetrics, { memory_free: String(free), last_updated: now() });
  store.updateSilently('VM_metrics', vm.metrics, {
    memory_actual: '0',
    VCPUs_number: '0',
    VCPUs_utilisation: {},
    last_updated: now(),
    hvm: false,
    current_domain_type: 'unspecified',
  });
}

function setAttached(tx: Transaction, world: World, vm: VmRecord, attached: boolean): void {
  for (const vbd of vm.VBDs) {
    const r = world.store.get('VBD', vbd);
    if (r === undefined || r.currently_attached === attached) continue;
    tx.update('VBD', vbd, {
      currently_attached: attached,
      // xapi names the device when it attaches a VBD created with device "".
      device: attached && r.device === '' ? deviceName(r.userdevice) : r.device,
      allowed_operations: vbdAllowedOperations(attached, r.type === 'CD', r.empty, r.unpluggable),
    });
  }
  for (const vif of vm.VIFs) {
    const r = world.store.get('VIF', vif);
    if (r === undefined || r.currently_attached === attached) continue;
    tx.update('VIF', vif, { currently_attached: attached, allowed_operations: vifAllowedOperations(attached) });
  }
}

/** Writes the memory image to a new VDI of type "suspend" on the pool's suspend-image SR. */
function addSuspendImage(world: World, tx: Transaction, vm: VmRecord): string {
  const pool = world.store.get('pool', world.pool);
  const sr = pool?.suspend_image_SR ?? world.srLocal;
  const size = String(Number(vm.memory_static_max) + 12 * 1024 * 1024);
  const ref = `OpaqueRef:${randomUUID()}`;
  tx.add('VDI', ref, makeRecord('VDI', {
    uuid: randomUUID(),
    name_label: 'Suspend image',
    name_description: 'Suspend image',
    allowed_operations: ['destroy'],
    SR: sr,
    virtual_size: size,
    physical_utilisation: size,
    type: 'suspend',
    sm_config: { vdi_type: 'vhd' },
  }));
  const srRec = world.store.get('SR', sr);
  if (srRec !== undefined) tx.update('SR', sr, { VDIs: [...srRec.VDIs, ref] });
  return ref;
}

/** Resume and hard shutdown discard the suspend image. */
function dropSuspendImage(world: World, tx: Transaction, ref: string, vm: VmRecord): void {
  const vdi = vm.suspend_VDI;
  const rec = world.store.get('VDI', vdi);
  if (rec !== undefined) {
    const sr = world.store.get('SR', rec.SR);
    if (sr !== undefined) tx.update('SR', rec.SR, { VDIs: sr.VDIs.filter((r) => r !== vdi) });
    tx.remove('VDI', vdi);
  }
  tx.update('VM', ref, { suspend_VDI: NULL_REF });
}
