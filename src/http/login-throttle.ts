// Repeated failed logins from one address are slowed, then refused for a while, so that
// Basic credentials cannot be guessed at the rate the gateway can ask xapi. Bounded in size.
import { LRUCache } from 'lru-cache';

export interface ThrottleOptions {
  /** failures in the window after which every further attempt waits */
  readonly slowAfter: number;
  /** failures in the window after which the address is refused */
  readonly lockAfter: number;
  readonly windowMs: number;
  readonly lockMs: number;
  /** longest wait imposed on a slowed attempt */
  readonly maxDelayMs: number;
  readonly maxAddresses: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { slowAfter: 5, lockAfter: 20, windowMs: 10 * 60_000, lockMs: 5 * 60_000, maxDelayMs: 5_000, maxAddresses: 50_000 };

interface Entry {
  failures: number;
  lockedUntil: number;
}

export type Verdict = { readonly kind: 'go'; readonly delayMs: number } | { readonly kind: 'locked'; readonly retryAfterS: number };

export class LoginThrottle {
  private readonly table: LRUCache<string, Entry>;

  constructor(readonly options: ThrottleOptions = DEFAULT_THROTTLE, private readonly now: () => number = Date.now) {
    this.table = new LRUCache<string, Entry>({ max: options.maxAddresses, ttl: Math.max(options.windowMs, options.lockMs) });
  }

  /** Whether an attempt from `address` may go ahead now, and after how long a wait. */
  check(address: string): Verdict {
    const e = this.table.get(address);
    if (!e) return { kind: 'go', delayMs: 0 };
    const t = this.now();
    if (e.lockedUntil > t) return { kind: 'locked', retryAfterS: Math.ceil((e.lockedUntil - t) / 1000) };
    const over = e.failures - this.options.slowAfter;
    return { kind: 'go', delayMs: over < 0 ? 0 : Math.min(this.options.maxDelayMs, 250 * 2 ** over) };
  }

  failure(address: string): void {
    const e = this.table.get(address) ?? { failures: 0, lockedUntil: 0 };
    e.failures++;
    if (e.failures >= this.options.lockAfter) {
      e.lockedUntil = this.now() + this.options.lockMs;
      e.failures = 0;
    }
    this.table.set(address, e, { ttl: this.options.windowMs + this.options.lockMs });
  }

  success(address: string): void {
    const e = this.table.get(address);
    if (e && e.lockedUntil <= this.now()) this.table.delete(address);
  }
}
