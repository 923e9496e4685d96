// The simulator's failure controls over real sockets: cut connections, cut requests, slow
// answers, refused connections, restarts (sessions invalid, tokens reset) and pool roles.
import t from 'tap';
import { connect } from 'node:net';
import { startSimulator, type Simulator } from '../../../src/sim/simulator.js';
import { login, rpcClient, type RpcClient } from '../../helpers/sim-client.js';

interface Batch {
  events: { class: string; operation: string; ref: string }[];
  token: string;
}

const elapsed = async <T>(work: Promise<T>): Promise<[T, number]> => {
  const start = Date.now();
  const v = await work;
  return [v, Date.now() - start];
};

/** Calls and returns the error (a connection error) instead of a result. */
const connectionError = async (rpc: RpcClient, method: string, ...params: unknown[]): Promise<NodeJS.ErrnoException> => {
  try {
    await rpc.call(method, ...params);
  } catch (err) {
    return err as NodeJS.ErrnoException;
  }
  throw new Error(`${method} was answered`);
};

const portIsClosed = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });

/** Lets the client side see connections the simulator cut (else a pooled socket is reused once). */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 30));

const firstVm = async (rpc: RpcClient, s: string, name = 'web-01'): Promise<string> => (await rpc.ok<string[]>('VM.get_by_name_label', s, name))[0] ?? '';

t.test('dropConnections cuts calls in flight, blocked event.from included', async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const rpc = rpcClient(sim.url);
  const s = await login(rpc);
  const { token } = await rpc.ok<Batch>('event.from', s, ['*'], '', 0);
  const blocked = connectionError(rpc, 'event.from', s, ['vm'], token, 30);
  await new Promise((r) => setTimeout(r, 100));
  const [err, ms] = await elapsed((async () => (sim.dropConnections(), await blocked))());
  t.match(err.code, /ECONNRESET|EPIPE/, 'the blocked call loses its connection');
  t.ok(ms < 1000, 'at once, not at the end of its timeout');
  t.ok(sim.faultStats.droppedConnections >= 1);
  t.match(await rpc.ok('VM.get_all', s), [], 'the session is still good: only connections were cut');
});

t.test('dropNext cuts that many requests unanswered and unserved, then serves again', async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const rpc = rpcClient(sim.url);
  const s = await login(rpc);
  const vm = await firstVm(rpc, s, 'db-01');
  await sim.setMode({ dropNext: 2 });
  t.same(sim.mode, { dropNext: 2, delayMs: 0, refuse: false });
  const before = sim.callCount('VM.pause');
  t.match((await connectionError(rpc, 'VM.pause', s, vm)).code, /ECONNRESET|EPIPE/);
  t.match((await connectionError(rpc, 'VM.get_all', s)).code, /ECONNRESET|EPIPE/);
  t.equal(sim.callCount('VM.pause'), before, 'the cut call was not served');
  t.equal(await rpc.ok('VM.get_power_state', s, vm), 'Running', 'and changed nothing');
  t.equal(sim.mode.dropNext, 0);
  t.equal(sim.faultStats.droppedRequests, 2);
  t.equal(await rpc.ok('VM.pause', s, vm), '', 'the third call is served');
});

t.test('delayMs slows every answer; a call whose client left meanwhile is never served', async (t) => {
  const sim = await startSimulator({ delayMs: 300 });
  t.teardown(() => sim.close());
  const rpc = rpcClient(sim.url);
  const [s, ms] = await elapsed(login(rpc));
  t.ok(ms >= 280, `login took ${ms} ms`);
  t.equal(sim.faultStats.delayedCalls, 1);
  await sim.setMode({ delayMs: 400 });
  const vm = await firstVm(rpc, s, 'db-01');
  // A client that gives up after 100 ms.
  const gaveUp = new Promise<string>((resolve) => {
    const socket = connect(sim.port, '127.0.0.1', () => {
      const body = `<?xml version="1.0"?><methodCall><methodName>VM.pause</methodName><params><param><value>${s}</value></param><param><value>${vm}</value></param></params></methodCall>`;
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      setTimeout(() => {
        socket.destroy();
        resolve('gone');
      }, 100);
    });
  });
  await gaveUp;
  await new Promise((r) => setTimeout(r, 500));
  t.equal(sim.faultStats.abandonedCalls, 1, 'the abandoned call was counted');
  await sim.setMode({ delayMs: 0 });
  t.equal(await rpc.ok('VM.get_power_state', s, vm), 'Running', 'and not served: the VM still runs');
  t.equal(sim.callCount('VM.pause'), 0);
  await t.rejects(sim.setMode({ delayMs: -1 }), RangeError);
  await t.rejects(sim.setMode({ dropNext: 1.5 }), RangeError);
});

