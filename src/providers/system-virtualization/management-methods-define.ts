// DefineSystem and DestroySystem (DSP1042 §8, System Virtualization methods) over XenAPI.
//
// DefineSystem makes the VM one of three ways: VM.create with defaults when nothing is named
// to start from; VM.clone of a halted VM whose settings ReferenceConfiguration names; or
// VM.clone + VM.provision of a template, named by ReferenceConfiguration (a settings path
// whose InstanceID is Xen:<template uuid>) or by the vendor property
// Xen_VirtualSystemSettingData.ReferenceTemplate (template uuid or name_label). The settings
// and RASDs then apply to the new VM; devices come last. Every step registers its undo: when a
// step fails the VM is destroyed with the disk images created for it, so nothing is left
// half-defined. A provision still running after the job wait answers 4096 with the job; if it
// later fails, the same undo runs then.
import { ObjectPath } from '../../cim/object-path.js';
import type { OperationContext } from '../../cim/operation-context.js';
import type { MethodResult } from '../../cim/provider.js';
import type { CimValue } from '../../cim/types.js';
import { XenApiError } from '../../xenapi/errors.js';
import type { XenModel } from '../../xenapi/model.js';
import { isNullRef, map, refs, str, type XenStruct } from '../../xenapi/values.js';
import { instanceId, systemKeys, VM_CLASS } from '../ids.js';
import { CIMV2 } from '../instances.js';
import { JOB_CLASS } from '../jobs/job.js';
import { outcome, type TaskOutcome } from '../jobs/registry.js';
import type { ProviderServices } from '../services.js';
import { taskUuid } from '../virtual-system/state-change.js';
import {
  fromXen, incompatible, invalidParameter, invalidState, isInstance, isPath, missingParameter, MethodRefusal, result, VSMS_RC, XenSteps,
} from './management-methods-common.js';
import { createDevices, planDevices, provisionPositions, usedPositions } from './management-methods-devices.js';
import { destroyVmAndDisks, discardVm, modelReader, ownedVdis } from './management-methods-owned.js';
import { applyMemory, applyProcessor, classifyRasd, hostCpuCount, memoryOf, vcpusOf, type MemoryLimits, type Rasd, type VcpuSettings } from './management-methods-rasd.js';
import { HVM_TYPE, memoryChanges, PV_TYPE, readSystemSettings, runChanges, systemChanges, vcpuChanges, type SystemSettings } from './management-methods-system.js';
import { isTemplate, sourceByUuid, templateByNameOrUuid, uuidOfSettingsPath, vmOfSystemPath, type VmTarget } from './management-methods-targets.js';

/** What every method needs. */
export interface MethodEnv {
  readonly model: XenModel;
  readonly services: ProviderServices;
  readonly ctx: OperationContext;
  /** the host whose service is called */
  readonly hostUuid: string;
}

const GIB = 2 ** 30;
const DEFAULT_VCPUS: VcpuSettings = { max: 1, atStartup: 1, params: {} };
const DEFAULT_MEMORY: MemoryLimits = { staticMin: GIB, staticMax: GIB, dynamicMin: GIB, dynamicMax: GIB };
/** How long a DefineSystem job is watched for failure (to undo) after the method answered. */
const WATCH_MS = 3_600_000;

/** The RASDs of a ResourceSettings[] parameter, classified; anything else is 4. */
export function rasdsOf(value: CimValue | undefined): Rasd[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v, i) => {
    if (!isInstance(v)) throw invalidParameter(`ResourceSettings[${i}] is not an embedded instance.`);
    return classifyRasd(v, i);
  });
}

/** At most one processor and one memory RASD. */
function single(rasds: readonly Rasd[], kind: 'processor' | 'memory'): Rasd | undefined {
  const found = rasds.filter((r) => r.kind === kind);
  if (found.length > 1) throw invalidParameter(`ResourceSettings holds ${found.length} ${kind} settings; a VM has one.`);
  return found[0];
}

