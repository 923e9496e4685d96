// What the management methods act on, found in the model from the references and InstanceIDs
// clients pass: a VM by its Xen_ComputerSystem or settings path, a template by uuid or name, a
// resource setting by its InstanceID (Xen:<vm>/Processor, /Memory, /<vbd uuid>, /<vif uuid>).
// A reference that names nothing answers 4 (Invalid Parameter), as any bad value does.
import type { ObjectPathLike } from '../../cim/types.js';
import type { XenModel } from '../../xenapi/model.js';
import { bool, str, type XenRecord } from '../../xenapi/values.js';
import { guestByUuid, localId, VM_CLASS } from '../ids.js';
import { guestVifByUuid } from '../ethernet-port/networks.js';
import { guestVbdByUuid } from '../storage/records.js';
import { invalidParameter, keyOf } from './management-methods-common.js';

export interface VmTarget {
  readonly uuid: string;
  readonly ref: string;
  readonly vm: XenRecord;
}

const VSSD_CLASSES = new Set(['xen_virtualsystemsettingdata', 'cim_virtualsystemsettingdata']);
const SYSTEM_CLASSES = new Set(['xen_computersystem', 'cim_computersystem', 'cim_system']);

function guestTarget(model: XenModel, uuid: string | undefined): VmTarget | undefined {
  const vm = uuid === undefined ? undefined : guestByUuid(model, uuid);
  const ref = uuid === undefined ? undefined : model.refByUuid('VM', uuid);
  return vm && ref !== undefined && uuid !== undefined ? { uuid, ref, vm } : undefined;
}

/** The guest a Xen_ComputerSystem reference names (CreationClassName, Name = uuid). */
export function vmOfSystemPath(model: XenModel, path: ObjectPathLike, param: string): VmTarget {
  const ccn = keyOf(path, 'CreationClassName');
  const named = SYSTEM_CLASSES.has(path.className.toLowerCase()) && (ccn === undefined || ccn.toLowerCase() === VM_CLASS.toLowerCase());
  const target = named ? guestTarget(model, keyOf(path, 'Name')) : undefined;
  if (!target) throw invalidParameter(`${param} names no virtual system of this host.`);
  return target;
}

/** The uuid a VSSD reference names (InstanceID Xen:<uuid>), or undefined. */
export function uuidOfSettingsPath(path: ObjectPathLike): string | undefined {
  if (!VSSD_CLASSES.has(path.className.toLowerCase())) return undefined;
  const local = localId(keyOf(path, 'InstanceID'));
  return local !== undefined && local !== '' && !local.includes('/') ? local : undefined;
}

/** The guest a Xen_VirtualSystemSettingData reference names. */
export function vmOfSettingsPath(model: XenModel, path: ObjectPathLike, param: string): VmTarget {
  const target = guestTarget(model, uuidOfSettingsPath(path));
  if (!target) throw invalidParameter(`${param} names no virtual system settings of this host.`);
  return target;
}

/** The guest whose settings InstanceID is `Xen:<uuid>`. */
export function vmOfSettingsId(model: XenModel, instanceID: string | undefined, what: string): VmTarget {
  const local = localId(instanceID);
  const target = local === undefined || local.includes('/') ? undefined : guestTarget(model, local);
  if (!target) throw invalidParameter(`${what}: InstanceID ${instanceID ?? '(none)'} names no virtual system of this host.`);
  return target;
}

export function isTemplate(vm: XenRecord): boolean {
  return bool(vm, 'is_a_template') && !bool(vm, 'is_a_snapshot');
}

/** A template (not a snapshot) by uuid or by its unique name_label. */
export function templateByNameOrUuid(model: XenModel, name: string): VmTarget {
  const byUuid = model.refByUuid('VM', name);
  const candidates: [string, XenRecord][] = [];
  if (byUuid !== undefined) {
    const vm = model.get('VM', byUuid);
    if (vm && isTemplate(vm)) candidates.push([byUuid, vm]);
  } else {
    for (const [ref, vm] of model.all('VM')) if (isTemplate(vm) && str(vm, 'name_label') === name) candidates.push([ref, vm]);
  }
  const [first, second] = candidates;
  if (!first) throw invalidParameter(`ReferenceTemplate: no template is called ${name}.`);
  if (second) throw invalidParameter(`ReferenceTemplate: several templates are called ${name}; name one by uuid.`);
  return { uuid: str(first[1], 'uuid'), ref: first[0], vm: first[1] };
}

/** A VM or template to copy, by uuid (guests and templates; never a snapshot or the control domain). */
export function sourceByUuid(model: XenModel, uuid: string | undefined, param: string): VmTarget {
  const guest = guestTarget(model, uuid);
  if (guest) return guest;
  const ref = uuid === undefined ? undefined : model.refByUuid('VM', uuid);
  const vm = ref === undefined ? undefined : model.get('VM', ref);
  if (vm && ref !== undefined && uuid !== undefined && isTemplate(vm)) return { uuid, ref, vm };
  throw invalidParameter(`${param} names no virtual system settings or template of this host.`);
}

export type SettingTarget =
  | { readonly kind: 'processor' | 'memory'; readonly vm: VmTarget; readonly instanceId: string }
  | { readonly kind: 'vbd'; readonly vm: VmTarget; readonly instanceId: string; readonly ref: string; readonly record: XenRecord; readonly cd: boolean }
  | { readonly kind: 'vif'; readonly vm: VmTarget; readonly instanceId: string; readonly ref: string; readonly record: XenRecord };

/** The resource setting an InstanceID names: a VM's processor or memory, or one of its VBDs or VIFs. */
export function settingOf(model: XenModel, instanceID: string | undefined, what: string): SettingTarget {
  const local = localId(instanceID);
  const parts = local?.split('/') ?? [];
  const [vmUuid, rest] = parts;
  const vm = parts.length === 2 ? guestTarget(model, vmUuid) : undefined;
  if (vm && rest !== undefined && instanceID !== undefined) {
    if (rest === 'Processor' || rest === 'Memory') return { kind: rest === 'Processor' ? 'processor' : 'memory', vm, instanceId: instanceID };
    const vbd = guestVbdByUuid(model, rest, ['Disk', 'CD']);
    const vbdRef = model.refByUuid('VBD', rest);
    if (vbd && vbd.vmUuid === vm.uuid && vbdRef !== undefined) {
      return { kind: 'vbd', vm, instanceId: instanceID, ref: vbdRef, record: vbd.vbd, cd: str(vbd.vbd, 'type') === 'CD' };
    }
    const vif = guestVifByUuid(model, rest);
    const vifRef = model.refByUuid('VIF', rest);
    if (vif && vif.vmUuid === vm.uuid && vifRef !== undefined) return { kind: 'vif', vm, instanceId: instanceID, ref: vifRef, record: vif.vif };
  }
  throw invalidParameter(`${what}: InstanceID ${instanceID ?? '(none)'} names no resource setting of this host.`);
}
