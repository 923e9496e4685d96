import t from 'tap';
import { Agent, request as httpRequest } from 'node:http';
import { startSimulator } from '../../../src/sim/simulator.js';
import { login, methodCall, rawPost, rpcClient } from '../../helpers/sim-client.js';

t.test('sessions, method resolution and call counts', async (t) => {
  const sim = await startSimulator({ authFailureDelayMs: 150 });
  t.teardown(() => sim.close());
  const rpc = rpcClient(sim.url);

  t.test('login with 2, 3 or 4 params returns an OpaqueRef', async (t) => {
    t.match(await rpc.ok('session.login_with_password', 'root', 'xenroot'), /^OpaqueRef:[0-9a-f-]{36}$/);
    t.match(await rpc.ok('session.login_with_password', 'root', 'xenroot', '1.0'), /^OpaqueRef:/);
    t.match(await rpc.ok('session.login_with_password', 'monitor', 'monitor', '1.0', 'tests'), /^OpaqueRef:/);
    t.same(await rpc.fail('session.login_with_password', 'root'), ['MESSAGE_PARAMETER_COUNT_MISMATCH', 'session.login_with_password', '4', '1']);
    t.same(await rpc.fail('session.login_with_password', 'root', 'x', '1.0', 'o', 'extra'), [
      'MESSAGE_PARAMETER_COUNT_MISMATCH',
      'session.login_with_password',
      '4',
      '5',
    ]);
  });

  t.test('bad credentials fail after the configured delay', async (t) => {
    const start = Date.now();
    t.same(await rpc.fail('session.login_with_password', 'root', 'wrong', '1.0', 'tests'), ['SESSION_AUTHENTICATION_FAILED', 'root', 'Authentication failure']);
    t.ok(Date.now() - start >= 140, 'answer was delayed');
    t.same(await rpc.fail('session.login_with_password', 'nobody', 'xenroot'), ['SESSION_AUTHENTICATION_FAILED', 'nobody', 'Authentication failure']);
  });

  t.test('logout invalidates the session', async (t) => {
    const s = await login(rpc);
    t.equal(await rpc.ok('session.logout', s), '');
    t.same(await rpc.fail('VM.get_all', s), ['SESSION_INVALID', s]);
    t.same(await rpc.fail('VM.get_all', 'OpaqueRef:bogus'), ['SESSION_INVALID', 'OpaqueRef:bogus']);
  });

  t.test('session getters', async (t) => {
    const s = await login(rpc);
    const host = await rpc.ok<string>('session.get_this_host', s, s);
    t.equal(host, (await rpc.ok<string[]>('host.get_all', s))[0]);
    const rec = await rpc.ok<Record<string, unknown>>('session.get_record', s, s);
    t.equal(rec['auth_user_name'], 'root');
    t.equal(rec['originator'], 'tests');
    t.equal(rec['this_host'], host);
    t.match(await rpc.ok('session.get_uuid', s, s), /^[0-9a-f-]{36}$/);
    t.equal(await rpc.ok('session.get_this_user', s, s), 'OpaqueRef:NULL');
    t.same(await rpc.fail('session.get_record', s, 'OpaqueRef:nope'), ['HANDLE_INVALID', 'session', 'OpaqueRef:nope']);
  });

  t.test('unknown methods and wrong parameter counts', async (t) => {
    const s = await login(rpc);
    t.same(await rpc.fail('VM.frobnicate', s), ['MESSAGE_METHOD_UNKNOWN', 'VM.frobnicate']);
    t.same(await rpc.fail('vm.get_all', s), ['MESSAGE_METHOD_UNKNOWN', 'vm.get_all'], 'class names are case-sensitive');
    t.same(await rpc.fail('VM.get_record', s), ['MESSAGE_PARAMETER_COUNT_MISMATCH', 'VM.get_record', '2', '1']);
    t.same(await rpc.fail('VM.start', s, 'OpaqueRef:x'), ['MESSAGE_PARAMETER_COUNT_MISMATCH', 'VM.start', '4', '2']);
    t.same(await rpc.fail('Async.VM.get_all', s), ['MESSAGE_METHOD_UNKNOWN', 'Async.VM.get_all'], 'getters have no Async form');
  });

  t.test('underscore aliases reach the same messages', async (t) => {
    const s = await login(rpc);
    const dotted = await rpc.ok<string[]>('VM.get_all', s);
    t.same(await rpc.ok('VM_get_all', s), dotted);
    t.same(await rpc.ok('VM_metrics_get_all', s), await rpc.ok('VM_metrics.get_all', s));
    const batch = await rpc.ok<{ token: string }>('event_from', s, ['pool'], '', 0);
    t.match(batch.token, /^\d{20},\d{20}$/);
  });

  t.test('call counts: total and per canonical method, resettable', async (t) => {
    const s = await login(rpc);
    sim.resetCallCounts();
    t.equal(sim.callCount(), 0);
    await rpc.ok('VM.get_all_records', s);
    await rpc.ok('VM_get_all_records', s);
    await rpc.fail('VM.get_record', s, 'OpaqueRef:missing');
    await rpc.fail('no.such', s);
    t.equal(sim.callCount('VM.get_all_records'), 2, 'alias counted under the dotted name');
    t.equal(sim.callCount('VM.get_record'), 1, 'failed calls count too');
    t.equal(sim.callCounts()['VM.get_all_records'], 2, 'and by method');
    t.equal(sim.callCount('no.such'), 1);
    t.equal(sim.callCount('host.get_all'), 0);
    t.equal(sim.callCount(), 4);
    sim.resetCallCounts();
    t.equal(sim.callCount(), 0);
    t.equal(sim.callCount('VM.get_all_records'), 0);
  });

  t.test('malformed XML gets HTTP 500 with an HTML body; non-POST 405', async (t) => {
    const r = await rawPost(sim.url, '<methodCall><methodName>VM.get_all</methodName><params>');
    t.equal(r.status, 500);
    t.match(String(r.headers['content-type']), /text\/html/);
    t.match(r.body, /<html>.*500/);
    const ok = await rawPost(sim.url, methodCall('session.login_with_password', 'root', 'xenroot'), '/any/path');
    t.equal(ok.status, 200, 'any path is accepted');
    t.match(String(ok.headers['content-type']), /^text\/xml/);
    const get = await fetch(sim.url);
    t.equal(get.status, 405);
    await get.text();
  });
});

