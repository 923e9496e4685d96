// Memory and vCPU settings of a VM with xapi's checks: the operation check of
// message_forwarding's with_vm_operation (power state, template, dom0), then
// Vm_memory_constraints (xapi_vm_memory_constraints.ml) or the vCPU rules of xapi_vm.ml.
// Each function checks and returns the change to apply; a refused change throws first.
import { XenFailure } from './errors.js';
import { must, vmForOperation } from './objects.js';
import type { VmRecord } from './records-vm.js';
import { memoryOverhead } from './seed-guest.js';
import type { World } from './seed.js';
import type { Transaction } from './store.js';

export interface MemoryLimits {
  readonly static_min: number;
  readonly static_max: number;
  readonly dynamic_min: number;
  readonly dynamic_max: number;
}

type Apply = (tx: Transaction) => void;

const limitsOf = (vm: VmRecord): MemoryLimits => ({
  static_min: Number(vm.memory_static_min),
  static_max: Number(vm.memory_static_max),
  dynamic_min: Number(vm.memory_dynamic_min),
  dynamic_max: Number(vm.memory_dynamic_max),
});

/**
 * static_min ≤ dynamic_min ≤ dynamic_max ≤ static_max, or for a control domain (which cannot
 * balloon) static_min ≤ dynamic_min = dynamic_max = static_max.
 */
function assertValid(vm: VmRecord, c: MemoryLimits): void {
  if (vm.is_control_domain) {
    const pinned = c.static_min <= c.dynamic_min && c.dynamic_min === c.dynamic_max && c.dynamic_max === c.static_max;
    if (!pinned) throw new XenFailure('MEMORY_CONSTRAINT_VIOLATION_MAXPIN', ['control domain']);
    return;
  }
  const ordered = c.static_min <= c.dynamic_min && c.dynamic_min <= c.dynamic_max && c.dynamic_max <= c.static_max;
  if (!ordered) throw new XenFailure('MEMORY_CONSTRAINT_VIOLATION_ORDER', []);
}

const overhead = (staticMax: number, vcpus: number): string => String(memoryOverhead(staticMax, vcpus));

/** Writes limits (target = dynamic_min, overhead recomputed); a running control domain then needs a reboot. */
function writeLimits(tx: Transaction, ref: string, vm: VmRecord, c: MemoryLimits): void {
  tx.update('VM', ref, {
    memory_static_min: String(c.static_min),
    memory_dynamic_min: String(c.dynamic_min),
    memory_target: String(c.dynamic_min),
    memory_dynamic_max: String(c.dynamic_max),
    memory_static_max: String(c.static_max),
    memory_overhead: overhead(c.static_max, Number(vm.VCPUs_max)),
    ...(vm.is_control_domain && vm.power_state === 'Running' ? { requires_reboot: true } : {}),
  });
}

/** VM.set_memory_limits (Halted; a control domain also Running). */
export function setMemoryLimits(world: World, ref: string, c: MemoryLimits): Apply {
  const vm = vmForOperation(world.store, ref, 'changing_memory_limits');
  assertValid(vm, c);
  return (tx) => writeLimits(tx, ref, vm, c);
}

/** VM.set_memory: static_max = dynamic_min = dynamic_max = value, as set_memory_limits. */
export function setMemory(world: World, ref: string, value: number): Apply {
  const vm = vmForOperation(world.store, ref, 'changing_memory_limits');
  const c = { static_min: Number(vm.memory_static_min), static_max: value, dynamic_min: value, dynamic_max: value };
  assertValid(vm, c);
  return (tx) => writeLimits(tx, ref, vm, c);
}

/** VM.set_memory_static_range (Halted). */
export function setStaticRange(world: World, ref: string, min: number, max: number): Apply {
  const vm = vmForOperation(world.store, ref, 'changing_static_range');
  const c = { ...limitsOf(vm), static_min: min, static_max: max };
  assertValid(vm, c);
  return (tx) => writeLimits(tx, ref, vm, c);
}

/**
 * VM.set_memory_dynamic_range (Halted or Running). For a running VM the new target
 * (dynamic_min) must fit in the host's free memory; the domain balloons to it at once.
 */
export function setDynamicRange(world: World, ref: string, min: number, max: number): Apply {
  const { store } = world;
  const vm = vmForOperation(store, ref, 'changing_dynamic_range');
  const c = { ...limitsOf(vm), dynamic_min: min, dynamic_max: max };
  assertValid(vm, c);
  const live = vm.power_state === 'Running';
  const grow = live ? min - Number(vm.memory_target) : 0;
  const free = Number(store.get('host_metrics', world.hostMetrics)?.memory_free ?? 0);
  if (grow > free) throw new XenFailure('HOST_NOT_ENOUGH_FREE_MEMORY', [String(grow), String(free)]);
  return (tx) => {
    tx.update('VM', ref, { memory_dynamic_min: String(min), memory_target: String(min), memory_dynamic_max: String(max) });
    if (!live) return;
    store.updateSilently('host_metrics', world.hostMetrics, { memory_free: String(free - grow) });
    store.updateSilently('VM_metrics', vm.metrics, { memory_actual: String(min) });
  };
}

const VCPU_RULE = 'VCPU values must satisfy: 0 < VCPUs_at_startup ≤ VCPUs_max';

/** VM.set_VCPUs_max (Halted; not dom0): at least 1 and at least VCPUs_at_startup. */
export function setVcpusMax(world: World, ref: string, value: number): Apply {
  const vm = vmForOperation(world.store, ref, 'changing_VCPUs');
  if (value < 1 || value < Number(vm.VCPUs_at_startup)) throw new XenFailure('INVALID_VALUE', [VCPU_RULE, String(value)]);
  return (tx) =>
    tx.update('VM', ref, {
      VCPUs_max: String(value),
      memory_overhead: overhead(Number(vm.memory_static_max), value),
      ...(vm.is_control_domain && vm.power_state === 'Running' ? { requires_reboot: true } : {}),
    });
}

/**
 * VM.set_VCPUs_at_startup: 1 ≤ value ≤ VCPUs_max. Current xapi checks no power state for
 * this one (it takes effect at the next boot); dom0 is refused.
 */
export function setVcpusAtStartup(world: World, ref: string, value: number): Apply {
  const vm = must(world.store, 'VM', ref);
  if (vm.is_control_domain && vm.domid === '0') {
    throw new XenFailure('OPERATION_NOT_ALLOWED', ['set_VCPUs_at_startup is not allowed on dom0']);
  }
  if (value < 1 || value > Number(vm.VCPUs_max)) throw new XenFailure('INVALID_VALUE', [VCPU_RULE, String(value)]);
  return (tx) => tx.update('VM', ref, { VCPUs_at_startup: String(value) });
}

/** VM.set_VCPUs_number_live (Running, PV only): hot-plugs vCPUs up to VCPUs_max. */
export function setVcpusLive(world: World, ref: string, value: number): Apply {
  const vm = vmForOperation(world.store, ref, 'changing_VCPUs_live');
  if (value < 1 || value > Number(vm.VCPUs_max)) {
    throw new XenFailure('INVALID_VALUE', ['VCPU values must satisfy: 0 < VCPUs ≤ VCPUs_max', String(value)]);
  }
  if (vm.domain_type === 'hvm') throw new XenFailure('OPERATION_NOT_ALLOWED', ['HVM VMs cannot hotplug CPUs']);
  return (tx) => {
    tx.update('VM', ref, { VCPUs_at_startup: String(value) });
    world.store.updateSilently('VM_metrics', vm.metrics, { VCPUs_number: String(value) });
  };
}
