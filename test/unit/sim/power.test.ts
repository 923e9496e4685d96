import t from 'tap';
import { startSimulator } from '../../../src/sim/simulator.js';
import { login, rpcClient, type Rec } from '../../helpers/sim-client.js';

t.test('VM power state machine', async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const rpc = rpcClient(sim.url);
  const s = await login(rpc);
  const m = await login(rpc, 'monitor', 'monitor');
  const vm = async (name: string): Promise<string> => (await rpc.ok<string[]>('VM.get_by_name_label', s, name))[0] ?? '';
  const rec = (ref: string): Promise<Rec> => rpc.ok<Rec>('VM.get_record', s, ref);
  const host = (await rpc.ok<string[]>('host.get_all', s))[0] ?? '';
  const residents = async (): Promise<string[]> => rpc.ok<string[]>('host.get_resident_VMs', s, host);
  const hostMetrics = await rpc.ok<string>('host.get_metrics', s, host);
  const free = async (): Promise<number> => Number(await rpc.ok('host_metrics.get_memory_free', s, hostMetrics));

  t.test('start a halted VM: domid, resident_on, devices, host, metrics', async (t) => {
    const ref = await vm('build-agent');
    const before = await free();
    t.equal(await rpc.ok('VM.start', s, ref, false, false), '');
    const r = await rec(ref);
    t.equal(r['power_state'], 'Running');
    t.ok(Number(r['domid']) > 7, `new domid ${String(r['domid'])}`);
    t.equal(r['resident_on'], host);
    t.ok((await residents()).includes(ref));
    for (const vbd of r['VBDs'] as string[]) t.equal(await rpc.ok('VBD.get_currently_attached', s, vbd), true);
    for (const vif of r['VIFs'] as string[]) t.equal(await rpc.ok('VIF.get_currently_attached', s, vif), true);
    t.ok((r['allowed_operations'] as string[]).includes('clean_shutdown'));
    t.notOk((r['allowed_operations'] as string[]).includes('start'));
    const metrics = await rpc.ok<Rec>('VM_metrics.get_record', s, r['metrics']);
    t.equal(metrics['memory_actual'], r['memory_target']);
    t.ok((metrics['start_time'] as Date).getTime() > Date.now() - 60_000, 'start_time is now');
    t.ok((await free()) < before, 'host memory_free went down');
  });

  t.test('illegal transitions give VM_BAD_POWER_STATE with xapi\'s params', async (t) => {
    const running = await vm('web-01');
    const halted = await vm('build-agent').then(async (r) => (await rpc.ok('VM.hard_shutdown', s, r), r));
    const paused = await vm('legacy-app');
    const suspended = await vm('win2019-test');
    t.same(await rpc.fail('VM.start', s, running, false, false), ['VM_BAD_POWER_STATE', running, 'halted', 'running']);
    t.same(await rpc.fail('VM.clean_shutdown', s, halted), ['VM_BAD_POWER_STATE', halted, 'running', 'halted']);
    t.same(await rpc.fail('VM.hard_shutdown', s, halted), ['VM_BAD_POWER_STATE', halted, 'paused, suspended, running', 'halted']);
    t.same(await rpc.fail('VM.hard_reboot', s, suspended), ['VM_BAD_POWER_STATE', suspended, 'paused, running', 'suspended']);
    t.same(await rpc.fail('VM.suspend', s, paused), ['VM_BAD_POWER_STATE', paused, 'running', 'paused']);
    t.same(await rpc.fail('VM.unpause', s, running), ['VM_BAD_POWER_STATE', running, 'paused', 'running']);
    t.same(await rpc.fail('VM.resume', s, halted, false, false), ['VM_BAD_POWER_STATE', halted, 'suspended', 'halted']);
    t.same(await rpc.fail('VM.pause', s, suspended), ['VM_BAD_POWER_STATE', suspended, 'running', 'suspended']);
    t.equal((await rec(running))['power_state'], 'Running', 'nothing changed');
  });

  t.test('the whole cycle: pause, unpause, suspend, resume paused, reboot, shutdown', async (t) => {
    const ref = await vm('build-agent');
    await rpc.ok('VM.start', s, ref, true, false);
    t.equal((await rec(ref))['power_state'], 'Paused', 'start_paused');
    await rpc.ok('VM.unpause', s, ref);
    t.equal((await rec(ref))['power_state'], 'Running');
    await rpc.ok('VM.pause', s, ref);
    t.same((await rec(ref))['allowed_operations'], ['hard_reboot', 'hard_shutdown', 'unpause', 'checkpoint', 'snapshot']);
    await rpc.ok('VM.unpause', s, ref);
    const before = await rec(ref);
    await rpc.ok('VM.clean_reboot', s, ref);
    const after = await rec(ref);
    t.equal(after['power_state'], 'Running');
    t.not(after['domid'], before['domid'], 'reboot makes a new domain');
    await rpc.ok('VM.hard_reboot', s, ref);
    await rpc.ok('VM.suspend', s, ref);
    const susp = await rec(ref);
    t.equal(susp['power_state'], 'Suspended');
    t.equal(susp['domid'], '-1');
    t.equal(susp['resident_on'], 'OpaqueRef:NULL');
    t.notOk((await residents()).includes(ref));
    t.equal(await rpc.ok('VDI.get_type', s, susp['suspend_VDI']), 'suspend');
    for (const vbd of susp['VBDs'] as string[]) t.equal(await rpc.ok('VBD.get_currently_attached', s, vbd), false);
    t.equal(await rpc.ok('VM_metrics.get_memory_actual', s, susp['metrics']), '0');
    await rpc.ok('VM.resume', s, ref, true, false);
    const resumed = await rec(ref);
    t.equal(resumed['power_state'], 'Paused');
    t.equal(resumed['suspend_VDI'], 'OpaqueRef:NULL');
    t.same(await rpc.fail('VDI.get_record', s, susp['suspend_VDI']), ['HANDLE_INVALID', 'VDI', susp['suspend_VDI']]);
    await rpc.ok('VM.shutdown', s, ref);
    const down = await rec(ref);
    t.equal(down['power_state'], 'Halted');
    t.equal(down['domid'], '-1');
    t.same(down['allowed_operations'], ['changing_dynamic_range', 'changing_shadow_memory', 'changing_static_range', 'make_into_template', 'migrate_send', 'destroy', 'export', 'start_on', 'start', 'clone', 'copy', 'snapshot']);
    await rpc.ok('VM.start_on', s, ref, host, false, false);
    t.equal((await rec(ref))['power_state'], 'Running');
    t.same(await rpc.fail('VM.start_on', s, ref, 'OpaqueRef:elsewhere', false, false), ['HANDLE_INVALID', 'host', 'OpaqueRef:elsewhere']);
    await rpc.ok('VM.clean_shutdown', s, ref);
  });

  t.test('hard_shutdown from Suspended discards the suspend image', async (t) => {
    const ref = await vm('win2019-test');
    const image = (await rec(ref))['suspend_VDI'];
    await rpc.ok('VM.hard_shutdown', s, ref);
    const r = await rec(ref);
    t.equal(r['power_state'], 'Halted');
    t.equal(r['suspend_VDI'], 'OpaqueRef:NULL');
    t.same(await rpc.fail('VDI.get_record', s, image), ['HANDLE_INVALID', 'VDI', image]);
  });

  t.test('templates, snapshots and dom0 are refused', async (t) => {
    const all = await rpc.ok<Record<string, Rec>>('VM.get_all_records', s);
    const find = (p: (r: Rec) => boolean): string => Object.entries(all).find(([, r]) => p(r))?.[0] ?? '';
    const template = find((r) => r['is_default_template'] === true);
    const snapshot = find((r) => r['is_a_snapshot'] === true);
    const dom0 = find((r) => r['is_control_domain'] === true);
    t.same(await rpc.fail('VM.start', s, template, false, false), ['VM_IS_TEMPLATE', template, 'start']);
    t.same(await rpc.fail('VM.clean_shutdown', s, template), ['VM_BAD_POWER_STATE', template, 'running', 'halted'], 'power state is checked first');
    t.same(await rpc.fail('VM.start', s, snapshot, false, false), ['VM_IS_SNAPSHOT', snapshot, 'start']);
    t.same(await rpc.fail('VM.clean_shutdown', s, dom0), ['OPERATION_NOT_ALLOWED', 'This operation is not allowed on a control domain']);
    t.same(await rpc.fail('VM.suspend', s, dom0), ['OPERATION_NOT_ALLOWED', 'This operation is not allowed on a control domain']);
    t.same(all[dom0]?.['allowed_operations'], ['changing_dynamic_range', 'changing_static_range']);
    t.same(all[template]?.['allowed_operations'], ['changing_dynamic_range', 'changing_shadow_memory', 'changing_static_range', 'provision', 'export', 'clone', 'copy']);
    t.same(await rpc.fail('VM.start', s, 'OpaqueRef:nope', false, false), ['HANDLE_INVALID', 'VM', 'OpaqueRef:nope']);
    t.same(await rpc.fail('VM.start', s, template, 'yes', false), ['FIELD_TYPE_ERROR', 'start_paused']);
  });

  t.test('read-only users cannot change power state', async (t) => {
    const ref = await vm('web-01');
    const before = await rec(ref);
    t.same(await rpc.fail('VM.clean_shutdown', m, ref), ['RBAC_PERMISSION_DENIED', 'vm.clean_shutdown', 'No permission in user session']);
    t.same(await rpc.fail('VM.start', m, ref, false, false), ['RBAC_PERMISSION_DENIED', 'vm.start', 'No permission in user session']);
    t.same(await rec(ref), before, 'nothing changed');
    t.ok(Array.isArray(await rpc.ok('VM.get_all', m)), 'reads are allowed');
  });
});

