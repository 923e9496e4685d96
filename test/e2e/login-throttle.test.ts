// The failed-login throttle as a poller behind a shared address meets it: guesses from the
// address lock it, but credentials xapi accepted lately are still checked and served after the
// poller's remembered login has expired; guesses at one user are not wiped by another's logins.
import t from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { ACTIONS, bodyOf, CS_URI, envelope, findOne, NS, post, ROOT, type WsmanReply } from '../helpers/wsman-client.js';

let stack: Stack;
t.before(async () => {
  stack = await startStack({ sim: { vms: 2 }, config: { loginCacheMs: 300, loginSlowAfter: 2, loginLockAfter: 4, loginLockMs: 4000 } });
});
t.teardown(() => stack.close());

const MONITOR = { user: 'monitor', password: 'monitor' };
const enumerate = (creds: { user: string; password: string }) => post(stack.endpoint, envelope({ action: ACTIONS.enumerate, resourceUri: CS_URI, body: '<wsen:Enumerate/>' }), creds);
const release = (r: WsmanReply, creds = ROOT) => post(stack.endpoint, envelope({ action: ACTIONS.release, resourceUri: CS_URI, body: `<wsen:Release><wsen:EnumerationContext>${findOne(bodyOf(r), NS.WSEN, 'EnumerationContext')?.text.trim() ?? ''}</wsen:EnumerationContext></wsen:Release>` }), creds);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('a poller whose remembered login expired during a lock is still served', async (t) => {
  const first = await enumerate(ROOT);
  t.equal(first.status, 200);
  await release(first);
  await sleep(400); // the remembered login has expired: the next one needs xapi
  const guesses = await Promise.all([1, 2, 3, 4].map((i) => enumerate({ user: 'root', password: `guess-${i}` })));
  t.same(guesses.map((g) => g.status), [401, 401, 401, 401]);
  const locked = await enumerate({ user: 'root', password: 'guess-5' });
  t.ok(locked.headers.get('retry-after'), 'the address is locked');
  const logins = stack.sim.callCounts()['session.login_with_password'] ?? 0;
  const poller = await enumerate(ROOT);
  t.equal(poller.status, 200, 'credentials xapi accepted lately: checked and served despite the lock');
  t.equal((stack.sim.callCounts()['session.login_with_password'] ?? 0) - logins, 1, 'checked with xapi again, not taken on trust');
  await release(poller);
  t.equal((await enumerate(MONITOR)).status, 401, 'credentials never seen here wait for the lock to end');
  await sleep(4100);
});

t.test('valid logins of one user do not wipe guesses at another', async (t) => {
  for (let round = 0; round < 2; round++) {
    t.equal((await enumerate({ user: 'root', password: `x-${round}-a` })).status, 401);
    t.equal((await enumerate({ user: 'root', password: `x-${round}-b` })).status, 401);
    await sleep(350);
    const ok = await enumerate(MONITOR);
    t.equal(ok.status, 200, 'the read-only account logs in');
    await release(ok, MONITOR);
  }
  const after = await enumerate({ user: 'root', password: 'x-last' });
  t.ok(after.headers.get('retry-after'), 'the fourth guess at root still counted: the address is locked');
});

t.test('a login whose client went away while it waited is not asked of xapi', async (t) => {
  await sleep(4100); // the lock from the test above has ended
  for (const p of ['y-1', 'y-2']) t.equal((await enumerate({ user: 'root', password: p })).status, 401);
  const before = stack.sim.callCounts()['session.login_with_password'] ?? 0;
  const gone = new AbortController();
  const request = fetch(stack.endpoint, {
    method: 'POST',
    signal: gone.signal,
    headers: { 'Content-Type': 'application/soap+xml;charset=UTF-8', Authorization: `Basic ${Buffer.from('root:y-3').toString('base64')}` },
    body: envelope({ action: ACTIONS.enumerate, resourceUri: CS_URI, body: '<wsen:Enumerate/>' }),
  }).catch((err: unknown) => err);
  await sleep(50); // within the 250 ms this third failure-prone login waits
  gone.abort();
  await request;
  await sleep(500);
  t.equal((stack.sim.callCounts()['session.login_with_password'] ?? 0) - before, 0, 'xapi was not asked');
});
