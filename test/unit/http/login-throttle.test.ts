import t from 'tap';
import { LoginThrottle } from '../../../src/http/login-throttle.js';

t.test('slows after slowAfter failures, locks after lockAfter, forgets after a success', async (t) => {
  let now = 1_000_000;
  const th = new LoginThrottle({ slowAfter: 2, lockAfter: 5, windowMs: 60_000, lockMs: 10_000, maxDelayMs: 1000, maxAddresses: 100 }, () => now);
  t.same(th.check('a'), { kind: 'go', delayMs: 0 });
  th.failure('a');
  th.failure('a');
  t.same(th.check('a'), { kind: 'go', delayMs: 250 }, 'the third attempt waits');
  th.failure('a');
  t.same(th.check('a'), { kind: 'go', delayMs: 500 }, 'the wait doubles');
  th.failure('a');
  t.same(th.check('a'), { kind: 'go', delayMs: 1000 }, 'up to the cap');
  th.failure('a');
  t.same(th.check('a'), { kind: 'locked', retryAfterS: 10 });
  t.same(th.check('b'), { kind: 'go', delayMs: 0 }, 'other addresses are not affected');
  th.success('a');
  t.equal(th.check('a').kind, 'locked', 'a success does not lift a lock early');
  now += 10_001;
  t.same(th.check('a'), { kind: 'go', delayMs: 0 }, 'the lock ends');
  th.failure('c');
  th.failure('c');
  th.failure('c');
  th.success('c');
  t.same(th.check('c'), { kind: 'go', delayMs: 0 }, 'a success forgets the failures');
});

t.test('logins of one address are checked slowAfter at a time; the others wait their turn', async (t) => {
  let now = 1_000_000;
  const th = new LoginThrottle({ slowAfter: 2, lockAfter: 3, windowMs: 60_000, lockMs: 10_000, maxDelayMs: 1000, maxAddresses: 100 }, () => now);
  const a1 = await th.admit('a');
  const a2 = await th.admit('a');
  t.same([a1.kind, a2.kind], ['go', 'go']);
  t.same(th.underWay('a'), { inFlight: 2, waiting: 0 });
  let third: Awaited<ReturnType<LoginThrottle['admit']>> | undefined;
  const waiting = th.admit('a').then((v) => (third = v));
  await Promise.resolve();
  t.equal(third, undefined, 'a third waits while two are under way');
  t.same(th.underWay('a'), { inFlight: 2, waiting: 1 });
  t.equal((await th.admit('b')).kind, 'go', 'other addresses have their own turns');
  if (a1.kind === 'go') a1.done('failure');
  await waiting;
  t.same(third, { kind: 'go', delayMs: 0, done: (third as { done: unknown } | undefined)?.done }, 'the failed one hands its turn over');
  if (a1.kind === 'go') a1.done('failure');
  t.same(th.check('a'), { kind: 'go', delayMs: 0 }, 'telling twice counts once');
  if (a2.kind === 'go') a2.done('error');
  t.same(th.check('a'), { kind: 'go', delayMs: 0 }, 'a login xapi could not check is no failure');
  t.same(th.underWay('a'), { inFlight: 1, waiting: 0 });
  if (third?.kind === 'go') third.done('success');
  t.same(th.underWay('a'), { inFlight: 0, waiting: 0 }, 'nothing kept once all are done');

  // As many waiting as would lock the address: the next is refused at once.
  const held = await Promise.all([th.admit('c'), th.admit('c')]);
  const queued = [th.admit('c'), th.admit('c'), th.admit('c')];
  t.same(await th.admit('c'), { kind: 'locked', retryAfterS: 1 });
  // Failures while they wait decide their fate: locked, they are refused when their turn comes.
  for (const h of held) if (h.kind === 'go') h.done('failure');
  const next = await queued[0]!;
  if (next.kind === 'go') next.done('failure');
  const [admitted, refused] = await Promise.all(queued.slice(1));
  t.same([admitted?.kind, admitted?.kind === 'go' ? admitted.delayMs : -1], ['go', 250], 'admitted after two failures: slowed');
  t.same(refused, { kind: 'locked', retryAfterS: 10 }, 'the third failure locked the address before the last one\'s turn');
  if (admitted?.kind === 'go') admitted.done('failure');
  t.same(th.underWay('c'), { inFlight: 0, waiting: 0 });
  now += 10_001;
  t.equal((await th.admit('c')).kind, 'go', 'until the lock ends');
});

t.test('a success forgives its own user\'s failures only: one valid account does not wipe guesses at another', async (t) => {
  const th = new LoginThrottle({ slowAfter: 100, lockAfter: 5, windowMs: 60_000, lockMs: 10_000, maxDelayMs: 1000, maxAddresses: 100 }, () => 1_000_000);
  for (let round = 0; round < 2; round++) {
    th.failure('a', 'root');
    th.failure('a', 'root');
    th.success('a', 'monitor');
  }
  th.failure('a', 'root');
  t.same(th.check('a'), { kind: 'locked', retryAfterS: 10 }, 'five guesses at root lock the address, whatever monitor does between them');
  th.failure('b', 'alice');
  th.failure('b', 'alice');
  th.failure('b', 'root');
  th.success('b', 'alice');
  th.failure('b', 'root');
  th.failure('b', 'root');
  th.failure('b', 'root');
  t.equal(th.check('b').kind, 'go', 'alice\'s own typos are forgiven: three failures left');
  th.failure('b', 'root');
  t.equal(th.check('b').kind, 'locked');
});
