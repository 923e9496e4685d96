// The VM-wide settings the management methods write: a VSSD's properties (name, description,
// type, start-up and crash actions, boot order, tags) and the vCPU and memory limits. Each
// writer changes only what differs from the VM's record and registers how to undo it.
import type { InstanceLike } from '../../cim/types.js';
import type { XenParam } from '../../xenapi/client.js';
import { map, refs, str, type XenRecord } from '../../xenapi/values.js';
import { virtualSystemType } from '../virtual-system/settings.js';
import { invalidParameter, invalidState, numberOf, textOf, textsOf, type XenSteps } from './management-methods-common.js';
import { limitParams, sameLimits, type MemoryLimits, type VcpuSettings } from './management-methods-rasd.js';

export const HVM_TYPE = 'DMTF:Xen:HVM';
export const PV_TYPE = 'DMTF:Xen:PV';
const KNOWN_TYPES = new Set([HVM_TYPE, PV_TYPE, 'DMTF:Xen:PVH']);

/** A VSSD as the methods read it; absent properties are left as they are. */
export interface SystemSettings {
  readonly instanceId: string | undefined;
  readonly name: string | undefined;
  readonly description: string | undefined;
  readonly type: string | undefined;
  readonly autoStart: boolean | undefined;
  readonly crashAction: 'destroy' | 'restart' | undefined;
  readonly bootOrder: string | undefined;
  readonly tags: readonly string[] | undefined;
  /** Xen_VirtualSystemSettingData.ReferenceTemplate (DefineSystem only) */
  readonly template: string | undefined;
}

const RESTARTS = new Set(['restart', 'coredump_and_restart', 'rename_restart']);

/** Checks and reads a VSSD: values XenAPI has no counterpart for answer 4 (Invalid Parameter). */
export function readSystemSettings(inst: InstanceLike): SystemSettings {
  const what = `SystemSettings (${inst.className})`;
  const name = textOf(inst, 'ElementName');
  if (name !== undefined && name.trim() === '') throw invalidParameter(`${what}: ElementName cannot be empty.`);
  const type = textOf(inst, 'VirtualSystemType');
  if (type !== undefined && !KNOWN_TYPES.has(type)) throw invalidParameter(`${what}: VirtualSystemType must be ${HVM_TYPE} or ${PV_TYPE}.`);
  const startup = numberOf(inst, 'AutomaticStartupAction');
  if (startup !== undefined && startup !== 2 && startup !== 4) throw invalidParameter(`${what}: AutomaticStartupAction must be 2 (None) or 4 (Always startup).`);
  const recovery = numberOf(inst, 'AutomaticRecoveryAction');
  if (recovery !== undefined && recovery !== 2 && recovery !== 3) throw invalidParameter(`${what}: AutomaticRecoveryAction must be 2 (None) or 3 (Restart).`);
  const shutdown = numberOf(inst, 'AutomaticShutdownAction');
  if (shutdown !== undefined && shutdown !== 4) throw invalidParameter(`${what}: AutomaticShutdownAction can only be 4 (Shutdown).`);
  const bootOrder = textOf(inst, 'BootOrder');
  if (bootOrder !== undefined && (!/^[acdn]{1,4}$/.test(bootOrder) || new Set(bootOrder).size !== bootOrder.length)) {
    throw invalidParameter(`${what}: BootOrder is a string of the boot devices c (disk), d (CD/DVD), n (network) and a (floppy), each once.`);
  }
  return {
    instanceId: textOf(inst, 'InstanceID'),
    name,
    description: textOf(inst, 'Description'),
    type,
    autoStart: startup === undefined ? undefined : startup === 4,
    crashAction: recovery === undefined ? undefined : recovery === 3 ? 'restart' : 'destroy',
    bootOrder,
    tags: textsOf(inst, 'Tags'),
    template: textOf(inst, 'ReferenceTemplate'),
  };
}

/** One XenAPI change with its undo, run after every change has been checked. */
export type Change = (steps: XenSteps) => Promise<void>;

/** A setter call, undone by the same setter with the old value. */
export function setter(method: string, ref: string, value: XenParam, old: XenParam): Change {
  return async (steps) => {
    await steps.call(method, [ref, value]);
    steps.onUndo(method, () => steps.call(method, [ref, old]));
  };
}

