// A keep-alive HTTP client for the benchmark's own sequences (full enumerations, opening
// contexts), where each request depends on the answer before it.
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
export const AUTH = `Basic ${Buffer.from('root:xenroot').toString('base64')}`;
export const HEADERS = { 'Content-Type': 'application/soap+xml;charset=UTF-8', Authorization: AUTH };

export function post(endpoint: string, body: string): Promise<{ status: number; text: string }> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { ...HEADERS, 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs and insists on HTTP 200. */
export async function ok(endpoint: string, body: string): Promise<string> {
  const r = await post(endpoint, body);
  if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.text.slice(0, 400)}`);
  return r.text;
}
