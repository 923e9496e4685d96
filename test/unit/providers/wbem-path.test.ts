// DSP0207 untyped instance paths as written into HostResource and AssociatedResourcePool.
import t from 'tap';
import { ObjectPath } from '../../../src/cim/object-path.js';
import { parsePath } from '../../../src/cim/query/literals.js';
import { wbemPath } from '../../../src/providers/wbem-path.js';

t.test('a path with string keys, as DSP0207 writes it, reads back to the same keys', async (t) => {
  const keys = [{ name: 'CreationClassName', value: 'Xen_DiskImage' }, { name: 'DeviceID', value: 'Xen:a/b' }];
  const p = wbemPath('root/cimv2', 'Xen_DiskImage', keys);
  t.equal(p, '/root/cimv2:Xen_DiskImage.CreationClassName="Xen_DiskImage",DeviceID="Xen:a/b"');
  t.same(parsePath(p)?.keys, keys);
});

t.test('quotes and backslashes in values are escaped; numbers and booleans are bare', async (t) => {
  const p = wbemPath('root\\interop', 'X', [{ name: 'A', value: 'say "hi" \\ there' }, { name: 'N', value: 7 }, { name: 'B', value: true }]);
  t.equal(p, '/root/interop:X.A="say \\"hi\\" \\\\ there",N=7,B=TRUE');
  t.same(parsePath(p)?.keys, [{ name: 'A', value: 'say "hi" \\ there' }, { name: 'N', value: 7n }, { name: 'B', value: true }]);
});

t.test('reference keys are refused', async (t) => {
  t.throws(() => wbemPath('root/cimv2', 'X', [{ name: 'R', value: new ObjectPath('root/cimv2', 'Y', []) }]), TypeError);
});
