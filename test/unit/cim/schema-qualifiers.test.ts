import t from 'tap';
import { parseMof } from '../../../src/cim/mof-parser.js';
import { at, QualifierTypes, sameValue } from '../../../src/cim/schema-qualifiers.js';

const quals = new QualifierTypes(parseMof(`
  Qualifier Key : boolean = false, Scope(property, reference), Flavor(DisableOverride);
  Qualifier Version : string = null, Scope(any), Flavor(Restricted);
  Qualifier Description : string = null, Scope(any);
  Qualifier Ratio : real32 = null, Scope(any);
  Qualifier Sizes : uint8[], Scope(property);
  Qualifier When : datetime = null, Scope(any);`, 'q.mof').qualifierTypes);

t.test('lookup by any case; all() lists the declarations', async (t) => {
  t.equal(quals.get('KEY')?.name, 'Key');
  t.same(quals.all().map((q) => q.name), ['Key', 'Version', 'Description', 'Ratio', 'Sizes', 'When']);
});

t.test('flavors: Restricted stops propagation, DisableOverride stops overriding', async (t) => {
  t.notOk(quals.propagates('version'));
  t.ok(quals.propagates('Key'));
  t.ok(quals.propagates('Undeclared'), 'undeclared qualifiers default to ToSubclass');
  t.notOk(quals.overridable('Key'));
  t.ok(quals.overridable('Description'));
  t.same(quals.propagated([{ name: 'Version', value: '1' }, { name: 'Key', value: true }]), [{ name: 'Key', value: true }]);
});

t.test('merge replaces in place, appends new ones, and allows restating a DisableOverride value', async (t) => {
  t.same(quals.merge(
    [{ name: 'Key', value: true }, { name: 'Description', value: 'a' }],
    [{ name: 'description', value: 'b' }, { name: 'KEY', value: true }, { name: 'Version', value: '2' }],
    undefined, 'X.P',
  ), [{ name: 'KEY', value: true }, { name: 'description', value: 'b' }, { name: 'Version', value: '2' }]);
  t.throws(() => quals.merge([{ name: 'Key', value: true }], [{ name: 'Key', value: false }], undefined, 'X.P'),
    { message: 'X.P cannot change qualifier Key: it is DisableOverride' });
});

t.test('check accepts values of the declared type', async (t) => {
  t.doesNotThrow(() => quals.check([
    { name: 'Ratio', value: 1.5 }, { name: 'Sizes', value: [1, 2] }, { name: 'When', value: '20250101000000.000000+000' },
    { name: 'Description', value: null }, { name: 'Key', value: false },
  ], 'property', undefined, 'X.P'));
  t.throws(() => quals.check([{ name: 'Sizes', value: [1.5] }], 'property', undefined, 'X.P'),
    { message: 'qualifier Sizes on X.P needs a uint8[] value, not [1.5]' });
  t.throws(() => quals.check([{ name: 'Ratio', value: 'x' }], 'property', undefined, 'X.P'),
    { message: 'qualifier Ratio on X.P needs a real32 value, not "x"' });
  t.throws(() => quals.check([{ name: 'Key', value: 'yes' }], 'property', undefined, 'X.P'),
    { message: 'qualifier Key on X.P needs a boolean value, not "yes"' });
});

t.test('valueOf: stated value, else the declared default, else null', async (t) => {
  t.equal(quals.valueOf([{ name: 'key', value: true }], 'Key'), true);
  t.equal(quals.valueOf([], 'Key'), false);
  t.equal(quals.valueOf([], 'Nope'), null);
});

t.test('sameValue compares arrays by element', async (t) => {
  t.ok(sameValue(['a', 'b'], ['a', 'b']));
  t.notOk(sameValue(['a'], ['a', 'b']));
  t.notOk(sameValue(['a'], 'a'));
  t.ok(sameValue(null, null));
});

t.test('at formats an optional position', async (t) => {
  t.equal(at(undefined), '');
  t.equal(at({ file: 'f', line: 1, column: 2 }), ' at f:1:2');
});
