// VDIs: create, destroy and resize with xapi's checks (xapi_vdi.ml check_operation_error,
// xapi_sr_operations capabilities), keeping SR.VDIs, SR.virtual_allocation and
// SR.physical_utilisation in step. Checks never mutate; callers run every check of a
// request before applying anything, so a refused request leaves the store untouched.
import { randomUUID } from 'node:crypto';
import { XenFailure } from './errors.js';
import { must, newRef, withoutRef, withRef } from './objects.js';
import { makeRecord } from './records.js';
import type { SrRecord } from './records-infra.js';
import type { Store, Transaction } from './store.js';
import type { StrMap } from './values.js';

export const VDI_TYPES = ['system', 'user', 'ephemeral', 'suspend', 'crashdump', 'ha_statefile', 'metadata', 'redo_log', 'rrd', 'pvs_cache', 'cbt_metadata'] as const;
export type VdiType = (typeof VDI_TYPES)[number];

/** The operations a managed disk on a VHD-capable SR offers (as the seeded disks). */
export const DISK_VDI_OPS: readonly string[] = Object.freeze(['clone', 'destroy', 'resize', 'snapshot', 'copy', 'mirror', 'generate_config', 'update', 'forget']);

export interface VdiSpec {
  readonly name_label: string;
  readonly name_description: string;
  readonly SR: string;
  readonly virtual_size: number;
  readonly type: VdiType;
  readonly sharable: boolean;
  readonly read_only: boolean;
  readonly other_config: StrMap;
  readonly xenstore_data: StrMap;
  readonly sm_config: StrMap;
  readonly tags: readonly string[];
  /** Bytes in use from the start (a full copy); default: what the SR's allocation gives a new disk. */
  readonly physical?: number;
}

/** SR types whose storage manager has no VDI_CREATE/VDI_RESIZE capability. */
const NO_VDI_CREATE: ReadonlySet<string> = new Set(['iso', 'udev']);

export const INSUFFICIENT_SPACE = (): XenFailure => new XenFailure('SR_BACKEND_FAILURE_44', ['', 'There is insufficient space', '']);

function thick(sr: SrRecord): boolean {
  return sr.sm_config['allocation'] === 'thick';
}

/** Bytes a new disk of `size` takes at once on `sr`: all of it when thick, none when thin. */
export function initialUsage(sr: SrRecord, size: number): number {
  return thick(sr) ? size : 0;
}

function assertCanCreate(srRef: string, sr: SrRecord): void {
  if (NO_VDI_CREATE.has(sr.type) || sr.is_tools_sr) throw new XenFailure('SR_OPERATION_NOT_SUPPORTED', [srRef]);
}

/** Free bytes on `sr`, or Infinity for SRs that do not report a size. */
function free(sr: SrRecord): number {
  const size = Number(sr.physical_size);
  return size <= 0 ? Infinity : size - Number(sr.physical_utilisation);
}

/** Checks VDI.create for every spec together: SRs exist, can hold disks and have room for all. */
export function checkVdiCreate(store: Store, specs: readonly VdiSpec[]): void {
  const needed = new Map<string, number>();
  for (const spec of specs) {
    const sr = must(store, 'SR', spec.SR);
    assertCanCreate(spec.SR, sr);
    if (spec.virtual_size < 0) throw new XenFailure('SR_BACKEND_FAILURE_79', ['', 'VDI Invalid size', '']);
    needed.set(spec.SR, (needed.get(spec.SR) ?? 0) + (spec.physical ?? initialUsage(sr, spec.virtual_size)));
  }
  for (const [ref, bytes] of needed) if (bytes > free(must(store, 'SR', ref))) throw INSUFFICIENT_SPACE();
}

function account(store: Store, tx: Transaction, srRef: string, vdi: string, virt: number, phys: number, add: boolean): void {
  const sr = must(store, 'SR', srRef);
  tx.update('SR', srRef, {
    VDIs: add ? withRef(sr.VDIs, vdi) : withoutRef(sr.VDIs, vdi),
    virtual_allocation: String(Math.max(0, Number(sr.virtual_allocation) + virt)),
    physical_utilisation: String(Math.max(0, Number(sr.physical_utilisation) + phys)),
  });
}

