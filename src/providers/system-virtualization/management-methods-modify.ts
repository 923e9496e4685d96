// ModifyResourceSettings (DSP1041 §8) and ModifySystemSettings (DSP1042 §8). Each RASD
// names the setting it changes by InstanceID; only values that differ from the setting now are
// applied, so a client may send back a whole instance it got with one property changed.
//
// What can change: processor VirtualQuantity (VCPUs_max, halted only), Reservation
// (VCPUs_at_startup), Weight and Limit (VCPUs_params weight and cap); memory VirtualQuantity,
// Reservation, Limit (and StaticMinimum) in MiB, all while halted and the dynamic range while
// running; a disk's VirtualQuantity (grows the image with VDI.resize while detached; shrinking
// is 4), its ElementName and Description (the image's names), Bootable and Access (VBD
// set_bootable/set_mode); a CD drive's medium (HostExtentName or HostResource: another ISO
// image, "" to eject). A change XenAPI cannot make (another pool or position for a disk,
// anything of a network interface) is 1 Not Supported. Changes are undone if a later one fails;
// a disk resize, which cannot be undone, runs last.
import type { MethodResult } from '../../cim/provider.js';
import type { CimValue } from '../../cim/types.js';
import { bool, isNullRef, str } from '../../xenapi/values.js';
import { cimMac } from '../ethernet-port/networks.js';
import { isCdSr, vdiOf } from '../storage/records.js';
import {
  boolOf, invalidParameter, invalidState, isInstance, missingParameter, notSupported, numberOf, result, textOf, textsOf, VSMS_RC, XenSteps,
} from './management-methods-common.js';
import { sameValue } from '../../cim/cimom.js';
import { vssdProperties } from '../virtual-system/settings.js';
import type { MethodEnv } from './management-methods-define.js';
import { namedVdi } from './management-methods-devices.js';
import { applyMemory, applyProcessor, bytesOf, bytesPerUnit, classifyRasd, hostCpuCount, memoryOf, vcpusOf, type Rasd } from './management-methods-rasd.js';
import { sameVm, settingPath } from './management-methods-resources.js';
import { memoryChanges, readSystemSettings, runChanges, setter, systemChanges, vcpuChanges, type Change } from './management-methods-system.js';
import { settingOf, vmOfSettingsId, type SettingTarget } from './management-methods-targets.js';

const KIND_OF_TARGET = (t: SettingTarget): Rasd['kind'] => (t.kind === 'vbd' ? (t.cd ? 'cd' : 'disk') : t.kind === 'vif' ? 'nic' : t.kind);

type DeviceTarget<K extends 'vbd' | 'vif'> = Extract<SettingTarget, { kind: K }>;

const KIND_MATCHES: Readonly<Record<Rasd['kind'], (t: SettingTarget) => boolean>> = {
  processor: (t) => t.kind === 'processor',
  memory: (t) => t.kind === 'memory',
  disk: (t) => t.kind === 'vbd' && !t.cd,
  cd: (t) => t.kind === 'vbd' && t.cd,
  nic: (t) => t.kind === 'vif',
};

