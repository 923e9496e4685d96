// The event feed recovers by itself: reload in full after any failure, with a doubling
// backoff; reload when the session was renewed under it; metrics polling that survives.
import t from 'tap';
import { startSimulator } from '../../../src/sim/simulator.js';
import { XenApiClient } from '../../../src/xenapi/client.js';
import { XenApiError, XenTransportError } from '../../../src/xenapi/errors.js';
import { EventFeed } from '../../../src/xenapi/event-feed.js';
import { XenModel } from '../../../src/xenapi/model.js';
import { XenSession } from '../../../src/xenapi/session.js';
import type { XenValue } from '../../../src/xenapi/values.js';
import { login, rpcClient } from '../../helpers/sim-client.js';

const until = async (probe: () => boolean, ms = 5000): Promise<boolean> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (probe()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return probe();
};

/** A scripted stand-in for XenSession: the feed only uses ensure, call, logins and client.options. */
class FakeSession {
  logins = 1;
  readonly client = { options: { timeoutMs: 1000 } };
  readonly loads: number[] = [];
  constructor(private readonly follow: (token: string, signal: AbortSignal | undefined) => Promise<XenValue>, private readonly loadFails: () => boolean = () => false) {}
  async ensure(): Promise<string> {
    return 'OpaqueRef:s';
  }
  async call(method: string, params: readonly unknown[], opts: { signal?: AbortSignal } = {}): Promise<XenValue> {
    if (method === 'event.from' && params[1] === '') {
      this.loads.push(Date.now());
      if (this.loadFails()) throw new XenTransportError('connect ECONNREFUSED', method, 'refused');
      return { events: [], token: `L${this.loads.length}` };
    }
    if (method === 'event.from') return this.follow(String(params[1]), opts.signal);
    if (method === 'VM.get_all_records') return { 'OpaqueRef:vm': { uuid: 'vm-uuid', name_label: `load ${this.loads.length}` } };
    return {};
  }
}

const blockUntilAborted = (signal: AbortSignal | undefined): Promise<XenValue> =>
  new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));

const feedOf = (session: FakeSession, model: XenModel, extra: Partial<ConstructorParameters<typeof EventFeed>[2]> = {}): EventFeed =>
  // The fake has the members EventFeed uses; XenSession's private fields make a cast necessary.
  new EventFeed(session as unknown as XenSession, model, { eventTimeoutS: 1, metricsIntervalMs: 0, backoffMinMs: 40, backoffMaxMs: 100, ...extra });

t.test('a session renewed under event.from means a reload: the token may predate an xapi restart', async (t) => {
  const model = new XenModel();
  let follows = 0;
  const session: FakeSession = new FakeSession(async (_token, signal) => {
    follows++;
    if (follows === 1) {
      session.logins++;
      return { events: [], token: 'T-after-renewal' };
    }
    return blockUntilAborted(signal);
  });
  const feed = feedOf(session, model);
  await feed.start();
  t.equal(model.byUuid('VM', 'vm-uuid')?.['name_label'], 'load 1');
  t.ok(await until(() => session.loads.length === 2), 'reloaded');
  t.equal(feed.reloadCount, 1);
  t.ok(await until(() => model.state === 'live'));
  t.equal(model.byUuid('VM', 'vm-uuid')?.['name_label'], 'load 2', 'from the fresh load');
  await feed.stop();
});

t.test('a token xapi cannot parse (EVENT_FROM_TOKEN_PARSE_FAILURE) means a reload with token ""', async (t) => {
  const model = new XenModel();
  const tokens: string[] = [];
  let follows = 0;
  const session = new FakeSession(async (token, signal) => {
    tokens.push(token);
    if (++follows === 1) throw new XenApiError('EVENT_FROM_TOKEN_PARSE_FAILURE', [token], 'event.from');
    return blockUntilAborted(signal);
  });
  const seen: string[] = [];
  const feed = feedOf(session, model);
  const off = model.onChange(() => seen.push(`${model.state}:${model.lastFailure ?? ''}`));
  await feed.start();
  t.ok(await until(() => session.loads.length === 2 && model.state === 'live'), 'reloaded and live');
  t.same(tokens, ['L1', 'L2'], 'followed from the first load\'s token, then from the reload\'s');
  t.equal(feed.reloadCount, 1);
  t.match(seen.at(-1), /^stale:XenAPI EVENT_FROM_TOKEN_PARSE_FAILURE from event\.from$/, 'stale while the reload ran, with the reason');
  off();
  await feed.stop();
});

