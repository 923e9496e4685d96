import t from 'tap';
import { XenModel } from '../../../../src/xenapi/model.js';
import { lastRequested, noteRequest, requestedStates } from '../../../../src/providers/virtual-system/requested-states.js';

/** The VM's record as xapi's events bring it: power state and operations in progress. */
function vmEvent(model: XenModel, uuid: string, power: string, ops: Record<string, string> = {}): void {
  model.apply([{ cls: 'VM', ref: `OpaqueRef:${uuid}`, record: { uuid, power_state: power, current_operations: ops } }]);
}

t.test('a request is shown while the VM is where it leads, and taken back when it fails', async (t) => {
  const model = new XenModel();
  vmEvent(model, 'vm-1', 'Running');
  t.equal(lastRequested(model, 'vm-1', 'Running'), undefined, 'nothing requested yet');
  noteRequest(model, 'vm-1', 9, 'Running');
  t.equal(lastRequested(model, 'vm-1', 'Running'), undefined, 'not paused yet');
  t.equal(lastRequested(model, 'vm-1', 'Paused'), 9);
  const again = noteRequest(model, 'vm-1', 2, 'Paused');
  t.equal(lastRequested(model, 'vm-1', 'Running'), 2);
  again.takeBack();
  t.equal(lastRequested(model, 'vm-1', 'Paused'), 9, 'the failed request gives way to the one before');
  const older = noteRequest(model, 'vm-1', 4, 'Running');
  noteRequest(model, 'vm-1', 2, 'Running');
  older.takeBack();
  t.equal(lastRequested(model, 'vm-1', 'Running'), 2, 'taking back a request a later one replaced changes nothing');
  noteRequest(model, 'vm-1', 7, 'Running');
  t.equal(lastRequested(model, 'vm-1', 'Running'), 2, 'a state that leads nowhere is not noted');
});

t.test('notes of VMs the model no longer has are dropped as the table grows', async (t) => {
  const model = new XenModel();
  for (let i = 0; i < 1100; i++) noteRequest(model, `gone-${i}`, 2, 'Halted');
  t.equal(lastRequested(model, 'gone-0', 'Running'), undefined, 'dropped when the table reached its bound');
  t.equal(lastRequested(model, 'gone-1099', 'Running'), 2, 'notes made since are kept');
});

t.test('a note lasts only while the VM\'s records bear it out', async (t) => {
  const model = new XenModel();
  vmEvent(model, 'vm-1', 'Halted');
  const note = noteRequest(model, 'vm-1', 2, 'Halted');
  vmEvent(model, 'vm-1', 'Halted', { 'OpaqueRef:mine': 'start' });
  t.same(requestedStates(model, 'vm-1', 'Halted', { 'OpaqueRef:mine': 'start' }), { RequestedState: 2, TransitioningToState: 2 }, 'an operation seen before its task is named is taken for ours');
  note.carriedBy('OpaqueRef:mine');
  vmEvent(model, 'vm-1', 'Running');
  t.equal(lastRequested(model, 'vm-1', 'Running'), 2, 'there');
  vmEvent(model, 'vm-1', 'Halted');
  vmEvent(model, 'vm-1', 'Running');
  t.equal(lastRequested(model, 'vm-1', 'Running'), undefined, 'moved away and back by someone else: no longer ours');

  noteRequest(model, 'vm-1', 4, 'Running', { needsTask: false });
  vmEvent(model, 'vm-1', 'Running', { 'OpaqueRef:theirs': 'hard_shutdown' });
  t.same(requestedStates(model, 'vm-1', 'Running', { 'OpaqueRef:theirs': 'hard_shutdown' }), { RequestedState: 3, TransitioningToState: 3 }, 'another client\'s hard_shutdown is 3, not our 4');
  vmEvent(model, 'vm-1', 'Halted');
  t.equal(lastRequested(model, 'vm-1', 'Halted'), undefined, 'and once done, ours is forgotten');

  const cancelled = noteRequest(model, 'vm-1', 2, 'Halted');
  cancelled.carriedBy('OpaqueRef:task');
  model.apply([{ cls: 'task', ref: 'OpaqueRef:task', record: { uuid: 't', status: 'cancelled' } }]);
  vmEvent(model, 'vm-1', 'Halted');
  t.equal(lastRequested(model, 'vm-1', 'Running'), undefined, 'a cancelled request is forgotten, so a later start by others is not taken for it');
  const full = noteRequest(model, 'vm-1', 2, 'Halted');
  full.carriedBy('OpaqueRef:task2');
  model.replace(new Map([['task', new Map([['OpaqueRef:task2', { uuid: 't2', status: 'failure' }]])]]));
  t.equal(lastRequested(model, 'vm-1', 'Running'), undefined, 'a full reload (no list of changes) looks at every note');
});

t.test('an operation in progress is the state asked for and the one the VM is moving to', async (t) => {
  const model = new XenModel();
  t.same(requestedStates(model, 'vm-1', 'Halted', {}), { RequestedState: 12, TransitioningToState: 5 }, 'idle, nothing asked: no change under way');
  t.same(requestedStates(model, 'vm-1', 'Halted', { 'OpaqueRef:t': 'start' }), { RequestedState: 2, TransitioningToState: 2 }, 'started by anyone (xe, XenCenter)');
  const expected: [string, string, number][] = [
    ['Running', 'hard_shutdown', 3], ['Running', 'clean_shutdown', 4], ['Running', 'shutdown', 4], ['Running', 'suspend', 6],
    ['Running', 'pause', 9], ['Running', 'clean_reboot', 10], ['Running', 'hard_reboot', 11], ['Paused', 'unpause', 2],
    ['Suspended', 'resume', 2], ['Halted', 'start_on', 2], ['Suspended', 'resume_on', 2],
  ];
  for (const [power, op, state] of expected) {
    t.same(requestedStates(model, 'vm-1', power, { 'OpaqueRef:t': op }), { RequestedState: state, TransitioningToState: state }, `${op} from ${power}`);
  }
  t.same(requestedStates(model, 'vm-1', 'Halted', { 'OpaqueRef:t': 'clone' }), { RequestedState: 12, TransitioningToState: 5 }, 'a copy is no change of state');
  vmEvent(model, 'vm-2', 'Paused');
  noteRequest(model, 'vm-2', 4, 'Paused').carriedBy('OpaqueRef:t');
  t.same(requestedStates(model, 'vm-2', 'Paused', { 'OpaqueRef:t': 'hard_shutdown' }), { RequestedState: 4, TransitioningToState: 4 }, 'Shut Down asked of a paused VM runs as hard_shutdown: the request says which');
  t.same(requestedStates(model, 'vm-2', 'Running', { 'OpaqueRef:t2': 'suspend' }), { RequestedState: 6, TransitioningToState: 6 }, 'an operation that is not our request\'s is shown as itself');
  t.same(requestedStates(model, 'vm-2', 'Halted', {}), { RequestedState: 4, TransitioningToState: 5 }, 'done: the request stays while the VM is where it led');
});