/** Sets or removes one other_config key. */
function otherConfigKey(ref: string, key: string, value: string | undefined, old: string | undefined): Change {
  const write = async (steps: XenSteps, v: string | undefined): Promise<void> => {
    await steps.call('VM.remove_from_other_config', [ref, key]);
    if (v !== undefined) await steps.call('VM.add_to_other_config', [ref, key, v]);
  };
  return async (steps) => {
    await write(steps, value);
    steps.onUndo(`other_config ${key}`, () => write(steps, old));
  };
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The changes that bring the VM `vm` (its record now) to the settings `s`. A change of
 * VirtualSystemType needs a halted VM (5 Invalid State otherwise).
 */
export function systemChanges(ref: string, vm: XenRecord, s: SystemSettings): Change[] {
  const out: Change[] = [];
  if (s.name !== undefined && s.name !== str(vm, 'name_label')) out.push(setter('VM.set_name_label', ref, s.name, str(vm, 'name_label')));
  if (s.description !== undefined && s.description !== str(vm, 'name_description')) {
    out.push(setter('VM.set_name_description', ref, s.description, str(vm, 'name_description')));
  }
  if (s.type !== undefined && s.type !== virtualSystemType(vm)) {
    if (s.type !== HVM_TYPE && s.type !== PV_TYPE) throw invalidParameter(`SystemSettings: VirtualSystemType must be ${HVM_TYPE} or ${PV_TYPE}.`);
    if (str(vm, 'power_state') !== 'Halted') throw invalidState('SystemSettings: VirtualSystemType can only change while the VM is halted.');
    out.push(setter('VM.set_HVM_boot_policy', ref, s.type === HVM_TYPE ? 'BIOS order' : '', str(vm, 'HVM_boot_policy')));
    // A PV guest boots through a bootloader or a kernel of its own; with neither it would not
    // start. pygrub, as DefineSystem gives a new PV VM.
    if (s.type === PV_TYPE && str(vm, 'PV_bootloader') === '' && str(vm, 'PV_kernel') === '') out.push(setter('VM.set_PV_bootloader', ref, 'pygrub', ''));
  }
  const other = map(vm, 'other_config');
  if (s.autoStart !== undefined && s.autoStart !== (other['auto_poweron'] === 'true')) {
    out.push(otherConfigKey(ref, 'auto_poweron', s.autoStart ? 'true' : 'false', other['auto_poweron']));
  }
  const crash = str(vm, 'actions_after_crash');
  if (s.crashAction !== undefined && (s.crashAction === 'restart') !== RESTARTS.has(crash)) {
    out.push(setter('VM.set_actions_after_crash', ref, s.crashAction, crash));
  }
  const boot = map(vm, 'HVM_boot_params');
  if (s.bootOrder !== undefined && s.bootOrder !== boot['order']) out.push(setter('VM.set_HVM_boot_params', ref, { ...boot, order: s.bootOrder }, { ...boot }));
  const tags = refs(vm, 'tags');
  if (s.tags !== undefined && !sameList(s.tags, tags)) out.push(setter('VM.set_tags', ref, [...s.tags], [...tags]));
  return out;
}

/**
 * The change from vCPU settings `from` to `to`. VCPUs_at_startup never exceeds VCPUs_max on
 * the way, so the two setters run in the order that keeps it so.
 */
export function vcpuChanges(ref: string, from: VcpuSettings, to: VcpuSettings, power: string): Change[] {
  const out: Change[] = [];
  const max = to.max !== from.max ? setter('VM.set_VCPUs_max', ref, String(to.max), String(from.max)) : undefined;
  const atStartup = to.atStartup !== from.atStartup ? setter('VM.set_VCPUs_at_startup', ref, String(to.atStartup), String(from.atStartup)) : undefined;
  if (max && power !== 'Halted') throw invalidState('The number of vCPUs (VirtualQuantity) can only change while the VM is halted.');
  if (max && to.max >= from.atStartup) out.push(max);
  if (atStartup) out.push(atStartup);
  if (max && to.max < from.atStartup) out.push(max);
  const fromKeys = Object.keys(from.params).sort();
  const sameParams = sameList(fromKeys, Object.keys(to.params).sort()) && fromKeys.every((k) => from.params[k] === to.params[k]);
  if (!sameParams) out.push(setter('VM.set_VCPUs_params', ref, { ...to.params }, { ...from.params }));
  return out;
}

/**
 * The change from memory limits `from` to `to`: all four while halted (set_memory_limits), the
 * dynamic range only while running (set_memory_dynamic_range); otherwise 5 (Invalid State).
 */
export function memoryChanges(ref: string, from: MemoryLimits, to: MemoryLimits, power: string): Change[] {
  if (sameLimits(from, to)) return [];
  if (power === 'Halted') {
    return [async (steps) => {
      await steps.call('VM.set_memory_limits', [ref, ...limitParams(to)]);
      steps.onUndo('VM.set_memory_limits', () => steps.call('VM.set_memory_limits', [ref, ...limitParams(from)]));
    }];
  }
  const staticSame = from.staticMin === to.staticMin && from.staticMax === to.staticMax;
  if (power !== 'Running' || !staticSame) {
    throw invalidState(`Memory: ${power === 'Running' ? 'only Reservation and Limit can change while the VM runs' : `the VM is ${power.toLowerCase()}`}.`);
  }
  return [async (steps) => {
    await steps.call('VM.set_memory_dynamic_range', [ref, String(to.dynamicMin), String(to.dynamicMax)]);
    steps.onUndo('VM.set_memory_dynamic_range', () => steps.call('VM.set_memory_dynamic_range', [ref, String(from.dynamicMin), String(from.dynamicMax)]));
  }];
}

export async function runChanges(steps: XenSteps, changes: readonly Change[]): Promise<void> {
  for (const c of changes) await c(steps);
}
