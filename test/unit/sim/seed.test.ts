import t from 'tap';
import { seedFixture } from '../../../src/sim/seed.js';
import { generatedName } from '../../../src/sim/seed-vms.js';
import { Store } from '../../../src/sim/store.js';
import { XEN_CLASSES } from '../../../src/sim/records.js';
import { startSimulator } from '../../../src/sim/simulator.js';
import { login, methodCall, rawPostBytes, rpcClient } from '../../helpers/sim-client.js';

const guestsOf = (store: Store) =>
  [...store.entriesOf('VM')].map((e) => store.get('VM', e.ref)).filter((v) => v !== undefined && !v.is_a_template && !v.is_control_domain);

t.test('vms: N ≤ 5 seeds the first N named guests', async (t) => {
  for (const [n, names] of [
    [0, []],
    [1, ['web-01']],
    [3, ['web-01', 'db-01', 'build-agent']],
  ] as const) {
    const store = new Store();
    seedFixture(store, n);
    t.same(guestsOf(store).map((v) => v?.name_label), names, `vms=${n}`);
    t.equal([...store.entriesOf('VM')].filter((e) => store.get('VM', e.ref)?.is_a_snapshot).length, n > 0 ? 1 : 0, 'snapshot only with web-01');
  }
});

t.test('vms: N > 5 adds generated guests with a mix of power states, each with metrics, a disk and a NIC', async (t) => {
  const store = new Store();
  const world = seedFixture(store, 200);
  const guests = guestsOf(store);
  t.equal(guests.length, 200);
  t.equal(guests[5]?.name_label, 'vm-00006');
  t.equal(guests[199]?.name_label, generatedName(200));
  const states = new Map<string, number>();
  for (const g of guests.slice(5)) states.set(g?.power_state ?? '', (states.get(g?.power_state ?? '') ?? 0) + 1);
  t.ok((states.get('Running') ?? 0) > 80, `running ${states.get('Running')}`);
  t.ok((states.get('Halted') ?? 0) > 40, `halted ${states.get('Halted')}`);
  t.ok((states.get('Paused') ?? 0) > 0 && (states.get('Suspended') ?? 0) > 0);
  for (const g of guests.slice(5)) {
    if (g === undefined) continue;
    t.ok(store.get('VM_metrics', g.metrics), `${g.name_label} metrics`);
    t.equal(g.VBDs.length, 1);
    t.equal(g.VIFs.length, 1);
    const vbd = store.get('VBD', g.VBDs[0] ?? '');
    t.ok(store.get('VDI', vbd?.VDI ?? ''), `${g.name_label} disk`);
    if (g.power_state === 'Suspended') t.equal(store.get('VDI', g.suspend_VDI)?.type, 'suspend');
  }
  const host = store.get('host', world.host);
  t.equal(host?.resident_VMs.length, guests.filter((g) => g?.power_state === 'Running' || g?.power_state === 'Paused').length + 1);
  const hm = store.get('host_metrics', world.hostMetrics);
  t.ok(Number(hm?.memory_free) > 0, 'the host has room for its running guests');
});

t.test('uuids and refs are deterministic and unique', async (t) => {
  const a = new Store();
  const b = new Store();
  seedFixture(a, 1000);
  seedFixture(b, 1000);
  const small = new Store();
  seedFixture(small, 10);
  for (const cls of XEN_CLASSES) {
    const ua = [...a.entriesOf(cls)].map((e) => `${e.ref} ${String(e.rec['uuid'])}`);
    const ub = [...b.entriesOf(cls)].map((e) => `${e.ref} ${String(e.rec['uuid'])}`);
    t.same(ua, ub, `${cls} identical`);
  }
  const uuids = XEN_CLASSES.flatMap((c) => [...a.entriesOf(c)].map((e) => e.rec['uuid']));
  t.equal(new Set(uuids).size, uuids.length, 'uuids unique');
  for (const u of uuids) if (!/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(String(u))) t.fail(`bad uuid ${String(u)}`);
  const vm10 = [...small.entriesOf('VM')].find((e) => e.rec['name_label'] === 'vm-00010');
  const vm10big = [...a.entriesOf('VM')].find((e) => e.rec['name_label'] === 'vm-00010');
  t.equal(vm10?.rec['uuid'], vm10big?.rec['uuid'], 'a VM keeps its uuid whatever N is');
  t.equal(vm10?.ref, vm10big?.ref);
});

t.test('two simulators with vms=1000 serve the same uuids', async (t) => {
  const one = await startSimulator({ vms: 1000 });
  const two = await startSimulator({ vms: 1000 });
  t.teardown(async () => {
    await one.close();
    await two.close();
  });
  const uuids = async (url: string): Promise<string[]> => {
    const rpc = rpcClient(url);
    const s = await login(rpc);
    const refs = await rpc.ok<string[]>('VM.get_all', s);
    return Promise.all(refs.slice(0, 50).map((r) => rpc.ok<string>('VM.get_uuid', s, r))).then((u) => [...u, ...refs]);
  };
  const [a, b] = await Promise.all([uuids(one.url), uuids(two.url)]);
  t.equal(a.length, 50 + 1000 + 1 + 9 + 1);
  t.same(a, b);
});

t.test('10,000 VMs: seeding, get_all_records and the initial event.from stay fast', async (t) => {
  let start = performance.now();
  const sim = await startSimulator({ vms: 10_000 });
  const seedMs = performance.now() - start;
  t.teardown(() => sim.close());
  const rpc = rpcClient(sim.url);
  const s = await login(rpc);
  const count = (buf: Buffer, needle: string): number => {
    let n = 0;
    for (let i = buf.indexOf(needle); i >= 0; i = buf.indexOf(needle, i + needle.length)) n++;
    return n;
  };
  const times: string[] = [];
  let body: Buffer = Buffer.alloc(0);
  for (let i = 0; i < 2; i++) {
    start = performance.now();
    body = await rawPostBytes(sim.url, methodCall('VM.get_all_records', s));
    times.push((performance.now() - start).toFixed(0));
  }
  t.equal(count(body, '<member><name>is_control_domain</name>'), 10_000 + 1 + 9 + 1, 'guests + dom0 + templates + snapshot');
  const events = `<?xml version="1.0"?><methodCall><methodName>event.from</methodName><params><param><value>${s}</value></param>` +
    '<param><value><array><data><value>*</value></data></array></value></param><param><value></value></param>' +
    '<param><value><double>5</double></value></param></params></methodCall>';
  const evTimes: string[] = [];
  let ev: Buffer = Buffer.alloc(0);
  for (let i = 0; i < 2; i++) {
    start = performance.now();
    ev = await rawPostBytes(sim.url, events);
    evTimes.push((performance.now() - start).toFixed(0));
  }
  const objects = count(ev, '<member><name>uuid</name>');
  t.equal(count(ev, '<name>operation</name><value>add</value>'), objects, 'one add per object');
  t.ok(objects > 50_000, `${objects} objects`);
  t.comment(
    `10k VMs over HTTP (client included): startSimulator ${seedMs.toFixed(0)} ms; ` +
      `VM.get_all_records ${times.join(' / ')} ms first / cached (${(body.length / 1e6).toFixed(1)} MB); ` +
      `event.from("*", "") ${evTimes.join(' / ')} ms (${(ev.length / 1e6).toFixed(1)} MB)`,
  );
});
