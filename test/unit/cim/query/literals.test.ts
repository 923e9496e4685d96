import t from 'tap';
import { ObjectPath } from '../../../../src/cim/object-path.js';
import { parseDateTime, parsePath, pathMatches } from '../../../../src/cim/query/literals.js';

const utc = (iso: string): number => Date.parse(iso);

t.test('DMTF timestamps carry their UTC offset in minutes and microseconds', async (t) => {
  t.same(parseDateTime('20240115100000.000000+000'), { kind: 'timestamp', millis: utc('2024-01-15T10:00:00Z') });
  t.same(parseDateTime('20240115110000.000000+060'), { kind: 'timestamp', millis: utc('2024-01-15T10:00:00Z') });
  t.same(parseDateTime('20240115050000.000000-300'), { kind: 'timestamp', millis: utc('2024-01-15T10:00:00Z') });
  t.same(parseDateTime(' 20240115100000.123456+000 '), { kind: 'timestamp', millis: utc('2024-01-15T10:00:00Z') + 123.456 });
});

t.test('DMTF intervals and xs:duration intervals', async (t) => {
  t.same(parseDateTime('00000001020304.500000:000'), { kind: 'interval', millis: ((24 + 2) * 3600 + 3 * 60 + 4) * 1000 + 500 });
  t.same(parseDateTime('PT1S'), { kind: 'interval', millis: 1000 });
  t.same(parseDateTime('P1DT2H3M4.5S'), { kind: 'interval', millis: ((24 + 2) * 3600 + 3 * 60 + 4.5) * 1000 });
  t.same(parseDateTime('P2D'), { kind: 'interval', millis: 2 * 86_400_000 });
});

t.test('ISO 8601 timestamps, read as UTC when they name no zone', async (t) => {
  t.same(parseDateTime('2024-01-15T10:00:00Z'), { kind: 'timestamp', millis: utc('2024-01-15T10:00:00Z') });
  t.same(parseDateTime('2024-01-15T11:00:00+01:00'), { kind: 'timestamp', millis: utc('2024-01-15T10:00:00Z') });
  t.same(parseDateTime('2024-01-15T04:30:00-0530'), { kind: 'timestamp', millis: utc('2024-01-15T10:00:00Z') });
  t.same(parseDateTime('2024-01-15 10:00'), { kind: 'timestamp', millis: utc('2024-01-15T10:00:00Z') });
  t.same(parseDateTime('2024-01-15'), { kind: 'timestamp', millis: utc('2024-01-15T00:00:00Z') });
  t.same(parseDateTime('2024-01-15T10:00:00.25z'), { kind: 'timestamp', millis: utc('2024-01-15T10:00:00Z') + 250 });
  // years below 100 stay in the first century (Date.UTC alone would move them to the 1900s)
  t.same(parseDateTime('0050-03-01T00:00:00Z'), { kind: 'timestamp', millis: new Date('0050-03-01T00:00:00Z').getTime() });
});

t.test('text that is no datetime, or names no real moment, is refused', async (t) => {
  for (const s of [
    'yesterday', '', '2024-02-30', '2023-02-29T00:00:00Z', '2024-13-01', '2024-01-01T24:00:00Z',
    '20240230000000.000000+000', '2024011510000.000000+000', '20240115100000.000000', '2024****100000.000000+000',
    '00000001250304.500000:000', '00000001026004.000000:000', 'P', 'PT', 'P1Y', 'P1DT',
  ]) {
    t.equal(parseDateTime(s), undefined, s);
  }
});

