// The one XML-RPC client for XenAPI (xmlrpc package): keep-alive, a deadline per call, and
// the Status/Value/ErrorDescription envelope unwrapped into values or XenApiErrors.
import http from 'node:http';
import https from 'node:https';
import xmlrpc from 'xmlrpc';
import { XenApiError, XenTransportError } from './errors.js';
import type { XenValue } from './values.js';

/** A float parameter: the xmlrpc package writes whole numbers as <int>, xapi wants <double>. */
export class XmlRpcDouble extends xmlrpc.CustomType {
  constructor(value: number) {
    super(String(value));
  }
}
XmlRpcDouble.prototype.tagName = 'double';

export type XenParam = XenValue | XmlRpcDouble;

export interface CallOptions {
  /** overrides the client's default deadline (event.from waits longer than other calls) */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface XenApiClientOptions {
  readonly timeoutMs: number;
  /** accept a self-signed xapi certificate (the XenServer default) */
  readonly insecureTls?: boolean;
}

export class XenApiClient {
  private readonly url: URL;
  private readonly agent: http.Agent;

  constructor(url: string, readonly options: XenApiClientOptions) {
    this.url = new URL(url);
    const secure = this.url.protocol === 'https:';
    this.agent = secure
      ? new https.Agent({ keepAlive: true, maxSockets: 32, rejectUnauthorized: !options.insecureTls })
      : new http.Agent({ keepAlive: true, maxSockets: 32 });
  }

  get endpoint(): string {
    return this.url.origin;
  }

  async call(method: string, params: readonly XenParam[], opts: CallOptions = {}): Promise<XenValue> {
    const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs;
    const abort = new AbortController();
    const onAbort = (): void => abort.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, timeoutMs);
    const secure = this.url.protocol === 'https:';
    const clientOptions = {
      host: this.url.hostname,
      port: Number(this.url.port) || (secure ? 443 : 80),
      path: this.url.pathname || '/',
      agent: this.agent,
      signal: abort.signal,
    };
    const client = secure ? xmlrpc.createSecureClient(clientOptions) : xmlrpc.createClient(clientOptions);
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        abort.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        // The xmlrpc typings take mutable arrays; our params are never mutated by it.
        client.methodCall(method, params as XenParam[], (err: unknown, value: unknown) => (err ? reject(err) : resolve(value)));
      });
      return unwrap(method, result);
    } catch (err) {
      if (err instanceof XenApiError) throw err;
      if (timedOut) throw new XenTransportError(`no answer within ${timeoutMs} ms`, method, true);
      throw new XenTransportError(err instanceof Error ? err.message : String(err), method);
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  close(): void {
    this.agent.destroy();
  }
}

function unwrap(method: string, result: unknown): XenValue {
  if (typeof result !== 'object' || result === null) throw new XenTransportError('the answer is not a XenAPI result struct', method);
  const r = result as { Status?: unknown; Value?: unknown; ErrorDescription?: unknown };
  if (r.Status === 'Success') return (r.Value ?? '') as XenValue;
  if (r.Status === 'Failure') {
    const desc = Array.isArray(r.ErrorDescription) ? r.ErrorDescription.map(String) : [];
    throw new XenApiError(desc[0] ?? 'INTERNAL_ERROR', desc.slice(1), method);
  }
  throw new XenTransportError('the answer has no Status', method);
}