t.test('failures: stale at once, reloads with a doubling backoff up to its bound, live again by itself', async (t) => {
  const model = new XenModel();
  let failing = false;
  const errors: unknown[] = [];
  const recovered: number[] = [];
  let follows = 0;
  const session = new FakeSession(async (_token, signal) => {
    follows++;
    if (follows === 1) {
      failing = true;
      throw new XenTransportError('connect ECONNREFUSED', 'event.from', 'refused');
    }
    return blockUntilAborted(signal);
  }, () => failing);
  const feed = feedOf(session, model, { onError: (e) => errors.push(e), onRecovered: (ms) => recovered.push(ms) });
  await feed.start();
  t.ok(await until(() => model.state === 'stale'));
  t.equal(model.lastFailure, 'connection refused');
  t.ok(model.staleSince > 0);
  const lostAt = model.staleSince;
  t.ok(await until(() => session.loads.length >= 6), 'reload tried again and again');
  failing = false;
  t.ok(await until(() => model.state === 'live'), 'live again');
  t.equal(model.staleSince, 0);
  t.equal(model.lastFailure, undefined);
  const gaps = session.loads.slice(1).map((at, i) => at - (session.loads[i] ?? at));
  // Waits before reloads 1..5: 40, 80, 100, 100, 100 ms, each ±20 %.
  const expected = [40, 80, 100, 100, 100];
  expected.forEach((ms, i) => t.ok((gaps[i] ?? 0) >= ms * 0.8 - 5, `wait ${i + 1}: ${gaps[i]} ms, at least ~${ms * 0.8}`));
  t.ok(gaps.every((g) => g < 100 * 1.2 + 60), `never beyond the bound: ${gaps.join(', ')}`);
  t.ok(errors.length >= 6, 'every failure is reported');
  t.equal(recovered.length, 1);
  t.ok((recovered[0] ?? 0) >= Date.now() - lostAt - 1000);
  await feed.stop();
});

t.test('against the simulator: a restart is followed by a full reload that sees changes made right after it', async (t) => {
  const sim = await startSimulator({ vms: 2 });
  t.teardown(() => sim.close());
  const client = new XenApiClient(sim.url, { timeoutMs: 1000 });
  t.teardown(() => client.close());
  const session = new XenSession(client, 'root', 'xenroot', 'tap');
  const model = new XenModel();
  const feed = new EventFeed(session, model, { eventTimeoutS: 1, metricsIntervalMs: 0, backoffMinMs: 50, backoffMaxMs: 200 });
  await feed.start();
  t.teardown(() => feed.stop());
  t.equal(session.logins, 1);
  const rpc = rpcClient(sim.url);
  const vmRef = [...model.all('VM')].find(([, r]) => r['name_label'] === 'db-01')?.[0] ?? '';
  t.equal(model.get('VM', vmRef)?.['power_state'], 'Running');

  await sim.restart();
  await new Promise((r) => setTimeout(r, 30));
  const s = await login(rpc);
  await rpc.ok('VM.pause', s, vmRef);
  t.ok(await until(() => model.get('VM', vmRef)?.['power_state'] === 'Paused'), 'the change made right after the restart shows');
  t.ok(feed.reloadCount >= 1, 'by a full reload');
  t.equal(session.logins, 2, 'with a new session');
  t.equal(model.state, 'live');
  await rpc.ok('VM.unpause', s, vmRef);
  t.ok(await until(() => model.get('VM', vmRef)?.['power_state'] === 'Running'), 'and events flow again');
});

t.test('metrics polling survives xapi going away and does not pile up on a slow one', async (t) => {
  const sim = await startSimulator({ vms: 1 });
  t.teardown(() => sim.close());
  const client = new XenApiClient(sim.url, { timeoutMs: 500 });
  t.teardown(() => client.close());
  const session = new XenSession(client, 'root', 'xenroot', 'tap');
  const model = new XenModel();
  const errors: unknown[] = [];
  const feed = new EventFeed(session, model, { eventTimeoutS: 1, metricsIntervalMs: 40, backoffMinMs: 50, backoffMaxMs: 200, onError: (e) => errors.push(e) });
  await feed.start();
  t.teardown(() => feed.stop());
  const polls = (): number => sim.callCount('VM_metrics.get_all_records');
  t.ok(await until(() => polls() >= 3), 'polling');
  await sim.setMode({ refuse: true });
  await new Promise((r) => setTimeout(r, 200));
  t.ok(errors.length > 0, 'failures reported');
  const before = polls();
  await sim.setMode({ refuse: false });
  t.ok(await until(() => polls() >= before + 3), 'polling again after the outage');
  t.ok(await until(() => model.state === 'live'), 'the feed is back too');
  // Slow answers (300 ms a call, a poll every 40 ms): at most one poll in flight.
  const slowFrom = polls();
  await sim.setMode({ delayMs: 300 });
  await new Promise((r) => setTimeout(r, 650));
  // Without the guard a poll would start every 40 ms and ~9 would have been served by now.
  const served = polls() - slowFrom;
  await sim.setMode({ delayMs: 0 });
  t.ok(served >= 1 && served <= 3, `one poll at a time (${served} served in 650 ms)`);
});
