import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { parseMof } from '../../../src/cim/mof-parser.js';
import type { MofDocument } from '../../../src/cim/mof-types.js';
import { quote, writeMof } from '../../../src/cim/mof-writer.js';

/** Deep copy without `position` keys: the writer promises equality apart from positions. */
function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'position').map(([k, x]) => [k, strip(x)]));
}

function roundTrip(t: Test, doc: MofDocument): string {
  const text = writeMof(doc);
  const again = parseMof(text, doc.file);
  t.strictSame(strip(again), strip(doc), `${doc.file} survives write → parse`);
  t.equal(writeMof(again), text, `${doc.file}: writing is stable`);
  return text;
}

const SYNTHETIC = String.raw`
#pragma locale("en_US")
#pragma namespace("root/cimv2")
#pragma include("other \"quoted\" file.mof")
Qualifier Key : boolean = false, Scope(property, reference), Flavor(DisableOverride, ToSubclass);
Qualifier Values : string[], Scope(property, method, parameter), Flavor(Translatable);
Qualifier Fixed : uint8[2] = {1, 2}, Scope(any);
Qualifier Ratio : real64 = 1.0, Scope(any);
Qualifier Letter : char16 = 'q', Scope(any);
Qualifier Bare : string, Scope(class);
[Abstract, Version("2.22.0"), Description("multi" " part\nline\twith \"quotes\" and \\ and \x01 and ☺ and 😀"),
 ValueMap {"0", "1", "..", "0x8000.."}, Values {}, N(null), F(false), I(-42), R(0.000001), Big(1.0e300)]
class CIM_Everything : CIM_Base {
      [Key, MaxLen(256), Description("a very long description that will force the qualifier list onto more than one line")]
   string Name;
   uint16 State = 5;
   string Names[] = {"a", "b"};
   uint8 Four[4];
   real32 Ratio = 2.0;
   real64 Tiny = -1.5e-7;
   char16 Letter = '\'';
   boolean Flag = true;
   datetime When = null;
   sint64 Wide = -9007199254740991;
   CIM_Other REF Antecedent = "CIM_Other.Name=\"x\"";
      [Description("changes state")]
   uint32 RequestStateChange([IN] uint16 RequestedState, [IN(false), OUT] CIM_ConcreteJob REF Job,
      [IN] datetime TimeoutPeriod, string Names[], uint8 Pair[2], CIM_Other REF Many[]);
   uint32 NoArgs();
};
class Empty {
};
instance of CIM_Everything as $First {
   Name = "one";
   Names = {"x"};
};
[Description("second")]
instance of CIM_Everything {
   [Key] Name = "two";
   Antecedent = $First;
   Mixed = {$First, "path"};
   Nothing = null;
   Flag = false;
   Real = 3.25;
};
`;

t.test('round-trips a synthetic document that uses every construct', async (t) => {
  const doc = parseMof(SYNTHETIC, 'synthetic.mof');
  t.equal(doc.classes.length, 2);
  t.equal(doc.instances.length, 2);
  const text = roundTrip(t, doc);
  t.match(text, /^#pragma locale\("en_US"\)$/m, 'pragmas in canonical form');
  t.match(text, /Qualifier Ratio : real64 = 1\.0, Scope\(any\);/, 'real default keeps a decimal point');
  t.match(text, /Qualifier Letter : char16 = 'q', Scope\(any\);/, 'char16 default written as a char literal');
  t.match(text, /char16 Letter = '\\'';/, 'quote inside a char16 literal is escaped');
  t.match(text, /real32 Ratio = 2\.0;/);
  t.match(text, /Big\(1\.0e\+300\)/, 'large reals get a decimal point before the exponent');
  t.match(text, /\\x0001/, 'control characters become \\x escapes');
  t.match(text, /\[Key,\n\s+MaxLen\(256\),/, 'long qualifier lists wrap');
  t.match(text, /uint32 NoArgs\(\);/);
  t.match(text, /instance of CIM_Everything as \$First \{/);
});

t.test('round-trips every file in schema/', async (t) => {
  const root = 'schema';
  const files = (readdirSync(root, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => f.endsWith('.mof')).map((f) => join(root, f)).sort();
  t.ok(files.length >= 12, `found ${files.length} schema files`);
  for (const file of files) roundTrip(t, parseMof(readFileSync(file, 'utf8'), file));
});

t.test('writes hand-built documents the parser reads back', async (t) => {
  const doc: MofDocument = {
    file: 'built.mof', pragmas: [], qualifierTypes: [], instances: [],
    classes: [{ name: 'A', qualifiers: [{ name: 'Q', value: 7 }], methods: [], properties: [
      { name: 'X', type: 'real64', isArray: false, defaultValue: 3, qualifiers: [] },
      { name: 'Y', type: 'string', isArray: false, defaultValue: 'tab\t\r\u0085\ud800', qualifiers: [] },
    ] }],
  };
  const text = roundTrip(t, doc);
  t.match(text, /real64 X = 3\.0;/);
  t.match(text, /"tab\\t\\r\\x0085\\xD800"/, 'CR, C1 controls and lone surrogates are escaped');
});

t.test('an empty document writes as the empty string', async (t) => {
  t.equal(writeMof({ file: 'e', pragmas: [], qualifierTypes: [], classes: [], instances: [] }), '');
});

t.test('quote escapes the delimiter it uses', async (t) => {
  t.equal(quote(`a"b'c\\`, '"'), String.raw`"a\"b'c\\"`);
  t.equal(quote(`a"b'c`, "'"), String.raw`'a"b\'c'`);
});
