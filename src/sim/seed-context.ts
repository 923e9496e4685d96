// What the seeding code shares: the open transaction, the refs of the fixed objects, and
// helpers that name objects deterministically.
import { refFor, uuidFor } from './ids.js';
import { makeRecord, type ClassRecords, type XenClass } from './records.js';
import type { Store, Transaction } from './store.js';
import { DateTime } from './values.js';

export const GiB = 1024 * 1024 * 1024;
export const MiB = 1024 * 1024;

/** The fixture's "now": fixed, so every run produces identical records. */
export const SEED_TIME = Date.UTC(2025, 2, 19, 4, 16, 24);

export interface InfraRefs {
  readonly pool: string;
  readonly host: string;
  readonly hostMetrics: string;
  readonly srLocal: string;
  readonly srNfs: string;
  readonly srIso: string;
  readonly srTools: string;
  readonly netEth0: string;
  readonly netEth1: string;
  readonly netVlan100: string;
  readonly netInternal: string;
}

export interface SeedContext {
  readonly store: Store;
  readonly tx: Transaction;
  readonly infra: InfraRefs;
  /** Next domain id to hand out; xapi domids only grow. */
  nextDomid: number;
  /** Bytes held by live (Running or Paused) domains, overheads included. */
  liveMemory: number;
  /** Reverse fields collected while seeding and written once at the end (see linkAll). */
  readonly srVdis: Map<string, string[]>;
  readonly netVifs: Map<string, string[]>;
  readonly resident: string[];
}

export function newSeedContext(store: Store, tx: Transaction, infra: InfraRefs): SeedContext {
  return { store, tx, infra, nextDomid: 8, liveMemory: 0, srVdis: new Map(), netVifs: new Map(), resident: [] };
}

export function pushTo(index: Map<string, string[]>, key: string, value: string): void {
  const list = index.get(key);
  if (list === undefined) index.set(key, [value]);
  else list.push(value);
}

/** Writes the collected reverse fields: SR.VDIs (and SR usage), network.VIFs, host.resident_VMs. */
export function linkAll(ctx: SeedContext): void {
  const { store, tx } = ctx;
  for (const [sr, vdis] of ctx.srVdis) {
    const rec = store.get('SR', sr);
    if (rec === undefined) continue;
    let virt = Number(rec.virtual_allocation);
    let phys = Number(rec.physical_utilisation);
    for (const vdi of vdis) {
      const v = store.get('VDI', vdi);
      virt += Number(v?.virtual_size ?? 0);
      phys += Number(v?.physical_utilisation ?? 0);
    }
    tx.update('SR', sr, { VDIs: [...rec.VDIs, ...vdis], virtual_allocation: String(virt), physical_utilisation: String(phys) });
  }
  for (const [net, vifs] of ctx.netVifs) {
    const rec = store.get('network', net);
    if (rec !== undefined) tx.update('network', net, { VIFs: [...rec.VIFs, ...vifs] });
  }
  const host = store.get('host', ctx.infra.host);
  if (host !== undefined) tx.update('host', ctx.infra.host, { resident_VMs: [...host.resident_VMs, ...ctx.resident] });
}

/** Adds one object named `key` (unique within its class) and returns its ref. */
export function addObject<C extends XenClass>(
  tx: Transaction,
  cls: C,
  key: string,
  fields: Partial<ClassRecords[C]>,
): string {
  const name = `${cls}/${key}`;
  const ref = refFor(name);
  const rec = makeRecord(cls, fields);
  rec.uuid = uuidFor(name);
  tx.add(cls, ref, rec);
  return ref;
}

const TIMES = new Map<number, DateTime>();
const BYTES = new Map<number, string>();

/** The seed time moved by `offsetSeconds`; shared instances, as fixtures reuse few distinct times. */
export function seedTime(offsetSeconds: number): DateTime {
  let t = TIMES.get(offsetSeconds);
  if (t === undefined) TIMES.set(offsetSeconds, (t = DateTime.fromMillis(SEED_TIME + offsetSeconds * 1000)));
  return t;
}

/** A byte count as xapi sends ints (a decimal string); common sizes share one string. */
export function bytes(n: number): string {
  const rounded = Math.round(n);
  let s = BYTES.get(rounded);
  if (s === undefined) {
    s = String(rounded);
    if (BYTES.size < 4096) BYTES.set(rounded, s);
  }
  return s;
}
