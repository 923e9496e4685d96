// xapi's VM operation checks (xapi_vm_lifecycle.ml): which power states allow an operation,
// the template/snapshot/control-domain exceptions, and allowed_operations derived from them.
// The order of checks matters because clients see only the first error: blocked operations,
// then power state, then template, snapshot and control domain.
import type { VmRecord } from './records-vm.js';

export type PowerState = 'Halted' | 'Paused' | 'Running' | 'Suspended';

const H: PowerState = 'Halted';
const P: PowerState = 'Paused';
const R: PowerState = 'Running';
const S: PowerState = 'Suspended';

/** allowed_power_states for the operations the simulator knows. */
const POWER_STATES = {
  start: [H],
  start_on: [H],
  provision: [H],
  make_into_template: [H],
  changing_shadow_memory: [H],
  changing_VCPUs: [H],
  changing_static_range: [H],
  changing_memory_limits: [H],
  unpause: [P],
  resume: [S],
  resume_on: [S],
  clean_reboot: [R],
  clean_shutdown: [R],
  changing_VCPUs_live: [R],
  pause: [R],
  pool_migrate: [R],
  snapshot_with_quiesce: [R],
  suspend: [R],
  changing_dynamic_range: [H, R],
  clone: [H],
  copy: [H],
  destroy: [H, S],
  export: [H, S],
  hard_reboot: [P, R],
  checkpoint: [P, S, R],
  shutdown: [P, S, R],
  hard_shutdown: [P, S, R],
  migrate_send: [H, S, R],
  metadata_export: [H, P, S, R],
  revert: [H, P, S, R],
  snapshot: [H, P, S, R],
} as const satisfies { readonly [op: string]: readonly PowerState[] };

export type VmOperation = keyof typeof POWER_STATES;

/** Operations a template (not a snapshot) still allows. */
const TEMPLATE_OPS: ReadonlySet<VmOperation> = new Set<VmOperation>([
  'changing_dynamic_range',
  'changing_static_range',
  'changing_memory_limits',
  'changing_shadow_memory',
  'changing_VCPUs',
  'clone',
  'copy',
  'export',
  'metadata_export',
  'provision',
]);

const SNAPSHOT_OPS: ReadonlySet<VmOperation> = new Set<VmOperation>([
  'revert',
  'clone',
  'copy',
  'export',
  'destroy',
  'hard_shutdown',
  'metadata_export',
]);

const CONTROL_DOMAIN_OPS: ReadonlySet<VmOperation> = new Set<VmOperation>([
  'changing_dynamic_range',
  'changing_memory_limits',
  'changing_static_range',
  'metadata_export',
  'start',
  'start_on',
  'changing_VCPUs',
  'destroy',
]);

/** The operations xapi evaluates for allowed_operations, in its order. */
const LISTED_OPS: readonly VmOperation[] = [
  'snapshot',
  'copy',
  'clone',
  'revert',
  'checkpoint',
  'snapshot_with_quiesce',
  'start',
  'start_on',
  'pause',
  'unpause',
  'clean_shutdown',
  'clean_reboot',
  'hard_shutdown',
  'hard_reboot',
  'suspend',
  'resume',
  'resume_on',
  'export',
  'destroy',
  'provision',
  'changing_VCPUs_live',
  'pool_migrate',
  'migrate_send',
  'make_into_template',
  'changing_static_range',
  'changing_shadow_memory',
  'changing_dynamic_range',
];

function allowedPowerStates(vm: VmRecord, op: VmOperation): readonly PowerState[] {
  // dom0 may change its VCPUs and memory limits while running.
  if (vm.is_control_domain && (op === 'changing_VCPUs' || op === 'changing_static_range' || op === 'changing_memory_limits')) {
    return [H, R];
  }
  if ((op === 'clone' || op === 'copy') && vm.is_a_snapshot) return [H, S];
  return POWER_STATES[op];
}

/** Operations that may run together (xapi_vm_lifecycle is_allowed_concurrently): each with the others of its group. */
const CONCURRENT: readonly ReadonlySet<string>[] = [new Set(['clone', 'copy', 'export']), new Set(['snapshot', 'checkpoint'])];

/** An API error as [code, ...params]; a plain array, because allowed_operations evaluates
 *  thousands of these during seeding and Error objects (with stack traces) are costly. */
export type Failure = readonly [code: string, ...params: string[]];

