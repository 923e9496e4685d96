// XenAPI failures over real sockets, and the gateway recovering from each by itself: dropped
// connections, slow answers, an xapi restart (sessions invalid, tokens reset), connections
// refused, HOST_IS_SLAVE at login and a master moving while it runs. Meanwhile /health says
// degraded, reads are answered from the last-known data within their OperationTimeout, new
// logins and writes fail fast with a clear fault; afterwards a change made in the simulator
// shows in the next Gets.
import t, { type Test } from 'tap';
import { createGateway, type Gateway } from '../../src/app.js';
import { loadConfig, type GatewayConfig } from '../../src/config.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { allRecords, field, guests, xenSession } from '../helpers/xenapi.js';
import { ACTIONS, bodyOf, enumerateAll, envelope, faultOf, MONITOR, post, prop, ROOT, XEN_CS_URI, type Credentials, type WsmanReply } from '../helpers/wsman-client.js';

interface Health {
  status: string;
  model: string;
  reads: string;
  reason: string | null;
  lastSync: string | null;
  staleSince: string | null;
}

const FAST = { xapiTimeoutMs: 1000, eventTimeoutS: 1 } satisfies Partial<GatewayConfig>;
const PT2S = '<wsman:OperationTimeout>PT2S</wsman:OperationTimeout>';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function eventually(probe: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await probe()) return true;
    await sleep(20);
  }
  return false;
}

async function health(endpoint: string): Promise<{ code: number; body: Health }> {
  const res = await fetch(endpoint.replace('/wsman', '/health'));
  return { code: res.status, body: (await res.json()) as Health };
}

/** A request and how long its answer took. */
async function timed(endpoint: string, body: string, creds: Credentials): Promise<[WsmanReply, number]> {
  const start = Date.now();
  const r = await post(endpoint, body, creds);
  return [r, Date.now() - start];
}

const sel = (uuid: string) => ({ CreationClassName: 'Xen_ComputerSystem', Name: uuid });
const getVm = (uuid: string, extraHeaders = PT2S): string => envelope({ action: ACTIONS.get, resourceUri: XEN_CS_URI, selectors: sel(uuid), extraHeaders });
const rsc = (uuid: string, state: number): string =>
  envelope({
    action: `${XEN_CS_URI}/RequestStateChange`,
    resourceUri: XEN_CS_URI,
    selectors: sel(uuid),
    extraHeaders: PT2S,
    body: `<p:RequestStateChange_INPUT xmlns:p="${XEN_CS_URI}"><p:RequestedState>${state}</p:RequestedState></p:RequestStateChange_INPUT>`,
  });

async function enabledState(endpoint: string, uuid: string): Promise<string | undefined> {
  const r = await post(endpoint, getVm(uuid, ''), ROOT);
  return r.status === 200 ? prop(bodyOf(r)!, 'EnabledState') : undefined;
}

/** A guest in `state` on the simulator: [ref, uuid]. */
async function guestIn(sim: Simulator, state: string): Promise<[string, string]> {
  const x = await xenSession(sim.url);
  try {
    const found = [...guests(await allRecords(x.session, 'VM'))].find(([, v]) => v['power_state'] === state);
    if (!found) throw new Error(`no ${state} guest`);
    return [found[0], field(found[1], 'uuid')];
  } finally {
    await x.close();
  }
}

/** Changes a VM behind the gateway's back, as another XenAPI client would. */
async function xapiCall(sim: Simulator, method: string, ...params: (string | boolean)[]): Promise<void> {
  const x = await xenSession(sim.url);
  try {
    await x.session.call(method, params);
  } finally {
    await x.close();
  }
}

/** Reads during an outage: answered from the last-known data, well within OperationTimeout PT2S. */
async function readsServedFromLastKnownData(t: Test, endpoint: string, uuid: string, expected: string): Promise<void> {
  const [r, ms] = await timed(endpoint, getVm(uuid), ROOT);
  t.equal(r.status, 200, 'a Get is answered');
  t.equal(prop(bodyOf(r)!, 'EnabledState'), expected, 'with the last-known data');
  t.ok(ms < 2500, `within the OperationTimeout (${ms} ms)`);
}

async function degraded(t: Test, endpoint: string, reason: RegExp, ms = 6000): Promise<void> {
  let last: { code: number; body: Health } | undefined;
  const seen = await eventually(async () => {
    last = await health(endpoint);
    return last.code === 503 && reason.test(last.body.reason ?? '');
  }, ms);
  t.ok(seen, `/health says degraded: ${JSON.stringify(last?.body)}`);
  t.equal(last?.body.status, 'degraded');
  t.equal(last?.body.model, 'stale');
  t.match(last?.body.reason, /^XenAPI unreachable since \d{4}-\d\d-\d\dT.*; last sync \d{4}-/);
  t.not(last?.body.staleSince, null);
}

