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
