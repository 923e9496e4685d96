// Answers given before a request's body is read (no or wrong credentials, a body too large): the
// client reads its answer instead of a connection reset, and the rest of its body is read only
// within limits (README "Limits").
import t from 'tap';
import { rawConnection, type RawConnection } from '../helpers/raw-socket.js';
import { startStack } from '../helpers/stack.js';
import { identifyEnvelope } from '../helpers/wsman-client.js';

/** Sends `head`, then `chunk` as fast as the connection takes it, until the server closes. */
function flood(port: number, head: string, chunk: Buffer): RawConnection & { sent: () => number } {
  const c = rawConnection(port, head);
  let sent = 0;
  const pump = (): void => {
    while (!c.socket.destroyed && c.socket.writable) {
      sent += chunk.length;
      if (!c.socket.write(chunk)) return void c.socket.once('drain', pump);
    }
  };
  pump();
  return { ...c, sent: () => sent };
}

t.test('a 401 before the body is read does not read an endless body', async (t) => {
  const stack = await startStack({ sim: { vms: 2 } });
  t.teardown(() => stack.close());
  const port = Number(new URL(stack.endpoint).port);
  const block = Buffer.alloc(256 * 1024, 0x20);
  const heads = {
    'no credentials, a huge Content-Length': 'POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\nContent-Length: 1000000000000\r\n\r\n',
    'a wrong password': `POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\nAuthorization: Basic ${Buffer.from('root:wrong').toString('base64')}\r\nContent-Length: 1000000000000\r\n\r\n`,
  };
  for (const [what, head] of Object.entries(heads)) {
    const f = flood(port, head, block);
    const { ms } = await f.closed;
    t.match(f.text(), /^HTTP\/1\.1 401 /, `${what}: 401`);
    t.ok(ms < 10_000, `${what}: cut off after ${Math.round(ms)} ms (${Math.round(f.sent() / 2 ** 20)} MiB sent)`);
    t.ok(f.sent() < 200 * 2 ** 20, `${what}: within the limit (64 MiB read, plus what the sockets buffer)`);
  }
});

t.test('--drain-bytes sets how much is read after an early answer', async (t) => {
  const stack = await startStack({ sim: { vms: 2 }, config: { drainBytes: 1024 * 1024 } });
  t.teardown(() => stack.close());
  const port = Number(new URL(stack.endpoint).port);
  const f = flood(port, 'POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\nContent-Length: 1000000000000\r\n\r\n', Buffer.alloc(64 * 1024, 0x20));
  await f.closed;
  t.match(f.text(), /^HTTP\/1\.1 401 /);
  t.ok(f.sent() < 40 * 2 ** 20, `cut off after ${Math.round(f.sent() / 2 ** 20)} MiB sent (1 MiB read, plus what the sockets buffer)`);
});

t.test('a chunked body without credentials is refused at 16 KiB, not read to --body-limit', async (t) => {
  const stack = await startStack({ sim: { vms: 2 } });
  t.teardown(() => stack.close());
  const port = Number(new URL(stack.endpoint).port);
  const c = rawConnection(port, 'POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\nTransfer-Encoding: chunked\r\n\r\n');
  // 40 KiB, then silence: the answer must come without the rest of a 4 MiB body.
  const piece = 'A'.repeat(4096);
  for (let i = 0; i < 10; i++) c.socket.write(`${piece.length.toString(16)}\r\n${piece}\r\n`);
  const t0 = Date.now();
  while (!/\r\n\r\n/.test(c.text()) && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
  t.match(c.text(), /^HTTP\/1\.1 401 /, 'answered 401 after 40 KiB');
  c.socket.destroy();
  await c.closed;
  // A small anonymous Identify in chunks is still served.
  const body = identifyEnvelope();
  const identify = rawConnection(port, `POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\nTransfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`);
  const t1 = Date.now();
  while (!identify.text().includes('</s:Envelope>') && !identify.socket.destroyed && Date.now() - t1 < 5000) await new Promise((r) => setTimeout(r, 20));
  const ok = identify.text();
  identify.socket.destroy();
  t.match(ok, /^HTTP\/1\.1 200 /, 'a chunked anonymous Identify is served');
  t.match(ok, /IdentifyResponse/);
});
