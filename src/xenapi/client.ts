// The one XML-RPC client for XenAPI: requests serialized by the xmlrpc package, responses
// decoded from the bytes (xmlrpc-decode.ts), keep-alive, a deadline per call, and the
// Status/Value/ErrorDescription envelope unwrapped into values or XenApiErrors. A pool member
// answers HOST_IS_SLAVE [master]: the client then talks to the master, for every caller that
// shares it (service session, logins, users' calls), and goes back to the configured address
// when the master it followed stops answering.
import http from 'node:http';
import https from 'node:https';
import xmlrpc from 'xmlrpc';
import { serializeMethodCall } from 'xmlrpc/lib/serializer.js';
import { XenApiError, XenTransportError } from './errors.js';
import type { XenValue } from './values.js';
import { decodeMethodResponse } from './xmlrpc-decode.js';

/** Node's TLS errors for a certificate that does not verify (self-signed, unknown issuer, expired, wrong name). */
const UNTRUSTED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID']);

/** A float parameter: the xmlrpc serializer writes whole numbers as <int>, xapi wants <double>. */
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
  /** largest answer accepted, in bytes */
  readonly maxResponseBytes?: number;
  /** told when the client starts talking to another host (a pool master, or back to the configured one) */
  readonly onEndpointChange?: (endpoint: string, why: string) => void;
}

const DEFAULT_MAX_RESPONSE = 2 ** 31;

/**
 * Calls that may be sent again when a reused keep-alive connection turns out to have been
 * closed by xapi before it read the request (the Node keep-alive race): they change nothing,
 * or nothing that matters twice. Writes are never re-sent.
 */
const RESENDABLE = /^(?:session\.(?:login_with_password|logout)|event\.(?:from|inject)|[A-Za-z_]+\.get_[A-Za-z_]+)$/;

/** A keep-alive connection that was already closed when the request went out. */
class StaleConnection extends Error {
  constructor(readonly original: Error) {
    super(original.message);
  }
}

/** xapi answered with another HTTP status than 200. */
class HttpStatus extends Error {}

export class XenApiClient {
  private readonly home: URL;
  private url: URL;
  private readonly agent: http.Agent;
  private readonly secure: boolean;

  constructor(url: string, readonly options: XenApiClientOptions) {
    this.home = new URL(url);
    this.url = this.home;
    this.secure = this.home.protocol === 'https:';
    this.agent = this.secure
      ? new https.Agent({ keepAlive: true, maxSockets: 32, rejectUnauthorized: !options.insecureTls })
      : new http.Agent({ keepAlive: true, maxSockets: 32 });
  }

  /** Where calls go now: the configured xapi, or the pool master it sent us to. */
  get endpoint(): string {
    return this.url.origin;
  }

  /** The xapi given in the configuration. */
  get configuredEndpoint(): string {
    return this.home.origin;
  }

