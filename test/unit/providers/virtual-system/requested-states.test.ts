import t from 'tap';
import { XenModel } from '../../../../src/xenapi/model.js';
import { lastRequested, noteRequest } from '../../../../src/providers/virtual-system/requested-states.js';

t.test('a request is shown while the VM is where it leads, and taken back when it fails', async (t) => {
  const model = new XenModel();
  t.equal(lastRequested(model, 'vm-1', 'Running'), undefined, 'nothing requested yet');
  noteRequest(model, 'vm-1', 9);
  t.equal(lastRequested(model, 'vm-1', 'Running'), undefined, 'not paused yet');
  t.equal(lastRequested(model, 'vm-1', 'Paused'), 9);
  const takeBack = noteRequest(model, 'vm-1', 2);
  t.equal(lastRequested(model, 'vm-1', 'Running'), 2);
  takeBack();
  t.equal(lastRequested(model, 'vm-1', 'Paused'), 9, 'the failed request gives way to the one before');
  const older = noteRequest(model, 'vm-1', 4);
  noteRequest(model, 'vm-1', 2);
  older();
  t.equal(lastRequested(model, 'vm-1', 'Running'), 2, 'taking back a request a later one replaced changes nothing');
  noteRequest(model, 'vm-1', 7);
  t.equal(lastRequested(model, 'vm-1', 'Running'), 2, 'a state that leads nowhere is not noted');
});

t.test('notes of VMs the model no longer has are dropped as the table grows', async (t) => {
  const model = new XenModel();
  for (let i = 0; i < 1100; i++) noteRequest(model, `gone-${i}`, 2);
  t.equal(lastRequested(model, 'gone-0', 'Running'), undefined, 'dropped when the table reached its bound');
  t.equal(lastRequested(model, 'gone-1099', 'Running'), 2, 'notes made since are kept');
});
