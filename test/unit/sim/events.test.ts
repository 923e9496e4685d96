import t from 'tap';
import { startSimulator } from '../../../src/sim/simulator.js';
import { login, rawPost, rpcClient, type Rec } from '../../helpers/sim-client.js';

interface Ev {
  id: string;
  timestamp: string;
  class: string;
  operation: 'add' | 'mod' | 'del';
  ref: string;
  snapshot?: Rec;
}
interface Batch {
  events: Ev[];
  valid_ref_counts: Record<string, number>;
  token: string;
}

t.test('event.from', async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const rpc = rpcClient(sim.url);
  const s = await login(rpc);
  const admin = await login(rpc);
  const vmByName = async (name: string): Promise<string> => (await rpc.ok<string[]>('VM.get_by_name_label', s, name))[0] ?? '';

  t.test('token "" loads everything: one add per object', async (t) => {
    const b = await rpc.ok<Batch>('event.from', s, ['*'], '', 5);
    t.match(b.token, /^\d{20},\d{20}$/);
    const counts = new Map<string, number>();
    for (const e of b.events) {
      t.equal(e.operation, 'add');
      counts.set(e.class, (counts.get(e.class) ?? 0) + 1);
    }
    const vms = Object.keys(await rpc.ok<Rec>('VM.get_all_records', s)).length;
    t.equal(counts.get('vm'), vms);
    t.equal(counts.get('vm_metrics'), vms, 'metrics objects appear in the initial load');
    t.equal(counts.get('host_cpu'), 16);
    t.equal(counts.get('host_metrics'), 1);
    t.equal(b.valid_ref_counts['vm'], vms);
    t.equal(b.valid_ref_counts['host_cpu'], 16);
    const ev = b.events.find((e) => e.class === 'vm' && e.snapshot?.['name_label'] === 'web-01');
    t.ok(ev, 'web-01 add event with snapshot');
    t.equal(ev?.ref, await vmByName('web-01'));
    t.equal(ev?.snapshot?.['power_state'], 'Running');
    t.equal(new Set(b.events.map((e) => e.ref)).size, b.events.length, 'no duplicates');
  });

  t.test('class and object subscriptions are case-insensitive filters', async (t) => {
    const b = await rpc.ok<Batch>('event.from', s, ['VM'], '', 5);
    t.ok(b.events.length > 0);
    t.ok(b.events.every((e) => e.class === 'vm'));
    const web = await vmByName('web-01');
    const one = await rpc.ok<Batch>('event.from', s, [`vm/${web}`], '', 5);
    t.same(one.events.map((e) => e.ref), [web]);
    const none = await rpc.ok<Batch>('event.from', s, ['no_such_class'], '', 0);
    t.same(none.events, []);
  });

  t.test('later tokens return only changes, coalesced per object', async (t) => {
    const { token } = await rpc.ok<Batch>('event.from', s, ['vm'], '', 0);
    const web = await vmByName('web-01');
    await rpc.ok('VM.set_name_description', admin, web, 'one');
    await rpc.ok('VM.set_name_description', admin, web, 'two');
    const b = await rpc.ok<Batch>('event.from', s, ['vm'], token, 5);
    t.equal(b.events.length, 1, 'two changes, one event');
    t.equal(b.events[0]?.operation, 'mod');
    t.equal(b.events[0]?.ref, web);
    t.equal(b.events[0]?.snapshot?.['name_description'], 'two');
    t.ok(b.token > token, 'tokens grow lexicographically');
    const again = await rpc.ok<Batch>('event.from', s, ['vm'], b.token, 0.2);
    t.same(again.events, [], 'nothing new');
    t.equal(again.token, b.token);
  });

  t.test('blocks until the timeout when nothing changes', async (t) => {
    const { token } = await rpc.ok<Batch>('event.from', s, ['vm'], '', 0);
    const start = Date.now();
    const b = await rpc.ok<Batch>('event.from', s, ['vm'], token, 0.5);
    const waited = Date.now() - start;
    t.comment(`event.from with a 0.5 s timeout returned after ${waited} ms`);
    t.same(b.events, []);
    t.ok(waited >= 480 && waited < 1500, `waited ${waited} ms`);
    t.match(b.token, /^\d{20},\d{20}$/);
  });

  t.test('a blocked call wakes when another session starts a VM', async (t) => {
    const { token } = await rpc.ok<Batch>('event.from', s, ['vm'], '', 0);
    const vm = await vmByName('build-agent');
    const start = Date.now();
    const pending = rpc.ok<Batch>('event.from', s, ['vm'], token, 10);
    setTimeout(() => void rpc.ok('VM.start', admin, vm, false, false), 200);
    const b = await pending;
    const waited = Date.now() - start;
    t.ok(waited >= 150 && waited < 5000, `woke after ${waited} ms`);
    const ev = b.events.find((e) => e.ref === vm);
    t.equal(ev?.operation, 'mod');
    t.equal(ev?.snapshot?.['power_state'], 'Running');
  });

  t.test('changes to other classes do not wake a subscription', async (t) => {
    const { token } = await rpc.ok<Batch>('event.from', s, ['sr'], '', 0);
    const web = await vmByName('web-01');
    const start = Date.now();
    const pending = rpc.ok<Batch>('event.from', s, ['sr'], token, 0.6);
    setTimeout(() => void rpc.ok('VM.set_name_description', admin, web, 'three'), 100);
    const b = await pending;
    t.same(b.events, []);
    t.ok(Date.now() - start >= 550, 'slept through the VM change');
  });

  t.test('VM power changes: one batch, metrics silent', async (t) => {
    const { token } = await rpc.ok<Batch>('event.from', s, ['*'], '', 0);
    const db = await vmByName('db-01');
    await rpc.ok('VM.hard_shutdown', admin, db);
    const b = await rpc.ok<Batch>('event.from', s, ['*'], token, 5);
    const classes = b.events.map((e) => e.class).sort();
    t.ok(classes.includes('vm') && classes.includes('vbd') && classes.includes('vif') && classes.includes('host'), classes.join(','));
    t.notOk(classes.includes('vm_metrics'), 'no VM_metrics mod');
    t.notOk(classes.includes('host_metrics'), 'no host_metrics mod');
    t.equal(new Set(b.events.map((e) => e.id)).size, 1, 'all from one generation');
    const metrics = await rpc.ok<string>('VM.get_metrics', s, db);
    t.equal(await rpc.ok('VM_metrics.get_memory_actual', s, metrics), '0', 'but the metrics did change');
  });

  t.test('suspend adds a VDI, resume deletes it (del has no snapshot)', async (t) => {
    const web = await vmByName('web-01');
    const { token } = await rpc.ok<Batch>('event.from', s, ['vdi'], '', 0);
    await rpc.ok('VM.suspend', admin, web);
    const added = await rpc.ok<Batch>('event.from', s, ['vdi'], token, 5);
    const suspendVdi = await rpc.ok<string>('VM.get_suspend_VDI', s, web);
    t.same(added.events.map((e) => [e.operation, e.ref]), [['add', suspendVdi]]);
    t.equal(added.events[0]?.snapshot?.['type'], 'suspend');
    await rpc.ok('VM.resume', admin, web, false, false);
    const removed = await rpc.ok<Batch>('event.from', s, ['vdi'], added.token, 5);
    t.same(removed.events.map((e) => [e.operation, e.ref]), [['del', suspendVdi]]);
    t.notOk('snapshot' in (removed.events[0] ?? {}));
    t.same(await rpc.fail('VDI.get_record', s, suspendVdi), ['HANDLE_INVALID', 'VDI', suspendVdi]);
    await rpc.ok('VM.suspend', admin, web);
    await rpc.ok('VM.resume', admin, web, false, false);
    const cameAndWent = await rpc.ok<Batch>('event.from', s, ['vdi'], removed.token, 0.2);
    t.same(cameAndWent.events.filter((e) => e.operation !== 'mod'), [], 'an object created and deleted since the token is not reported');
  });

  t.test('event.inject returns a token that sees the injected object', async (t) => {
    const web = await vmByName('web-01');
    const token = await rpc.ok<string>('event.inject', s, 'VM', web);
    t.match(token, /^\d{20},\d{20}$/);
    const b = await rpc.ok<Batch>('event.from', s, ['vm'], token, 1);
    t.same(b.events.map((e) => [e.operation, e.ref]), [['mod', web]]);
    t.same(await rpc.fail('event.inject', s, 'VM', 'OpaqueRef:nope'), ['HANDLE_INVALID', 'VM', 'OpaqueRef:nope']);
  });

  t.test('bad tokens and arguments', async (t) => {
    t.same(await rpc.fail('event.from', s, ['vm'], 'garbage', 1), ['EVENT_FROM_TOKEN_PARSE_FAILURE', 'garbage']);
    t.same(await rpc.fail('event.from', s, ['vm'], '12', 1), ['EVENT_FROM_TOKEN_PARSE_FAILURE', '12']);
    t.same(await rpc.fail('event.from', s, 'vm', '', 1), ['FIELD_TYPE_ERROR', 'classes']);
    t.same(await rpc.fail('event.from', s, ['vm'], ''), ['MESSAGE_PARAMETER_COUNT_MISMATCH', 'event.from', '4', '3']);
  });

  t.test('valid_ref_counts are <i4> on the wire, and only there', async (t) => {
    const r = await rawPost(
      sim.url,
      `<?xml version="1.0"?><methodCall><methodName>event.from</methodName><params><param><value>${s}</value></param>` +
        '<param><value><array><data><value>pool</value></data></array></value></param><param><value></value></param>' +
        '<param><value><double>1.0</double></value></param></params></methodCall>',
    );
    t.match(r.body, /<member><name>valid_ref_counts<\/name><value><struct><member><name>pool<\/name><value><i4>1<\/i4><\/value><\/member>/);
    t.match(r.body, /<member><name>class<\/name><value>pool<\/value><\/member><member><name>operation<\/name><value>add<\/value><\/member>/);
    t.equal(r.body.match(/<i4>/g)?.length, r.body.match(/<member><name>[a-z_]+<\/name><value><i4>/g)?.length);
  });

  t.test('logout releases the session\'s blocked calls with SESSION_INVALID', async (t) => {
    const other = await login(rpc);
    const { token } = await rpc.ok<Batch>('event.from', other, ['pool'], '', 0);
    const pending = rpc.call('event.from', other, ['pool'], token, 10);
    await new Promise((r) => setTimeout(r, 100));
    const start = Date.now();
    await rpc.ok('session.logout', other);
    const r = await pending;
    t.ok(Date.now() - start < 2000);
    t.same(r, { Status: 'Failure', ErrorDescription: ['SESSION_INVALID', other] });
  });
});

t.test('close() releases a blocked event.from', async (t) => {
  const sim = await startSimulator();
  const rpc = rpcClient(sim.url);
  const s = await login(rpc);
  const { token } = await rpc.ok<Batch>('event.from', s, ['vm'], '', 0);
  const pending = rpc.call('event.from', s, ['vm'], token, 30).then(
    (r) => ({ ok: true, r }),
    (e: unknown) => ({ ok: false, r: e }),
  );
  await new Promise((r) => setTimeout(r, 100));
  const start = Date.now();
  await sim.close();
  const outcome = await pending;
  const elapsed = Date.now() - start;
  t.ok(elapsed < 2000, `close and release took ${elapsed} ms`);
  if (outcome.ok) t.same((outcome.r as { Value: Batch }).Value.events, [], 'released with an empty batch');
  else t.pass('connection ended');
  await t.rejects(rpc.call('session.login_with_password', 'root', 'xenroot'), 'no longer listening');
  await sim.close();
});
