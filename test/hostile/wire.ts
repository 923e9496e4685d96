// Raw HTTP for hostile requests: exact bytes and headers (node:http validates little), bodies
// streamed from generators so a 50 MB request never sits in memory, and a deadline so a server
// that stops answering is a failure instead of a hung test.
import http from 'node:http';

export interface RawReply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** body bytes handed to the socket before the answer was complete */
  readonly bytesSent: number;
  readonly ms: number;
}

export type BodySource = Buffer | Iterable<Buffer>;

export interface SendOptions {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: BodySource;
  /** streamed bodies go chunked unless a Content-Length is given in headers */
  readonly timeoutMs?: number;
  /** largest reply accepted before the socket is dropped (a reply should never be huge) */
  readonly maxReplyBytes?: number;
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 4 });

export class WireError extends Error {
  constructor(message: string, readonly bytesSent: number, readonly reusedSocket = false) {
    super(message);
    this.name = 'WireError';
  }
}

/** POSTs to endpoint; resolves with the whole reply, even when the server answers before the body is sent. */
export async function sendRaw(endpoint: string, opts: SendOptions): Promise<RawReply> {
  try {
    return await sendOnce(endpoint, opts, true);
  } catch (err) {
    // A pooled socket the server had just closed (after a "Connection: close" answer) fails
    // before anything is answered; that is the client's race, not the server's: retry once on
    // a fresh connection, which tells a server that really drops requests apart.
    if (err instanceof WireError && err.reusedSocket && Buffer.isBuffer(opts.body)) return sendOnce(endpoint, opts, false);
    throw err;
  }
}

function sendOnce(endpoint: string, opts: SendOptions, pooled: boolean): Promise<RawReply> {
  const url = new URL(endpoint);
  const streamed = !Buffer.isBuffer(opts.body);
  const headers: Record<string, string> = { ...opts.headers };
  if (!streamed && !hasHeader(headers, 'content-length')) headers['Content-Length'] = String((opts.body as Buffer).length);
  const started = performance.now();
  return new Promise<RawReply>((resolve, reject) => {
    let sent = 0;
    let settled = false;
    const req = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      method: 'POST',
      headers,
      // A streamed body may be cut short by the server; never reuse that socket.
      agent: streamed || !pooled ? false : keepAlive,
    });
    const timer = setTimeout(() => fail(new WireError(`no answer within ${opts.timeoutMs ?? 20_000} ms`, sent)), opts.timeoutMs ?? 20_000);
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err instanceof WireError ? err : new WireError(err.message, sent, req.reusedSocket && !answered));
    };
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => {
        size += d.length;
        if (size > (opts.maxReplyBytes ?? 64 * 1024 * 1024)) fail(new WireError(`reply larger than ${opts.maxReplyBytes} bytes`, sent));
        else chunks.push(d);
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // The server answered (possibly early): stop sending whatever is left.
        if (streamed) req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), bytesSent: sent, ms: performance.now() - started });
      });
      res.on('error', fail);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      // EPIPE/ECONNRESET while still sending is how an early refusal looks from here; the
      // answer may still arrive on the response side, so give it a moment.
      if (settled) return;
      if (streamed && (err.code === 'EPIPE' || err.code === 'ECONNRESET')) {
        setTimeout(() => fail(new WireError(`connection closed without an answer (${err.code})`, sent)), 2000).unref();
        return;
      }
      fail(err);
    });
    if (!streamed) {
      const body = opts.body as Buffer;
      sent = body.length;
      req.end(body);
      return;
    }
    const it = (opts.body as Iterable<Buffer>)[Symbol.iterator]();
    const pump = (): void => {
      for (;;) {
        if (settled || req.destroyed) return;
        const next = it.next();
        if (next.done) {
          req.end();
          return;
        }
        sent += next.value.length;
        if (!req.write(next.value)) {
          req.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

/** Closes idle keep-alive sockets (end of a test file). */
export function closeWire(): void {
  keepAlive.destroy();
}
