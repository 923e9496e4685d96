// Repeated failed logins from one address are slowed, then refused for a while, so that
// Basic credentials cannot be guessed at the rate the gateway can ask xapi. Bounded in size.
// Logins from one address are also checked a few at a time (slowAfter of them), the others
// waiting their turn: otherwise a burst of parallel guesses would all be asked of xapi before
// the first failure counted, and the lock would bound nothing.
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
  /** the failures by user name: a success forgives only its own user's */
  readonly byUser: Map<string, number>;
}

export type Verdict = { readonly kind: 'go'; readonly delayMs: number } | { readonly kind: 'locked'; readonly retryAfterS: number };

/** How a login admitted by `admit` ended: XenAPI accepted it, refused it, or could not be asked. */
export type Outcome = 'success' | 'failure' | 'error';

/** An admitted login: wait `delayMs`, ask xapi, then tell how it went (once; later calls do nothing). */
export type Admission = { readonly kind: 'go'; readonly delayMs: number; readonly done: (outcome: Outcome) => void } | { readonly kind: 'locked'; readonly retryAfterS: number };

/** Logins of one address being checked, and those waiting for a turn. */
interface Slots {
  inFlight: number;
  readonly waiting: (() => void)[];
}

export class LoginThrottle {
  private readonly table: LRUCache<string, Entry>;
  /** Only addresses with logins under way: as many as requests in progress, never evicted. */
  private readonly slots = new Map<string, Slots>();

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

  /**
   * A login from `address` that XenAPI has to check: admitted when one of the address's
   * slowAfter turns is free (waiting for one otherwise), with the delay its failures so far call
   * for; refused while the address is locked, or when as many logins as would lock it already wait.
   */
  async admit(address: string, user = ''): Promise<Admission> {
    const first = this.check(address);
    if (first.kind === 'locked') return first;
    let slots = this.slots.get(address);
    if (!slots) {
      slots = { inFlight: 0, waiting: [] };
      this.slots.set(address, slots);
    }
    const turns = Math.max(1, this.options.slowAfter);
    if (slots.inFlight < turns) slots.inFlight++;
    else if (slots.waiting.length >= this.options.lockAfter) return { kind: 'locked', retryAfterS: 1 };
    else await new Promise<void>((resolve) => (slots as Slots).waiting.push(resolve)); // a finished login hands its turn over
    // Failures counted (or a lock set) while this one waited decide its fate.
    const verdict = this.check(address);
    if (verdict.kind === 'locked') {
      this.release(address);
      return verdict;
    }
    let settled = false;
    return {
      kind: 'go',
      delayMs: verdict.delayMs,
      done: (outcome) => {
        if (settled) return;
        settled = true;
        this.settle(address, user, outcome);
        this.release(address);
      },
    };
  }

  /** Logins of `address` being checked now (at most slowAfter) and waiting for a turn. */
  underWay(address: string): { readonly inFlight: number; readonly waiting: number } {
    const s = this.slots.get(address);
    return { inFlight: s?.inFlight ?? 0, waiting: s?.waiting.length ?? 0 };
  }

  private release(address: string): void {
    const s = this.slots.get(address);
    if (!s) return;
    const next = s.waiting.shift();
    if (next) next();
    else if (--s.inFlight <= 0) this.slots.delete(address);
  }

  /** Counts how a login XenAPI was asked about went (an error counts neither way). */
  settle(address: string, user: string, outcome: Outcome): void {
    if (outcome === 'success') this.success(address, user);
    else if (outcome === 'failure') this.failure(address, user);
  }

  failure(address: string, user = ''): void {
    const e = this.table.get(address) ?? { failures: 0, lockedUntil: 0, byUser: new Map<string, number>() };
    e.failures++;
    e.byUser.set(user, (e.byUser.get(user) ?? 0) + 1);
    if (e.failures >= this.options.lockAfter) {
      e.lockedUntil = this.now() + this.options.lockMs;
      e.failures = 0;
      e.byUser.clear();
    }
    this.table.set(address, e, { ttl: this.options.windowMs + this.options.lockMs });
  }

  /**
   * A login of `user` succeeded: that user's own failures are forgiven (a mistyped password),
   * not other users' (a guesser holding one valid account must not wipe its guesses at another).
   */
  success(address: string, user = ''): void {
    const e = this.table.get(address);
    if (!e || e.lockedUntil > this.now()) return;
    e.failures -= e.byUser.get(user) ?? 0;
    e.byUser.delete(user);
    if (e.failures <= 0) this.table.delete(address);
  }
}