/** The first error xapi would raise for `op` on this VM, or undefined when it is allowed. */
export function operationError(vm: VmRecord, ref: string, op: VmOperation): Failure | undefined {
  const blocked = vm.blocked_operations[op];
  if (blocked !== undefined) return ['OPERATION_BLOCKED', ref, blocked];

  const states = allowedPowerStates(vm, op);
  const actual = vm.power_state as PowerState;
  if (!states.includes(actual)) {
    const expected = states.map((s) => s.toLowerCase()).join(', ');
    return ['VM_BAD_POWER_STATE', ref, expected, actual.toLowerCase()];
  }
  // Operations in progress (Async tasks not yet finished) exclude others, but for the few
  // groups xapi lets run side by side.
  const current = Object.values(vm.current_operations);
  if (current.length > 0 && !CONCURRENT.some((group) => group.has(op) && current.every((c) => group.has(c)))) {
    return ['OTHER_OPERATION_IN_PROGRESS', `VM.${current.length === 1 ? current[0] : `{${current.join(',')}}`}`, ref];
  }
  if (vm.is_a_template && !vm.is_a_snapshot) {
    const isDefault = vm.is_default_template || vm.other_config['default_template'] === 'true';
    const allowed = TEMPLATE_OPS.has(op) || ((op === 'destroy' || op === 'migrate_send') && !isDefault);
    if (!allowed) return ['VM_IS_TEMPLATE', ref, op];
  }
  if (vm.is_a_snapshot && !SNAPSHOT_OPS.has(op)) return ['VM_IS_SNAPSHOT', ref, op];
  if (op === 'provision' && !vm.is_a_template) return ['ONLY_PROVISION_TEMPLATE'];
  if (op === 'revert' && !vm.is_a_snapshot) return ['ONLY_REVERT_SNAPSHOT'];
  if (vm.is_control_domain) {
    if ((op === 'changing_VCPUs' || op === 'destroy') && vm.domid === '0') {
      return ['OPERATION_NOT_ALLOWED', 'This operation is not allowed on dom0'];
    }
    if (!CONTROL_DOMAIN_OPS.has(op)) {
      return ['OPERATION_NOT_ALLOWED', 'This operation is not allowed on a control domain'];
    }
  }
  // Quiesced snapshots need guest-agent features, and the simulator has no guest metrics.
  if (op === 'snapshot_with_quiesce') return ['VM_SNAPSHOT_WITH_QUIESCE_NOT_SUPPORTED', ref];
  return undefined;
}

const ALLOWED_CACHE = new Map<string, readonly string[]>();

/**
 * VM.allowed_operations as xapi computes it (its fold prepends, hence the reversed order).
 * The answer depends only on a few flags, so it is computed once per combination and shared
 * (frozen) between VMs; that matters when seeding tens of thousands of VMs.
 */
export function allowedOperations(vm: VmRecord, ref: string): readonly string[] {
  const isDefault = vm.is_default_template || vm.other_config['default_template'] === 'true';
  const key = Object.keys(vm.blocked_operations).length > 0 || Object.keys(vm.current_operations).length > 0
    ? undefined
    : `${vm.power_state}|${vm.is_a_template}|${isDefault}|${vm.is_a_snapshot}|${vm.is_control_domain}|${vm.domid === '0'}`;
  const cached = key === undefined ? undefined : ALLOWED_CACHE.get(key);
  if (cached !== undefined) return cached;
  const out: string[] = [];
  for (const op of LISTED_OPS) if (operationError(vm, ref, op) === undefined) out.push(op);
  const result = Object.freeze(out.reverse());
  if (key !== undefined) ALLOWED_CACHE.set(key, result);
  return result;
}

const frozen = (ops: string[]): readonly string[] => Object.freeze(ops);
const VBD_OPS = {
  diskOn: frozen(['unplug', 'unplug_force']),
  diskOff: frozen(['attach']),
  cdOn: frozen(['eject', 'unplug', 'unplug_force']),
  cdOff: frozen(['eject', 'attach']),
  emptyCdOn: frozen(['insert', 'unplug', 'unplug_force']),
  emptyCdOff: frozen(['insert', 'attach']),
};

const NOT_UNPLUGGABLE = new Set(['unplug', 'unplug_force']);
const FIXED = new Map<readonly string[], readonly string[]>(
  Object.values(VBD_OPS).map((ops) => [ops, frozen(ops.filter((op) => !NOT_UNPLUGGABLE.has(op)))]),
);

/** VBD.allowed_operations for an attached or detached device; a non-unpluggable one cannot be unplugged. */
export function vbdAllowedOperations(attached: boolean, isCd: boolean, empty: boolean, unpluggable = true): readonly string[] {
  const ops = !isCd
    ? attached ? VBD_OPS.diskOn : VBD_OPS.diskOff
    : empty
      ? attached ? VBD_OPS.emptyCdOn : VBD_OPS.emptyCdOff
      : attached ? VBD_OPS.cdOn : VBD_OPS.cdOff;
  return unpluggable ? ops : (FIXED.get(ops) ?? ops);
}

const VIF_ON = frozen(['unplug', 'unplug_force']);
const VIF_OFF = frozen(['attach']);

export function vifAllowedOperations(attached: boolean): readonly string[] {
  return attached ? VIF_ON : VIF_OFF;
}
