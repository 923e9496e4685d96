// XenAPI sessions: log in, call with the session as first parameter, log in again once when
// xapi says SESSION_INVALID (a restarted xapi forgets every session), log out on close.
// `logins` counts the logins, so a caller can tell that the session was renewed under it
// (the event feed must then reload: a restarted xapi's event tokens mean nothing).
import type { CallOptions, XenApiClient, XenParam } from './client.js';
import { XenApiError } from './errors.js';
import type { XenValue } from './values.js';

export const API_VERSION = '1.1';

export async function login(client: XenApiClient, user: string, password: string, originator: string): Promise<string> {
  const ref = await client.call('session.login_with_password', [user, password, API_VERSION, originator]);
  return String(ref);
}

export class XenSession {
  private ref: string | undefined;
  private pending: Promise<string> | undefined;
  private count = 0;

  constructor(
    readonly client: XenApiClient,
    readonly user: string,
    private readonly password: string,
    private readonly originator: string,
  ) {}

  get sessionRef(): string | undefined {
    return this.ref;
  }

  /** Successful logins so far: it changes whenever the session is renewed. */
  get logins(): number {
    return this.count;
  }

  /** The current session, logging in if there is none (concurrent callers share one login). */
  async ensure(): Promise<string> {
    if (this.ref) return this.ref;
    this.pending ??= login(this.client, this.user, this.password, this.originator)
      .then((ref) => {
        this.count++;
        return ref;
      })
      .finally(() => {
        this.pending = undefined;
      });
    this.ref = await this.pending;
    return this.ref;
  }

  async call(method: string, params: readonly XenParam[], opts: CallOptions = {}): Promise<XenValue> {
    const ref = await this.ensure();
    try {
      return await this.client.call(method, [ref, ...params], opts);
    } catch (err) {
      if (!(err instanceof XenApiError) || err.code !== 'SESSION_INVALID') throw err;
      if (this.ref === ref) this.ref = undefined;
      const fresh = await this.ensure();
      return this.client.call(method, [fresh, ...params], opts);
    }
  }

  async logout(): Promise<void> {
    const ref = this.ref;
    this.ref = undefined;
    if (!ref) return;
    try {
      await this.client.call('session.logout', [ref], { timeoutMs: 2000 });
    } catch {
      // The session dies with xapi anyway; logout is a courtesy to its 500-session cap.
    }
  }
}
