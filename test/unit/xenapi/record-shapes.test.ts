import t from 'tap';
import { compiledShapes, makeStruct } from '../../../src/xenapi/record-shapes.js';
import type { XenValue } from '../../../src/xenapi/values.js';

const namesOf = (n: number, prefix = 'f'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const valuesOf = (n: number, tag: string): XenValue[] => Array.from({ length: n }, (_, i) => `${tag}${i}`);

t.test('a repeated record shape is compiled and builds the same object the first sighting did', async (t) => {
  const names = namesOf(40, 'rec');
  const before = compiledShapes();
  const first = makeStruct(names, valuesOf(40, 'a'));
  const second = makeStruct(names, valuesOf(40, 'b'));
  const third = makeStruct(names, valuesOf(40, 'c'));
  t.equal(compiledShapes(), before + 1, 'compiled once, on the second sighting');
  for (const [obj, tag] of [[first, 'a'], [second, 'b'], [third, 'c']] as const) {
    t.same(Object.keys(obj), names);
    t.same(Object.values(obj), valuesOf(40, tag));
    t.equal(Object.getPrototypeOf(obj), Object.prototype);
  }
});

t.test('names that need quoting, a repeated name and values of every kind survive compilation', async (t) => {
  const names = [...namesOf(14, 'q'), 'a"b', "c'd", 'e\\f', 'g\nh', '\u2028', '}; throw 1; ({', 'q0'];
  const values: XenValue[] = [...valuesOf(14, 'x'), 1, true, new Date(0), ['l'], { m: 'n' }, 'z', 'last'];
  for (let k = 0; k < 3; k++) {
    const obj = makeStruct(names, values) as Record<string, XenValue>;
    t.same(Object.keys(obj), names.slice(0, -1), 'each name once, where it first appears');
    t.equal(obj['q0'], 'last', 'the last value of a repeated name wins');
    t.equal(obj['}; throw 1; ({'], 'z');
    t.equal(obj['\u2028'], values[18]);
    t.same(obj['g\nh'], ['l']);
  }
});

t.test('"__proto__" stays data in every form, never a prototype', async (t) => {
  for (const n of [3, 20, 300]) {
    const names = namesOf(n, `p${n}_`);
    names[2] = '__proto__';
    for (let k = 0; k < 3; k++) {
      const obj = makeStruct(names, valuesOf(n, 'v')) as Record<string, XenValue>;
      t.equal(Object.getPrototypeOf(obj), Object.prototype, `${n} members`);
      t.ok(Object.prototype.hasOwnProperty.call(obj, '__proto__'));
      t.equal(obj['__proto__'], 'v2');
    }
  }
});

t.test('maps of free keys seen once do not keep a repeated record shape from compiling', async (t) => {
  for (let i = 0; i < 1500; i++) makeStruct(namesOf(20, `once${i}_`), valuesOf(20, 'x'));
  const names = namesOf(30, 'late');
  const before = compiledShapes();
  makeStruct(names, valuesOf(30, 'a'));
  const obj = makeStruct(names, valuesOf(30, 'b'));
  t.equal(compiledShapes(), before + 1);
  t.same(Object.values(obj), valuesOf(30, 'b'));
});