t.test('refuse stops listening (ECONNREFUSED) until it is lifted, on the same port', async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const rpc = rpcClient(sim.url);
  const s = await login(rpc);
  await sim.setMode({ refuse: true });
  await settle();
  t.equal((await connectionError(rpc, 'VM.get_all', s)).code, 'ECONNREFUSED');
  t.ok(await portIsClosed(sim.port));
  await sim.setMode({ refuse: true });
  t.equal(sim.faultStats.refusals, 1, 'refusing twice stops listening once');
  await sim.setMode({ refuse: false });
  t.match(await rpc.ok('VM.get_all', s), [], 'served again, and the session survived (no restart)');
});

t.test('restart: same port and objects, every session invalid, tokens of the old numbering see nothing', async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const rpc = rpcClient(sim.url);
  const s = await login(rpc);
  const vms = (await rpc.ok<string[]>('VM.get_all', s)).sort();
  const vm = await firstVm(rpc, s, 'db-01');
  // Move the generation on, so the token of the old numbering lies ahead of the new one.
  for (let i = 0; i < 5; i++) await rpc.ok('VM.set_name_description', s, vm, `d${i}`);
  const { token: old } = await rpc.ok<Batch>('event.from', s, ['*'], '', 0);
  await sim.setMode({ delayMs: 10 });
  const blocked = connectionError(rpc, 'event.from', s, ['vm'], old, 30);
  await new Promise((r) => setTimeout(r, 100));
  await sim.restart();
  await settle();
  t.match((await blocked).code, /ECONNRESET|EPIPE/, 'the blocked event.from was cut');
  t.same(sim.mode, { dropNext: 0, delayMs: 0, refuse: false }, 'the failure mode is back to normal');
  t.equal(sim.sessionCount, 0);
  t.same(await rpc.fail('VM.get_all', s), ['SESSION_INVALID', s], 'the old session is gone');
  const s2 = await login(rpc);
  t.same((await rpc.ok<string[]>('VM.get_all', s2)).sort(), vms, 'the objects are kept');
  t.equal(await rpc.ok('VM.get_name_description', s2, vm), 'd4');

  await rpc.ok('VM.pause', s2, vm);
  const stale = await rpc.ok<Batch>('event.from', s2, ['vm'], old, 0.3);
  t.same(stale.events, [], 'the old token parses but reports nothing of what happened since');
  t.ok(stale.token < old, 'and hands back a token of the new numbering');
  const fresh = await rpc.ok<Batch>('event.from', s2, ['vm'], '', 0);
  t.ok(fresh.events.some((e) => e.ref === vm), 'token "" loads everything again');
  t.equal(sim.faultStats.restarts, 1);
  t.ok(sim.faultStats.droppedConnections >= 1);
  await t.rejects(sim.restart({ downMs: -5 }), RangeError);
});

t.test('restart with downMs refuses connections meanwhile', async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const restarting = sim.restart({ downMs: 300 });
  await new Promise((r) => setTimeout(r, 100));
  t.ok(await portIsClosed(sim.port), 'down');
  await restarting;
  t.notOk(await portIsClosed(sim.port), 'up again on the same port');
});

t.test('a pool member answers HOST_IS_SLAVE [master] to logins and every other call', async (t) => {
  const sim = await startSimulator({ slaveOf: '192.0.2.10' });
  t.teardown(() => sim.close());
  const rpc = rpcClient(sim.url);
  t.equal(sim.master, '192.0.2.10');
  t.same(await rpc.fail('session.login_with_password', 'root', 'xenroot', '1.1', 't'), ['HOST_IS_SLAVE', '192.0.2.10']);
  t.same(await rpc.fail('session.login_with_password', 'root', 'wrong'), ['HOST_IS_SLAVE', '192.0.2.10'], 'before the credentials are checked');
  t.same(await rpc.fail('VM.get_all', 'OpaqueRef:whatever'), ['HOST_IS_SLAVE', '192.0.2.10']);
  await sim.becomeMaster();
  await settle();
  t.equal(sim.master, undefined);
  const s = await login(rpc);
  await sim.becomeSlave('127.0.0.1:4443');
  await settle();
  t.same(await rpc.fail('VM.get_all', s), ['HOST_IS_SLAVE', '127.0.0.1:4443'], 'a session of the master it was is answered HOST_IS_SLAVE too');
  t.equal(sim.faultStats.slaveAnswers, 4);
  t.equal(sim.faultStats.restarts, 2, 'each role change restarts');
  await t.rejects(sim.becomeSlave(' '), RangeError);
  await t.rejects(startSimulator({ slaveOf: '' }), RangeError);
});

t.test('close during a restart leaves nothing listening', async (t) => {
  const sim: Simulator = await startSimulator();
  const restarting = sim.restart({ downMs: 200 });
  await new Promise((r) => setTimeout(r, 50));
  await sim.close();
  await restarting;
  t.ok(await portIsClosed(sim.port));
});
