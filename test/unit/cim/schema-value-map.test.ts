import t from 'tap';
import { buildValueMap } from '../../../src/cim/schema-value-map.js';

const vm = (valueMap: string[] | undefined, values: string[] | undefined, type: 'uint16' | 'string' | 'sint32' = 'uint16') =>
  buildValueMap([
    ...(valueMap !== undefined ? [{ name: 'ValueMap', value: valueMap }] : []),
    ...(values !== undefined ? [{ name: 'values', value: values }] : []),
  ], type, undefined, 'property T.P');

t.test('no ValueMap and no Values: no lookup', async (t) => {
  t.equal(vm(undefined, undefined), undefined);
});

t.test('exact values, bounded and open ranges, and ".." for the rest', async (t) => {
  const m = vm(['0', '2', '0x10', '11..20', '..', '30..', '..-5'], ['Zero', 'Two', 'Hex', 'Band', 'Rest', 'High', 'Low'], 'sint32');
  t.same([0, 2, 16, 11, 15, 20, 21, 29, 30, 1000, -5, -100, -4].map((v) => m?.get(v)),
    ['Zero', 'Two', 'Hex', 'Band', 'Band', 'Band', 'Rest', 'Rest', 'High', 'High', 'Low', 'Low', 'Rest']);
  t.equal(m?.get('0x2'), 'Two', 'hex input strings are understood');
  t.equal(m?.get(' 16 '), 'Hex');
  t.equal(m?.get('-5'), 'Low');
  t.equal(m?.get(1.5), undefined, 'non-integers match nothing');
  t.equal(m?.get('abc'), undefined);
  t.ok(m?.listed(2));
  t.notOk(m?.listed(21));
  t.notOk(m?.listed('abc'));
  t.ok(m?.has(21));
});

t.test('without "..", values outside every entry are not admitted', async (t) => {
  const m = vm(['1', '3..4'], ['One', 'Few']);
  t.equal(m?.get(2), undefined);
  t.notOk(m?.has(2));
  t.ok(m?.has(4));
});

t.test('ValueMap without Values describes each value by itself', async (t) => {
  t.same(vm(['1', '2'], undefined)?.entries, [{ value: '1', text: '1' }, { value: '2', text: '2' }]);
});

t.test('Values without ValueMap maps the indexes 0, 1, 2 …', async (t) => {
  const m = vm(undefined, ['Off', 'On']);
  t.equal(m?.get(1), 'On');
  t.same(m?.entries.map((e) => e.value), ['0', '1']);
});

t.test('string-typed ValueMaps match exactly, without ranges', async (t) => {
  const m = vm(['IP', 'Dial', '..'], undefined, 'string');
  t.equal(m?.get('IP'), 'IP');
  t.ok(m?.has('Dial'));
  t.ok(m?.listed('Dial'));
  t.notOk(m?.has('ip'));
  t.equal(m?.get('Other'), undefined);
});

t.test('malformed entries and mismatched lengths are schema errors', async (t) => {
  t.throws(() => vm(['1', '2'], ['One']), { name: 'SchemaError', message: 'property T.P has 2 ValueMap entries but 1 Values' });
  for (const bad of ['x', '1.5', '1 2', '1..2..3', '..x', '']) {
    t.throws(() => vm([bad], undefined), { message: `property T.P has ValueMap entry "${bad}", which is neither an integer nor a range` }, bad);
  }
});
