// The one XML-RPC client for XenAPI: requests serialized by the xmlrpc package, responses
// decoded from the bytes (xmlrpc-decode.ts), keep-alive, a deadline per call, and the
// Status/Value/ErrorDescription envelope unwrapped into values or XenApiErrors.
import http from 'node:http';
import https from 'node:https';
import xmlrpc from 'xmlrpc';
import { serializeMethodCall } from 'xmlrpc/lib/serializer.js';
import { XenApiError, XenTransportError } from './errors.js';
import type { XenValue } from './values.js';
import { decodeMethodResponse } from './xmlrpc-decode.js';

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
}

const DEFAULT_MAX_RESPONSE = 2 ** 31;

export class XenApiClient {
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly secure: boolean;

  constructor(url: string, readonly options: XenApiClientOptions) {
    this.url = new URL(url);
    this.secure = this.url.protocol === 'https:';
    this.agent = this.secure
      ? new https.Agent({ keepAlive: true, maxSockets: 32, rejectUnauthorized: !options.insecureTls })
      : new http.Agent({ keepAlive: true, maxSockets: 32 });
  }

  get endpoint(): string {
    return this.url.origin;
  }

  async call(method: string, params: readonly XenParam[], opts: CallOptions = {}): Promise<XenValue> {
    const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs;
    const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    // The xmlrpc typings take mutable arrays; our params are never mutated by it.
    const body = Buffer.from(serializeMethodCall(method, params as unknown[]), 'utf8');
    let bytes: Buffer;
    try {
      bytes = await this.post(body, signal);
    } catch (err) {
      const timedOut = signal.aborted && !opts.signal?.aborted;
      if (timedOut) throw new XenTransportError(`no answer within ${timeoutMs} ms`, method, true);
      throw new XenTransportError(err instanceof Error ? err.message : String(err), method);
    }
    let decoded;
    try {
      decoded = decodeMethodResponse(bytes);
    } catch (err) {
      throw new XenTransportError(`the answer is not an XML-RPC response: ${err instanceof Error ? err.message : String(err)}`, method);
    }
    if (decoded.kind === 'fault') throw new XenTransportError(`XML-RPC fault ${JSON.stringify(decoded.fault)}`, method);
    return unwrap(method, decoded.value);
  }

  private post(body: Buffer, signal: AbortSignal): Promise<Buffer> {
    const max = this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
    return new Promise((resolve, reject) => {
      const req = (this.secure ? https : http).request(
        {
          host: this.url.hostname,
          port: Number(this.url.port) || (this.secure ? 443 : 80),
          path: this.url.pathname || '/',
          method: 'POST',
          agent: this.agent,
          signal,
          headers: { 'Content-Type': 'text/xml', 'Content-Length': body.length, 'User-Agent': 'xen-wsman-gateway' },
        },
        (res) => {
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
            if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode ?? '?'} from xapi`));
            else resolve(Buffer.concat(chunks, size));
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function unwrap(method: string, result: XenValue): XenValue {
  if (typeof result !== 'object' || result === null || Array.isArray(result) || result instanceof Date) {
    throw new XenTransportError('the answer is not a XenAPI result struct', method);
  }
  const r = result as { Status?: XenValue; Value?: XenValue; ErrorDescription?: XenValue };
  if (r.Status === 'Success') return r.Value ?? '';
  if (r.Status === 'Failure') {
    const desc = Array.isArray(r.ErrorDescription) ? (r.ErrorDescription as XenValue[]).map(String) : [];
    throw new XenApiError(desc[0] ?? 'INTERNAL_ERROR', desc.slice(1), method);
  }
  throw new XenTransportError('the answer has no Status', method);
}
