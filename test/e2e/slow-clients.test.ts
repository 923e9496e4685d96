// Clients that stop sending halfway: answered 408 and closed within --request-timeout, so they
// hold neither a connection nor a shutdown; nor do connections that never send a request.
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import t from 'tap';
import { rawConnection } from '../helpers/raw-socket.js';
import { startStack } from '../helpers/stack.js';
import { identifyEnvelope } from '../helpers/wsman-client.js';

const IDENTIFY = identifyEnvelope();

t.test('a body that never arrives, or headers that stop, are cut off at the request timeout', async (t) => {
  const stack = await startStack({ sim: { vms: 2 }, config: { requestTimeoutMs: 500 } });
  t.teardown(() => stack.close());
  const port = Number(new URL(stack.endpoint).port);
  const body = rawConnection(port, 'POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\nContent-Length: 898\r\n\r\n<?xml version="1.0"?><s:Envelo');
  const headers = rawConnection(port, 'POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Ty');
  const garbage = rawConnection(port, 'HELLO WORLD\r\n\r\n');
  for (const [what, c] of [['body', body], ['headers', headers]] as const) {
    const { text, ms } = await c.closed;
    t.match(text, /^HTTP\/1\.1 408 /, `${what}: 408`);
    t.match(text, /\r\nContent-Length: 0\r\n/i, `${what}: the bare status, no body`);
    t.ok(ms < 5000, `${what}: closed after ${Math.round(ms)} ms`);
  }
  const { text } = await garbage.closed;
  t.match(text, /^HTTP\/1\.1 400 Bad Request\r\nContent-Length: 0\r\n/, 'a request Node cannot read: 400, no body (no JSON from the web framework)');
});

t.test('a shutdown does not wait for a client that stopped sending', async (t) => {
  const stack = await startStack({ sim: { vms: 2 }, config: { requestTimeoutMs: 500 } });
  const port = Number(new URL(stack.endpoint).port);
  const c = rawConnection(port, 'POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\nContent-Length: 898\r\n\r\n<s:Env');
  await new Promise((r) => setTimeout(r, 100));
  const t0 = performance.now();
  await stack.close();
  t.ok(performance.now() - t0 < 5000, `closed in ${Math.round(performance.now() - t0)} ms`);
  await c.closed;
});

t.test('a shutdown closes connections that never sent a request, over HTTP and HTTPS', async (t) => {
  const stack = await startStack({ sim: { vms: 2 }, https: true });
  const port = Number(new URL(stack.endpoint).port);
  const httpsPort = Number(new URL(stack.httpsEndpoint!).port);
  // Connected ahead of need (undici does), a TCP probe, a TLS handshake done and then silence.
  const silent = rawConnection(port, '');
  const probe = rawConnection(httpsPort, '');
  const tlsDone = await new Promise<TLSSocket>((resolve) => {
    const s = tlsConnect({ port: httpsPort, host: '127.0.0.1', rejectUnauthorized: false }, () => resolve(s));
    s.on('error', () => undefined);
  });
  const tlsClosed = new Promise<void>((resolve) => tlsDone.on('close', () => resolve()));
  // A keep-alive connection that has been served stays usable until then.
  const served = await fetch(stack.endpoint, { method: 'POST', body: IDENTIFY, headers: { 'Content-Type': 'application/soap+xml' } });
  t.equal(served.status, 200);
  await new Promise((r) => setTimeout(r, 100));
  const t0 = performance.now();
  await stack.close();
  // Not a speed test: Node alone would wait for each until its headers timeout (60 s).
  t.ok(performance.now() - t0 < 5000, `closed in ${Math.round(performance.now() - t0)} ms`);
  for (const c of [silent, probe]) t.equal((await c.closed).text, '', 'closed without an answer: none was asked');
  await tlsClosed;
});

t.test('a shutdown does not wait for the request timeout of a request only partly sent, first or next on its connection', async (t) => {
  const stack = await startStack({ sim: { vms: 2 } });
  const port = Number(new URL(stack.endpoint).port);
  const head = (length: number) => `POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\nAuthorization: Basic ${Buffer.from('root:xenroot').toString('base64')}\r\nContent-Length: ${length}\r\n\r\n`;
  // A keep-alive connection answered once, whose next request stops halfway through its headers.
  const second = rawConnection(port, `${head(Buffer.byteLength(IDENTIFY))}${IDENTIFY}`);
  const answered = await new Promise<void>((resolve) => second.socket.on('data', (d) => d.toString('latin1').includes('IdentifyResponse') && resolve()));
  t.equal(answered, undefined, 'the first request is answered');
  second.socket.write('POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Ty');
  const body = rawConnection(port, `${head(Buffer.byteLength(IDENTIFY))}${IDENTIFY.slice(0, 40)}`);
  await new Promise((r) => setTimeout(r, 200));
  const t0 = performance.now();
  await stack.close();
  // Not a speed test: without closing them, the shutdown waits --request-timeout (30 s).
  t.ok(performance.now() - t0 < 5000, `closed in ${Math.round(performance.now() - t0)} ms`);
  await second.closed;
  await body.closed;
});
