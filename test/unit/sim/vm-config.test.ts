import t from 'tap';
import { startSimulator } from '../../../src/sim/simulator.js';
import { login, rpcClient, type Rec } from '../../helpers/sim-client.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

t.test('VM memory, vCPU and configuration setters', async (t) => {
  const sim = await startSimulator({ taskDurationMs: 0 });
  t.teardown(() => sim.close());
  const rpc = rpcClient(sim.url);
  const s = await login(rpc);
  const m = await login(rpc, 'monitor', 'monitor');
  const vmByName = async (name: string): Promise<string> => (await rpc.ok<string[]>('VM.get_by_name_label', s, name))[0] ?? '';
  const rec = (ref: string): Promise<Rec> => rpc.ok<Rec>('VM.get_record', s, ref);
  const memory = async (ref: string): Promise<string[]> => {
    const r = await rec(ref);
    return ['memory_static_min', 'memory_dynamic_min', 'memory_dynamic_max', 'memory_static_max'].map((f) => r[f] as string);
  };
  const halted = await vmByName('build-agent');
  const running = await vmByName('web-01');
  const pv = await vmByName('db-01');

  t.test('set_memory_limits on a halted VM; order violations and bad states change nothing', async (t) => {
    const before = await memory(halted);
    await rpc.ok('VM.set_memory_limits', s, halted, String(GiB), String(6 * GiB), String(2 * GiB), String(4 * GiB));
    t.same(await memory(halted), [GiB, 2 * GiB, 4 * GiB, 6 * GiB].map(String));
    const r = await rec(halted);
    t.equal(r['memory_target'], String(2 * GiB), 'target follows dynamic_min');
    t.not(before, await memory(halted));
    const now = await memory(halted);
    t.same(await rpc.fail('VM.set_memory_limits', s, halted, String(GiB), String(6 * GiB), String(5 * GiB), String(4 * GiB)), ['MEMORY_CONSTRAINT_VIOLATION_ORDER']);
    t.same(await rpc.fail('VM.set_memory_limits', s, halted, String(3 * GiB), String(6 * GiB), String(2 * GiB), String(4 * GiB)), ['MEMORY_CONSTRAINT_VIOLATION_ORDER']);
    t.same(await rpc.fail('VM.set_memory_limits', s, halted, String(GiB), String(3 * GiB), String(2 * GiB), String(4 * GiB)), ['MEMORY_CONSTRAINT_VIOLATION_ORDER']);
    t.same(await rpc.fail('VM.set_memory_limits', s, running, String(GiB), String(6 * GiB), String(2 * GiB), String(4 * GiB)), ['VM_BAD_POWER_STATE', running, 'halted', 'running']);
    t.same(await rpc.fail('VM.set_memory_limits', s, halted, 'lots', String(6 * GiB), String(2 * GiB), String(4 * GiB)), ['FIELD_TYPE_ERROR', 'static_min']);
    t.same(await rpc.fail('VM.set_memory_limits', m, halted, String(GiB), String(6 * GiB), String(2 * GiB), String(4 * GiB)), ['RBAC_PERMISSION_DENIED', 'vm.set_memory_limits', 'No permission in user session']);
    t.same(await rpc.fail('VM.set_memory_limits', s, 'OpaqueRef:gone', '1', '1', '1', '1'), ['HANDLE_INVALID', 'VM', 'OpaqueRef:gone']);
    t.same(await memory(halted), now, 'unchanged after every refusal');
  });

  t.test('set_memory, static range and single bounds', async (t) => {
    await rpc.ok('VM.set_memory', s, halted, String(3 * GiB));
    t.same(await memory(halted), [GiB, 3 * GiB, 3 * GiB, 3 * GiB].map(String));
    t.same(await rpc.fail('VM.set_memory', s, halted, String(512 * MiB)), ['MEMORY_CONSTRAINT_VIOLATION_ORDER'], 'below static_min');
    await rpc.ok('VM.set_memory_static_range', s, halted, String(512 * MiB), String(8 * GiB));
    t.same(await memory(halted), [512 * MiB, 3 * GiB, 3 * GiB, 8 * GiB].map(String));
    t.same(await rpc.fail('VM.set_memory_static_range', s, halted, String(4 * GiB), String(8 * GiB)), ['MEMORY_CONSTRAINT_VIOLATION_ORDER']);
    t.same(await rpc.fail('VM.set_memory_static_range', s, running, String(GiB), String(8 * GiB)), ['VM_BAD_POWER_STATE', running, 'halted', 'running']);
    await rpc.ok('VM.set_memory_dynamic_max', s, halted, String(5 * GiB));
    await rpc.ok('VM.set_memory_dynamic_min', s, halted, String(2 * GiB));
    await rpc.ok('VM.set_memory_static_max', s, halted, String(6 * GiB));
    await rpc.ok('VM.set_memory_static_min', s, halted, String(GiB));
    t.same(await memory(halted), [GiB, 2 * GiB, 5 * GiB, 6 * GiB].map(String));
    t.same(await rpc.fail('VM.set_memory_static_max', s, halted, String(4 * GiB)), ['MEMORY_CONSTRAINT_VIOLATION_ORDER']);
  });

  t.test('set_memory_dynamic_range on a running VM balloons it and charges the host', async (t) => {
    const host = (await rpc.ok<string[]>('host.get_all', s))[0];
    const hm = await rpc.ok<string>('host.get_metrics', s, host);
    const free = async (): Promise<number> => Number(await rpc.ok('host_metrics.get_memory_free', s, hm));
    const r = await rec(running);
    const before = await free();
    const target = Number(r['memory_target']);
    await rpc.ok('VM.set_memory_dynamic_range', s, running, String(target - GiB), r['memory_dynamic_max']);
    t.equal((await rec(running))['memory_dynamic_min'], String(target - GiB));
    t.equal(await free(), before + GiB, 'the released GiB is free again');
    t.equal(await rpc.ok('VM_metrics.get_memory_actual', s, r['metrics']), String(target - GiB));
    t.same(await rpc.fail('VM.set_memory_dynamic_range', s, running, r['memory_dynamic_max'], String(64 * GiB)), ['MEMORY_CONSTRAINT_VIOLATION_ORDER'], 'dynamic_max above static_max');
    const paused = await vmByName('legacy-app');
    t.same(await rpc.fail('VM.set_memory_dynamic_range', s, paused, String(GiB), String(GiB)), ['VM_BAD_POWER_STATE', paused, 'halted, running', 'paused']);
  });

  t.test('a control domain stays pinned', async (t) => {
    const all = await rpc.ok<Record<string, Rec>>('VM.get_all_records', s);
    const [ref, r] = Object.entries(all).find(([, v]) => v['is_control_domain'] === true) ?? ['', {}];
    t.same(await rpc.fail('VM.set_memory_dynamic_range', s, ref, r['memory_static_min'], r['memory_static_max']), ['MEMORY_CONSTRAINT_VIOLATION_MAXPIN', 'control domain']);
    t.same(await rpc.fail('VM.set_VCPUs_max', s, ref, '8'), ['OPERATION_NOT_ALLOWED', 'This operation is not allowed on dom0']);
    t.same(await rpc.fail('VM.set_VCPUs_at_startup', s, ref, '8'), ['OPERATION_NOT_ALLOWED', 'set_VCPUs_at_startup is not allowed on dom0']);
    await rpc.ok('VM.set_memory_limits', s, ref, String(2 * GiB), r['memory_static_max'], r['memory_static_max'], r['memory_static_max']);
    const after = await rec(ref);
    t.same([after['memory_static_min'], after['requires_reboot']], [String(2 * GiB), true], 'a running control domain takes it at its next boot');
  });

  t.test('VCPUs_max and VCPUs_at_startup keep 0 < at_startup ≤ max', async (t) => {
    const rule = 'VCPU values must satisfy: 0 < VCPUs_at_startup ≤ VCPUs_max';
    await rpc.ok('VM.set_VCPUs_max', s, halted, '8');
    await rpc.ok('VM.set_VCPUs_at_startup', s, halted, '6');
    let r = await rec(halted);
    t.same([r['VCPUs_max'], r['VCPUs_at_startup']], ['8', '6']);
    t.same(await rpc.fail('VM.set_VCPUs_max', s, halted, '4'), ['INVALID_VALUE', rule, '4'], 'below at_startup');
    t.same(await rpc.fail('VM.set_VCPUs_max', s, halted, '0'), ['INVALID_VALUE', rule, '0']);
    t.same(await rpc.fail('VM.set_VCPUs_at_startup', s, halted, '9'), ['INVALID_VALUE', rule, '9']);
    t.same(await rpc.fail('VM.set_VCPUs_at_startup', s, halted, '0'), ['INVALID_VALUE', rule, '0']);
    t.same(await rpc.fail('VM.set_VCPUs_max', s, running, '4'), ['VM_BAD_POWER_STATE', running, 'halted', 'running']);
    t.same(await rpc.fail('VM.set_VCPUs_max', s, halted, 'eight'), ['FIELD_TYPE_ERROR', 'value']);
    r = await rec(halted);
    t.same([r['VCPUs_max'], r['VCPUs_at_startup']], ['8', '6'], 'unchanged');
    await rpc.ok('VM.set_VCPUs_at_startup', s, running, '1');
    t.equal((await rec(running))['VCPUs_at_startup'], '1', 'current xapi allows this on a running VM (next boot)');
  });

  t.test('set_VCPUs_number_live hot-plugs vCPUs of a running PV guest', async (t) => {
    const rule = 'VCPU values must satisfy: 0 < VCPUs ≤ VCPUs_max';
    await rpc.ok('VM.set_VCPUs_number_live', s, pv, '4');
    const r = await rec(pv);
    t.equal(r['VCPUs_at_startup'], '4');
    t.equal(await rpc.ok('VM_metrics.get_VCPUs_number', s, r['metrics']), '4');
    t.same(await rpc.fail('VM.set_VCPUs_number_live', s, pv, '9'), ['INVALID_VALUE', rule, '9']);
    t.same(await rpc.fail('VM.set_VCPUs_number_live', s, running, '1'), ['OPERATION_NOT_ALLOWED', 'HVM VMs cannot hotplug CPUs']);
    t.same(await rpc.fail('VM.set_VCPUs_number_live', s, halted, '1'), ['VM_BAD_POWER_STATE', halted, 'running', 'halted']);
  });

  t.test('map fields: VCPUs_params, HVM_boot_params, platform', async (t) => {
    await rpc.ok('VM.add_to_VCPUs_params', s, halted, 'weight', '512');
    await rpc.ok('VM.add_to_VCPUs_params', s, halted, 'cap', '80');
    t.same(await rpc.ok('VM.get_VCPUs_params', s, halted), { weight: '512', cap: '80' });
    t.same(await rpc.fail('VM.add_to_VCPUs_params', s, halted, 'weight', '1'), ['MAP_DUPLICATE_KEY', 'VM', 'VCPUs_params', halted, 'weight']);
    await rpc.ok('VM.remove_from_VCPUs_params', s, halted, 'cap');
    await rpc.ok('VM.remove_from_VCPUs_params', s, halted, 'absent');
    t.same(await rpc.ok('VM.get_VCPUs_params', s, halted), { weight: '512' });
    await rpc.ok('VM.set_VCPUs_params', s, running, { weight: '256' });
    t.same(await rpc.ok('VM.get_VCPUs_params', s, running), { weight: '256' }, 'any power state');
    t.same(await rpc.fail('VM.set_VCPUs_params', s, halted, { weight: 256 }), ['FIELD_TYPE_ERROR', 'value']);
    await rpc.ok('VM.set_HVM_boot_params', s, halted, { order: 'ncd', firmware: 'uefi' });
    t.same(await rpc.ok('VM.get_HVM_boot_params', s, halted), { order: 'ncd', firmware: 'uefi' });
    await rpc.ok('VM.remove_from_platform', s, halted, 'cores-per-socket');
    await rpc.ok('VM.add_to_platform', s, halted, 'cores-per-socket', '2');
    t.equal((await rpc.ok<Rec>('VM.get_platform', s, halted))['cores-per-socket'], '2');
    t.same(await rpc.fail('VM.add_to_platform', m, halted, 'x', 'y'), ['RBAC_PERMISSION_DENIED', 'vm.add_to_platform', 'No permission in user session']);
  });

  t.test('plain fields: names, boot policy, actions, PV args, template flag', async (t) => {
    await rpc.ok('VM.set_name_label', s, halted, 'renamed');
    await rpc.ok('VM.set_name_description', s, halted, 'a new description');
    let r = await rec(halted);
    t.same([r['name_label'], r['name_description']], ['renamed', 'a new description']);
    t.same(await rpc.fail('VM.set_name_label', m, halted, 'x'), ['RBAC_PERMISSION_DENIED', 'vm.set_name_label', 'No permission in user session']);
    t.same(await rpc.fail('VM.set_name_label', s, 'OpaqueRef:gone', 'x'), ['HANDLE_INVALID', 'VM', 'OpaqueRef:gone']);
    await rpc.ok('VM.set_HVM_boot_policy', s, halted, '');
    r = await rec(halted);
    t.same([r['HVM_boot_policy'], r['domain_type']], ['', 'pv']);
    await rpc.ok('VM.set_HVM_boot_policy', s, halted, 'BIOS order');
    t.equal((await rec(halted))['domain_type'], 'hvm');
    await rpc.ok('VM.set_actions_after_crash', s, halted, 'preserve');
    t.equal((await rec(halted))['actions_after_crash'], 'preserve');
    t.same(await rpc.fail('VM.set_actions_after_shutdown', s, halted, 'preserve'), ['FIELD_TYPE_ERROR', 'value'], 'not an on_normal_exit value');
    await rpc.ok('VM.set_PV_args', s, halted, 'console=hvc0');
    t.equal((await rec(halted))['PV_args'], 'console=hvc0');
    t.same(await rpc.fail('VM.set_is_a_template', s, running, true), ['VM_BAD_POWER_STATE', running, 'halted', 'running']);
    await rpc.ok('VM.set_is_a_template', s, halted, true);
    r = await rec(halted);
    t.equal(r['is_a_template'], true);
    t.notOk((r['allowed_operations'] as string[]).includes('start'), 'allowed_operations follow');
    await rpc.ok('VM.set_is_a_template', s, halted, false);
    t.ok(((await rec(halted))['allowed_operations'] as string[]).includes('start'));
  });

  t.test('allowed device numbers', async (t) => {
    const vbd = await rpc.ok<string[]>('VM.get_allowed_VBD_devices', s, halted);
    t.notOk(vbd.includes('0') || vbd.includes('3'), 'disk 0 and the CD at 3 are taken');
    t.equal(vbd[0], '1');
    t.same(await rpc.ok('VM.get_allowed_VIF_devices', s, halted), ['1', '2', '3', '4', '5', '6']);
    t.ok(Array.isArray(await rpc.ok('VM.get_allowed_VIF_devices', m, halted)), 'a read');
  });
});
