// Open enumerations, on lru-cache: bounded in number, expiring when idle, owned by the
// user who opened them (DSP0226 R8.1-6), and never pulled twice at once.
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { EnumerationCursor } from '../cim/cimom.js';
import { WsmanFault } from '../soap/faults.js';
import type { EnumerationMode } from './request.js';
import type { Polymorphism } from '../cim/cimom.js';

export interface EnumerationContext {
  readonly id: string;
  readonly owner: string;
  readonly mode: EnumerationMode;
  readonly polymorphism: Polymorphism;
  /** the properties to return; undefined for all */
  readonly properties: readonly string[] | undefined;
  readonly cursor: EnumerationCursor;
  /** the wsman:Locale of the Enumerate; later messages of the enumeration do not change it (R6.3-5) */
  readonly locale: string | undefined;
  /** how long the context lives without a Pull, in milliseconds */
  ttlMs: number;
  /** when it expires unless renewed or pulled (ms since the epoch) */
  expiresAt: number;
  inUse: boolean;
}

export interface ContextLimits {
  /** most open contexts in all */
  readonly maxContexts: number;
  /** most open contexts of one user */
  readonly maxContextsPerUser: number;
  /** idle lifetime when the Enumerate asks for none, and the longest granted */
  readonly defaultTtlMs: number;
  readonly maxTtlMs: number;
}

export class EnumerationContexts {
  private readonly table: LRUCache<string, EnumerationContext>;
  private readonly perUser = new Map<string, number>();

  constructor(readonly limits: ContextLimits) {
    this.table = new LRUCache<string, EnumerationContext>({
      max: limits.maxContexts,
      ttl: limits.defaultTtlMs,
      ttlAutopurge: true,
      updateAgeOnGet: false,
      // Expiry, release and the end of an enumeration all free the context's place.
      dispose: (ctx, _key, reason) => {
        if (reason === 'set') return;
        const n = (this.perUser.get(ctx.owner) ?? 1) - 1;
        if (n <= 0) this.perUser.delete(ctx.owner);
        else this.perUser.set(ctx.owner, n);
      },
    });
  }

  /** Open contexts of one user. */
  countOf(user: string): number {
    return this.perUser.get(user) ?? 0;
  }

  get size(): number {
    return this.table.size;
  }

  open(init: Omit<EnumerationContext, 'id' | 'inUse' | 'ttlMs' | 'expiresAt'>, requestedTtlMs?: number): EnumerationContext {
    // Refuse rather than let the LRU silently evict someone else's enumeration.
    if (this.table.size >= this.limits.maxContexts) {
      throw new WsmanFault('wsman:QuotaLimit', { reason: `The service holds its limit of ${this.limits.maxContexts} open enumerations; release some or wait for them to expire.` });
    }
    if (this.countOf(init.owner) >= this.limits.maxContextsPerUser) {
      throw new WsmanFault('wsman:QuotaLimit', { reason: `${init.owner} holds the limit of ${this.limits.maxContextsPerUser} open enumerations; release some or wait for them to expire.` });
    }
    const ttlMs = Math.min(requestedTtlMs ?? this.limits.defaultTtlMs, this.limits.maxTtlMs);
    const ctx: EnumerationContext = { ...init, id: `uuid:${randomUUID()}`, inUse: false, ttlMs, expiresAt: Date.now() + ttlMs };
    this.table.set(ctx.id, ctx, { ttl: ttlMs });
    this.perUser.set(init.owner, this.countOf(init.owner) + 1);
    return ctx;
  }

  /** The context for a Pull or Release by `user`, marked in use; faults as DSP0226 says. */
  acquire(id: string, user: string): EnumerationContext {
    const ctx = this.table.get(id);
    if (!ctx) throw new WsmanFault('wsen:InvalidEnumerationContext', { reason: 'The enumeration context is unknown, expired or released.' });
    if (ctx.owner !== user) {
      throw new WsmanFault('wsman:AccessDenied', { reason: 'The enumeration context belongs to another user.' });
    }
    if (ctx.inUse) throw new WsmanFault('wsman:Concurrency', { reason: 'Another Pull on this enumeration context is in progress.' });
    ctx.inUse = true;
    return ctx;
  }

  /** Ends a Pull: the context lives on for another idle period. */
  releaseUse(ctx: EnumerationContext): void {
    ctx.inUse = false;
    this.renew(ctx, ctx.ttlMs);
  }

  /** WS-Enumeration Renew: a new lifetime from now (capped), kept for later Pulls. */
  renew(ctx: EnumerationContext, ttlMs: number): void {
    if (!this.table.has(ctx.id)) return;
    ctx.ttlMs = Math.min(ttlMs, this.limits.maxTtlMs);
    ctx.expiresAt = Date.now() + ctx.ttlMs;
    this.table.set(ctx.id, ctx, { ttl: ctx.ttlMs });
  }

  delete(id: string): void {
    this.table.delete(id);
  }

  clear(): void {
    this.table.clear();
  }
}
