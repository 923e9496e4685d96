// A change of state under way shows on the VM (DSP1057, CIM_EnabledLogicalElement): while a
// XenAPI power operation is in progress, whoever started it, RequestedState and
// TransitioningToState are the state it leads to and nothing else may be asked (4099 Busy);
// idle, TransitioningToState is 5 (No Change).
import t from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { allRecords, field, guests, xenSession } from '../helpers/xenapi.js';
import { ACTIONS, bodyOf, envelope, faultOf, post, prop, ROOT, XEN_CS_URI } from '../helpers/wsman-client.js';
import type { XmlElement } from '../../src/soap/xml.js';

let stack: Stack;
t.before(async () => {
  stack = await startStack({ sim: { vms: 6, taskDurations: { 'VM.start': 1200, 'VM.suspend': 600 } }, config: { jobWaitMs: 150 } });
});
t.teardown(() => stack.close());

const MONITOR = { user: 'monitor', password: 'monitor' };
const rsc = (uuid: string, state: number, creds = ROOT) =>
  post(stack.endpoint, envelope({
    action: `${XEN_CS_URI}/RequestStateChange`, resourceUri: XEN_CS_URI, selectors: { CreationClassName: 'Xen_ComputerSystem', Name: uuid },
    body: `<p:RequestStateChange_INPUT xmlns:p="${XEN_CS_URI}"><p:RequestedState>${state}</p:RequestedState></p:RequestStateChange_INPUT>`,
  }), creds);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('while a change of state runs, the VM shows it; a second request is Busy; then the VM is idle where it was sent', async (t) => {
  const x0 = await xenSession(stack.sim.url);
  const uuid = field([...guests(await allRecords(x0.session, 'VM')).values()].find((v) => v['power_state'] === 'Halted')!, 'uuid');
  await x0.close();
  const getVm = async (): Promise<XmlElement> => bodyOf(await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: XEN_CS_URI, selectors: { Name: uuid } }), ROOT))!;
  const states = (vm: XmlElement) => ({
    EnabledState: prop(vm, 'EnabledState'),
    RequestedState: prop(vm, 'RequestedState'),
    TransitioningToState: prop(vm, 'TransitioningToState'),
    // An empty array is one nil element (DSP0230)
    AvailableRequestedStates: vm.children.filter((c) => c.name === 'AvailableRequestedStates' && c.text !== '').map((c) => c.text),
  });
  t.same(states(await getVm()), { EnabledState: '3', RequestedState: '12', TransitioningToState: '5', AvailableRequestedStates: ['2'] }, 'halted, idle');
  t.equal(prop(bodyOf(await rsc(uuid, 2))!, 'ReturnValue'), '4096', 'the start outlasts --job-wait');
  // The start is in the model once its event has come (at once, but over the network).
  let during = await getVm();
  for (let i = 0; i < 20 && prop(during, 'TransitioningToState') !== '2'; i++) {
    await sleep(25);
    during = await getVm();
  }
  t.same(states(during), { EnabledState: '3', RequestedState: '2', TransitioningToState: '2', AvailableRequestedStates: [] }, 'still halted, moving to Enabled, nothing else may be asked');
  t.equal(prop(bodyOf(await rsc(uuid, 2))!, 'ReturnValue'), '4099', 'asking again while it runs: Busy');
  t.equal(prop(bodyOf(await rsc(uuid, 3))!, 'ReturnValue'), '4099', 'asking another state: Busy');
  t.equal(faultOf(await rsc(uuid, 3, MONITOR))?.subcode, 'wsman:AccessDenied', 'a read-only user is refused for its role, busy or not');
  let after = await getVm();
  for (let i = 0; i < 60 && prop(after, 'TransitioningToState') !== '5'; i++) {
    await sleep(100);
    after = await getVm();
  }
  const done = states(after);
  t.same([done.EnabledState, done.RequestedState, done.TransitioningToState], ['2', '2', '5'], 'running, as requested, no change under way');
  t.ok(done.AvailableRequestedStates.includes('3'), 'and may be asked again');

  // Started by another XenAPI client (xe, XenCenter): shown all the same.
  const x = await xenSession(stack.sim.url);
  try {
    const ref = String(await x.session.call('VM.get_by_uuid', [uuid]));
    await x.session.call('Async.VM.suspend', [ref]);
    let moving = await getVm();
    for (let i = 0; i < 20 && prop(moving, 'TransitioningToState') !== '6'; i++) {
      await sleep(25);
      moving = await getVm();
    }
    t.same([prop(moving, 'RequestedState'), prop(moving, 'TransitioningToState')], ['6', '6'], 'a suspend begun elsewhere: Offline asked, Offline coming');
    let suspended = await getVm();
    for (let i = 0; i < 40 && prop(suspended, 'EnabledState') !== '6'; i++) {
      await sleep(50);
      suspended = await getVm();
    }
    t.same([prop(suspended, 'EnabledState'), prop(suspended, 'RequestedState'), prop(suspended, 'TransitioningToState')], ['6', '12', '5'], 'once done, who asked is not known: Not Applicable');
  } finally {
    await x.close();
  }
});

t.test('a read-only user asking a change is refused at once: no job, no wait', async (t) => {
  const x = await xenSession(stack.sim.url);
  const vms = [...guests(await allRecords(x.session, 'VM')).values()];
  await x.close();
  const running = field(vms.find((v) => v['power_state'] === 'Running')!, 'uuid');
  const started = Date.now();
  const refused = faultOf(await rsc(running, 4, MONITOR));
  t.equal(refused?.subcode, 'wsman:AccessDenied', 'a change that would run as a task');
  t.match(refused?.reason, /XenAPI RBAC_PERMISSION_DENIED \[vm\.clean_shutdown, No permission in user session\]/, 'worded as every other refusal by xapi');
  t.ok(Date.now() - started < 1000, 'without waiting for the task it would have been');
  t.equal(faultOf(await rsc(running, 2, MONITOR))?.subcode, 'wsman:AccessDenied', 'and one that would change nothing');
});
