import t from 'tap';
import type { OperationContext } from '../../../../src/cim/operation-context.js';
import type { ProviderServices } from '../../../../src/providers/services.js';
import { requestStateChange, RSC } from '../../../../src/providers/virtual-system/state-change.js';
import { XenApiError } from '../../../../src/xenapi/errors.js';
import { XenModel } from '../../../../src/xenapi/model.js';

// xapi refuses a change while another is under way even when the gateway's model has not seen
// that one yet (its event still on the way): such a refusal is Busy too, however it comes.
const ctx: OperationContext = {
  principal: { user: 'root', authType: 'basic', remoteAddress: '127.0.0.1', xenSession: 'OpaqueRef:s', renewXenSession: async () => undefined },
  locale: undefined,
  requestId: 'r',
  signal: new AbortController().signal,
};
const busy = new XenApiError('OTHER_OPERATION_IN_PROGRESS', ['VM.start', 'OpaqueRef:vm'], 'VM.x');
const params = (state: number) => new Map([['RequestedState', state]]);

function services(call: () => Promise<unknown>, taskError?: string[]): ProviderServices {
  // Only what requestStateChange uses of each service.
  return {
    xen: { call },
    jobs: { add: () => undefined, waitFor: async () => ({ status: 'failure', error: taskError ?? [] }) },
    jobWaitMs: 10,
  } as unknown as ProviderServices;
}

t.test('a refusal for another operation in progress is 4099 Busy, synchronous or from the task', async (t) => {
  const model = new XenModel();
  const halted = { power_state: 'Halted', current_operations: {} };
  const sync = await requestStateChange(model, services(async () => { throw busy; }), ctx, 'vm-1', halted, params(9));
  t.equal(sync.returnValue, RSC.Busy, 'an impossible transition asked synchronously');
  const nothing = await requestStateChange(model, services(async () => { throw busy; }), ctx, 'vm-1', { power_state: 'Running', current_operations: {} }, params(2));
  t.equal(nothing.returnValue, RSC.Busy, 'no change asked while xapi says another runs');
  const call = await requestStateChange(model, services(async () => { throw busy; }), ctx, 'vm-1', halted, params(2));
  t.equal(call.returnValue, RSC.Busy, 'the Async call refused');
  const task = await requestStateChange(model, services(async () => 'OpaqueRef:task', ['OTHER_OPERATION_IN_PROGRESS', 'VM.start', 'OpaqueRef:vm']), ctx, 'vm-1', halted, params(2));
  t.equal(task.returnValue, RSC.Busy, 'the task failed at once');
  const calls: string[] = [];
  const refusing = services(async () => {
    calls.push('asked');
    throw new XenApiError('VM_BAD_POWER_STATE', ['OpaqueRef:vm', 'halted', 'running'], 'VM.start');
  });
  const seen = await requestStateChange(model, refusing, ctx, 'vm-1', { power_state: 'Running', current_operations: { 'OpaqueRef:t': 'clean_shutdown' } }, params(2));
  t.same([seen.returnValue, calls], [RSC.Busy, ['asked']], 'the state the VM is in now, while it is about to leave it: xapi is asked first (its role check), then Busy');
  const denied = services(async () => {
    throw new XenApiError('RBAC_PERMISSION_DENIED', ['vm.start', 'No permission in user session'], 'VM.start');
  });
  await t.rejects(requestStateChange(model, denied, ctx, 'vm-1', { power_state: 'Running', current_operations: { 'OpaqueRef:t': 'clean_shutdown' } }, params(2)), { name: 'CimError', status: 'ACCESS_DENIED' }, 'a read-only user learns it may not, busy or not');
  await t.rejects(requestStateChange(model, denied, ctx, 'vm-1', { power_state: 'Running', current_operations: {} }, params(2)), { name: 'CimError', status: 'ACCESS_DENIED' }, 'even for no change at all');
  const other = await requestStateChange(model, services(async () => { throw new XenApiError('VM_BAD_POWER_STATE', [], 'VM.pause'); }), ctx, 'vm-1', { power_state: 'Halted', current_operations: { 'OpaqueRef:t': 'clone' } }, params(9));
  t.equal(other.returnValue, RSC.InvalidTransition, 'an operation that is no change of state does not make the VM busy');
});
