// What the storage classes read from XenAPI: which SRs hold CD images, which host an SR
// belongs to, which VDIs are shown as disk images, and the VBDs of guests.
import type { KeyBinding } from '../../cim/object-path.js';
import type { XenModel } from '../../xenapi/model.js';
import { bool, int, isNullRef, refs, str, type XenRecord } from '../../xenapi/values.js';
import { compareIds } from '../devices.js';
import { deviceKeys, HOST_CLASS, isGuest, masterUuid } from '../ids.js';

export const STORAGE_POOL_CLASS = 'Xen_StoragePool';
export const DISK_IMAGE_CLASS = 'Xen_DiskImage';
export const DISK_CLASS = 'Xen_Disk';
export const CDROM_CLASS = 'Xen_CDROMDrive';
export const DISK_RASD_CLASS = 'Xen_DiskSettingData';

/** CIM ResourceType values (CIM_ResourceAllocationSettingData.ResourceType) used for storage. */
export const ResourceType = { DVDDrive: 16, LogicalDisk: 31 } as const;

/** A size field in bytes; null when absent or negative (xapi reports -1 for "unknown"). */
export function bytes(r: XenRecord, field: string): number | null {
  const n = int(r, field);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** SRs whose content is CD images: ISO libraries, the tools SR and physical CD drives (udev, content_type iso). */
export function isCdSr(sr: XenRecord): boolean {
  return str(sr, 'content_type') === 'iso' || str(sr, 'type') === 'iso';
}

/** SRs that hold disks: not ISO libraries, physical drives or the tools SR. */
export function isDiskSr(sr: XenRecord): boolean {
  return !isCdSr(sr) && str(sr, 'type') !== 'udev' && !bool(sr, 'is_tools_sr');
}

export function poolResourceType(sr: XenRecord): number {
  return isCdSr(sr) ? ResourceType.DVDDrive : ResourceType.LogicalDisk;
}

/** SRs in uuid order, as [uuid, record]. */
export function srs(model: XenModel): [string, XenRecord][] {
  return [...model.all('SR').values()].map((r): [string, XenRecord] => [str(r, 'uuid'), r]).sort(byKey);
}

/**
 * The host an SR (and the disk images in it) is reported on: the pool master when it has a
 * PBD for the SR (always so for shared SRs), else the host of the SR's first PBD, else the master.
 */
export function srHost(model: XenModel, sr: XenRecord): string | undefined {
  const master = masterUuid(model);
  const hostsWithPbd: string[] = [];
  for (const pbd of srPbds(model, sr)) {
    const host = model.get('host', str(pbd, 'host'));
    if (host) hostsWithPbd.push(str(host, 'uuid'));
  }
  if (master !== undefined && (hostsWithPbd.length === 0 || hostsWithPbd.includes(master))) return master;
  return hostsWithPbd.sort()[0] ?? master;
}

/** The SR's PBDs, found from the PBD side (xapi keeps SR.PBDs too, but PBD.SR is authoritative). */
export function srPbds(model: XenModel, sr: XenRecord): XenRecord[] {
  const out: XenRecord[] = [];
  for (const ref of refs(sr, 'PBDs')) {
    const pbd = model.get('PBD', ref);
    if (pbd) out.push(pbd);
  }
  return out;
}

/** Records an SR's placement depends on, for memoized instances. */
export function srDeps(model: XenModel, sr: XenRecord | undefined): readonly unknown[] {
  return sr ? [sr, ...srPbds(model, sr), model.all('pool').values().next().value] : [];
}

// VDI types xapi keeps for itself: they are not images anything can be allocated from.
const INTERNAL_VDI_TYPES = new Set(['suspend', 'crashdump', 'ha_statefile', 'metadata', 'redo_log', 'pvs_cache', 'cbt_metadata']);

/** Disk images shown: not part of a snapshot, not one of xapi's internal images. */
export function isShownVdi(vdi: XenRecord): boolean {
  return !bool(vdi, 'is_a_snapshot') && !INTERNAL_VDI_TYPES.has(str(vdi, 'type'));
}

/** Shown VDIs in SR uuid then VDI uuid order, as [vdi uuid, record, sr uuid]. */
export function shownVdis(model: XenModel): [string, XenRecord, string][] {
  const out: [string, XenRecord, string][] = [];
  for (const vdi of model.all('VDI').values()) {
    const sr = model.get('SR', str(vdi, 'SR'));
    if (sr && isShownVdi(vdi)) out.push([str(vdi, 'uuid'), vdi, str(sr, 'uuid')]);
  }
  return out.sort((a, b) => compareIds(a[2], b[2]) || compareIds(a[0], b[0]));
}

export function shownVdiByUuid(model: XenModel, uuid: string): XenRecord | undefined {
  const vdi = model.byUuid('VDI', uuid);
  return vdi && isShownVdi(vdi) && model.get('SR', str(vdi, 'SR')) ? vdi : undefined;
}

/** Keys of the Xen_DiskImage of a VDI, or undefined when its SR is gone. */
export function diskImageKeys(model: XenModel, vdi: XenRecord): KeyBinding[] | undefined {
  const sr = model.get('SR', str(vdi, 'SR'));
  const host = sr ? srHost(model, sr) : undefined;
  if (!sr || host === undefined) return undefined;
  return deviceKeys(HOST_CLASS, host, DISK_IMAGE_CLASS, `Xen:${str(sr, 'uuid')}/${str(vdi, 'uuid')}`);
}

export type VbdKind = 'Disk' | 'CD';

export interface GuestVbd {
  readonly uuid: string;
  readonly vbd: XenRecord;
  readonly vmUuid: string;
}

/** The guest VM a VBD belongs to, or undefined (templates, snapshots, dom0, gone). */
export function guestOfVbd(model: XenModel, vbd: XenRecord): XenRecord | undefined {
  const vm = model.get('VM', str(vbd, 'VM'));
  return vm && isGuest(vm) ? vm : undefined;
}

/** VBDs of guests of one kind (or both), in VM uuid, then device position, then VBD uuid order. */
export function guestVbds(model: XenModel, kinds: readonly VbdKind[]): GuestVbd[] {
  const out: GuestVbd[] = [];
  for (const vbd of model.all('VBD').values()) {
    if (!(kinds as readonly string[]).includes(str(vbd, 'type'))) continue;
    const vm = guestOfVbd(model, vbd);
    if (vm) out.push({ uuid: str(vbd, 'uuid'), vbd, vmUuid: str(vm, 'uuid') });
  }
  const position = (v: GuestVbd): number => {
    const n = int(v.vbd, 'userdevice');
    return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
  };
  return out.sort((a, b) => compareIds(a.vmUuid, b.vmUuid) || position(a) - position(b) || compareIds(a.uuid, b.uuid));
}

/** A guest's VBD of one of `kinds` by uuid, with the VM's uuid, or undefined. */
export function guestVbdByUuid(model: XenModel, uuid: string, kinds: readonly VbdKind[]): GuestVbd | undefined {
  const vbd = model.byUuid('VBD', uuid);
  if (!vbd || !(kinds as readonly string[]).includes(str(vbd, 'type'))) return undefined;
  const vm = guestOfVbd(model, vbd);
  return vm ? { uuid, vbd, vmUuid: str(vm, 'uuid') } : undefined;
}

/** The VDI in a VBD, or undefined for an empty drive. */
export function vdiOf(model: XenModel, vbd: XenRecord): XenRecord | undefined {
  const ref = str(vbd, 'VDI');
  return bool(vbd, 'empty') || isNullRef(ref) ? undefined : model.get('VDI', ref);
}

/** The SR of the VDI in a VBD, or undefined. */
export function srOfVbd(model: XenModel, vbd: XenRecord): XenRecord | undefined {
  const vdi = vdiOf(model, vbd);
  return vdi ? model.get('SR', str(vdi, 'SR')) : undefined;
}

function byKey(a: [string, XenRecord], b: [string, XenRecord]): number {
  return compareIds(a[0], b[0]);
}