/** Changes to one disk or CD drive; `last` collects those that cannot be undone. */
function driveChanges(env: MethodEnv, t: DeviceTarget<'vbd'>, rasd: Rasd, power: string, last: Change[]): Change[] {
  const { model } = env;
  const { inst, label } = rasd;
  const vbd = t.record;
  const vdi = vdiOf(model, vbd);
  const vdiRef = str(vbd, 'VDI');
  const out: Change[] = [];
  const position = textOf(inst, 'AddressOnParent');
  if (position !== undefined && position !== str(vbd, 'userdevice')) throw notSupported(`${label}: a drive cannot move to another position; remove it and add it again.`);
  const bootable = boolOf(inst, 'Bootable');
  if (bootable !== undefined && bootable !== bool(vbd, 'bootable')) out.push(setter('VBD.set_bootable', t.ref, bootable, !bootable));
  if (t.cd) {
    const extent = textOf(inst, 'HostExtentName');
    const resource = textsOf(inst, 'HostResource');
    if (extent === '' && vdi) {
      out.push(async (steps) => {
        await steps.call('VBD.eject', [t.ref]);
        steps.onUndo('VBD.insert', () => steps.call('VBD.insert', [t.ref, vdiRef]));
      });
    } else if (extent !== '' && (extent !== undefined || resource !== undefined)) {
      const image = namedVdi(model, rasd);
      if (image && image[0] !== vdiRef) {
        const sr = model.get('SR', str(image[1], 'SR'));
        if (!sr || !isCdSr(sr)) throw invalidParameter(`${label}: ${str(image[1], 'uuid')} is not a CD/DVD image.`);
        out.push(async (steps) => {
          if (vdi) {
            await steps.call('VBD.eject', [t.ref]);
            steps.onUndo('VBD.insert', () => steps.call('VBD.insert', [t.ref, vdiRef]));
          }
          await steps.call('VBD.insert', [t.ref, image[0]]);
          steps.onUndo('VBD.eject', () => steps.call('VBD.eject', [t.ref]));
        });
      }
    }
    return out;
  }
  if (!vdi || isNullRef(vdiRef)) return out;
  const poolId = textOf(inst, 'PoolID');
  const sr = model.get('SR', str(vdi, 'SR'));
  if (poolId !== undefined && sr && poolId !== str(sr, 'uuid')) throw notSupported(`${label}: a disk cannot move to another storage pool.`);
  const image = namedVdi(model, rasd);
  if (image && image[0] !== vdiRef) throw notSupported(`${label}: a drive's disk image cannot be replaced; remove the disk and add another.`);
  const access = numberOf(inst, 'Access');
  if (access !== undefined && access !== 0) {
    if (access !== 1 && access !== 3) throw invalidParameter(`${label}: Access must be 1 (Readable) or 3 (Read/Write).`);
    const mode = access === 1 ? 'RO' : 'RW';
    if (mode !== str(vbd, 'mode')) {
      if (power !== 'Halted') throw invalidState(`${label}: Access can only change while the VM is halted.`);
      out.push(setter('VBD.set_mode', t.ref, mode, str(vbd, 'mode')));
    }
  }
  const name = textOf(inst, 'ElementName');
  if (name !== undefined && name !== str(vdi, 'name_label')) out.push(setter('VDI.set_name_label', vdiRef, name, str(vdi, 'name_label')));
  const description = textOf(inst, 'Description');
  if (description !== undefined && description !== str(vdi, 'name_description')) {
    out.push(setter('VDI.set_name_description', vdiRef, description, str(vdi, 'name_description')));
  }
  const current = Number(str(vdi, 'virtual_size'));
  // Disk sizes are shown in bytes (Xen_DiskSettingData AllocationUnits byte).
  const size = bytesOf(inst, 'VirtualQuantity', bytesPerUnit(textOf(inst, 'AllocationUnits'), 1, label), label, current, 1);
  if (size !== undefined && size !== current) {
    if (size < current) throw invalidParameter(`${label}: a disk can grow but not shrink (${current} bytes now).`);
    if (bool(vbd, 'currently_attached')) throw invalidState(`${label}: a disk grows only while it is not attached to a running VM.`);
    last.push(async (steps) => {
      await steps.call('VDI.resize', [vdiRef, String(size)]);
    });
  }
  return out;
}

/** A network interface has nothing XenAPI can change in place: any difference is 1 Not Supported. */
function nicChanges(env: MethodEnv, t: DeviceTarget<'vif'>, rasd: Rasd): Change[] {
  const { inst, label } = rasd;
  const net = env.model.get('network', str(t.record, 'network'));
  const poolId = textOf(inst, 'PoolID');
  if (poolId !== undefined && poolId !== (net ? str(net, 'uuid') : '')) throw notSupported(`${label}: a network interface cannot move to another network; remove it and add another.`);
  const address = textOf(inst, 'Address');
  if (address !== undefined && cimMac(address) !== cimMac(str(t.record, 'MAC'))) throw notSupported(`${label}: the MAC address of a network interface cannot change.`);
  const position = textOf(inst, 'AddressOnParent');
  if (position !== undefined && position !== str(t.record, 'device')) throw notSupported(`${label}: a network interface cannot move to another position.`);
  return [];
}