async function recovered(t: Test, endpoint: string, ms = 10_000): Promise<void> {
  t.ok(await eventually(async () => (await health(endpoint)).code === 200, ms), '/health is ok again, by itself');
  const h = await health(endpoint);
  t.same([h.body.status, h.body.model, h.body.reads, h.body.reason], ['ok', 'live', 'live', null]);
}

/** Proves the model follows XenAPI again: a change made now in the simulator shows in a Get. */
async function followsAgain(t: Test, sim: Simulator, endpoint: string, method: string, ref: string, uuid: string, expected: string): Promise<void> {
  await xapiCall(sim, method, ref, ...(method === 'VM.start' ? [false, false] : []));
  t.ok(await eventually(async () => (await enabledState(endpoint, uuid)) === expected, 5000), `${method} made after recovery shows in a Get (EnabledState ${expected})`);
}

t.test('one gateway through a series of XenAPI failures', async (t) => {
  const stack: Stack = await startStack({ sim: { vms: 5 }, config: FAST });
  t.teardown(() => stack.close());
  const { sim, endpoint } = stack;
  const [runningRef, running] = await guestIn(sim, 'Running');
  t.equal(await enabledState(endpoint, running), '2', 'ROOT is logged in and remembered');

  t.test('dropped connections', async (t) => {
    t.equal((await health(endpoint)).code, 200);
    // Cut every connection, the event feed's long poll with them, and the first reload's request.
    await sim.setMode({ dropNext: 1 });
    t.ok(sim.dropConnections() >= 1);
    await degraded(t, endpoint, /connection lost/, 3000);
    await readsServedFromLastKnownData(t, endpoint, running, '2');
    await recovered(t, endpoint);
    t.equal(sim.faultStats.droppedRequests, 1, 'the reload that was cut was tried again');
    await followsAgain(t, sim, endpoint, 'VM.pause', runningRef, running, '9');
    await xapiCall(sim, 'VM.unpause', runningRef);
    t.ok(await eventually(async () => (await enabledState(endpoint, running)) === '2', 5000));
  });

  t.test('slow answers (beyond the 1 s XenAPI timeout)', async (t) => {
    const [haltedRef, halted] = await guestIn(sim, 'Halted');
    await sim.setMode({ delayMs: 2500 });
    await readsServedFromLastKnownData(t, endpoint, running, '2');

    const [login, loginMs] = await timed(endpoint, getVm(running), MONITOR);
    t.equal(faultOf(login)?.subcode, 'wsa:EndpointUnavailable', 'a login xapi cannot check now: EndpointUnavailable, not 401');
    t.ok(loginMs < 2500, `within the XenAPI timeout (${loginMs} ms)`);

    const [write, writeMs] = await timed(endpoint, rsc(halted, 2), ROOT);
    t.equal(faultOf(write)?.subcode, 'wsman:TimedOut', 'a write xapi does not answer in time: TimedOut');
    t.ok(writeMs < 2500, `within the XenAPI timeout (${writeMs} ms)`);

    await degraded(t, endpoint, /no answer to \S+ in time/);
    await readsServedFromLastKnownData(t, endpoint, running, '2');
    await sim.setMode({ delayMs: 0 });
    await recovered(t, endpoint);
    t.ok(sim.faultStats.abandonedCalls >= 1, 'calls the gateway gave up on were abandoned');
    t.equal(await enabledState(endpoint, halted), '3', 'the timed-out start never happened');
    await followsAgain(t, sim, endpoint, 'VM.start', haltedRef, halted, '2');
    await xapiCall(sim, 'VM.hard_shutdown', haltedRef);
  });

  t.test('xapi restarts: sessions invalid, event tokens reset', async (t) => {
    const logins = sim.callCount('session.login_with_password');
    const reloads = sim.callCount('VM.get_all_records');
    await sim.restart({ downMs: 300 });
    await degraded(t, endpoint, /.*/, 3000);
    // Changed at once, under the tokens of the new numbering: only a full reload can see it.
    await xapiCall(sim, 'VM.pause', runningRef);
    await recovered(t, endpoint);
    t.ok(await eventually(async () => (await enabledState(endpoint, running)) === '9', 5000), 'the change made right after the restart shows');
    t.ok(sim.callCount('session.login_with_password') > logins, 'the service session logged in again');
    t.ok(sim.callCount('VM.get_all_records') > reloads, 'the model was reloaded in full');
    // ROOT's remembered session died with the restart: a write renews it and goes through.
    const r = await post(endpoint, rsc(running, 2), ROOT);
    t.equal(prop(bodyOf(r)!, 'ReturnValue'), '0', 'a write with a session from before the restart succeeds');
    t.ok(await eventually(async () => (await enabledState(endpoint, running)) === '2', 5000));
  });

  t.test('connections refused: the event loop fails, backs off, and recovers', async (t) => {
    const [haltedRef, halted] = await guestIn(sim, 'Halted');
    await sim.setMode({ refuse: true });
    await degraded(t, endpoint, /connection refused/);
    await readsServedFromLastKnownData(t, endpoint, running, '2');
    const [login, loginMs] = await timed(endpoint, getVm(running), MONITOR);
    t.equal(faultOf(login)?.subcode, 'wsa:EndpointUnavailable');
    t.ok(loginMs < 1000, `a login fails at once (${loginMs} ms)`);
    const [write, writeMs] = await timed(endpoint, rsc(halted, 2), ROOT);
    t.equal(faultOf(write)?.subcode, 'wsa:EndpointUnavailable', 'a write: EndpointUnavailable');
    t.match(faultOf(write)?.reason, /XenAPI back end did not answer/);
    t.ok(writeMs < 1000, `at once (${writeMs} ms)`);
    await sleep(1500);
    const h = await health(endpoint);
    t.equal(h.body.reads, 'last-known', 'still served from the last-known data');
    await sim.setMode({ refuse: false });
    await recovered(t, endpoint, 8000);
    await followsAgain(t, sim, endpoint, 'VM.start', haltedRef, halted, '2');
  });
});