/** VM.create's record: the constructor's required fields, with HVM or PV defaults. */
function createRecord(s: SystemSettings, name: string, hvm: boolean, vcpus: VcpuSettings, mem: MemoryLimits): XenStruct {
  return {
    name_label: name,
    name_description: s.description ?? '',
    user_version: '1',
    is_a_template: false,
    affinity: 'OpaqueRef:NULL',
    memory_static_max: String(mem.staticMax),
    memory_dynamic_max: String(mem.dynamicMax),
    memory_dynamic_min: String(mem.dynamicMin),
    memory_static_min: String(mem.staticMin),
    VCPUs_params: { ...vcpus.params },
    VCPUs_max: String(vcpus.max),
    VCPUs_at_startup: String(vcpus.atStartup),
    actions_after_shutdown: 'destroy',
    actions_after_reboot: 'restart',
    actions_after_crash: s.crashAction ?? 'restart',
    PV_bootloader: hvm ? '' : 'pygrub',
    PV_kernel: '',
    PV_ramdisk: '',
    PV_args: '',
    PV_bootloader_args: '',
    PV_legacy_args: '',
    HVM_boot_policy: hvm ? 'BIOS order' : '',
    HVM_boot_params: hvm ? { order: s.bootOrder ?? 'cd' } : {},
    platform: hvm ? { acpi: '1', apic: 'true', pae: 'true', nx: 'true', viridian: 'false' } : {},
    PCI_bus: '',
    other_config: s.autoStart ? { auto_poweron: 'true' } : {},
    recommendations: '',
    tags: [...(s.tags ?? [])],
    domain_type: hvm ? 'hvm' : 'pv',
  };
}

/** A template's provision list with every empty sr="" filled with the pool's default SR (as xe vm-install does). */
function provisionDisks(model: XenModel, template: VmTarget): string | undefined {
  const xml = map(template.vm, 'other_config')['disks'];
  if (xml === undefined || !/\bsr=""/.test(xml)) return undefined;
  const pool = model.all('pool').values().next().value;
  const srRef = pool ? str(pool, 'default_SR') : '';
  const sr = isNullRef(srRef) ? undefined : model.get('SR', srRef);
  if (!sr) throw invalidParameter(`ReferenceConfiguration: template ${template.uuid} names no SR for its disks and the host has no default SR.`);
  return xml.replace(/\bsr=""/g, `sr="${str(sr, 'uuid')}"`);
}

/** A finished task's error as the method's answer. */
function taskFailure(o: TaskOutcome, what: string): Error {
  if (o.status === 'failure') {
    const [code, ...rest] = o.error;
    return fromXen(new XenApiError(code ?? 'INTERNAL_ERROR', rest, what), what);
  }
  return new MethodRefusal(VSMS_RC.Failed, `${what}: the task was cancelled.`);
}

/** Calls `fn` once the task has finished (as the model sees it), or gives up after `ms`. */
function whenFinished(model: XenModel, taskRef: string, ms: number, fn: (o: TaskOutcome) => void): void {
  const check = (): void => {
    const o = outcome(model.get('task', taskRef));
    if (o.status === 'pending') return;
    off();
    clearTimeout(timer);
    fn(o);
  };
  const off = model.onChange(check);
  const timer = setTimeout(off, ms);
  timer.unref();
  check();
}

