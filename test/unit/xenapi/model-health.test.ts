// Readiness and the stale-data policy: live → ok; stale → degraded, reads served from the
// last-known data for staleServeMs, then refused with a reason; never loaded → refused.
import t from 'tap';
import { XenApiError, XenTransportError } from '../../../src/xenapi/errors.js';
import { DEFAULT_STALE_SERVE_MS, describeFeedFailure, ModelHealth } from '../../../src/xenapi/model-health.js';
import { XenModel } from '../../../src/xenapi/model.js';

const T0 = Date.parse('2025-03-19T04:16:24.000Z');

t.test('live, then stale within the bound, then beyond it, then live again', async (t) => {
  const model = new XenModel();
  let now = T0;
  const health = new ModelHealth(model, { staleServeMs: 60_000, now: () => now });
  t.equal(health.reads(), 'refused', 'nothing loaded yet');
  t.match(health.unavailableReason(), /not been loaded yet/);
  t.same(health.report(), { status: 'degraded', model: 'loading', reads: 'refused', generation: 0, lastSync: null, staleSince: null, reason: 'XenAPI data not loaded yet' });
  model.markStale('connection refused', now);
  t.equal(model.state, 'loading', 'a failure before the first load leaves it loading');
  t.match(health.report().reason, /not loaded yet \(connection refused\)/);

  model.markLive(now);
  t.ok(health.isServable());
  t.equal(health.unavailableReason(), undefined);
  t.same(health.report(), { status: 'ok', model: 'live', reads: 'live', generation: 0, lastSync: '2025-03-19T04:16:24.000Z', staleSince: null, reason: null });

  now += 5_000;
  model.markStale('connection lost', now);
  now += 1_000;
  model.markStale('connection refused', now);
  t.equal(model.staleSince, T0 + 5_000, 'stale since the first failure');
  t.equal(health.reads(), 'last-known');
  t.ok(health.isServable());
  t.same(health.report(), {
    status: 'degraded',
    model: 'stale',
    reads: 'last-known',
    generation: 0,
    lastSync: '2025-03-19T04:16:24.000Z',
    staleSince: '2025-03-19T04:16:29.000Z',
    reason: 'XenAPI unreachable since 2025-03-19T04:16:29.000Z (connection refused); last sync 2025-03-19T04:16:24.000Z',
  });

  now = T0 + 5_000 + 60_000;
  t.notOk(health.isServable(), 'refused once the bound has passed');
  t.equal(health.report().reads, 'refused');
  t.equal(
    health.unavailableReason(),
    'The XenAPI back end has not answered since 2025-03-19T04:16:29.000Z (connection refused), and its last-known data is served for 60 s only; last synchronised 2025-03-19T04:16:24.000Z.',
  );
  model.markLive(now);
  t.ok(health.isServable());
  t.equal(model.lastFailure, undefined);
});

t.test('a bound of 0 refuses stale data at once; fractions of seconds are named', async (t) => {
  const model = new XenModel();
  model.markLive(T0);
  model.markStale('connection lost', T0);
  t.notOk(new ModelHealth(model, { staleServeMs: 0, now: () => T0 }).isServable());
  t.match(new ModelHealth(model, { staleServeMs: 0, now: () => T0 }).unavailableReason(), /stale data is not served/);
  t.match(new ModelHealth(model, { staleServeMs: 1500, now: () => T0 + 2000 }).unavailableReason(), /served for 1\.5 s only/);
  t.ok(new ModelHealth(model, { staleServeMs: DEFAULT_STALE_SERVE_MS, now: () => T0 + 240_000 }).isServable(), 'the default bound is minutes');
  t.equal(DEFAULT_STALE_SERVE_MS, 300_000);
  t.throws(() => new ModelHealth(model, { staleServeMs: -1 }), RangeError);
  t.throws(() => new ModelHealth(model, { staleServeMs: Number.NaN }), RangeError);
});

t.test('feed failures are described without hosts or messages', async (t) => {
  t.equal(describeFeedFailure(new XenTransportError('no answer within 1000 ms', 'event.from', 'timeout')), 'no answer to event.from in time');
  t.equal(describeFeedFailure(new XenTransportError('connect ECONNREFUSED 10.0.0.1:443', 'VM.get_all_records', 'refused')), 'connection refused');
  t.equal(describeFeedFailure(new XenTransportError('socket hang up', 'event.from')), 'connection lost');
  t.equal(describeFeedFailure(new XenTransportError('HTTP 502 from xapi', 'event.from', 'protocol')), 'unusable answer to event.from');
  t.equal(describeFeedFailure(new XenApiError('SESSION_INVALID', ['OpaqueRef:secret'], 'event.from')), 'XenAPI SESSION_INVALID from event.from');
  t.equal(describeFeedFailure(new Error('x at 10.0.0.1')), 'internal error');
});