/** Adds a VDI (after checkVdiCreate) and links it into its SR. */
export function addVdi(store: Store, tx: Transaction, spec: VdiSpec): string {
  const sr = must(store, 'SR', spec.SR);
  const ref = newRef();
  const uuid = randomUUID();
  const physical = spec.physical ?? initialUsage(sr, spec.virtual_size);
  tx.add('VDI', ref, makeRecord('VDI', {
    uuid,
    name_label: spec.name_label,
    name_description: spec.name_description,
    allowed_operations: DISK_VDI_OPS,
    SR: spec.SR,
    virtual_size: String(spec.virtual_size),
    physical_utilisation: String(physical),
    type: spec.type,
    sharable: spec.sharable,
    read_only: spec.read_only,
    other_config: spec.other_config,
    location: uuid,
    xenstore_data: spec.xenstore_data,
    sm_config: { vdi_type: 'vhd', ...spec.sm_config },
    tags: spec.tags,
  }));
  account(store, tx, spec.SR, ref, spec.virtual_size, physical, true);
  return ref;
}

/** True when a VBD of the VDI is attached (xapi: currently_attached or reserved). */
function inUse(store: Store, vbds: readonly string[]): boolean {
  return vbds.some((r) => store.get('VBD', r)?.currently_attached === true);
}

/** VDI.destroy's checks, in xapi's order. */
export function checkVdiDestroy(store: Store, ref: string): void {
  const vdi = must(store, 'VDI', ref);
  if (inUse(store, vdi.VBDs)) throw new XenFailure('VDI_IN_USE', [ref, 'destroy']);
  const sr = must(store, 'SR', vdi.SR);
  if (sr.type === 'udev') throw new XenFailure('VDI_IS_A_PHYSICAL_DEVICE', [ref]);
  if (sr.is_tools_sr) throw new XenFailure('SR_OPERATION_NOT_SUPPORTED', [vdi.SR]);
}

/** Removes the VDI and, as xapi does, every (detached) VBD still pointing at it. */
export function removeVdi(store: Store, tx: Transaction, ref: string): void {
  const vdi = must(store, 'VDI', ref);
  for (const vbd of vdi.VBDs) {
    const r = store.get('VBD', vbd);
    if (r === undefined) continue;
    const vm = store.get('VM', r.VM);
    if (vm !== undefined) tx.update('VM', r.VM, { VBDs: withoutRef(vm.VBDs, vbd) });
    tx.remove('VBD', vbd);
  }
  account(store, tx, vdi.SR, ref, -Number(vdi.virtual_size), -Number(vdi.physical_utilisation), false);
  tx.remove('VDI', ref);
}

/** VDI.resize: grows a detached disk (shrinking is refused by the storage backend). */
export function resizeVdi(store: Store, ref: string, size: number): (tx: Transaction) => void {
  const vdi = must(store, 'VDI', ref);
  if (inUse(store, vdi.VBDs)) throw new XenFailure('VDI_IN_USE', [ref, 'resize']);
  const sr = must(store, 'SR', vdi.SR);
  assertCanCreate(vdi.SR, sr);
  const old = Number(vdi.virtual_size);
  if (size < old) throw new XenFailure('SR_BACKEND_FAILURE_79', ['', 'VDI Invalid size', 'shrinking is not supported']);
  const grow = thick(sr) ? size - old : 0;
  if (grow > free(sr)) throw INSUFFICIENT_SPACE();
  return (tx) => {
    tx.update('VDI', ref, { virtual_size: String(size), physical_utilisation: String(Number(vdi.physical_utilisation) + grow) });
    tx.update('SR', vdi.SR, {
      virtual_allocation: String(Number(sr.virtual_allocation) + size - old),
      physical_utilisation: String(Number(sr.physical_utilisation) + grow),
    });
  };
}