t.test('object paths in DSP0207, relative and WMI spellings', async (t) => {
  t.same(parsePath('/root/cimv2:Xen_ComputerSystem.CreationClassName="Xen_ComputerSystem",Name="a b"'), {
    namespace: '/root/cimv2', className: 'Xen_ComputerSystem',
    keys: [{ name: 'CreationClassName', value: 'Xen_ComputerSystem' }, { name: 'Name', value: 'a b' }],
  });
  t.same(parsePath('//host.example:5989/root/cimv2:Test_Element.InstanceID="x"'), {
    namespace: 'root/cimv2', className: 'Test_Element', keys: [{ name: 'InstanceID', value: 'x' }],
  });
  t.same(parsePath('\\\\HOST\\root\\cimv2:Test_Element.InstanceID="x"'), {
    namespace: 'root\\cimv2', className: 'Test_Element', keys: [{ name: 'InstanceID', value: 'x' }],
  });
  t.same(parsePath('Test_Element.InstanceID="say \\"hi\\" \\\\ there:."'), {
    className: 'Test_Element', keys: [{ name: 'InstanceID', value: 'say "hi" \\ there:.' }],
  });
  t.same(parsePath('Test_Element.Count=-5,Flag=TRUE,Other=false'), {
    className: 'Test_Element',
    keys: [{ name: 'Count', value: -5n }, { name: 'Flag', value: true }, { name: 'Other', value: false }],
  });
  t.same(parsePath('Test_Singleton'), { className: 'Test_Singleton', keys: [] });
});

t.test('malformed object paths are refused', async (t) => {
  for (const s of [
    '', 'not a path =', ':Test.A="x"', 'Test.A="x', 'Test.A=x', 'Test.A="x",', 'Test.A="x"B="y"', 'Test.="x"',
    '1Test.A="x"', 'Test.A',
  ]) {
    t.equal(parsePath(s), undefined, s);
  }
});

t.test('pathMatches compares class and namespace case-insensitively, keys in any order', async (t) => {
  const path = new ObjectPath('root/cimv2', 'Test_Element', [
    { name: 'InstanceID', value: 'e1' }, { name: 'Count', value: 5 }, { name: 'Flag', value: true },
  ]);
  const lit = (s: string): NonNullable<ReturnType<typeof parsePath>> => {
    const p = parsePath(s);
    if (p === undefined) throw new Error(`unparsable ${s}`);
    return p;
  };
  t.ok(pathMatches(lit('TEST_ELEMENT.flag=true,count=5,instanceid="e1"'), path));
  t.ok(pathMatches(lit('/ROOT/CIMV2:Test_Element.InstanceID="e1",Count="5",Flag="true"'), path), 'quoted values compare as text');
  t.ok(pathMatches(lit('root\\cimv2:Test_Element.InstanceID="e1",Count=5,Flag=TRUE'), path));
  t.notOk(pathMatches(lit('interop:Test_Element.InstanceID="e1",Count=5,Flag=TRUE'), path), 'other namespace');
  t.notOk(pathMatches(lit('Test_Element.InstanceID="E1",Count=5,Flag=TRUE'), path), 'key values are case-sensitive');
  t.notOk(pathMatches(lit('Test_Other.InstanceID="e1",Count=5,Flag=TRUE'), path), 'other class');
  t.notOk(pathMatches(lit('Test_Element.InstanceID="e1",Count=5'), path), 'fewer keys');
  t.notOk(pathMatches(lit('Test_Element.InstanceID="e1",Count=6,Flag=TRUE'), path), 'other number');
  t.notOk(pathMatches(lit('Test_Element.InstanceID="e1",Count=5,Other=TRUE'), path), 'other key name');
  t.notOk(pathMatches(lit('Test_Element.InstanceID="e1",Count=5,Flag=FALSE'), path), 'other boolean');

  const typed = (value: string | number | bigint | boolean): ObjectPath =>
    new ObjectPath('root/cimv2', 'T', [{ name: 'K', value }]);
  t.ok(pathMatches(lit('T.K=12'), typed(12n)));
  t.ok(pathMatches(lit('T.K=12'), typed(' 12 ')));
  t.notOk(pathMatches(lit('T.K=12'), typed(12.5)));
  t.notOk(pathMatches(lit('T.K=12'), typed('twelve')));
  t.notOk(pathMatches(lit('T.K=12'), typed(true)));
  t.ok(pathMatches(lit('T.K=true'), typed('TRUE')));
  t.notOk(pathMatches(lit('T.K=true'), typed(1)));
  t.notOk(pathMatches(lit('T.K="x"'), new ObjectPath('root/cimv2', 'T', [{ name: 'K', value: typed('x') }])),
    'nested reference keys are not compared');
});
