// The shared virtualization model: XenAPI records per class, by ref and by uuid. Batches
// apply atomically and bump a generation (overall and per class), so readers can memoize
// what they derive from a class until that class changes.
import type { XenRecord } from './values.js';

export const XEN_CLASSES = [
  'pool', 'host', 'host_cpu', 'host_metrics', 'VM', 'VM_metrics', 'VBD', 'VDI', 'SR', 'PBD', 'VIF', 'network', 'PIF', 'task',
] as const;
export type XenClass = (typeof XEN_CLASSES)[number];

const BY_LOWER = new Map<string, XenClass>(XEN_CLASSES.map((c) => [c.toLowerCase(), c]));

/** Event class names are lower case ("vm_metrics"); undefined for classes we do not keep. */
export function xenClassOf(eventClass: string): XenClass | undefined {
  return BY_LOWER.get(eventClass.toLowerCase());
}

export interface Change {
  readonly cls: XenClass;
  readonly ref: string;
  /** the new record; undefined removes the object */
  readonly record: XenRecord | undefined;
}

/** A change as listeners are told it: with the record it replaced (undefined for a new object). */
export interface AppliedChange extends Change {
  readonly previous: XenRecord | undefined;
}

export type ModelState = 'loading' | 'live' | 'stale';

export class XenModel {
  private readonly tables = new Map<XenClass, Map<string, XenRecord>>();
  private readonly uuids = new Map<XenClass, Map<string, string>>();
  private readonly classGenerations = new Map<XenClass, number>();
  private gen = 0;
  private readonly listeners = new Set<(classes: ReadonlySet<XenClass>, changes?: readonly AppliedChange[]) => void>();
  state: ModelState = 'loading';
  /** when the feed last confirmed the model current (ms since epoch) */
  lastSync = 0;
  /** when the feed lost XenAPI (ms since epoch); 0 while live */
  staleSince = 0;
  /** what went wrong last, for the health report (no host names or credentials) */
  lastFailure: string | undefined;

  constructor() {
    for (const c of XEN_CLASSES) {
      this.tables.set(c, new Map());
      this.uuids.set(c, new Map());
      this.classGenerations.set(c, 0);
    }
  }

  get generation(): number {
    return this.gen;
  }

  classGeneration(cls: XenClass): number {
    return this.classGenerations.get(cls) ?? 0;
  }

  get(cls: XenClass, ref: string): XenRecord | undefined {
    return this.table(cls).get(ref);
  }

  refByUuid(cls: XenClass, uuid: string): string | undefined {
    return this.uuids.get(cls)?.get(uuid);
  }

  byUuid(cls: XenClass, uuid: string): XenRecord | undefined {
    const ref = this.refByUuid(cls, uuid);
    return ref === undefined ? undefined : this.get(cls, ref);
  }

  all(cls: XenClass): ReadonlyMap<string, XenRecord> {
    return this.table(cls);
  }

  /** Applies one batch atomically (the event loop is the only writer, on one thread). */
  apply(changes: readonly Change[]): void {
    if (changes.length === 0) return;
    const touched = new Set<XenClass>();
    const applied: AppliedChange[] = [];
    for (const { cls, ref, record } of changes) {
      touched.add(cls);
      const table = this.table(cls);
      const uuids = this.uuids.get(cls);
      const old = table.get(ref);
      if (old) uuids?.delete(String(old['uuid'] ?? ''));
      if (record) {
        table.set(ref, record);
        uuids?.set(String(record['uuid'] ?? ''), ref);
      } else {
        table.delete(ref);
      }
      applied.push({ cls, ref, record, previous: old });
    }
    this.bump(touched, applied);
  }

  /** Replaces whole classes with a fresh load (initial load, reload after an error, metrics poll). */
  replace(snapshot: ReadonlyMap<XenClass, ReadonlyMap<string, XenRecord>>): void {
    for (const [cls, records] of snapshot) {
      this.tables.set(cls, new Map(records));
      const uuids = new Map<string, string>();
      for (const [ref, r] of records) uuids.set(String(r['uuid'] ?? ''), ref);
      this.uuids.set(cls, uuids);
    }
    this.bump(new Set(snapshot.keys()));
  }

  /**
   * What the gateway derives from `cls` changed without a XenAPI change (a job no longer
   * shown): views memoized per class generation are recomputed.
   */
  touch(cls: XenClass): void {
    this.bump(new Set([cls]), []);
  }

  /** The feed confirmed the model current. */
  markLive(now = Date.now()): void {
    this.state = 'live';
    this.lastSync = now;
    this.staleSince = 0;
    this.lastFailure = undefined;
  }

  /** The feed lost XenAPI: the data stays, marked stale from the first failure on. */
  markStale(failure: string, now = Date.now()): void {
    if (this.state === 'live') {
      this.state = 'stale';
      this.staleSince = now;
    }
    this.lastFailure = failure;
  }

  private bump(classes: ReadonlySet<XenClass>, changes?: readonly AppliedChange[]): void {
    this.gen++;
    for (const c of classes) this.classGenerations.set(c, this.gen);
    for (const l of this.listeners) l(classes, changes);
  }

  /**
   * Calls `fn` after every applied batch with the classes it touched and, for a batch of events,
   * the changes themselves (undefined after a full reload: anything may have changed); returns
   * the unsubscribe.
   */
  onChange(fn: (classes: ReadonlySet<XenClass>, changes?: readonly AppliedChange[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Resolves once `test` holds after a batch (or at once), or with false after `ms`. */
  until(test: () => boolean, ms: number): Promise<boolean> {
    if (test()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(false);
      }, ms);
      const off = this.onChange(() => {
        if (!test()) return;
        clearTimeout(timer);
        off();
        resolve(true);
      });
    });
  }

  private table(cls: XenClass): Map<string, XenRecord> {
    const t = this.tables.get(cls);
    if (!t) throw new Error(`unknown XenAPI class ${cls}`);
    return t;
  }
}
