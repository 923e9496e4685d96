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
}

/** Adds one object named `key` (unique within its class) and returns its ref. */
export function addObject<C extends XenClass>(
  tx: Transaction,
  cls: C,
  key: string,
  fields: Partial<ClassRecords[C]>,
): string {
  const ref = refFor(`${cls}/${key}`);
  tx.add(cls, ref, makeRecord(cls, { ...fields, uuid: uuidFor(`${cls}/${key}`) }));
  return ref;
}

export function seedTime(offsetSeconds: number): DateTime {
  return DateTime.fromDate(new Date(SEED_TIME + offsetSeconds * 1000));
}

export const bytes = (n: number): string => String(Math.round(n));