export async function modifyResourceSettings(env: MethodEnv, params: ReadonlyMap<string, CimValue>): Promise<MethodResult> {
  const { model, services, ctx } = env;
  const list = params.get('ResourceSettings');
  if (list === undefined || list === null) throw missingParameter('ModifyResourceSettings', 'ResourceSettings');
  const items = Array.isArray(list) ? list : [list];
  const rasds: Rasd[] = [];
  const targets = items.map((inst, i) => {
    if (!isInstance(inst)) throw invalidParameter(`ResourceSettings[${i}] is not an embedded instance.`);
    const t = settingOf(model, textOf(inst, 'InstanceID'), `ResourceSettings[${i}] (${inst.className})`);
    const r = classifyRasd(inst, i, KIND_OF_TARGET(t));
    if (!KIND_MATCHES[r.kind](t)) throw invalidParameter(`${r.label}: ${t.instanceId} is not a ${r.kind} setting.`);
    rasds.push(r);
    return t;
  });
  const first = targets[0];
  if (!first) throw missingParameter('ModifyResourceSettings', 'ResourceSettings');
  sameVm(targets);
  const { vm, ref } = first.vm;
  const power = str(vm, 'power_state');
  const pcpus = hostCpuCount(model, model.refByUuid('host', env.hostUuid));
  const changes: Change[] = [];
  const last: Change[] = [];
  rasds.forEach((rasd, i) => {
    const t = targets[i];
    if (!t) return;
    switch (t.kind) {
      case 'processor': changes.push(...vcpuChanges(ref, vcpusOf(vm), applyProcessor(vcpusOf(vm), rasd, pcpus), power)); break;
      case 'memory': changes.push(...memoryChanges(ref, memoryOf(vm), applyMemory(memoryOf(vm), rasd), power)); break;
      case 'vbd': changes.push(...driveChanges(env, t, rasd, power, last)); break;
      case 'vif': changes.push(...nicChanges(env, t, rasd)); break;
    }
  });
  const steps = new XenSteps(services, ctx);
  await steps.atomically(() => runChanges(steps, [...changes, ...last]));
  const paths = targets.map((t) => settingPath(t.kind, t.vm.uuid, t.instanceId.slice(t.instanceId.lastIndexOf('/') + 1)));
  return result(VSMS_RC.Completed, new Map([['ResultingResourceSettings', paths]]));
}

/** What ModifySystemSettings reads from SystemSettings (management-methods-system.ts); the rest must be unchanged. */
const SYSTEM_SETTINGS_APPLIED = new Set(['instanceid', 'elementname', 'description', 'virtualsystemtype', 'automaticstartupaction', 'automaticrecoveryaction', 'automaticshutdownaction', 'bootorder', 'tags', 'referencetemplate']);

/**
 * ModifySystemSettings: SystemSettings names the VM by InstanceID (Xen:<vm uuid>); ElementName,
 * Description, VirtualSystemType (halted only), AutomaticStartupAction (other_config
 * auto_poweron), AutomaticRecoveryAction (actions_after_crash), BootOrder (HVM_boot_params
 * order) and Tags change when they differ from the VM's now.
 */
export async function modifySystemSettings(env: MethodEnv, params: ReadonlyMap<string, CimValue>): Promise<MethodResult> {
  const { model, services, ctx } = env;
  const settings = params.get('SystemSettings');
  if (settings === undefined || settings === null) throw missingParameter('ModifySystemSettings', 'SystemSettings');
  if (!isInstance(settings)) throw invalidParameter('SystemSettings is not an embedded instance.');
  const s = readSystemSettings(settings);
  if (s.template !== undefined) throw invalidParameter('SystemSettings: ReferenceTemplate only applies to DefineSystem.');
  const target = vmOfSettingsId(model, s.instanceId, 'SystemSettings');
  // The rest of a VSSD (as a client sends back what it got) may come along unchanged; a change
  // to it would otherwise be dropped without a word.
  const now = new Map(Object.entries(vssdProperties(model, str(target.vm, 'uuid'), target.vm)).map(([k, v]) => [k.toLowerCase(), v as CimValue]));
  for (const [name, value] of settings.properties) {
    if (SYSTEM_SETTINGS_APPLIED.has(name.toLowerCase()) || sameValue(now.get(name.toLowerCase()) ?? null, value)) continue;
    throw invalidParameter(`SystemSettings: ${name} cannot be changed${name.toLowerCase() === 'notes' ? ' (it shows the Description: change that instead)' : ''}.`);
  }
  const changes = systemChanges(target.ref, target.vm, s);
  const steps = new XenSteps(services, ctx);
  await steps.atomically(() => runChanges(steps, changes));
  return result(VSMS_RC.Completed);
}