  async call(method: string, params: readonly XenParam[], opts: CallOptions = {}): Promise<XenValue> {
    const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs;
    // One deadline for the whole call, a hop to the master included. A timer of our own, not
    // AbortSignal.timeout(): on Node 20 a timeout signal inside AbortSignal.any() can be
    // garbage-collected before it fires, and the call then never times out (a hung xapi would
    // go unnoticed, the model shown live). The timer holds its controller until it is cleared.
    // any() ties the caller's signal in without adding a listener to it per call (the event
    // feed's signal is shared by many calls at once).
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DOMException('The operation timed out.', 'TimeoutError')), timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, deadline.signal]) : deadline.signal;
    // The xmlrpc typings take mutable arrays; our params are never mutated by it.
    const body = Buffer.from(serializeMethodCall(method, params as unknown[]), 'utf8');
    const target = this.url;
    try {
      return await this.attempt(target, method, body, signal, timeoutMs, opts.signal);
    } catch (err) {
      if (err instanceof XenApiError && err.code === 'HOST_IS_SLAVE') {
        // The host is a pool member: talk to its master from now on. One hop only; a master
        // that is itself a member again is followed on the next call.
        const master = masterUrl(this.home, err.params[0] ?? '');
        if (master === undefined || master.href === target.href) throw err;
        this.moveTo(master, `${target.host} is a pool member (HOST_IS_SLAVE)`);
        return this.attempt(master, method, body, signal, timeoutMs, opts.signal);
      }
      if (err instanceof XenTransportError && this.url === target && target !== this.home) {
        // The master we followed does not answer: a new master may have been elected, and the
        // configured host knows which. The next call starts from there again.
        this.moveTo(this.home, `the pool master ${target.host} does not answer`);
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private moveTo(url: URL, why: string): void {
    this.url = url;
    this.options.onEndpointChange?.(url.origin, why);
  }

  private async attempt(target: URL, method: string, body: Buffer, signal: AbortSignal, timeoutMs: number, callerSignal: AbortSignal | undefined): Promise<XenValue> {
    let bytes: Buffer;
    try {
      bytes = await this.post(target, body, signal, RESENDABLE.test(method));
    } catch (err) {
      const timedOut = signal.aborted && !callerSignal?.aborted;
      if (timedOut) throw new XenTransportError(`no answer within ${timeoutMs} ms`, method, 'timeout');
      const cause = err instanceof StaleConnection ? err.original : err;
      if (cause instanceof HttpStatus) throw new XenTransportError(cause.message, method, 'protocol');
      const code = (cause as NodeJS.ErrnoException | undefined)?.code;
      const message = cause instanceof Error ? cause.message : String(cause);
      const kind = code === 'ECONNREFUSED' ? 'refused'
        : code !== undefined && UNTRUSTED.has(code) ? 'untrusted'
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'unknown-host'
            // An https:// URL whose server answers in plain HTTP.
            : code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(message) ? 'not-tls'
              : 'connection';
      throw new XenTransportError(message, method, kind);
    }
    let decoded;
    try {
      decoded = decodeMethodResponse(bytes);
    } catch (err) {
      throw new XenTransportError(`the answer is not an XML-RPC response: ${err instanceof Error ? err.message : String(err)}`, method, 'protocol');
    }
    if (decoded.kind === 'fault') throw new XenTransportError(`XML-RPC fault ${JSON.stringify(decoded.fault)}`, method, 'protocol');
    return unwrap(method, decoded.value);
  }

  private async post(target: URL, body: Buffer, signal: AbortSignal, resendable: boolean): Promise<Buffer> {
    try {
      return await this.postOnce(target, body, signal);
    } catch (err) {
      if (!(err instanceof StaleConnection) || !resendable || signal.aborted) throw err;
      return this.postOnce(target, body, signal);
    }
  }

  private postOnce(target: URL, body: Buffer, signal: AbortSignal): Promise<Buffer> {
    const max = this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
    return new Promise((resolve, reject) => {
      let answered = false;
      const req = (this.secure ? https : http).request(
        {
          host: target.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: Number(target.port) || (this.secure ? 443 : 80),
          path: target.pathname || '/',
          method: 'POST',
          agent: this.agent,
          signal,
          headers: { 'Content-Type': 'text/xml', 'Content-Length': body.length, 'User-Agent': 'xen-wsman-gateway' },
        },
        (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > max) {
              req.destroy(new Error(`the answer exceeds ${max} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.on('error', reject);
          res.on('end', () => {
            if (res.statusCode !== 200) reject(new HttpStatus(`HTTP ${res.statusCode ?? '?'} from xapi`));
            else resolve(Buffer.concat(chunks, size));
          });
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        const stale = !answered && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
        reject(stale ? new StaleConnection(err) : err);
      });
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * The URL of the master named by HOST_IS_SLAVE: the configured scheme and path, the master's
 * address, and the configured port unless the address carries one ("host:port", "[v6]:port").
 * xapi names the master by IP address or host name only; anything else (a path, credentials)
 * is refused, so a member cannot send us to an arbitrary URL.
 */
export function masterUrl(configured: URL, address: string): URL | undefined {
  const a = address.trim();
  let host: string;
  let port: string | undefined;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(a);
  const withPort = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(a);
  if (bracketed) {
    host = `[${bracketed[1] ?? ''}]`;
    port = bracketed[2];
  } else if (withPort) {
    host = withPort[1] ?? '';
    port = withPort[2];
  } else if (/^[0-9A-Fa-f:.]+$/.test(a) && a.includes(':')) {
    host = `[${a}]`;
  } else if (/^[A-Za-z0-9.-]+$/.test(a)) {
    host = a;
  } else {
    return undefined;
  }
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  try {
    const url = new URL(configured.href);
    url.host = port !== undefined ? `${host}:${port}` : `${host}${configured.port ? `:${configured.port}` : ''}`;
    return url.hostname === '' ? undefined : url;
  } catch {
    return undefined;
  }
}

function unwrap(method: string, result: XenValue): XenValue {
  if (typeof result !== 'object' || result === null || Array.isArray(result) || result instanceof Date) {
    throw new XenTransportError('the answer is not a XenAPI result struct', method, 'protocol');
  }
  const r = result as { Status?: XenValue; Value?: XenValue; ErrorDescription?: XenValue };
  if (r.Status === 'Success') return r.Value ?? '';
  if (r.Status === 'Failure') {
    const desc = Array.isArray(r.ErrorDescription) ? (r.ErrorDescription as XenValue[]).map(String) : [];
    throw new XenApiError(desc[0] ?? 'INTERNAL_ERROR', desc.slice(1), method);
  }
  throw new XenTransportError('the answer has no Status', method, 'protocol');
}
