// Test helpers for talking to the simulator over real sockets: the xmlrpc package's client
// (as a XenAPI client would) and raw HTTP POSTs (to check exact wire bytes).
import { request } from 'node:http';
import xmlrpc from 'xmlrpc';

export type XenResult =
  | { Status: 'Success'; Value: unknown }
  | { Status: 'Failure'; ErrorDescription: string[] };

export interface RpcClient {
  call(method: string, ...params: unknown[]): Promise<XenResult>;
  /** Calls and returns Value, throwing on a Failure. */
  ok<T = unknown>(method: string, ...params: unknown[]): Promise<T>;
  /** Calls and returns ErrorDescription, throwing on a Success. */
  fail(method: string, ...params: unknown[]): Promise<string[]>;
}

export function rpcClient(url: string): RpcClient {
  const client = xmlrpc.createClient({ url });
  const call = (method: string, ...params: unknown[]): Promise<XenResult> =>
    new Promise((resolve, reject) => {
      // The xmlrpc client is untyped (any) in @types/xmlrpc; results are checked by the tests.
      client.methodCall(method, params, (err: unknown, value: XenResult) => (err ? reject(err as Error) : resolve(value)));
    });
  return {
    call,
    async ok<T>(method: string, ...params: unknown[]): Promise<T> {
      const r = await call(method, ...params);
      if (r.Status !== 'Success') throw new Error(`${method} failed: ${JSON.stringify(r.ErrorDescription)}`);
      return r.Value as T;
    },
    async fail(method: string, ...params: unknown[]): Promise<string[]> {
      const r = await call(method, ...params);
      if (r.Status !== 'Failure') throw new Error(`${method} unexpectedly succeeded`);
      return r.ErrorDescription;
    },
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export async function rawPost(url: string, body: string, path = '/'): Promise<RawResponse> {
  const r = await post(url, body, path);
  return { status: r.status, headers: r.headers, body: r.body.toString('utf8') };
}

/** The response body as bytes, for large answers where decoding to a string would dominate. */
export async function rawPostBytes(url: string, body: string): Promise<Buffer> {
  return (await post(url, body, '/')).body;
}

function post(url: string, body: string, path: string): Promise<{ status: number; headers: RawResponse['headers']; body: Buffer }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path, method: 'POST', headers: { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A methodCall document with bare-string params (as most XenAPI clients send). */
export function methodCall(method: string, ...params: string[]): string {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return (
    `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>` +
    params.map((p) => `<param><value>${esc(p)}</value></param>`).join('') +
    '</params></methodCall>'
  );
}

export async function login(rpc: RpcClient, user = 'root', password = 'xenroot'): Promise<string> {
  return rpc.ok<string>('session.login_with_password', user, password, '1.0', 'tests');
}

export type Rec = Record<string, unknown>;
