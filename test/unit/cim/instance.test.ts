import t from 'tap';
import { CimInstance } from '../../../src/cim/instance.js';
import { ObjectPath } from '../../../src/cim/object-path.js';

const path = new ObjectPath('root/cimv2', 'Xen_ComputerSystem');

t.test('properties are found as declared and in any case; a null value is a value', async (t) => {
  const inst = new CimInstance('Xen_ComputerSystem', path, [['ElementName', 'vm-1'], ['EnabledState', 2], ['Description', null]]);
  t.equal(inst.get('ElementName'), 'vm-1');
  t.equal(inst.get('elementname'), 'vm-1');
  t.equal(inst.get('ENABLEDSTATE'), 2);
  t.equal(inst.get('Description'), null);
  t.equal(inst.get('description'), null);
  t.equal(inst.get('Caption'), undefined);
  t.same([...inst.properties.keys()], ['ElementName', 'EnabledState', 'Description'], 'spelled and ordered as given');
});

t.test('case folding stays right beyond the names it remembers', async (t) => {
  const names = Array.from({ length: 6000 }, (_, i) => `Prop${i}X`);
  const inst = new CimInstance('C', path, names.map((n, i) => [n, i] as const));
  for (const i of [0, 4095, 4096, 5999]) {
    t.equal(inst.get(`prop${i}x`), i);
    t.equal(inst.get(`PROP${i}X`), i);
  }
  t.equal(inst.get('prop6000x'), undefined);
});
