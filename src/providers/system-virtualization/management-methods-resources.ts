// AddResourceSettings and RemoveResourceSettings (DSP1041 §8): disks, CD/DVD drives
// and network interfaces of an existing VM. A VM has exactly one processor and one memory
// setting, so those are modified, never added or removed (6 Incompatible Parameters).
// A halted VM takes and loses devices freely; a running one gets new devices plugged in
// (VBD.plug/VIF.plug) and loses them after unplugging; a paused or suspended one answers 5.
import { ObjectPath } from '../../cim/object-path.js';
import type { MethodResult } from '../../cim/provider.js';
import type { CimValue, ObjectPathLike } from '../../cim/types.js';
import { bool, refs, str } from '../../xenapi/values.js';
import { PORT_RASD_CLASS } from '../ethernet-port/networks.js';
import { instanceId } from '../ids.js';
import { CIMV2 } from '../instances.js';
import { MEMORY_RASD_CLASS } from '../processor-memory/memory-settings.js';
import { PROCESSOR_RASD_CLASS } from '../processor-memory/processor-settings.js';
import { DISK_RASD_CLASS } from '../storage/records.js';
import {
  incompatible, invalidParameter, invalidState, isPath, keyOf, missingParameter, result, VSMS_RC, XenSteps,
} from './management-methods-common.js';
import { rasdsOf, type MethodEnv } from './management-methods-define.js';
import { createDevices, planDevices, usedPositions } from './management-methods-devices.js';
import { modelReader, ownedVdis } from './management-methods-owned.js';
import { settingOf, vmOfSettingsPath, type SettingTarget } from './management-methods-targets.js';

const CLASS_OF: Readonly<Record<SettingTarget['kind'], string>> = {
  processor: PROCESSOR_RASD_CLASS,
  memory: MEMORY_RASD_CLASS,
  vbd: DISK_RASD_CLASS,
  vif: PORT_RASD_CLASS,
};

/** The reference of a resource setting, as ResultingResourceSettings holds it. */
export function settingPath(kind: SettingTarget['kind'], vmUuid: string, local: string): ObjectPath {
  return new ObjectPath(CIMV2, CLASS_OF[kind], [{ name: 'InstanceID', value: instanceId(`${vmUuid}/${local}`) }]);
}

/** Settings of one VM only: 6 (Incompatible Parameters) when they span several; 4 when one is named twice. */
export function sameVm(targets: readonly SettingTarget[]): void {
  if (new Set(targets.map((t) => t.vm.uuid)).size > 1) throw incompatible('ResourceSettings belong to different virtual systems; one call changes one.');
  if (new Set(targets.map((t) => t.instanceId)).size !== targets.length) throw invalidParameter('ResourceSettings names the same setting twice.');
}

export async function addResourceSettings(env: MethodEnv, params: ReadonlyMap<string, CimValue>): Promise<MethodResult> {
  const { model, services, ctx } = env;
  const affected = params.get('AffectedConfiguration');
  if (affected === undefined || affected === null) throw missingParameter('AddResourceSettings', 'AffectedConfiguration');
  const list = params.get('ResourceSettings');
  if (list === undefined || list === null) throw missingParameter('AddResourceSettings', 'ResourceSettings');
  if (!isPath(affected)) throw invalidParameter('AffectedConfiguration is not a reference.');
  const target = vmOfSettingsPath(model, affected, 'AffectedConfiguration');
  const rasds = rasdsOf(list);
  const fixed = rasds.find((r) => r.kind === 'processor' || r.kind === 'memory');
  if (fixed) throw incompatible(`${fixed.label}: a VM has one ${fixed.kind} setting; change it with ModifyResourceSettings.`);
  const power = str(target.vm, 'power_state');
  if (power !== 'Halted' && power !== 'Running') throw invalidState(`The VM is ${power.toLowerCase()}; devices are added while it is halted or running.`);
  const taken = usedPositions(model, target.vm);
  const plans = planDevices({ model, vmName: str(target.vm, 'name_label'), usedVbd: taken.vbd, usedVif: taken.vif }, rasds);
  const steps = new XenSteps(services, ctx);
  const paths = await steps.atomically(async () => {
    const created = await createDevices(steps, target.ref, plans, power === 'Running');
    const out: ObjectPath[] = [];
    for (const c of created) {
      const uuid = String(await steps.call(c.kind === 'vbd' ? 'VBD.get_uuid' : 'VIF.get_uuid', [c.ref]));
      out.push(settingPath(c.kind, target.uuid, uuid));
    }
    return out;
  });
  return result(VSMS_RC.Completed, new Map([['ResultingResourceSettings', paths]]));
}

