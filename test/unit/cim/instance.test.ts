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

t.test('instances of one class with different property lists each find their own', async (t) => {
  const a = new CimInstance('Mixed', path, [['Alpha', 1], ['Beta', 2]]);
  const b = new CimInstance('Mixed', path, [['Alpha', 3], ['Gamma', 4]]);
  const c = new CimInstance('Mixed', path, [['Alpha', 5], ['Beta', 6]]);
  t.equal(a.get('beta'), 2);
  t.equal(a.get('gamma'), undefined);
  t.equal(b.get('GAMMA'), 4);
  t.equal(b.get('beta'), undefined);
  t.equal(c.get('BETA'), 6);
  t.equal(c.get('alpha'), 5);
  t.equal(a.get('ALPHA'), 1, 'an older instance keeps its own index');
});

t.test('more classes than the shared indexes hold still fold case', async (t) => {
  const wrong: number[] = [];
  for (let i = 0; i < 4200; i++) {
    const inst = new CimInstance(`Class${i}`, path, [['SomeName', i]]);
    if (inst.get('somename') !== i || inst.get('SOMENAME') !== i) wrong.push(i);
  }
  t.same(wrong, [], 'every class, including those past the 4,096 indexes kept');
});

t.test('instances built alike share their index and stay right', async (t) => {
  const vms = Array.from({ length: 3 }, (_, i) => new CimInstance('Xen_ComputerSystem', path, [['ElementName', `vm-${i}`], ['EnabledState', i]]));
  vms.forEach((vm, i) => {
    t.equal(vm.get('elementname'), `vm-${i}`);
    t.equal(vm.get('enabledSTATE'), i);
  });
});
