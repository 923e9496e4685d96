import t from 'tap';
import { startSimulator } from '../../../src/sim/simulator.js';
import { login, methodCall, rawPost, rpcClient, type Rec } from '../../helpers/sim-client.js';

type Records = Record<string, Rec>;

t.test('default fixture over get_all_records and getters', async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const rpc = rpcClient(sim.url);
  const s = await login(rpc);
  const vms = await rpc.ok<Records>('VM.get_all_records', s);
  const byName = new Map(Object.entries(vms).map(([ref, r]) => [r['name_label'] as string, { ref, r }]));
  const guests = Object.values(vms).filter((r) => !r['is_a_template'] && !r['is_control_domain']);

  t.test('five guests in four power states', async (t) => {
    t.same(guests.map((g) => g['name_label']).sort(), ['build-agent', 'db-01', 'legacy-app', 'web-01', 'win2019-test']);
    const state = (n: string): unknown => byName.get(n)?.r['power_state'];
    t.same([state('web-01'), state('db-01'), state('build-agent'), state('win2019-test'), state('legacy-app')], ['Running', 'Running', 'Halted', 'Suspended', 'Paused']);
    const halted = byName.get('build-agent')?.r ?? {};
    t.equal(halted['domid'], '-1');
    t.equal(halted['resident_on'], 'OpaqueRef:NULL');
    const suspended = byName.get('win2019-test')?.r ?? {};
    t.equal(suspended['domid'], '-1');
    t.equal(suspended['resident_on'], 'OpaqueRef:NULL');
    const web = byName.get('web-01')?.r ?? {};
    t.equal(web['domid'], '3');
    t.equal(web['HVM_boot_policy'], 'BIOS order');
    t.same(web['HVM_boot_params'], { order: 'cd', firmware: 'bios' });
    t.equal(web['memory_static_max'], '4294967296', 'ints are decimal strings');
    t.equal(web['VCPUs_max'], '2');
    t.equal(byName.get('legacy-app')?.r['domid'], '7');
    const db = byName.get('db-01')?.r ?? {};
    t.ok(Number(db['memory_dynamic_min']) < Number(db['memory_dynamic_max']), 'db-01 has a ballooning range');
    t.same(web['allowed_operations'], ['changing_dynamic_range', 'migrate_send', 'pool_migrate', 'changing_VCPUs_live', 'suspend', 'hard_reboot', 'hard_shutdown', 'clean_reboot', 'clean_shutdown', 'pause', 'checkpoint', 'snapshot']);
  });

  t.test('dom0, templates and the snapshot', async (t) => {
    const dom0 = Object.values(vms).filter((r) => r['is_control_domain']);
    t.equal(dom0.length, 1);
    t.equal(dom0[0]?.['name_label'], 'Control domain on host: xs01');
    t.equal(dom0[0]?.['domid'], '0');
    t.equal(dom0[0]?.['power_state'], 'Running');
    const templates = Object.values(vms).filter((r) => r['is_a_template'] && !r['is_a_snapshot']);
    t.ok(templates.length >= 6 && templates.length <= 10, `${templates.length} templates`);
    const defaults = templates.filter((r) => r['is_default_template']);
    t.ok(defaults.length >= 6);
    for (const d of defaults) {
      const oc = d['other_config'] as Rec;
      t.equal(oc['default_template'], 'true');
      t.match(oc['disks'], /^<provision><disk /);
    }
    t.equal(templates.filter((r) => !r['is_default_template']).length, 1, 'one user template');
    t.ok(templates.some((r) => r['name_label'] === 'Windows Server 2019 (64-bit)'));
    const snaps = Object.values(vms).filter((r) => r['is_a_snapshot']);
    t.equal(snaps.length, 1);
    const web = byName.get('web-01');
    t.equal(snaps[0]?.['snapshot_of'], web?.ref);
    t.same(web?.r['snapshots'], [snaps.length === 1 ? Object.keys(vms).find((k) => vms[k]?.['is_a_snapshot']) : '']);
    t.type(snaps[0]?.['snapshot_time'], Date);
  });

  t.test('suspended VM has a suspend VDI; halted VM metrics show no memory', async (t) => {
    const win = byName.get('win2019-test')?.r ?? {};
    const vdi = await rpc.ok<Rec>('VDI.get_record', s, win['suspend_VDI']);
    t.equal(vdi['type'], 'suspend');
    const halted = byName.get('build-agent')?.r ?? {};
    t.equal(await rpc.ok('VM_metrics.get_memory_actual', s, halted['metrics']), '0');
    const web = byName.get('web-01')?.r ?? {};
    t.equal(await rpc.ok('VM_metrics.get_memory_actual', s, web['metrics']), '4294967296');
  });

  t.test('host, pool, CPUs, metrics, storage and networks', async (t) => {
    const pools = Object.values(await rpc.ok<Records>('pool.get_all_records', s));
    t.equal(pools.length, 1);
    t.equal(pools[0]?.['name_label'], '');
    const hosts = await rpc.ok<Records>('host.get_all_records', s);
    const [hostRef, host] = Object.entries(hosts)[0] ?? ['', {}];
    t.equal(host['name_label'], 'xs01');
    t.equal(host['address'], '192.168.10.21');
    t.equal((host['software_version'] as Rec)['product_brand'], 'XenServer');
    t.equal((host['cpu_info'] as Rec)['cpu_count'], '16');
    t.equal(pools[0]?.['master'], hostRef);
    t.equal(Object.keys(await rpc.ok<Records>('host_cpu.get_all_records', s)).length, 16);
    const hm = await rpc.ok<Rec>('host_metrics.get_record', s, host['metrics']);
    t.equal(hm['memory_total'], String(128 * 1024 ** 3));
    t.ok(Number(hm['memory_free']) < Number(hm['memory_total']));
    const residents = host['resident_VMs'] as string[];
    t.equal(residents.length, 4, 'dom0, web-01, db-01 and legacy-app are resident');

    const srs = Object.values(await rpc.ok<Records>('SR.get_all_records', s));
    const srNames = srs.map((r) => r['name_label']).sort();
    t.same(srNames, ['DVD drives', 'ISO library', 'Local storage', 'NFS VM storage', 'Removable storage', 'XenServer Tools']);
    t.equal(srs.find((r) => r['name_label'] === 'XenServer Tools')?.['is_tools_sr'], true);
    t.equal(srs.find((r) => r['name_label'] === 'Local storage')?.['type'], 'lvm');
    t.equal(Object.keys(await rpc.ok<Records>('PBD.get_all_records', s)).length, 6);

    const nets = Object.values(await rpc.ok<Records>('network.get_all_records', s));
    const internal = nets.filter((n) => (n['other_config'] as Rec)['is_host_internal_management_network'] === 'true');
    t.equal(internal.length, 1);
    t.equal(internal[0]?.['bridge'], 'xenapi');
    t.same(nets.map((n) => n['bridge']).sort(), ['xapi1', 'xenapi', 'xenbr0', 'xenbr1']);
    const pifs = Object.values(await rpc.ok<Records>('PIF.get_all_records', s));
    const eth0 = pifs.find((p) => p['device'] === 'eth0');
    t.equal(eth0?.['management'], true);
    t.equal(eth0?.['ip_configuration_mode'], 'Static');
    t.equal(eth0?.['VLAN'], '-1');
    t.ok(pifs.some((p) => p['VLAN'] === '100'));

    const vifs = Object.values(await rpc.ok<Records>('VIF.get_all_records', s));
    for (const v of vifs) t.match(v['MAC'], /^[0-9a-f][26ae](:[0-9a-f]{2}){5}$/, 'locally administered MAC');
    const vbds = Object.values(await rpc.ok<Records>('VBD.get_all_records', s));
    const cds = vbds.filter((v) => v['type'] === 'CD');
    t.ok(cds.length >= 2);
    for (const cd of cds) {
      t.equal(cd['empty'], true);
      t.equal(cd['VDI'], 'OpaqueRef:NULL');
      t.equal(cd['userdevice'], '3');
    }
    t.equal(Object.keys(await rpc.ok<Records>('task.get_all_records', s)).length, 0);
  });

  t.test('get_record, get_by_uuid, get_<field> and their errors', async (t) => {
    const web = byName.get('web-01');
    if (web === undefined) throw new Error('no web-01');
    t.same(await rpc.ok('VM.get_record', s, web.ref), web.r);
    t.equal(await rpc.ok('VM.get_by_uuid', s, web.r['uuid']), web.ref);
    t.equal(await rpc.ok('VM.get_name_label', s, web.ref), 'web-01');
    t.equal(await rpc.ok('VM.get_is_a_template', s, web.ref), false);
    t.same(await rpc.ok('VM.get_by_name_label', s, 'web-01'), [web.ref]);
    t.same(await rpc.ok('VM.get_by_name_label', s, 'nope'), []);
    t.same(await rpc.fail('VM.get_by_uuid', s, '00000000-0000-0000-0000-000000000000'), ['UUID_INVALID', 'VM', '00000000-0000-0000-0000-000000000000']);
    t.same(await rpc.fail('VM.get_record', s, 'OpaqueRef:nope'), ['HANDLE_INVALID', 'VM', 'OpaqueRef:nope']);
    t.same(await rpc.fail('host.get_record', s, web.ref), ['HANDLE_INVALID', 'host', web.ref], 'a ref of another class');
    t.same(await rpc.fail('VM.get_power_state', s, 'OpaqueRef:NULL'), ['HANDLE_INVALID', 'VM', 'OpaqueRef:NULL']);
    const all = await rpc.ok<string[]>('VM.get_all', s);
    t.same([...all].sort(), Object.keys(vms).sort());
  });

  t.test('setters change records; read-only users are refused', async (t) => {
    const web = byName.get('web-01');
    if (web === undefined) throw new Error('no web-01');
    const m = await login(rpc, 'monitor', 'monitor');
    t.same(await rpc.fail('VM.set_name_label', m, web.ref, 'x'), ['RBAC_PERMISSION_DENIED', 'vm.set_name_label', 'No permission in user session']);
    t.equal(await rpc.ok('VM.get_name_label', s, web.ref), 'web-01', 'unchanged');
    t.equal(await rpc.ok('VM.set_name_description', s, web.ref, 'front <end>'), '');
    t.equal(await rpc.ok('VM.get_name_description', s, web.ref), 'front <end>');
    await rpc.ok('VM.add_to_other_config', s, web.ref, 'owner', 'ops');
    t.same(await rpc.fail('VM.add_to_other_config', s, web.ref, 'owner', 'x'), ['MAP_DUPLICATE_KEY', 'VM', 'other_config', web.ref, 'owner']);
    t.equal((await rpc.ok<Rec>('VM.get_other_config', s, web.ref))['owner'], 'ops');
    await rpc.ok('VM.remove_from_other_config', s, web.ref, 'owner');
    t.equal((await rpc.ok<Rec>('VM.get_other_config', s, web.ref))['owner'], undefined);
    await rpc.ok('VM.set_other_config', s, web.ref, { a: '1' });
    t.same(await rpc.ok('VM.get_other_config', s, web.ref), { a: '1' });
    t.same(await rpc.fail('VM.set_other_config', s, web.ref, { a: 1 }), ['FIELD_TYPE_ERROR', 'value']);
    await rpc.ok('VM.set_tags', s, web.ref, ['a']);
    await rpc.ok('VM.add_tags', s, web.ref, 'b');
    await rpc.ok('VM.add_tags', s, web.ref, 'b');
    t.same(await rpc.ok('VM.get_tags', s, web.ref), ['a', 'b']);
    await rpc.ok('VM.remove_tags', s, web.ref, 'a');
    t.same(await rpc.ok('VM.get_tags', s, web.ref), ['b']);
    t.same(await rpc.fail('VM.set_tags', s, web.ref, 'notalist'), ['FIELD_TYPE_ERROR', 'value']);
    t.same(await rpc.fail('VM.get_by_uuid', s, 42), ['FIELD_TYPE_ERROR', 'uuid']);
  });
});

