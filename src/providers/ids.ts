// Key and id helpers shared by the profiles. Every key is derived from XenAPI uuids, so it
// survives restarts and renames; refs are never exposed.
import type { KeyBinding } from '../cim/object-path.js';
import type { XenModel } from '../xenapi/model.js';
import { bool, isNullRef, str, type XenRecord } from '../xenapi/values.js';

export const ORG = 'Xen';

/** InstanceID in DSP0004's <OrgID>:<LocalID> form. */
export function instanceId(local: string): string {
  return `${ORG}:${local}`;
}

/** The local part of a Xen: InstanceID, or undefined when it is not ours. */
export function localId(instanceID: string | undefined): string | undefined {
  return instanceID !== undefined && instanceID.startsWith(`${ORG}:`) ? instanceID.slice(ORG.length + 1) : undefined;
}

export const HOST_CLASS = 'Xen_HostComputerSystem';
export const VM_CLASS = 'Xen_ComputerSystem';

export function systemKeys(className: string, uuid: string): KeyBinding[] {
  return [{ name: 'CreationClassName', value: className }, { name: 'Name', value: uuid }];
}

/** Keys of a device (or service) hosted by a system: the system's keys plus the device's own. */
export function deviceKeys(systemClass: string, systemUuid: string, className: string, deviceId: string, idKey = 'DeviceID'): KeyBinding[] {
  return [
    { name: 'SystemCreationClassName', value: systemClass },
    { name: 'SystemName', value: systemUuid },
    { name: 'CreationClassName', value: className },
    { name: idKey, value: deviceId },
  ];
}

export function isGuest(vm: XenRecord): boolean {
  return !bool(vm, 'is_a_template') && !bool(vm, 'is_a_snapshot') && !bool(vm, 'is_control_domain');
}

/** Guest VMs in uuid order, as [uuid, record]. */
export function* guests(model: XenModel): Generator<[string, XenRecord]> {
  const out: [string, XenRecord][] = [];
  for (const vm of model.all('VM').values()) if (isGuest(vm)) out.push([str(vm, 'uuid'), vm]);
  out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  yield* out;
}

export function guestByUuid(model: XenModel, uuid: string): XenRecord | undefined {
  const vm = model.byUuid('VM', uuid);
  return vm && isGuest(vm) ? vm : undefined;
}

/** The pool master's uuid (the only host of a standalone host). */
export function masterUuid(model: XenModel): string | undefined {
  const pool = model.all('pool').values().next().value;
  const master = pool ? model.get('host', str(pool, 'master')) : undefined;
  const host = master ?? model.all('host').values().next().value;
  return host ? str(host, 'uuid') : undefined;
}

/** The host a VM belongs to: where it runs, else its affinity, else the pool master. */
export function hostOfVm(model: XenModel, vm: XenRecord): string | undefined {
  for (const field of ['resident_on', 'affinity']) {
    const ref = str(vm, field);
    if (!isNullRef(ref)) {
      const host = model.get('host', ref);
      if (host) return str(host, 'uuid');
    }
  }
  return masterUuid(model);
}

/** Hosts in uuid order, as [uuid, record]. */
export function hosts(model: XenModel): [string, XenRecord][] {
  return [...model.all('host').values()].map((h): [string, XenRecord] => [str(h, 'uuid'), h]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}