export async function defineSystem(env: MethodEnv, params: ReadonlyMap<string, CimValue>): Promise<MethodResult> {
  const { model, services, ctx } = env;
  const settings = params.get('SystemSettings');
  if (settings === undefined || settings === null) throw missingParameter('DefineSystem', 'SystemSettings');
  if (!isInstance(settings)) throw invalidParameter('SystemSettings is not an embedded instance.');
  const s = readSystemSettings(settings);
  const name = s.name;
  if (name === undefined) throw invalidParameter('SystemSettings: ElementName (the new VM\'s name) is required.');
  const reference = params.get('ReferenceConfiguration');
  if (reference !== undefined && reference !== null && !isPath(reference)) throw invalidParameter('ReferenceConfiguration is not a reference.');
  if (isPath(reference) && s.template !== undefined) throw incompatible('Give ReferenceConfiguration or ReferenceTemplate, not both.');
  const source = isPath(reference)
    ? sourceByUuid(model, uuidOfSettingsPath(reference), 'ReferenceConfiguration')
    : s.template !== undefined ? templateByNameOrUuid(model, s.template) : undefined;
  const fromTemplate = source !== undefined && isTemplate(source.vm);
  if (source && !fromTemplate && str(source.vm, 'power_state') !== 'Halted') throw invalidState('ReferenceConfiguration: only a halted VM can be copied.');

  const rasds = rasdsOf(params.get('ResourceSettings'));
  const processor = single(rasds, 'processor');
  const memory = single(rasds, 'memory');
  const pcpus = hostCpuCount(model, model.refByUuid('host', env.hostUuid));
  const baseVcpus = source ? vcpusOf(source.vm) : DEFAULT_VCPUS;
  const vcpus = processor ? applyProcessor(baseVcpus, processor, pcpus) : baseVcpus;
  const baseMemory = source ? memoryOf(source.vm) : DEFAULT_MEMORY;
  const mem = memory ? applyMemory(baseMemory, memory) : baseMemory;
  if (!source && s.type !== undefined && s.type !== HVM_TYPE && s.type !== PV_TYPE) throw invalidParameter(`SystemSettings: a new VM is ${HVM_TYPE} or ${PV_TYPE}.`);
  const hvm = (s.type ?? HVM_TYPE) === HVM_TYPE;
  const taken = source ? usedPositions(model, source.vm) : { vbd: new Set<string>(), vif: new Set<string>() };
  if (fromTemplate) for (const p of provisionPositions(source.vm)) taken.vbd.add(p);
  const plans = planDevices({ model, vmName: name, usedVbd: taken.vbd, usedVif: taken.vif }, rasds.filter((r) => r.kind !== 'processor' && r.kind !== 'memory'));
  const disks = fromTemplate ? provisionDisks(model, source) : undefined;
  const copied = { ...s, name: undefined };
  // Checks the settings against the source now; the same changes are made on the copy below.
  if (source) {
    systemChanges(source.ref, source.vm, copied);
    vcpuChanges(source.ref, vcpusOf(source.vm), vcpus, 'Halted');
    memoryChanges(source.ref, memoryOf(source.vm), mem, 'Halted');
  }

  const steps = new XenSteps(services, ctx);
  try {
    let vmRef: string;
    if (!source) {
      vmRef = await steps.ref('VM.create', [createRecord(s, name, hvm, vcpus, mem)]);
      steps.onUndo('VM.destroy', () => discardVm(steps, vmRef));
    } else {
      vmRef = await steps.ref('VM.clone', [source.ref, name]);
      steps.onUndo('VM.destroy', () => discardVm(steps, vmRef));
      await runChanges(steps, [
        ...systemChanges(vmRef, source.vm, copied),
        ...vcpuChanges(vmRef, vcpusOf(source.vm), vcpus, 'Halted'),
        ...memoryChanges(vmRef, memoryOf(source.vm), mem, 'Halted'),
      ]);
      if (disks !== undefined) {
        await steps.call('VM.remove_from_other_config', [vmRef, 'disks']);
        await steps.call('VM.add_to_other_config', [vmRef, 'disks', disks]);
      }
    }
    await createDevices(steps, vmRef, plans, false);
    const uuid = String(await steps.call('VM.get_uuid', [vmRef]));
    const out = new Map<string, CimValue>([['ResultingSystem', new ObjectPath(CIMV2, VM_CLASS, systemKeys(VM_CLASS, uuid))]]);
    if (!fromTemplate) {
      steps.commit();
      return result(VSMS_RC.Completed, out);
    }
    const task = await steps.ref('Async.VM.provision', [vmRef]);
    services.jobs.add({ taskRef: task, name: 'DefineSystem', owner: ctx.principal.user, vmUuid: uuid, submitted: new Date() });
    const o = await services.jobs.waitFor(task, services.jobWaitMs);
    if (o.status === 'success') {
      steps.commit();
      return result(VSMS_RC.Completed, out);
    }
    if (o.status !== 'pending') throw taskFailure(o, 'VM.provision');
    // Still provisioning: answer with the job, and undo everything if it fails later.
    whenFinished(model, task, WATCH_MS, (done) => {
      if (done.status === 'success') steps.commit();
      else void steps.rollback();
    });
    const jobId = await taskUuid(model, services, ctx, task).catch((err: unknown) => {
      throw fromXen(err, 'task.get_uuid');
    });
    out.set('Job', new ObjectPath(CIMV2, JOB_CLASS, [{ name: 'InstanceID', value: instanceId(jobId) }]));
    return result(VSMS_RC.JobStarted, out);
  } catch (err) {
    await steps.rollback();
    throw err;
  }
}

/**
 * DestroySystem: only a halted or suspended VM (5 otherwise, nothing touched). VM.destroy
 * takes its VBDs and VIFs; then the disk images that belong to it (management-methods-owned.ts)
 * are destroyed. A disk image that cannot be destroyed afterwards answers 2 (Failed).
 */
export async function destroySystem(env: MethodEnv, params: ReadonlyMap<string, CimValue>): Promise<MethodResult> {
  const { model, services, ctx } = env;
  const affected = params.get('AffectedSystem');
  if (affected === undefined || affected === null) throw missingParameter('DestroySystem', 'AffectedSystem');
  if (!isPath(affected)) throw invalidParameter('AffectedSystem is not a reference.');
  const target = vmOfSystemPath(model, affected, 'AffectedSystem');
  const power = str(target.vm, 'power_state');
  if (power !== 'Halted' && power !== 'Suspended') throw invalidState(`AffectedSystem is ${power.toLowerCase()}; shut it down first.`);
  const vdis = await ownedVdis(modelReader(model), refs(target.vm, 'VBDs'));
  const left = await destroyVmAndDisks(new XenSteps(services, ctx), target.ref, vdis);
  return result(left.length === 0 ? VSMS_RC.Completed : VSMS_RC.Failed);
}
