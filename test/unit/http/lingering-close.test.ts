// An answer given before the request's body was read: the connection stays open to read the rest
// (RFC 9112 §9.6), so the client can finish sending and read the answer; within limits.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { lingerUntilBodyEnds, type LingerLimits } from '../../../src/http/lingering-close.js';
import { rawConnection as client } from '../../helpers/raw-socket.js';

async function server(t: { teardown: (fn: () => unknown) => void }, limits: LingerLimits, close: boolean): Promise<number> {
  const s = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/read') {
      req.resume();
      req.on('end', () => res.end('read'));
      return;
    }
    lingerUntilBodyEnds(req, limits);
    res.writeHead(413, { 'Content-Length': '7', ...(close ? { Connection: 'close' } : {}) });
    res.end('refused');
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }));
  return (s.address() as AddressInfo).port;
}

const chunk = (n: number): string => `${n.toString(16)}\r\n${'A'.repeat(n)}\r\n`;
const HEAD = 'POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n';
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

t.test('a client that finishes sending reads the answer, then the connection closes', async (t) => {
  const port = await server(t, { ms: 5000, bytes: 1 << 20 }, true);
  const c = client(port);
  c.socket.write(HEAD + chunk(1000));
  await wait(100);
  t.match(c.text(), /^HTTP\/1\.1 413 /, 'answered before the body ended');
  let openWhileSending = true;
  for (let i = 0; i < 20; i++) {
    openWhileSending &&= !c.socket.destroyed && c.socket.readyState === 'open';
    c.socket.write(chunk(16_000));
    await wait(5);
  }
  t.ok(openWhileSending && !c.socket.destroyed, 'the connection stayed open while the client sent the rest');
  c.socket.write('0\r\n\r\n');
  const { ms } = await c.closed;
  t.same(c.errors, [], 'no reset while the client was still sending');
  t.ok(ms < 2000, `closed once the body ended (${Math.round(ms)} ms)`);
});

t.test('a client that sends too much, or stops, is cut off', async (t) => {
  const port = await server(t, { ms: 400, bytes: 100_000 }, true);
  const flood = client(port);
  flood.socket.write(HEAD);
  const pump = setInterval(() => flood.socket.writable && flood.socket.write(chunk(16_000)), 2);
  t.teardown(() => clearInterval(pump));
  const { ms: floodMs } = await flood.closed;
  clearInterval(pump);
  t.ok(floodMs < 400, `past the byte limit (${Math.round(floodMs)} ms)`);
  const stalled = client(port);
  stalled.socket.write(HEAD + chunk(10));
  const { ms: stalledMs } = await stalled.closed;
  t.match(stalled.text(), /^HTTP\/1\.1 413 /);
  t.ok(stalledMs >= 350 && stalledMs < 3000, `after the time limit (${Math.round(stalledMs)} ms)`);
});

t.test('an answer that keeps the connection: the rest of the body is read and the connection serves the next request', async (t) => {
  const port = await server(t, { ms: 300, bytes: 1 << 20 }, false);
  const c = client(port);
  c.socket.write(HEAD + chunk(100) + chunk(100) + '0\r\n\r\n');
  await wait(500);
  c.socket.write('POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc');
  await wait(100);
  t.match(c.text(), /refused[\s\S]*HTTP\/1\.1 200 OK[\s\S]*read$/, 'both answered on one connection, past the linger time');
  t.notOk(c.socket.destroyed, 'still open');
  c.socket.destroy();
});

t.test('asked twice for one request (a refusal built on another), the connection still closes once the body ends', async (t) => {
  const s = createServer((req: IncomingMessage, res: ServerResponse) => {
    lingerUntilBodyEnds(req, { ms: 5000, bytes: 1 << 20 });
    lingerUntilBodyEnds(req, { ms: 5000, bytes: 1 << 20 });
    res.writeHead(401, { 'Content-Length': '0', Connection: 'close' });
    res.end();
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }));
  const c = client((s.address() as AddressInfo).port);
  c.socket.write(HEAD + chunk(100));
  await wait(50);
  c.socket.write('0\r\n\r\n');
  const { ms } = await c.closed;
  t.match(c.text(), /^HTTP\/1\.1 401 /);
  t.ok(ms < 2000, `closed once the body ended (${Math.round(ms)} ms), not at the time limit`);
});
