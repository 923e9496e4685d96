// event.from and event.inject as xapi implements them (xapi_event.ml): a token is the DB
// generation ("%020d,%020d"; the second number is for messages, always 0 here). Token ""
// returns an `add` for every object of the subscribed classes; later tokens return one event
// per object changed since, coalesced: `add` if it was created since, `del` if it has gone
// (nothing if it came and went), otherwise `mod` with its current snapshot. With nothing to
// report the call blocks until a matching commit or the timeout.
import { XenFailure } from './errors.js';
import { classByName, XEN_CLASSES, type XenClass } from './records.js';
import type { Change, Store } from './store.js';
import { Body, encodeValue } from './xmlrpc-wire.js';

export interface Subscription {
  readonly all: boolean;
  readonly classes: ReadonlySet<XenClass>;
  /** class → refs, for "vm/OpaqueRef:…" subscriptions. */
  readonly objects: ReadonlyMap<XenClass, ReadonlySet<string>>;
}

/** Parses subscriptions: "*", a class name in any case ("vm"), or "vm/OpaqueRef:…". Unknown classes match nothing. */
export function parseSubscriptions(list: readonly string[]): Subscription {
  let all = false;
  const classes = new Set<XenClass>();
  const objects = new Map<XenClass, Set<string>>();
  for (const s of list) {
    if (s === '*') {
      all = true;
      continue;
    }
    const slash = s.indexOf('/');
    const cls = classByName(slash < 0 ? s : s.slice(0, slash));
    if (cls === undefined) continue;
    if (slash < 0) classes.add(cls);
    else {
      const refs = objects.get(cls) ?? new Set<string>();
      refs.add(s.slice(slash + 1));
      objects.set(cls, refs);
    }
  }
  return { all, classes, objects };
}

export function classMatches(sub: Subscription, cls: XenClass): boolean {
  return sub.all || sub.classes.has(cls) || sub.objects.has(cls);
}

export function objectMatches(sub: Subscription, cls: XenClass, ref: string): boolean {
  return sub.all || sub.classes.has(cls) || sub.objects.get(cls)?.has(ref) === true;
}

const DIGITS = /^\d+$/;

/** The generation a token stands for; "" is the beginning. */
export function parseToken(token: string): number {
  if (token === '') return 0;
  const parts = token.split(',');
  if (parts.length !== 2 || !parts.every((p) => DIGITS.test(p))) {
    throw new XenFailure('EVENT_FROM_TOKEN_PARSE_FAILURE', [token]);
  }
  return Number(parts[0]);
}

export function formatToken(generation: number): string {
  return `${String(generation).padStart(20, '0')},${'0'.padStart(20, '0')}`;
}

interface EventItem {
  readonly op: 'add' | 'mod' | 'del';
  readonly cls: XenClass;
  readonly ref: string;
  readonly id: number;
}

/** The events a caller holding generation `since` has not seen yet. */
export function collectEvents(store: Store, sub: Subscription, since: number): EventItem[] {
  const items: EventItem[] = [];
  if (since === 0) {
    for (const cls of XEN_CLASSES) {
      if (!classMatches(sub, cls)) continue;
      for (const e of store.entriesOf(cls)) {
        if (objectMatches(sub, cls, e.ref)) items.push({ op: 'add', cls, ref: e.ref, id: e.created });
      }
    }
    return items;
  }
  for (const { cls, ref } of store.changesSince(since)) {
    if (!objectMatches(sub, cls, ref)) continue;
    const e = store.entry(cls, ref);
    if (e !== undefined) {
      items.push(e.created > since ? { op: 'add', cls, ref, id: e.created } : { op: 'mod', cls, ref, id: e.modified });
      continue;
    }
    const t = store.tombstone(ref);
    if (t !== undefined && t.created <= since) items.push({ op: 'del', cls, ref, id: t.deleted });
  }
  return items;
}

/** Encodes `{events, valid_ref_counts, token}`; snapshots come from the store's record cache. */
export function encodeEventBatch(store: Store, items: readonly EventItem[], token: string): Body {
  const body = new Body().text('<value><struct><member><name>events</name><value><array><data>');
  for (const it of items) {
    body.text(
      '<value><struct><member><name>id</name><value>' + it.id + '</value></member>' +
        '<member><name>timestamp</name><value>0.0</value></member>' +
        '<member><name>class</name><value>' + it.cls.toLowerCase() + '</value></member>' +
        '<member><name>operation</name><value>' + it.op + '</value></member>' +
        '<member><name>ref</name>' + encodeValue(it.ref) + '</member>',
    );
    const e = it.op === 'del' ? undefined : store.entry(it.cls, it.ref);
    if (e !== undefined) body.text('<member><name>snapshot</name>').bytes(store.encoded(e)).text('</member>');
    body.text('</struct></value>');
  }
  body.text('</data></array></value></member><member><name>valid_ref_counts</name><value><struct>');
  for (const cls of XEN_CLASSES) {
    body.text('<member><name>' + cls.toLowerCase() + '</name><value><i4>' + store.count(cls) + '</i4></value></member>');
  }
  return body.text('</struct></value></member><member><name>token</name>' + encodeValue(token) + '</member></struct></value>');
}

type WakeReason = 'change' | 'timeout' | 'closed' | 'logout';

interface Waiter {
  readonly sub: Subscription;
  readonly session: string;
  readonly wake: (reason: WakeReason) => void;
}

/** Blocked event.from calls, woken by matching commits, their deadline, logout or close. */
export class EventHub {
  private readonly waiters = new Set<Waiter>();
  private closed = false;

  constructor(private readonly store: Store) {
    store.onCommit((changes) => this.notify(changes));
  }

  /** event.from: returns the encoded batch, waiting up to `timeoutSeconds` for something to report. */
  async from(session: string, classes: readonly string[], token: string, timeoutSeconds: number): Promise<Body> {
    const since = parseToken(token);
    const sub = parseSubscriptions(classes);
    const deadline = Date.now() + Math.max(0, timeoutSeconds) * 1000;
    for (;;) {
      const items = collectEvents(this.store, sub, since);
      if (items.length > 0 || this.closed || Date.now() >= deadline) {
        return encodeEventBatch(this.store, items, formatToken(this.store.generation));
      }
      const reason = await this.wait(sub, session, deadline);
      if (reason === 'logout') throw new XenFailure('SESSION_INVALID', [session]);
    }
  }

  /** Wakes every waiter of a session that logged out (they then fail with SESSION_INVALID). */
  logout(session: string): void {
    for (const w of this.waiters) if (w.session === session) w.wake('logout');
  }

  /** xapi restarted: every blocked call fails with SESSION_INVALID (its session is gone). */
  restart(): void {
    for (const w of this.waiters) w.wake('logout');
  }

  /** Releases every blocked call; later calls return at once. */
  close(): void {
    this.closed = true;
    for (const w of this.waiters) w.wake('closed');
  }

  get blocked(): number {
    return this.waiters.size;
  }

  private wait(sub: Subscription, session: string, deadline: number): Promise<WakeReason> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        sub,
        session,
        wake: (reason) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(reason);
        },
      };
      const timer = setTimeout(() => waiter.wake('timeout'), Math.max(0, deadline - Date.now()));
      this.waiters.add(waiter);
    });
  }

  private notify(changes: readonly Change[]): void {
    for (const w of this.waiters) {
      if (changes.some((c) => objectMatches(w.sub, c.cls, c.ref))) w.wake('change');
    }
  }
}