t.test('wire bytes follow xapi: bare strings, ints as strings, no <string> tags', async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const rpc = rpcClient(sim.url);
  const s = await login(rpc);
  const web = (await rpc.ok<string[]>('VM.get_by_name_label', s, 'web-01'))[0] ?? '';
  const r = await rawPost(sim.url, methodCall('VM.get_record', s, web));
  t.equal(r.status, 200);
  t.match(String(r.headers['content-type']), /^text\/xml/);
  t.match(r.body, /^<\?xml version="1\.0"\?>\n<methodResponse><params><param><value><struct><member><name>Status<\/name><value>Success<\/value><\/member>/);
  t.notMatch(r.body, /<string>/);
  t.notMatch(r.body, /<i4>|<int>|<i8>/);
  t.match(r.body, /<member><name>name_label<\/name><value>web-01<\/value><\/member>/);
  t.match(r.body, /<member><name>memory_static_max<\/name><value>4294967296<\/value><\/member>/);
  t.match(r.body, /<member><name>domid<\/name><value>3<\/value><\/member>/);
  t.match(r.body, /<member><name>is_a_template<\/name><value><boolean>0<\/boolean><\/value><\/member>/);
  t.match(r.body, /<member><name>HVM_shadow_multiplier<\/name><value><double>1<\/double><\/value><\/member>/);
  t.match(r.body, /<member><name>snapshot_time<\/name><value><dateTime\.iso8601>19700101T00:00:00Z<\/dateTime\.iso8601><\/value><\/member>/);
  t.match(r.body, /<member><name>affinity<\/name><value>OpaqueRef:NULL<\/value><\/member>/);
  t.match(r.body, /<member><name>VBDs<\/name><value><array><data><value>OpaqueRef:[0-9a-f-]{36}<\/value>/);
  t.match(r.body, /<member><name>current_operations<\/name><value><struct><\/struct><\/value><\/member>/);

  const cpu = (await rpc.ok<string[]>('host_cpu.get_all', s))[0] ?? '';
  const u = await rawPost(sim.url, methodCall('host_cpu.get_utilisation', s, cpu));
  t.match(u.body, /<name>Value<\/name><value><double>0\.0213<\/double><\/value>/);

  const f = await rawPost(sim.url, methodCall('VM.get_record', s, 'OpaqueRef:x'));
  t.equal(f.status, 200, 'API errors are HTTP 200');
  t.match(f.body, /<value>Failure<\/value><\/member><member><name>ErrorDescription<\/name><value><array><data><value>HANDLE_INVALID<\/value><value>VM<\/value><value>OpaqueRef:x<\/value><\/data><\/array><\/value>/);
});
