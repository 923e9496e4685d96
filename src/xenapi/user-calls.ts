// Writes go to XenAPI with the caller's own session, so xapi's role checks decide. A session
// xapi has forgotten (SESSION_INVALID: xapi restarted, or the client moved to a new pool
// master after HOST_IS_SLAVE) is renewed once with the request's credentials.
import type { CallOptions, XenApiClient, XenParam } from './client.js';
import { XenApiError } from './errors.js';
import type { XenValue } from './values.js';

export interface CallerSession {
  readonly sessionRef: string | undefined;
  /** logs the caller in again (the credentials live only as long as the request) */
  readonly renew?: (() => Promise<string | undefined>) | undefined;
}

export class UserCalls {
  constructor(private readonly client: XenApiClient) {}

  async call(caller: CallerSession, method: string, params: readonly XenParam[], opts: CallOptions = {}): Promise<XenValue> {
    const ref = caller.sessionRef;
    if (!ref) throw new XenApiError('SESSION_INVALID', [''], method);
    try {
      return await this.client.call(method, [ref, ...params], opts);
    } catch (err) {
      if (!(err instanceof XenApiError) || err.code !== 'SESSION_INVALID' || !caller.renew) throw err;
      const fresh = await caller.renew();
      if (!fresh) throw err;
      return this.client.call(method, [fresh, ...params], opts);
    }
  }
}
