// Logins while XenAPI is away: a remembered login stays good through an outage (even past its
// time, if it was good when XenAPI was lost); new credentials fail fast; HOST_IS_SLAVE is
// followed for users' logins as for the service session.
import t from 'tap';
import { startSimulator } from '../../../src/sim/simulator.js';
import { XenApiClient } from '../../../src/xenapi/client.js';
import { XenTransportError } from '../../../src/xenapi/errors.js';
import { LoginCache } from '../../../src/xenapi/login-cache.js';
import type { ModelState } from '../../../src/xenapi/model.js';
import { UserCalls } from '../../../src/xenapi/user-calls.js';

const failure = async (work: Promise<unknown>): Promise<unknown> => {
  try {
    await work;
  } catch (err) {
    return err;
  }
  throw new Error('no failure');
};

t.test('during an outage remembered logins are honoured; unknown ones fail within the timeout', async (t) => {
  const sim = await startSimulator({ vms: 0 });
  t.teardown(() => sim.close());
  const client = new XenApiClient(sim.url, { timeoutMs: 300 });
  t.teardown(() => client.close());
  const backend: { state: ModelState; staleSince: number } = { state: 'live', staleSince: 0 };
  const logins = new LoginCache(client, { ttlMs: 200, max: 100, originator: 't', backend });
  t.teardown(() => logins.close());

  const root = await logins.login('root', 'xenroot');
  t.ok(root?.sessionRef.startsWith('OpaqueRef:'));
  const old = await logins.login('monitor', 'monitor');
  t.ok(old);
  await new Promise((r) => setTimeout(r, 150));
  t.equal((await logins.login('root', 'xenroot'))?.sessionRef, root?.sessionRef, 'remembered');
  const loginsBefore = sim.callCount('session.login_with_password');

  // XenAPI is lost 150 ms after both logins were checked.
  await sim.setMode({ refuse: true });
  backend.state = 'stale';
  backend.staleSince = Date.now();
  await new Promise((r) => setTimeout(r, 150));
  // 300 ms after the check, past the 200 ms time: honoured, since it was good when XenAPI was lost.
  t.equal((await logins.login('root', 'xenroot'))?.sessionRef, root?.sessionRef, 'honoured past its time during the outage');
  t.equal(sim.callCount('session.login_with_password'), loginsBefore, 'without asking xapi');

  const start = Date.now();
  const unknown = await failure(logins.login('root', 'not-the-password'));
  t.ok(unknown instanceof XenTransportError, 'unknown credentials cannot be checked: an error, not a rejection');
  t.ok(Date.now() - start < 1000, 'and fast');

  // A login that had expired before XenAPI was lost is not honoured.
  backend.staleSince = Date.now() + 10_000;
  const expired = await failure(logins.login('monitor', 'monitor'));
  t.ok(expired instanceof XenTransportError, 'expired before the outage: it needs xapi');

  // xapi is back; the model follows; remembered logins are checked again as usual.
  await sim.setMode({ refuse: false });
  backend.state = 'live';
  backend.staleSince = 0;
  const again = await logins.login('monitor', 'monitor');
  t.ok(again && again.sessionRef !== old?.sessionRef, 'a new login once xapi answers');
  t.equal(await logins.login('monitor', 'wrong'), undefined, 'wrong credentials are rejected as before');
});

t.test('logins and users\' calls follow HOST_IS_SLAVE to the master; a session of the old host is renewed', async (t) => {
  const master = await startSimulator({ vms: 1 });
  const member = await startSimulator({ vms: 1 });
  t.teardown(async () => {
    await member.close();
    await master.close();
  });
  const client = new XenApiClient(member.url, { timeoutMs: 2000 });
  t.teardown(() => client.close());
  const logins = new LoginCache(client, { ttlMs: 60_000, max: 100, originator: 't' });
  t.teardown(() => logins.close());
  const calls = new UserCalls(client);
  const first = await logins.login('root', 'xenroot');
  t.ok(first);
  await member.becomeSlave(`127.0.0.1:${master.port}`);
  let renewed = 0;
  const caller = {
    sessionRef: first?.sessionRef,
    renew: async () => {
      renewed++;
      return (await logins.relogin('root', 'xenroot'))?.sessionRef;
    },
  };
  const vms = await calls.call(caller, 'VM.get_all', []);
  t.ok(Array.isArray(vms), 'the call reached the master');
  t.equal(renewed, 1, 'after renewing the session there');
  t.equal(client.endpoint, master.url);
  t.ok(master.callCount('session.login_with_password') >= 1);
  t.ok(member.faultStats.slaveAnswers >= 1);
});

t.test('requests that find their session gone at once share one new login, and a late one gets it too', async (t) => {
  const sim = await startSimulator({ vms: 0 });
  t.teardown(() => sim.close());
  const client = new XenApiClient(sim.url, { timeoutMs: 2000 });
  t.teardown(() => client.close());
  const logins = new LoginCache(client, { ttlMs: 60_000, max: 100, originator: 't' });
  t.teardown(() => logins.close());
  const first = (await logins.login('root', 'xenroot'))!;
  const before = sim.callCount('session.login_with_password');
  // Ten requests of the user fail on the same session at once (xapi restarted, say).
  const renewed = await Promise.allSettled(Array.from({ length: 10 }, () => logins.relogin('root', 'xenroot', first.sessionRef)));
  t.same(renewed.map((r) => r.status), Array(10).fill('fulfilled'), 'none of them fails');
  const refs = new Set(renewed.map((r) => (r.status === 'fulfilled' ? r.value?.sessionRef : undefined)));
  t.equal(refs.size, 1, 'they share one new session');
  t.not([...refs][0], first.sessionRef);
  t.equal(sim.callCount('session.login_with_password') - before, 1, 'one login');
  // One more that still held the old session: it is given the renewed one, which stays logged in.
  const late = await logins.relogin('root', 'xenroot', first.sessionRef);
  t.equal(late?.sessionRef, [...refs][0]);
  t.equal(sim.callCount('session.login_with_password') - before, 1, 'no further login');
  t.equal((await logins.login('root', 'xenroot'))?.sessionRef, [...refs][0], 'and it is the remembered one');
});