t.test('connections are kept alive, also after a 500', async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  const post = (body: string): Promise<[number, number]> =>
    new Promise((resolve, reject) => {
      const req = httpRequest(sim.url, { method: 'POST', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve([res.statusCode ?? 0, res.socket?.localPort ?? -1]));
      });
      req.on('error', reject);
      req.end(body);
    });
  const results = [];
  results.push(await post(methodCall('session.login_with_password', 'root', 'xenroot')));
  results.push(await post('<broken'));
  results.push(await post(methodCall('session.login_with_password', 'root', 'xenroot')));
  t.same(results.map((r) => r[0]), [200, 500, 200]);
  t.equal(new Set(results.map((r) => r[1])).size, 1, 'one socket for all three');
});

t.test('custom users replace the defaults', async (t) => {
  const sim = await startSimulator({ users: [{ name: 'alice', password: 's3cret', role: 'read-only' }] });
  t.teardown(() => sim.close());
  const rpc = rpcClient(sim.url);
  t.same(sim.users.map((u) => u.name), ['alice']);
  t.match(await rpc.ok('session.login_with_password', 'alice', 's3cret'), /^OpaqueRef:/);
  t.same(await rpc.fail('session.login_with_password', 'root', 'xenroot'), ['SESSION_AUTHENTICATION_FAILED', 'root', 'Authentication failure']);
});

t.test('invalid options are rejected', async (t) => {
  await t.rejects(startSimulator({ vms: -1 }), RangeError);
  await t.rejects(startSimulator({ vms: 1.5 }), RangeError);
});
