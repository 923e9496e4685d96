// Basic-auth credentials checked with session.login_with_password and remembered briefly
// under a salted hash (never the password), so a polling client costs one login per expiry.
// The session is the caller's own, for writes; it is logged out when the entry goes.
// While XenAPI is lost (the model is stale), a login that was still remembered when it was
// lost is honoured without asking xapi, so clients keep reading last-known data; new
// credentials still need xapi, and fail within its timeout.
import { hash, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { XenApiClient } from './client.js';
import { XenApiError } from './errors.js';
import type { ModelStatusView } from './model-health.js';
import { login } from './session.js';

export interface UserSession {
  readonly user: string;
  readonly sessionRef: string;
  /** when xapi accepted the credentials (ms since epoch) */
  readonly checkedAt: number;
}

export interface LoginCacheOptions {
  readonly ttlMs: number;
  readonly max: number;
  readonly originator: string;
  /** the model's status: while it is stale, logins remembered when XenAPI was lost stay good */
  readonly backend?: Pick<ModelStatusView, 'state' | 'staleSince'>;
}

/** xapi's answers meaning "these credentials are not accepted". */
const REJECTED = new Set(['SESSION_AUTHENTICATION_FAILED', 'SESSION_AUTHORIZATION_FAILED']);

/** How long credentials xapi accepted are known as such (for the login throttle, not for access). */
const PROVEN_MS = 24 * 3600_000;

export class LoginCache {
  private readonly salt = randomBytes(16).toString('base64');
  private closing = false;
  /** New logins in flight after a session was found gone, by key. */
  private readonly relogins = new Map<string, Promise<UserSession | undefined>>();
  private readonly cache: LRUCache<string, UserSession, { user: string; password: string }>;
  /** Keys (salted hashes) of credentials xapi accepted within PROVEN_MS; dropped when it refuses them. */
  private readonly proven: LRUCache<string, true>;

  constructor(private readonly client: XenApiClient, private readonly options: LoginCacheOptions) {
    this.proven = new LRUCache<string, true>({ max: options.max, ttl: PROVEN_MS });
    this.cache = new LRUCache<string, UserSession, { user: string; password: string }>({
      max: options.max,
      ttl: options.ttlMs,
      // lru-cache shares one login among concurrent requests with the same credentials.
      // A login that cannot be checked now (xapi unreachable) stays, for outageLogin().
      noDeleteOnFetchRejection: true,
      fetchMethod: async (key, _stale, { context }) => {
        try {
          const sessionRef = await login(this.client, context.user, context.password, options.originator);
          this.proven.set(key, true);
          return { user: context.user, sessionRef, checkedAt: Date.now() };
        } catch (err) {
          if (err instanceof XenApiError && REJECTED.has(err.code)) {
            this.proven.delete(key);
            return undefined;
          }
          throw err;
        }
      },
      dispose: (value) => {
        if (!this.closing) void this.logout(value.sessionRef);
      },
    });
  }

  /** The user's session, or undefined when xapi rejects the credentials; throws when xapi cannot be asked. */
  async login(user: string, password: string): Promise<UserSession | undefined> {
    const key = this.keyOf(user, password);
    return this.outageLogin(key) ?? this.cache.fetch(key, { context: { user, password } });
  }

  /** A login remembered and valid now, without waiting (the common case of a polling client). */
  remembered(user: string, password: string): UserSession | undefined {
    return this.rememberedByKey(this.keyOf(user, password));
  }

  /** As `remembered`, by the key `keyOf` gives, so that a caller that kept it need not hash again. */
  rememberedByKey(key: string): UserSession | undefined {
    if (this.options.backend?.state === 'stale') return undefined;
    return this.cache.get(key);
  }

  /**
   * Whether xapi accepted these credentials within the last day. Grants nothing by itself (they
   * are checked again); it lets a poller whose login has expired past the failed-login lock that
   * guesses from the same address set off.
   */
  provenBefore(user: string, password: string): boolean {
    return this.proven.has(this.keyOf(user, password));
  }

  /** During an outage: the remembered login, even past its time, if it was good when XenAPI was lost. */
  private outageLogin(key: string): UserSession | undefined {
    const backend = this.options.backend;
    if (backend?.state !== 'stale') return undefined;
    const known = this.cache.peek(key, { allowStale: true });
    return known !== undefined && known.checkedAt + this.options.ttlMs > backend.staleSince ? known : undefined;
  }

  /**
   * Forgets a remembered login whose session xapi no longer knows (`staleRef`), then logs in
   * again. Requests that find the same session gone at the same time share one new login, and
   * one that comes after the session was already renewed gets the new one: deleting it would log
   * the renewed session out, and a delete during a login in flight makes that login fail.
   */
  async relogin(user: string, password: string, staleRef?: string): Promise<UserSession | undefined> {
    const key = this.keyOf(user, password);
    const running = this.relogins.get(key);
    if (running) return running;
    const current = this.cache.peek(key);
    if (current !== undefined && staleRef !== undefined && current.sessionRef !== staleRef) return current;
    this.cache.delete(key);
    const again = this.login(user, password).finally(() => this.relogins.delete(key));
    this.relogins.set(key, again);
    return again;
  }

  /** The key credentials are remembered under (a salted hash). */
  keyOf(user: string, password: string): string {
    // One-shot hash: paid once per connection of a polling client (the route keeps the login with the connection).
    return hash('sha256', `${this.salt}\0${user}\0${password}`, 'base64');
  }

  get size(): number {
    return this.cache.size;
  }

  /** Logs every remembered session out (on shutdown). */
  async close(): Promise<void> {
    const refs = [...this.cache.values()].map((v) => v.sessionRef);
    this.closing = true;
    this.cache.clear();
    await Promise.all(refs.map((r) => this.logout(r)));
  }

  private async logout(sessionRef: string): Promise<void> {
    try {
      await this.client.call('session.logout', [sessionRef], { timeoutMs: 2000 });
    } catch {
      // An expired or already-dead session needs no logout.
    }
  }
}