t.test('operations in progress exclude others, but for the groups xapi runs side by side', async (t) => {
  const { operationError, allowedOperations } = await import('../../../src/sim/power.js');
  const { vmDefaults } = await import('../../../src/sim/records-vm.js');
  const vm = (power: string, current: Record<string, string>) => ({ ...vmDefaults(), power_state: power, current_operations: current });
  const halted = vm('Halted', { 'OpaqueRef:t1': 'clone' });
  t.equal(operationError(halted, 'OpaqueRef:vm', 'copy'), undefined, 'a copy beside a clone');
  t.equal(operationError(halted, 'OpaqueRef:vm', 'export'), undefined);
  t.same(operationError(halted, 'OpaqueRef:vm', 'start'), ['OTHER_OPERATION_IN_PROGRESS', 'VM.clone', 'OpaqueRef:vm']);
  t.same(operationError(halted, 'OpaqueRef:vm', 'pause'), ['VM_BAD_POWER_STATE', 'OpaqueRef:vm', 'running', 'halted'], 'the power state is checked first');
  const two = vm('Running', { 'OpaqueRef:t1': 'snapshot', 'OpaqueRef:t2': 'checkpoint' });
  t.equal(operationError(two, 'OpaqueRef:vm', 'snapshot'), undefined);
  t.same(operationError(two, 'OpaqueRef:vm', 'suspend'), ['OTHER_OPERATION_IN_PROGRESS', 'VM.{snapshot,checkpoint}', 'OpaqueRef:vm']);
  t.same([...allowedOperations(two, 'OpaqueRef:vm')].sort(), ['checkpoint', 'snapshot'], 'allowed_operations lists only what may join them');
  t.ok(allowedOperations(vm('Running', {}), 'OpaqueRef:vm').includes('suspend'), 'and everything again once idle');
});
