// Answers given before a request's body is read (no or wrong credentials, a body too large): the
// client reads its answer instead of a connection reset, and the rest of its body is read only
// within limits (README "Limits").
import { connect, type Socket } from 'node:net';
import t from 'tap';
import { startStack } from '../helpers/stack.js';
import { identifyEnvelope } from '../helpers/wsman-client.js';

interface Flood { socket: Socket; text: () => string; sent: () => number; closed: Promise<number> }

/** Sends `head`, then `chunk` as fast as the connection takes it, until the server closes. */
function flood(port: number, head: string, chunk: Buffer): Flood {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  let sent = 0;
  const t0 = Date.now();
  socket.on('data', (d) => (text += d.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<number>((r) => socket.on('close', () => r(Date.now() - t0)));
  socket.write(head);
  const pump = (): void => {
    while (!socket.destroyed && socket.writable) {
      sent += chunk.length;
      if (!socket.write(chunk)) return void socket.once('drain', pump);
    }
  };
  pump();
  return { socket, text: () => text, sent: () => sent, closed };
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
    const ms = await f.closed;
    t.match(f.text(), /^HTTP\/1\.1 401 /, `${what}: 401`);
    t.ok(ms < 10_000, `${what}: cut off after ${ms} ms (${Math.round(f.sent() / 2 ** 20)} MiB sent)`);
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
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (d) => (text += d.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((r) => socket.on('close', () => r()));
  socket.write('POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\nTransfer-Encoding: chunked\r\n\r\n');
  // 40 KiB, then silence: the answer must come without the rest of a 4 MiB body.
  const piece = 'A'.repeat(4096);
  for (let i = 0; i < 10; i++) socket.write(`${piece.length.toString(16)}\r\n${piece}\r\n`);
  const t0 = Date.now();
  while (!/\r\n\r\n/.test(text) && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
  t.match(text, /^HTTP\/1\.1 401 /, 'answered 401 after 40 KiB');
  socket.destroy();
  await closed;
  // A small anonymous Identify in chunks is still served.
  const ok = await new Promise<string>((resolve) => {
    const s = connect(port, '127.0.0.1');
    let out = '';
    s.on('data', (d) => {
      out += d.toString();
      if (out.includes('</s:Envelope>')) {
        s.destroy();
        resolve(out);
      }
    });
    const body = identifyEnvelope();
    s.write(`POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\nTransfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`);
  });
  t.match(ok, /^HTTP\/1\.1 200 /, 'a chunked anonymous Identify is served');
  t.match(ok, /IdentifyResponse/);
});
