// A client that keeps its connection open and sends the same Authorization header is served
// from its remembered login without the header being decoded and hashed again; everything
// else on that connection is checked as on a new one: other credentials, wrong ones, and the
// same ones once the remembered login has expired.
import http from 'node:http';
import t from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { allRecords, field, guests, xenSession } from '../helpers/xenapi.js';
import { parseXml } from '../../src/soap/xml.js';
import { CS_URI, envelope, faultOf, MONITOR, ROOT, XEN_CS_URI, ACTIONS, type Credentials } from '../helpers/wsman-client.js';

const LOGIN_CACHE_MS = 500;
let stack: Stack;
let vmUuid = '';
// One socket for every request: they all travel over the same kept-alive connection.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
t.before(async () => {
  stack = await startStack({ sim: { vms: 2 }, config: { loginCacheMs: LOGIN_CACHE_MS } });
  const x = await xenSession(stack.sim.url);
  vmUuid = field([...guests(await allRecords(x.session, 'VM')).values()].find((v) => v['power_state'] === 'Running')!, 'uuid');
  await x.close();
});
t.teardown(async () => {
  agent.destroy();
  await stack.close();
});

interface Answer { status: number; text: string; port: number; reused: boolean }
const ports = new Set<number>();

function send(body: string, creds: Credentials): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(stack.endpoint, {
      method: 'POST',
      agent,
      headers: { 'Content-Type': 'application/soap+xml;charset=UTF-8', Authorization: `Basic ${Buffer.from(`${creds.user}:${creds.password}`).toString('base64')}` },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const port = req.socket?.localPort ?? 0;
        ports.add(port);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), port, reused: req.reusedSocket });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const enumerate = (creds: Credentials) => send(envelope({ action: ACTIONS.enumerate, resourceUri: CS_URI, body: '<wsen:Enumerate><wsman:OptimizeEnumeration/><wsman:MaxElements>50</wsman:MaxElements></wsen:Enumerate>' }), creds);
// A write only the pool's administrators may make (the read-only role is refused before anything is done).
const suspend = (creds: Credentials) => send(envelope({
  action: `${XEN_CS_URI}/RequestStateChange`, resourceUri: XEN_CS_URI, selectors: { CreationClassName: 'Xen_ComputerSystem', Name: vmUuid },
  body: `<p:RequestStateChange_INPUT xmlns:p="${XEN_CS_URI}"><p:RequestedState>9</p:RequestedState></p:RequestStateChange_INPUT>`,
}), creds);
const logins = (): number => stack.sim.callCounts()['session.login_with_password'] ?? 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const asFault = (a: Answer) => faultOf({ status: a.status, text: a.text, headers: new Headers(), xml: a.text.startsWith('<') ? parseXml(a.text) : undefined });

t.test('on one connection, other or wrong credentials are checked in full, not taken from the last login', async (t) => {
  const first = await enumerate(ROOT);
  t.equal(first.status, 200);
  t.equal((await enumerate(ROOT)).status, 200, 'the same header again');
  const wrong = await enumerate({ user: 'root', password: 'not-the-password' });
  t.equal(wrong.status, 401, 'a wrong password on the same connection is refused');
  const again = await enumerate(ROOT);
  t.equal(again.status, 200, 'and the right one is served again');
  t.ok(again.reused, 'over the kept-alive connection');

  const monitor = await suspend(MONITOR);
  t.equal(asFault(monitor)?.subcode, 'wsman:AccessDenied', 'the read-only user on the connection root used is the read-only user');
  const root = await suspend(ROOT);
  t.equal(root.status, 200, root.text.slice(0, 300));
  t.match(root.text, /<p:ReturnValue>0<\/p:ReturnValue>/, 'and root is root again');
  t.equal(ports.size, 1, 'every request went over one connection');
});

t.test('the same header on the same connection is checked with xapi again once the remembered login has expired', async (t) => {
  t.equal((await enumerate(ROOT)).status, 200);
  const before = logins();
  t.equal((await enumerate(ROOT)).status, 200);
  t.equal(logins(), before, 'remembered: xapi is not asked');
  await sleep(LOGIN_CACHE_MS + 200);
  t.equal((await enumerate(ROOT)).status, 200);
  t.equal(logins(), before + 1, 'expired: xapi is asked again');
  t.equal(ports.size, 1, 'still the one connection');
});
