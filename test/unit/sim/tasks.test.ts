import t from 'tap';
import { startSimulator } from '../../../src/sim/simulator.js';
import { awaitTask, login, rpcClient, vifCreateRecord, type Rec } from '../../helpers/sim-client.js';

interface Batch {
  events: { class: string; operation: string; ref: string; snapshot?: Rec }[];
  token: string;
}

t.test('Async tasks, cancellation and fault injection', async (t) => {
  const sim = await startSimulator({ taskDurationMs: 120, taskDurations: { 'VM.copy': 5000, 'VM.pause': 0 } });
  t.teardown(() => sim.close());
  const rpc = rpcClient(sim.url);
  const s = await login(rpc);
  const m = await login(rpc, 'monitor', 'monitor');
  const one = async (cls: string, name: string): Promise<string> => (await rpc.ok<string[]>(`${cls}.get_by_name_label`, s, name))[0] ?? '';
  const rec = (cls: string, ref: unknown): Promise<Rec> => rpc.ok<Rec>(`${cls}.get_record`, s, ref);
  const power = async (vm: string): Promise<unknown> => rpc.ok('VM.get_power_state', s, vm);
  const template = await one('VM', 'web-base template');

  t.test('pending, then progress, then success with the result, all seen through event.from', async (t) => {
    const vm = await one('VM', 'build-agent');
    const task = await rpc.ok<string>('Async.VM.start', s, vm, false, false);
    t.match(task, /^OpaqueRef:[0-9a-f-]{36}$/);
    const first = await rec('task', task);
    t.same([first['status'], first['progress'], first['name_label'], first['result'], first['error_info']], ['pending', 0, 'Async.VM.start', '', []]);
    t.same(first['allowed_operations'], ['cancel']);
    t.equal((first['finished'] as Date).getTime(), 0, 'finished is "never" while pending');
    t.equal(await power(vm), 'Halted', 'nothing happens before the task completes');
    t.equal(await rpc.ok('task.get_status', s, task), 'pending');
    let token = '';
    const seen: number[] = [];
    let done: Rec | undefined;
    while (done === undefined) {
      const b = await rpc.ok<Batch>('event.from', s, [`task/${task}`], token, 5);
      token = b.token;
      for (const e of b.events) {
        t.equal(e.class, 'task');
        seen.push(e.snapshot?.['progress'] as number);
        if (e.snapshot?.['status'] !== 'pending') done = e.snapshot;
      }
    }
    t.ok(seen.some((p) => p > 0 && p < 1), `progress reported on the way: ${seen.join(', ')}`);
    t.same(seen, [...seen].sort((a, b) => a - b), 'progress only grows');
    t.same([done['status'], done['progress'], done['result'], done['error_info']], ['success', 1, '<value></value>', []]);
    t.ok((done['finished'] as Date).getTime() >= (done['created'] as Date).getTime());
    t.same(done['allowed_operations'], []);
    t.equal(await power(vm), 'Running');
    t.equal(await rpc.ok('task.get_progress', s, task), 1);
    t.equal(await rpc.ok('task.get_result', s, task), '<value></value>');
    t.equal(await rpc.ok('task.get_by_uuid', s, first['uuid']), task);
    t.ok(Object.keys(await rpc.ok<Rec>('task.get_all_records', m)).includes(task), 'tasks are readable by everyone');
  });

  t.test('a ref result is XML-RPC encoded, as xapi stores it', async (t) => {
    const task = await rpc.ok<string>('Async.VM.clone', s, template, 'async-clone');
    const done = await awaitTask(rpc, s, task);
    t.equal(done['status'], 'success');
    const m = /^<value>(OpaqueRef:[0-9a-f-]{36})<\/value>$/.exec(done['result'] as string);
    t.ok(m, String(done['result']));
    t.equal((await rec('VM', m?.[1]))['name_label'], 'async-clone');
  });

  t.test('a VM operation is checked when its task is created and is in progress until it ends', async (t) => {
    const vm = await one('VM', 'db-01');
    const { token } = await rpc.ok<Batch>('event.from', s, [`VM/${vm}`], '', 0);
    const task = await rpc.ok<string>('Async.VM.clean_shutdown', s, vm);
    const started = await rpc.ok<Batch>('event.from', s, [`VM/${vm}`], token, 5);
    t.same(started.events.map((e) => e.snapshot?.['current_operations']), [{ [task]: 'clean_shutdown' }], 'clients see it begin');
    const during = await rec('VM', vm);
    t.same([during['power_state'], during['current_operations'], during['allowed_operations']], ['Running', { [task]: 'clean_shutdown' }, []]);
    t.same(await rpc.fail('VM.hard_shutdown', s, vm), ['OTHER_OPERATION_IN_PROGRESS', 'VM.clean_shutdown', vm], 'others wait their turn');
    const busy = await rpc.ok<string>('Async.VM.suspend', s, vm);
    t.same((await awaitTask(rpc, s, busy))['error_info'], ['OTHER_OPERATION_IN_PROGRESS', 'VM.clean_shutdown', vm], 'refused: its task fails at once');
    t.equal(await rpc.ok('task.get_status', s, task), 'pending', 'while the first goes on');
    const done = await awaitTask(rpc, s, task);
    t.same([done['status'], done['error_info']], ['success', []]);
    const after = await rec('VM', vm);
    t.same([after['power_state'], after['current_operations']], ['Halted', {}]);
    t.ok((after['allowed_operations'] as string[]).includes('start'));
    const ended = await rpc.ok<Batch>('event.from', s, [`VM/${vm}`], started.token, 5);
    t.same(ended.events.map((e) => [e.snapshot?.['power_state'], e.snapshot?.['current_operations']]), [['Halted', {}]], 'and end: halted and idle in one change');

    const wrong = await rpc.ok<string>('Async.VM.pause', s, vm);
    t.same((await rec('VM', vm))['current_operations'], {}, 'an operation refused at once is never in progress');
    t.same((await awaitTask(rpc, s, wrong))['error_info'], ['VM_BAD_POWER_STATE', vm, 'running', 'halted']);
    const gone = await rpc.ok<string>('Async.VM.start', s, 'OpaqueRef:gone', false, false);
    t.same((await awaitTask(rpc, s, gone))['error_info'], ['HANDLE_INVALID', 'VM', 'OpaqueRef:gone']);
  });

  t.test('other checks still run when the task completes', async (t) => {
    const vm = await one('VM', 'db-01');
    const task = await rpc.ok<string>('Async.VM.set_VCPUs_max', s, vm, 2);
    await rpc.ok('VM.start', s, vm, false, false);
    t.equal(((await awaitTask(rpc, s, task))['error_info'] as string[] | undefined)?.[0], 'VM_BAD_POWER_STATE');
  });

  t.test('a cancelled or failed VM operation is no longer in progress', async (t) => {
    const vm = await one('VM', 'db-01');
    sim.inject({ method: 'Async.VM.clean_reboot', delayMs: 5000 });
    const slow = await rpc.ok<string>('Async.VM.clean_reboot', s, vm);
    t.same((await rec('VM', vm))['current_operations'], { [slow]: 'clean_reboot' });
    await rpc.ok('task.cancel', s, slow);
    const cancelled = await rec('VM', vm);
    t.same([cancelled['current_operations'], cancelled['power_state']], [{}, 'Running']);
    t.ok((cancelled['allowed_operations'] as string[]).includes('clean_reboot'));
    sim.inject({ method: 'Async.VM.pause', error: ['INTERNAL_ERROR', 'injected'] });
    const { token } = await rpc.ok<Batch>('event.from', s, [`VM/${vm}`], '', 0);
    const failed = await rpc.ok<string>('Async.VM.pause', s, vm);
    t.same((await awaitTask(rpc, s, failed))['error_info'], ['INTERNAL_ERROR', 'injected']);
    let last: Rec | undefined;
    for (let from = token; last === undefined || Object.keys(last['current_operations'] as Rec).length > 0;) {
      const b = await rpc.ok<Batch>('event.from', s, [`VM/${vm}`], from, 5);
      from = b.token;
      last = b.events.at(-1)?.snapshot ?? last;
    }
    t.same([last['power_state'], last['current_operations']], ['Running', {}], 'the end is an event too');
    t.ok((last['allowed_operations'] as string[]).includes('pause'));
  });

  t.test('unmarshalling errors still fail the call itself', async (t) => {
    const vm = await one('VM', 'db-01');
    t.same(await rpc.fail('Async.VM.start', s, vm, 'yes', false), ['FIELD_TYPE_ERROR', 'start_paused']);
    t.same(await rpc.fail('Async.VM.set_memory_limits', s, vm, 'a', 'b', 'c', 'd'), ['FIELD_TYPE_ERROR', 'static_min']);
    t.same(await rpc.fail('Async.VM.start', 'OpaqueRef:bogus', vm, false, false), ['SESSION_INVALID', 'OpaqueRef:bogus']);
    t.same(await rpc.fail('Async.VM.get_record', s, vm), ['MESSAGE_METHOD_UNKNOWN', 'Async.VM.get_record']);
    t.same(await rpc.fail('Async.VM.start', s, vm), ['MESSAGE_PARAMETER_COUNT_MISMATCH', 'Async.VM.start', '4', '2']);
  });

  t.test('a read-only caller gets a task that fails with RBAC_PERMISSION_DENIED', async (t) => {
    const vm = await one('VM', 'web-01');
    const started = Date.now();
    const task = await rpc.ok<string>('Async.VM.hard_shutdown', m, vm);
    const done = await awaitTask(rpc, m, task);
    t.same([done['status'], done['error_info']], ['failure', ['RBAC_PERMISSION_DENIED', 'vm.hard_shutdown', 'No permission in user session']]);
    t.ok(Date.now() - started < 100, 'at once: the role check is the task\'s first step, not its last');
    t.same((await rec('VM', vm))['current_operations'], {}, 'nothing was ever in progress');
    t.equal(await power(vm), 'Running');
    await rpc.ok('task.destroy', m, task);
    t.same(await rpc.fail('task.get_record', s, task), ['HANDLE_INVALID', 'task', task], 'anyone may destroy their own tasks');
  });

  t.test('task.cancel ends a pending task before its work runs', async (t) => {
    const vms = (await rpc.ok<string[]>('VM.get_all', s)).length;
    const task = await rpc.ok<string>('Async.VM.copy', s, template, 'never-copied', 'OpaqueRef:NULL');
    t.same((await rec('VM', template))['current_operations'], { [task]: 'copy' }, 'a copy is in progress on its source');
    const beside = await rpc.ok<string>('Async.VM.clone', s, template, 'cloned-beside-a-copy');
    t.equal((await awaitTask(rpc, s, beside))['status'], 'success', 'a clone may run beside a copy (xapi runs them side by side)');
    t.same(await rpc.fail('VM.destroy', s, template), ['OTHER_OPERATION_IN_PROGRESS', 'VM.copy', template], 'a destroy may not');
    t.same(await rpc.fail('task.cancel', m, task), ['RBAC_PERMISSION_DENIED', 'task.destroy/any', 'No permission in user session'], 'not the monitor\'s task');
    t.same(await rpc.fail('task.destroy', m, task), ['RBAC_PERMISSION_DENIED', 'task.destroy/any', 'No permission in user session']);
    const { token } = await rpc.ok<Batch>('event.from', s, [`task/${task}`], '', 0);
    t.equal(await rpc.ok('task.cancel', s, task), '');
    const b = await rpc.ok<Batch>('event.from', s, [`task/${task}`], token, 5);
    const snap = b.events.at(-1)?.snapshot ?? {};
    t.same([snap['status'], snap['progress'], snap['allowed_operations']], ['cancelled', 1, []]);
    t.equal((await rpc.ok<string[]>('VM.get_all', s)).length, vms + 1, 'no copy was made (the clone beside it was)');
    t.same((await rec('VM', template))['current_operations'], {}, 'and the copy is no longer in progress');
    t.equal(await rpc.ok('task.cancel', s, task), '', 'cancelling a finished task does nothing');
    t.equal(await rpc.ok('task.get_status', s, task), 'cancelled');
    t.same(await rpc.fail('task.cancel', s, 'OpaqueRef:gone'), ['HANDLE_INVALID', 'task', 'OpaqueRef:gone']);
    t.equal(sim.pendingTasks, 0);
  });

  t.test('task.destroy of a pending task takes effect when it finishes', async (t) => {
    const vm = await one('VM', 'web-01');
    const task = await rpc.ok<string>('Async.VM.set_name_description', s, vm, 'set by a destroyed task');
    const { token } = await rpc.ok<Batch>('event.from', s, [`task/${task}`], '', 0);
    await rpc.ok('task.destroy', s, task);
    const pending = await rec('task', task);
    t.same([pending['status'], pending['current_operations']], ['pending', { task: 'destroy' }], 'marked, still running');
    let gone = false;
    let from = token;
    while (!gone) {
      const b = await rpc.ok<Batch>('event.from', s, [`task/${task}`], from, 5);
      from = b.token;
      gone = b.events.some((e) => e.operation === 'del');
    }
    t.same(await rpc.fail('task.get_record', s, task), ['HANDLE_INVALID', 'task', task]);
    t.equal(await rpc.ok('VM.get_name_description', s, vm), 'set by a destroyed task', 'the work was still done');
    const doomed = await rpc.ok<string>('Async.VM.set_name_description', s, vm, 'never set');
    await rpc.ok('task.destroy', s, doomed);
    await rpc.ok('task.cancel', s, doomed);
    t.same(await rpc.fail('task.get_record', s, doomed), ['HANDLE_INVALID', 'task', doomed], 'cancelled and gone');
    await new Promise((resolve) => setTimeout(resolve, 200));
    t.equal(await rpc.ok('VM.get_name_description', s, vm), 'set by a destroyed task', 'its work never ran');
  });

  t.test('injected faults: errors and delays, sync and Async, then normal service', async (t) => {
    const vm = await one('VM', 'web-01');
    sim.inject({ method: 'VM.clean_reboot', error: ['VM_MISSING_PV_DRIVERS', vm] });
    const domid = await rpc.ok('VM.get_domid', s, vm);
    t.same(await rpc.fail('VM.clean_reboot', m, vm), ['RBAC_PERMISSION_DENIED', 'vm.clean_reboot', 'No permission in user session'], 'role checks come first');
    t.same(await rpc.fail('VM.clean_reboot', s, vm), ['VM_MISSING_PV_DRIVERS', vm]);
    t.equal(await rpc.ok('VM.get_domid', s, vm), domid, 'state unchanged');
    await rpc.ok('VM.clean_reboot', s, vm);
    t.not(await rpc.ok('VM.get_domid', s, vm), domid, 'the next call is served normally');

    sim.inject({ method: 'Async.VM.set_name_label', error: ['INTERNAL_ERROR', 'injected'], delayMs: 50 });
    await rpc.ok('VM.set_name_label', s, vm, 'sync-unaffected');
    const task = await rpc.ok<string>('Async.VM.set_name_label', s, vm, 'never');
    t.same((await awaitTask(rpc, s, task))['error_info'], ['INTERNAL_ERROR', 'injected']);
    t.equal(await rpc.ok('VM.get_name_label', s, vm), 'sync-unaffected');

    sim.inject({ method: 'VM.set_name_description', delayMs: 150, times: 2 });
    for (const d of ['slow 1', 'slow 2']) {
      const start = Date.now();
      await rpc.ok('VM.set_name_description', s, vm, d);
      t.ok(Date.now() - start >= 140, `${d} was delayed`);
    }
    const start = Date.now();
    await rpc.ok('VM.set_name_description', s, vm, 'fast');
    t.ok(Date.now() - start < 140, 'the fault is used up');
    sim.inject({ method: 'VM.set_name_label', error: ['X'] });
    sim.clearInjections();
    await rpc.ok('VM.set_name_label', s, vm, 'web-01');
    t.throws(() => sim.inject({ method: 'VM.start', times: 0 }), RangeError);
  });

  t.test('a zero duration completes on the next tick', async (t) => {
    const vm = await one('VM', 'web-01');
    const start = Date.now();
    const task = await rpc.ok<string>('Async.VM.pause', s, vm);
    const done = await awaitTask(rpc, s, task);
    t.equal(done['status'], 'success');
    t.ok(Date.now() - start < 120, 'faster than the default duration');
    await rpc.ok('VM.unpause', s, vm);
  });

  t.test('the whole cycle: clone a template, provision, add a NIC, start, destroy refused, shut down, destroy', async (t) => {
    const debian = await one('VM', 'Debian Bookworm 12');
    const cloned = await awaitTask(rpc, s, await rpc.ok<string>('Async.VM.clone', s, debian, 'cycle-vm'));
    const vm = /OpaqueRef:[0-9a-f-]{36}/.exec(cloned['result'] as string)?.[0] ?? '';
    const local = await rpc.ok<string>('SR.get_uuid', s, await one('SR', 'Local storage'));
    const oc = await rpc.ok<Rec>('VM.get_other_config', s, vm);
    await rpc.ok('VM.remove_from_other_config', s, vm, 'disks');
    await rpc.ok('VM.add_to_other_config', s, vm, 'disks', (oc['disks'] as string).replace('sr=""', `sr="${local}"`));
    t.equal((await awaitTask(rpc, s, await rpc.ok<string>('Async.VM.provision', s, vm)))['status'], 'success');
    const eth0 = await one('network', 'Pool-wide network associated with eth0');
    const vif = await rpc.ok<string>('VIF.create', s, vifCreateRecord(vm, eth0));
    t.equal((await awaitTask(rpc, s, await rpc.ok<string>('Async.VM.start', s, vm, false, false)))['status'], 'success');
    const r = await rec('VM', vm);
    t.equal(r['power_state'], 'Running');
    t.equal(await rpc.ok('VIF.get_currently_attached', s, vif), true);
    const vbd = await rec('VBD', (r['VBDs'] as string[])[0]);
    t.same([vbd['currently_attached'], vbd['device']], [true, 'xvda']);
    const refused = await awaitTask(rpc, s, await rpc.ok<string>('Async.VM.destroy', s, vm));
    t.same(refused['error_info'], ['VM_BAD_POWER_STATE', vm, 'halted, suspended', 'running']);
    t.equal((await awaitTask(rpc, s, await rpc.ok<string>('Async.VM.hard_shutdown', s, vm)))['status'], 'success');
    t.equal((await awaitTask(rpc, s, await rpc.ok<string>('Async.VM.destroy', s, vm)))['status'], 'success');
    t.same(await rpc.fail('VM.get_record', s, vm), ['HANDLE_INVALID', 'VM', vm]);
    t.same(await rpc.fail('VIF.get_record', s, vif), ['HANDLE_INVALID', 'VIF', vif]);
    t.equal(await rpc.ok('VDI.get_type', s, vbd['VDI']), 'system', 'the provisioned disk outlives the VM');
  });
});
