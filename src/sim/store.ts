// The object database: records per class, xapi-style generation counters, and the change log
// that event.from reads. Like xapi's DB, every row carries the generation it was created and
// last modified in; a transaction commits all its changes under one new generation, so an
// event.from sees a power operation's changes to the VM, its devices and the host together.
import { encodeStruct } from './xmlrpc-wire.js';
import { XEN_CLASSES, type ClassRecords, type XenClass } from './records.js';
import type { XenRecord } from './values.js';

export interface Entry {
  readonly cls: XenClass;
  readonly ref: string;
  readonly rec: XenRecord;
  created: number;
  modified: number;
  /** The encoded `<value><struct>` of rec, built on demand and dropped on every change. */
  xml: Buffer | undefined;
}

export interface Tombstone {
  readonly cls: XenClass;
  readonly ref: string;
  readonly created: number;
  readonly deleted: number;
}

/** One object changed in a committed transaction. */
export interface Change {
  readonly cls: XenClass;
  readonly ref: string;
}

interface LogEntry {
  readonly gen: number;
  readonly cls: XenClass;
  readonly ref: string;
}

export class Store {
  private gen = 0;
  private readonly classes = new Map<XenClass, Map<string, Entry>>();
  /** uuid → ref per class, built on the first get_by_uuid of that class (seeding skips it). */
  private readonly uuids = new Map<XenClass, Map<string, string>>();
  private readonly tombstones = new Map<string, Tombstone>();
  private log: LogEntry[] = [];
  private compactAt = 4096;
  private readonly listeners = new Set<(changes: readonly Change[]) => void>();

  constructor() {
    for (const cls of XEN_CLASSES) this.classes.set(cls, new Map());
  }

  /** The last committed generation. */
  get generation(): number {
    return this.gen;
  }

  get<C extends XenClass>(cls: C, ref: string): ClassRecords[C] | undefined {
    // Every record of class C was created by makeRecord(C, …), so the cast restores its shape.
    return this.table(cls).get(ref)?.rec as ClassRecords[C] | undefined;
  }

  entry(cls: XenClass, ref: string): Entry | undefined {
    return this.table(cls).get(ref);
  }

  tombstone(ref: string): Tombstone | undefined {
    return this.tombstones.get(ref);
  }

  /** Live objects of `cls`, in creation order. */
  entriesOf(cls: XenClass): IterableIterator<Entry> {
    return this.table(cls).values();
  }

  count(cls: XenClass): number {
    return this.table(cls).size;
  }

  refByUuid(cls: XenClass, uuid: string): string | undefined {
    let index = this.uuids.get(cls);
    if (index === undefined) {
      index = new Map();
      for (const e of this.entriesOf(cls)) index.set(e.rec['uuid'] as string, e.ref);
      this.uuids.set(cls, index);
    }
    return index.get(uuid);
  }

  /** The encoded record, cached (off the JS heap) until the object changes. */
  encoded(e: Entry): Buffer {
    return (e.xml ??= Buffer.from(encodeStruct(e.rec), 'utf8'));
  }

