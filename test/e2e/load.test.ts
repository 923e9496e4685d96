// 200 clients over HTTPS with keep-alive for LOAD_SECONDS (30 by default): Identify, Get of a
// VM and an optimized Enumerate, every answer checked. Throughput is reported, never asserted
// (speed is measured by `npm run bench`); correctness and stability are asserted.
import { Agent, request } from 'node:https';
import t from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { allRecords, field, guests, xenSession } from '../helpers/xenapi.js';
import { ACTIONS, enumerateBody, envelope, identifyEnvelope, XEN_CS_URI } from '../helpers/wsman-client.js';

const CLIENTS = Number(process.env['LOAD_CLIENTS'] ?? 200);
const SECONDS = Number(process.env['LOAD_SECONDS'] ?? 30);
const VMS = 20;

let stack: Stack;
let uuids: string[];
t.before(async () => {
  stack = await startStack({ https: true, sim: { vms: VMS } });
  const x = await xenSession(stack.sim.url);
  uuids = [...guests(await allRecords(x.session, 'VM')).values()].map((v) => field(v, 'uuid'));
  await x.close();
});
t.teardown(() => stack.close());

t.test(`${CLIENTS} HTTPS clients for ${SECONDS} s: every answer correct`, { timeout: (SECONDS + 60) * 1000 }, async (t) => {
  const url = new URL(stack.httpsEndpoint!);
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS, ca: stack.ca! });
  const auth = `Basic ${Buffer.from('monitor:monitor').toString('base64')}`;
  const send = (body: string): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'Content-Type': 'application/soap+xml;charset=UTF-8', Authorization: auth } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.setTimeout(20_000, () => req.destroy(new Error('no answer within 20 s')));
      req.on('error', reject);
      req.end(body);
    });
  const counts = { identify: 0, get: 0, enumerate: 0 };
  const errors: string[] = [];
  const heapBefore = process.memoryUsage().heapUsed;
  const until = Date.now() + SECONDS * 1000;
  const client = async (n: number): Promise<void> => {
    for (let i = n; Date.now() < until; i++) {
      try {
        switch (i % 3) {
          case 0: {
            const r = await send(identifyEnvelope());
            if (r.status !== 200 || !r.text.includes('IdentifyResponse')) throw new Error(`Identify: ${r.status}`);
            counts.identify++;
            break;
          }
          case 1: {
            const uuid = uuids[i % uuids.length]!;
            const r = await send(envelope({ action: ACTIONS.get, resourceUri: XEN_CS_URI, selectors: { Name: uuid } }));
            if (r.status !== 200 || !r.text.includes(`<p:Name>${uuid}</p:Name>`)) throw new Error(`Get: ${r.status} ${r.text.slice(-200)}`);
            counts.get++;
            break;
          }
          default: {
            const r = await send(envelope({ action: ACTIONS.enumerate, resourceUri: XEN_CS_URI, body: enumerateBody({ optimize: true, maxElements: 100 }) }));
            const n = r.text.split('<p:Xen_ComputerSystem ').length - 1;
            if (r.status !== 200 || n !== uuids.length || !r.text.includes('<wsman:EndOfSequence/>')) throw new Error(`Enumerate: ${r.status}, ${n} items`);
            counts.enumerate++;
          }
        }
      } catch (err) {
        if (errors.length < 20) errors.push(err instanceof Error ? err.message : String(err));
        else errors.length++;
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
  agent.destroy();
  const total = counts.identify + counts.get + counts.enumerate;
  t.comment(`${total} requests in ${SECONDS} s (${Math.round(total / SECONDS)}/s): ${JSON.stringify(counts)}`);
  t.same(errors, [], 'no wrong or failed answer');
  t.ok(counts.identify > 0 && counts.get > 0 && counts.enumerate > 0, 'every kind of request was served');
  t.equal(stack.gateway.contexts.size, 0, 'finished enumerations leave no context behind');
  const growth = process.memoryUsage().heapUsed - heapBefore;
  t.ok(growth < 200 * 2 ** 20, `heap grew by ${Math.round(growth / 2 ** 20)} MiB`);
});