/** Which setting kinds a reference's class can name (CIM_ classes name any). */
const KINDS_OF_CLASS: Readonly<Record<string, SettingTarget['kind']>> = {
  xen_processorsettingdata: 'processor',
  xen_memorysettingdata: 'memory',
  xen_disksettingdata: 'vbd',
  xen_networkportsettingdata: 'vif',
};

function targetOf(env: MethodEnv, path: ObjectPathLike, index: number): SettingTarget {
  const label = `ResourceSettings[${index}]`;
  const t = settingOf(env.model, keyOf(path, 'InstanceID'), label);
  const kind = KINDS_OF_CLASS[path.className.toLowerCase()];
  if (kind !== undefined && kind !== t.kind) throw invalidParameter(`${label}: a ${path.className} reference cannot name ${t.instanceId}.`);
  return t;
}

/**
 * RemoveResourceSettings: VBD.destroy or VIF.destroy of each (after VBD.unplug/VIF.unplug on a
 * running VM), then VDI.destroy of each removed disk's image when it belongs to the VM (as in
 * DestroySystem); CD images and shared images stay.
 */
export async function removeResourceSettings(env: MethodEnv, params: ReadonlyMap<string, CimValue>): Promise<MethodResult> {
  const { model, services, ctx } = env;
  const list = params.get('ResourceSettings');
  if (list === undefined || list === null) throw missingParameter('RemoveResourceSettings', 'ResourceSettings');
  const items = Array.isArray(list) ? list : [list];
  const targets = items.map((p, i) => {
    if (!isPath(p)) throw invalidParameter(`ResourceSettings[${i}] is not a reference.`);
    return targetOf(env, p, i);
  });
  const first = targets[0];
  if (!first) throw missingParameter('RemoveResourceSettings', 'ResourceSettings');
  sameVm(targets);
  const fixed = targets.find((t) => t.kind === 'processor' || t.kind === 'memory');
  if (fixed) throw incompatible(`${fixed.instanceId}: a VM keeps its ${fixed.kind} setting; change it with ModifyResourceSettings.`);
  const devices = targets.filter((t): t is Extract<SettingTarget, { kind: 'vbd' | 'vif' }> => t.kind === 'vbd' || t.kind === 'vif');
  const power = str(first.vm.vm, 'power_state');
  const attached = devices.filter((d) => bool(d.record, 'currently_attached'));
  if (power === 'Suspended' || (power === 'Paused' && attached.length > 0)) throw invalidState(`The VM is ${power.toLowerCase()}; its devices cannot be removed now.`);
  const stuck = attached.find((d) => d.kind === 'vbd' && !bool(d.record, 'unpluggable'));
  if (stuck) throw invalidState(`${stuck.instanceId} cannot be unplugged from the running VM; shut it down first.`);
  const owned = new Set(await ownedVdis(modelReader(model), refs(first.vm.vm, 'VBDs')));
  const images = devices.flatMap((d) => (d.kind === 'vbd' && owned.has(str(d.record, 'VDI')) ? [str(d.record, 'VDI')] : []));

  const steps = new XenSteps(services, ctx);
  try {
    for (const d of attached) {
      const cls = d.kind === 'vbd' ? 'VBD' : 'VIF';
      await steps.call(`${cls}.unplug`, [d.ref]);
      steps.onUndo(`${cls}.plug`, () => steps.call(`${cls}.plug`, [d.ref]));
    }
    for (const d of devices) await steps.call(d.kind === 'vbd' ? 'VBD.destroy' : 'VIF.destroy', [d.ref]);
  } catch (err) {
    await steps.rollback();
    throw err;
  }
  steps.commit();
  let left = 0;
  for (const vdi of images) {
    try {
      await steps.call('VDI.destroy', [vdi]);
    } catch {
      left++;
    }
  }
  return result(left === 0 ? VSMS_RC.Completed : VSMS_RC.Failed);
}