t.test('HOST_IS_SLAVE: the gateway logs in to the master, and follows it when it moves', async (t) => {
  const first = await startSimulator({ vms: 3 });
  const second = await startSimulator({ vms: 1, slaveOf: `127.0.0.1:${first.port}` });
  const base = loadConfig(['--http-port', '0', '--https-port', 'off', '--metrics-interval', '0'], {});
  // Configured with the pool member: it answers HOST_IS_SLAVE [the master's address].
  const gateway: Gateway = await createGateway({ ...base, ...FAST, xapiUrl: second.url }, { logger: false });
  t.teardown(async () => {
    await gateway.close();
    await second.close();
    await first.close();
  });
  await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  const address = gateway.app.server.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/wsman`;
  const count = async (): Promise<number> => (await enumerateAll(endpoint, ROOT, XEN_CS_URI)).items.length;

  t.equal(await count(), 3, "the master's three guests, not the member's one");
  t.ok(second.faultStats.slaveAnswers >= 1);
  t.ok(first.callCount('VM.get_all_records') >= 1, 'loaded from the master');
  t.equal((await health(endpoint)).code, 200);
  const [haltedRef, halted] = await guestIn(first, 'Halted');
  await followsAgain(t, first, endpoint, 'VM.start', haltedRef, halted, '2');
  const r = await post(endpoint, rsc(halted, 4), MONITOR);
  t.equal(faultOf(r)?.subcode, 'wsman:AccessDenied', "a user's login went to the master too (its roles decide)");

  // The pool changes master: the member takes over, the old master becomes a member of it.
  await second.becomeMaster();
  await first.becomeSlave(`127.0.0.1:${second.port}`);
  t.ok(await eventually(async () => (await count()) === 1, 10_000), "the gateway follows the new master: its one guest");
  await recovered(t, endpoint);
  const [ref2, uuid2] = await guestIn(second, 'Running');
  await followsAgain(t, second, endpoint, 'VM.pause', ref2, uuid2, '9');
  const w = await post(endpoint, rsc(uuid2, 2), ROOT);
  t.equal(prop(bodyOf(w)!, 'ReturnValue'), '0', 'writes go to the new master');
  t.equal((await guestIn(second, 'Running'))[1], uuid2);
});

// The stale-data bound: reads are served from last-known data for --stale-serve, then refused
// with wsa:EndpointUnavailable. It needs the configuration option and the WS-Man layer's check
// (see README "If XenAPI goes away"); without them there is nothing to test yet.
const bounded = 'staleServeMs' in loadConfig(['--http-port', '0'], {});
t.test('beyond the stale-data bound reads are refused, in time, until XenAPI is back', { skip: bounded ? false : 'the stale-serve bound is not wired in yet' }, async (t) => {
  // A cast-free way to pass an option older configurations do not know.
  const config: Partial<GatewayConfig> = { ...FAST, ...Object.fromEntries([['staleServeMs', 1000]]) };
  const stack = await startStack({ sim: { vms: 2 }, config });
  t.teardown(() => stack.close());
  const [, running] = await guestIn(stack.sim, 'Running');
  t.equal(await enabledState(stack.endpoint, running), '2');
  await stack.sim.setMode({ refuse: true });
  await degraded(t, stack.endpoint, /connection refused/);
  t.ok(await eventually(async () => (await health(stack.endpoint)).body.reads === 'refused', 3000), '/health says reads are refused');
  const [r, ms] = await timed(stack.endpoint, getVm(running), ROOT);
  t.equal(faultOf(r)?.subcode, 'wsa:EndpointUnavailable', 'a Get is refused');
  t.match(faultOf(r)?.reason, /has not answered since .* served for 1 s only/);
  t.ok(ms < 2500, `in time (${ms} ms)`);
  await stack.sim.setMode({ refuse: false });
  await recovered(t, stack.endpoint);
  t.equal(await enabledState(stack.endpoint, running), '2', 'served again');
});