  /** Registers a callback run after every commit that raised events. */
  onCommit(listener: (changes: readonly Change[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `fn` and commits everything it touched under one new generation. */
  transact<T>(fn: (tx: Transaction) => T): T {
    const tx = new Transaction(this, false);
    const result = fn(tx);
    this.commit(tx);
    return result;
  }

  /**
   * Fills an empty store as generation 1 without tracking changes: a token-"" event.from
   * reads the tables directly, so the seed needs no log, and skipping the bookkeeping
   * halves the time to seed 10,000 VMs.
   */
  load<T>(fn: (tx: Transaction) => T): T {
    if (this.gen !== 0) throw new Error('load needs an empty store');
    this.gen = 1;
    return fn(new Transaction(this, true));
  }

  /**
   * xapi restarted: the objects stay, but their change history is gone. Every row is re-born
   * at generation 1, the change log and tombstones are dropped and the counter starts again
   * from 1, so tokens handed out before name generations of the old numbering (see
   * Simulator.restart). Commits after this are numbered 2, 3, …
   */
  restart(): void {
    this.gen = 1;
    for (const table of this.classes.values()) {
      for (const e of table.values()) {
        e.created = 1;
        e.modified = 1;
      }
    }
    this.tombstones.clear();
    this.log = [];
    this.compactAt = 4096;
  }

  /** Changes fields without raising events, as xapi's metrics updates do. */
  updateSilently<C extends XenClass>(cls: C, ref: string, patch: Partial<ClassRecords[C]>): void {
    const e = this.mustGet(cls, ref);
    Object.assign(e.rec, patch);
    e.xml = undefined;
  }

  /** Log entries with a generation above `since`, oldest first, at most one per object. */
  changesSince(since: number): Change[] {
    const log = this.log;
    let lo = 0;
    let hi = log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((log[mid] as LogEntry).gen <= since) lo = mid + 1;
      else hi = mid;
    }
    const seen = new Set<string>();
    const out: Change[] = [];
    for (let i = log.length - 1; i >= lo; i--) {
      const { cls, ref } = log[i] as LogEntry;
      if (seen.has(ref)) continue;
      seen.add(ref);
      out.push({ cls, ref });
    }
    return out.reverse();
  }

  /** @internal used by Transaction */
  mustGet(cls: XenClass, ref: string): Entry {
    const e = this.table(cls).get(ref);
    if (e === undefined) throw new Error(`no ${cls} ${ref}`);
    return e;
  }

  /** @internal used by Transaction */
  insert(cls: XenClass, ref: string, rec: XenRecord, gen: number): Entry {
    const table = this.table(cls);
    if (table.has(ref)) throw new Error(`duplicate ref ${ref}`);
    const e: Entry = { cls, ref, rec, created: gen, modified: gen, xml: undefined };
    table.set(ref, e);
    this.uuids.get(cls)?.set(rec['uuid'] as string, ref);
    return e;
  }

  /** @internal used by Transaction */
  delete(e: Entry, gen: number, logged: boolean): void {
    this.table(e.cls).delete(e.ref);
    this.uuids.get(e.cls)?.delete(e.rec['uuid'] as string);
    if (logged) this.tombstones.set(e.ref, { cls: e.cls, ref: e.ref, created: e.created, deleted: gen });
  }

  private table(cls: XenClass): Map<string, Entry> {
    const t = this.classes.get(cls);
    if (t === undefined) throw new Error(`unknown class ${cls}`);
    return t;
  }

  private commit(tx: Transaction): void {
    if (tx.touched.size === 0 && tx.removed.size === 0) return;
    const gen = ++this.gen;
    const changes: Change[] = [];
    for (const e of tx.touched.values()) {
      if (tx.added.has(e.ref)) e.created = gen;
      e.modified = gen;
      e.xml = undefined;
      changes.push({ cls: e.cls, ref: e.ref });
    }
    for (const e of tx.removed.values()) {
      const logged = !tx.added.has(e.ref);
      this.delete(e, gen, logged);
      if (logged) changes.push({ cls: e.cls, ref: e.ref });
    }
    for (const c of changes) this.log.push({ gen, cls: c.cls, ref: c.ref });
    if (this.log.length > this.compactAt) this.compact();
    for (const listener of this.listeners) listener(changes);
  }

  /** Keeps only the newest log entry of each object; event.from coalesces per object anyway. */
  private compact(): void {
    const seen = new Set<string>();
    const kept: LogEntry[] = [];
    for (let i = this.log.length - 1; i >= 0; i--) {
      const le = this.log[i] as LogEntry;
      if (!seen.has(le.ref)) {
        seen.add(le.ref);
        kept.push(le);
      }
    }
    this.log = kept.reverse();
    this.compactAt = Math.max(4096, this.log.length * 2);
  }
}

/** The changes of one atomic batch; records are changed in place, generations set at commit. */
export class Transaction {
  readonly touched = new Map<string, Entry>();
  readonly added = new Set<string>();
  readonly removed = new Map<string, Entry>();

  /** `loading`: the store's initial fill, where rows are born at generation 1 untracked. */
  constructor(
    private readonly store: Store,
    private readonly loading: boolean,
  ) {}

  add<C extends XenClass>(cls: C, ref: string, rec: ClassRecords[C]): void {
    const e = this.store.insert(cls, ref, rec, this.loading ? 1 : 0);
    if (this.loading) return;
    this.added.add(ref);
    this.touched.set(ref, e);
  }

  /** Assigns `patch` to the record and marks it modified. */
  update<C extends XenClass>(cls: C, ref: string, patch: Partial<ClassRecords[C]>): void {
    const e = this.store.mustGet(cls, ref);
    Object.assign(e.rec, patch);
    e.xml = undefined;
    if (!this.loading) this.touched.set(ref, e);
  }

  /** Marks an object modified without changing it (event.inject, reverse-relation fields). */
  touch(cls: XenClass, ref: string): void {
    this.touched.set(ref, this.store.mustGet(cls, ref));
  }

  remove(cls: XenClass, ref: string): void {
    if (this.loading) throw new Error('cannot remove while loading');
    const e = this.store.mustGet(cls, ref);
    this.touched.delete(ref);
    this.removed.set(ref, e);
  }
}
