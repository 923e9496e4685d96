// The gateway's model follows the simulator through event.from, and reads never call XenAPI.
import t from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { allRecords, field, guests, xenSession } from '../helpers/xenapi.js';
import { ACTIONS, bodyOf, CS_URI, enumerateAll, envelope, findOne, post, prop, ROOT } from '../helpers/wsman-client.js';

let stack: Stack;
t.before(async () => {
  stack = await startStack();
});
t.teardown(() => stack.close());

const getVm = async (uuid: string): Promise<string | undefined> => {
  const r = await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: CS_URI, selectors: { CreationClassName: 'Xen_ComputerSystem', Name: uuid } }), ROOT);
  return prop(bodyOf(r)!, 'EnabledState');
};

const eventually = async (probe: () => Promise<boolean>, ms = 5000): Promise<boolean> => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await probe()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
};

t.test('a power state changed in the simulator shows in the next Gets, without a restart', async (t) => {
  const x = await xenSession(stack.sim.url);
  t.teardown(() => x.close());
  const vms = guests(await allRecords(x.session, 'VM'));
  const [ref, vm] = [...vms].find(([, v]) => v['power_state'] === 'Halted')!;
  const uuid = field(vm, 'uuid');
  t.equal(await getVm(uuid), '3', 'Halted is Disabled');
  await x.session.call('VM.start', [ref, false, false]);
  t.ok(await eventually(async () => (await getVm(uuid)) === '2'), 'Running is Enabled');
  await x.session.call('VM.pause', [ref]);
  t.ok(await eventually(async () => (await getVm(uuid)) === '9'), 'Paused is Quiesce');
  await x.session.call('VM.unpause', [ref]);
  await x.session.call('VM.suspend', [ref]);
  t.ok(await eventually(async () => (await getVm(uuid)) === '6'), 'Suspended is Enabled but Offline');
  await x.session.call('VM.hard_shutdown', [ref]);
  t.ok(await eventually(async () => (await getVm(uuid)) === '3'), 'Halted again');
});

t.test('TimeOfLastStateChange is when the power state changed, seen in the events (metrics are not re-read here)', async (t) => {
  const x = await xenSession(stack.sim.url);
  t.teardown(() => x.close());
  const [ref, vm] = [...guests(await allRecords(x.session, 'VM'))].find(([, v]) => v['power_state'] === 'Halted')!;
  const uuid = field(vm, 'uuid');
  const changedAt = async (): Promise<{ state: string | undefined; at: number | undefined }> => {
    const r = await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: CS_URI, selectors: { CreationClassName: 'Xen_ComputerSystem', Name: uuid } }), ROOT);
    const text = findOne(bodyOf(r)?.children.find((c) => c.name === 'TimeOfLastStateChange'), 'http://schemas.dmtf.org/wbem/wscim/1/common', 'Datetime')?.text;
    return { state: prop(bodyOf(r)!, 'EnabledState'), at: text ? Date.parse(text) : undefined };
  };
  // A reboot keeps EnabledState 2 but starts a new domain: it is a change too.
  for (const [call, state] of [['VM.start', '2'], ['VM.hard_reboot', '2'], ['VM.pause', '9'], ['VM.hard_shutdown', '3']] as const) {
    // xapi's times have whole seconds: the change is dated no earlier than the second it was asked in.
    const asked = Math.floor(Date.now() / 1000) * 1000;
    await x.session.call(call, call === 'VM.start' ? [ref, false, false] : [ref]);
    const seen = await eventually(async () => {
      const now = await changedAt();
      return now.state === state && now.at !== undefined && now.at >= asked;
    });
    const { at } = await changedAt();
    t.ok(seen && at !== undefined && at <= Date.now() + 1000, `${call}: EnabledState ${state}, TimeOfLastStateChange the change's time (${at === undefined ? 'none' : new Date(at).toISOString()})`);
    await new Promise((r) => setTimeout(r, 1100));
  }
});

t.test('reads are served from the cache: no XenAPI call while the model is warm', async (t) => {
  const other = (): number => stack.sim.callCount() - stack.sim.callCount('event.from');
  // Let any event.from triggered by the previous test settle.
  await new Promise((r) => setTimeout(r, 200));
  const before = other();
  const { items } = await enumerateAll(stack.endpoint, ROOT, CS_URI, { optimize: true, maxElements: 2 });
  t.ok(items.length > 3);
  for (const i of items) await getVm(prop(i, 'Name')!).catch(() => undefined);
  t.equal(other(), before, 'Enumerate, Pulls and Gets made no XenAPI call besides the event feed');
});
