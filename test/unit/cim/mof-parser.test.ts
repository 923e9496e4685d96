import t from 'tap';
import { parseMof } from '../../../src/cim/mof-parser.js';
import { MofSyntaxError } from '../../../src/cim/mof-types.js';

t.test('pragmas keep order, lower-case names, positions, and concatenate adjacent strings', async (t) => {
  const doc = parseMof('#pragma include("a.mof")\n#PRAGMA Namespace("root/" "cimv2")\n#pragma locale ("en_US")', 'p.mof');
  t.equal(doc.file, 'p.mof');
  t.same(doc.pragmas, [
    { name: 'include', value: 'a.mof', position: { file: 'p.mof', line: 1, column: 1 } },
    { name: 'namespace', value: 'root/cimv2', position: { file: 'p.mof', line: 2, column: 1 } },
    { name: 'locale', value: 'en_US', position: { file: 'p.mof', line: 3, column: 1 } },
  ]);
});

t.test('qualifier declarations: type, array, default, scopes and flavors in canonical spelling', async (t) => {
  const doc = parseMof(`
    QUALIFIER key : BOOLEAN = FALSE, SCOPE(PROPERTY, Reference), FLAVOR(disableoverride, TOSUBCLASS);
    Qualifier Values : string[], Scope(property, method, parameter), Flavor(Translatable);
    Qualifier Fixed : uint8[4] = {1, 2, 3, 4}, Scope(any);
    Qualifier Version : string = null, Scope(class, association, indication), Flavor(EnableOverride, Restricted);`, 'q.mof');
  t.same(doc.qualifierTypes, [
    { name: 'key', type: 'boolean', isArray: false, defaultValue: false, scopes: ['property', 'reference'],
      flavors: ['DisableOverride', 'ToSubclass'], position: { file: 'q.mof', line: 2, column: 15 } },
    { name: 'Values', type: 'string', isArray: true, defaultValue: null, scopes: ['property', 'method', 'parameter'],
      flavors: ['Translatable'], position: { file: 'q.mof', line: 3, column: 15 } },
    { name: 'Fixed', type: 'uint8', isArray: true, arraySize: 4, defaultValue: [1, 2, 3, 4], scopes: ['any'],
      flavors: [], position: { file: 'q.mof', line: 4, column: 15 } },
    { name: 'Version', type: 'string', isArray: false, defaultValue: null,
      scopes: ['class', 'association', 'indication'], flavors: ['EnableOverride', 'Restricted'],
      position: { file: 'q.mof', line: 5, column: 15 } },
  ]);
});

t.test('a class with qualifiers, superclass, properties, arrays, references and defaults', async (t) => {
  const doc = parseMof(`[Abstract, Version("2.22.0"), Description("a" "b")]
CLASS CIM_Thing : CIM_Base {
    [Key, MaxLen(256)] STRING Name;
  Uint16 EnabledState = 5;
  string Names[];
  uint8 Fixed[4] = {1, 0x2, 11b, 04};
  CIM_Other REF Antecedent;
  real64 Ratio = 1.5;
  char16 Letter = 'x';
  boolean Flag = TRUE;
  datetime When = null;
};`, 'c.mof');
  t.equal(doc.classes.length, 1);
  const c = doc.classes[0];
  t.equal(c?.name, 'CIM_Thing');
  t.equal(c?.superclass, 'CIM_Base');
  t.same(c?.position, { file: 'c.mof', line: 2, column: 7 }, 'class position is its name');
  t.same(c?.qualifiers, [
    { name: 'Abstract', value: true }, { name: 'Version', value: '2.22.0' }, { name: 'Description', value: 'ab' },
  ]);
  const props = c?.properties.map(({ position, ...p }) => p);
  t.same(props, [
    { name: 'Name', type: 'string', isArray: false, qualifiers: [{ name: 'Key', value: true }, { name: 'MaxLen', value: 256 }] },
    { name: 'EnabledState', type: 'uint16', isArray: false, defaultValue: 5, qualifiers: [] },
    { name: 'Names', type: 'string', isArray: true, qualifiers: [] },
    { name: 'Fixed', type: 'uint8', isArray: true, arraySize: 4, defaultValue: [1, 2, 3, 4], qualifiers: [] },
    { name: 'Antecedent', type: 'reference', isArray: false, refClass: 'CIM_Other', qualifiers: [] },
    { name: 'Ratio', type: 'real64', isArray: false, defaultValue: 1.5, qualifiers: [] },
    { name: 'Letter', type: 'char16', isArray: false, defaultValue: 'x', qualifiers: [] },
    { name: 'Flag', type: 'boolean', isArray: false, defaultValue: true, qualifiers: [] },
    { name: 'When', type: 'datetime', isArray: false, defaultValue: null, qualifiers: [] },
  ]);
  t.same(c?.properties[0]?.position, { file: 'c.mof', line: 3, column: 24 }, 'property position is its type');
  t.notOk('superclass' in (parseMof('class A { };', 'x').classes[0] ?? {}), 'no superclass key when none is given');
});

t.test('methods with qualified, array and reference parameters', async (t) => {
  const doc = parseMof(`class A {
    [Description("go")]
  uint32 RequestStateChange([IN] uint16 RequestedState,
      [IN(false), OUT] CIM_ConcreteJob REF Job, [IN] datetime TimeoutPeriod, string Names[], uint8 Four[4]);
  uint32 Nothing();
};`, 'm.mof');
  const [m, nothing] = doc.classes[0]?.methods ?? [];
  t.equal(m?.name, 'RequestStateChange');
  t.equal(m?.returnType, 'uint32');
  t.same(m?.qualifiers, [{ name: 'Description', value: 'go' }]);
  t.same(m?.parameters.map(({ position, ...p }) => p), [
    { name: 'RequestedState', type: 'uint16', isArray: false, qualifiers: [{ name: 'IN', value: true }] },
    { name: 'Job', type: 'reference', isArray: false, refClass: 'CIM_ConcreteJob',
      qualifiers: [{ name: 'IN', value: false }, { name: 'OUT', value: true }] },
    { name: 'TimeoutPeriod', type: 'datetime', isArray: false, qualifiers: [{ name: 'IN', value: true }] },
    { name: 'Names', type: 'string', isArray: true, qualifiers: [] },
    { name: 'Four', type: 'uint8', isArray: true, arraySize: 4, qualifiers: [] },
  ]);
  t.same(m?.parameters[1]?.position, { file: 'm.mof', line: 4, column: 24 });
  t.same(nothing?.parameters, []);
  t.equal(doc.classes[0]?.properties.length, 0);
});

t.test('qualifier values: escapes, char16, hex/binary/octal, reals, booleans, null, arrays', async (t) => {
  const doc = parseMof(String.raw`[S("tab\there \"q\" \\ \x41"), C('z'), H(0x10), B(101b), O(017), R(-2.5e1),
  T(true), F(false), N(null), E{}, A{"a", "b"}, P({1, 2})]
class A { };`, 'v.mof');
  t.same(doc.classes[0]?.qualifiers, [
    { name: 'S', value: 'tab\there "q" \\ A' }, { name: 'C', value: 'z' }, { name: 'H', value: 16 },
    { name: 'B', value: 5 }, { name: 'O', value: 15 }, { name: 'R', value: -25 }, { name: 'T', value: true },
    { name: 'F', value: false }, { name: 'N', value: null }, { name: 'E', value: [] }, { name: 'A', value: ['a', 'b'] },
    { name: 'P', value: [1, 2] },
  ]);
});

t.test('instances with alias, alias references, arrays and qualifiers', async (t) => {
  const doc = parseMof(`instance of Xen_Host as $Host {
  Name = "h1";
  Tags = {"a", "b"};
};
[Description("link")]
INSTANCE OF Xen_Link {
  [Key] Antecedent = $Host;
  Peers = {$Host, "path"};
  Nothing = null;
};`, 'i.mof');
  t.same(doc.instances.map(({ position, properties, ...i }) => ({ ...i, properties: properties.map(({ position: _, ...p }) => p) })), [
    { className: 'Xen_Host', alias: 'Host', qualifiers: [], properties: [
      { name: 'Name', value: 'h1', qualifiers: [] }, { name: 'Tags', value: ['a', 'b'], qualifiers: [] },
    ] },
    { className: 'Xen_Link', qualifiers: [{ name: 'Description', value: 'link' }], properties: [
      { name: 'Antecedent', value: { alias: 'Host' }, qualifiers: [{ name: 'Key', value: true }] },
      { name: 'Peers', value: [{ alias: 'Host' }, 'path'], qualifiers: [] },
      { name: 'Nothing', value: null, qualifiers: [] },
    ] },
  ]);
  t.same(doc.instances[1]?.position, { file: 'i.mof', line: 6, column: 1 });
});

t.test('keywords and type names are case-insensitive; a keyword may still name a class', async (t) => {
  const doc = parseMof('Class Class : Instance { Boolean Of; SINT64 Scope = -1; };', 'k.mof');
  t.equal(doc.classes[0]?.name, 'Class');
  t.equal(doc.classes[0]?.superclass, 'Instance');
  t.same(doc.classes[0]?.properties.map((p) => [p.name, p.type]), [['Of', 'boolean'], ['Scope', 'sint64']]);
});

t.test('an empty file is an empty document', async (t) => {
  t.same(parseMof('  // nothing\n', 'e.mof'), { file: 'e.mof', pragmas: [], qualifierTypes: [], classes: [], instances: [] });
});

const TYPES = 'boolean, string, char16, datetime, uint8, sint8, uint16, sint16, uint32, sint32, uint64, sint64, real32, real64';
const errors: Array<[string, string, string]> = [
  ['missing semicolon', 'class A {\n  string Name\n};', "f.mof:3:1: expected ';', found '}'"],
  ['missing semicolon after class', 'class A {\n}\nclass B { };', "f.mof:3:1: expected ';', found identifier 'class'"],
  ['unterminated string', 'class A {\n  string Name = "abc;\n};', `f.mof:2:17: expected '"' to close the string literal, found end of line`],
  ['unknown type', 'class A {\n  strin Name;\n};', `f.mof:2:3: expected a CIM data type (${TYPES}) or 'ClassName REF', found identifier 'strin'`],
  ['reference is not a MOF type', 'Qualifier Q : reference, Scope(property);', `f.mof:1:15: expected a CIM data type (${TYPES}) or 'ClassName REF', found identifier 'reference'`],
  ['bad qualifier list: missing comma', '[Key Description("x")]\nclass A { };', "f.mof:1:6: expected ',' or ']', found identifier 'Description'"],
  ['bad qualifier list: trailing comma', '[Key,]\nclass A { };', "f.mof:1:6: expected a qualifier name, found ']'"],
  ['bad qualifier list: empty', '[]\nclass A { };', "f.mof:1:2: expected a qualifier name, found ']'"],
  ['bad qualifier list: unclosed value', '[Description("x"]\nclass A { };', "f.mof:1:17: expected ')', found ']'"],
  ['duplicate qualifier', '[Key, key]\nclass A { };', "f.mof:1:7: expected each qualifier once in a list, found duplicate 'key'"],
  ['qualifier list before nothing', '[Key] Qualifier X : boolean, Scope(any);', "f.mof:1:7: expected 'class' or 'instance' after a qualifier list, found identifier 'Qualifier'"],
  ['unbalanced braces: missing }', 'class A {\n  string Name;\n', "f.mof:3:1: expected '}' to close class A, found end of input"],
  ['unbalanced braces: extra }', 'class A {\n  string Name;\n}};', "f.mof:3:2: expected ';', found '}'"],
  ['unbalanced braces: instance', 'instance of A {\n  X = 1;\n', "f.mof:3:1: expected '}' to close the instance of A, found end of input"],
  ['duplicate property', 'class A {\n  string Name;\n  uint16 name;\n};', "f.mof:3:10: expected a property name not already declared in class A, found duplicate 'name'"],
  ['property named like a method', 'class A {\n  uint32 Go();\n  string go;\n};', "f.mof:3:10: expected a property name not already declared in class A, found duplicate 'go'"],
  ['duplicate parameter', 'class A {\n  uint32 M([IN] uint16 P, string p);\n};', "f.mof:2:34: expected a parameter name not already used in method M, found duplicate 'p'"],
  ['unknown scope', 'Qualifier Q : boolean, Scope(property, banana);', 'f.mof:1:40: expected a scope (class, association, indication, qualifier, property, reference, method, parameter, any), found identifier \'banana\''],
  ['duplicate scope', 'Qualifier Q : boolean, Scope(property, Property);', "f.mof:1:40: expected each scope once, found duplicate 'Property'"],
  ['unknown flavor', 'Qualifier Q : boolean, Scope(property), Flavor(Sticky);', "f.mof:1:48: expected a flavor (EnableOverride, DisableOverride, Restricted, ToSubclass, Translatable), found identifier 'Sticky'"],
  ['conflicting flavors', 'Qualifier Q : boolean, Scope(property), Flavor(EnableOverride, DisableOverride);', 'f.mof:1:11: expected consistent flavors, found conflicting flavors'],
  ['restricted and tosubclass', 'Qualifier Q : boolean, Scope(any), Flavor(Restricted, ToSubclass);', 'f.mof:1:11: expected consistent flavors, found conflicting flavors'],
  ['qualifier default of the wrong type', 'Qualifier Q : uint32 = "x", Scope(any);', 'f.mof:1:24: expected a uint32 value (an integer from 0 to 4294967295), found string "x"'],
  ['string into uint16', 'class A { uint16 X = "abc"; };', 'f.mof:1:22: expected a uint16 value (an integer from 0 to 65535), found string "abc"'],
  ['uint8 out of range', 'class A { uint8 X = 256; };', "f.mof:1:21: expected a uint8 value (an integer from 0 to 255), found '256'"],
  ['sint8 out of range', 'class A { sint8 X = -129; };', "f.mof:1:21: expected a sint8 value (an integer from -128 to 127), found '-129'"],
  ['real into integer', 'class A { uint32 X = 1.5; };', "f.mof:1:22: expected a uint32 value (an integer from 0 to 4294967295), found '1.5'"],
  ['integer into boolean', 'class A { boolean X = 1; };', "f.mof:1:23: expected a boolean value (true or false), found '1'"],
  ['two chars into char16', 'class A { char16 X = "ab"; };', 'f.mof:1:22: expected a char16 value (one character), found string "ab"'],
  ['string into real', 'class A { real32 X = "1"; };', 'f.mof:1:22: expected a real32 value, found string "1"'],
  ['number into datetime', 'class A { datetime X = 5; };', "f.mof:1:24: expected a datetime value (a string literal), found '5'"],
  ['number into reference', 'class A { A REF X = 5; };', "f.mof:1:21: expected a reference (object path string or alias), found '5'"],
  ['scalar into array', 'class A { string X[] = "a"; };', 'f.mof:1:24: expected an array value {…} of string, found string "a"'],
  ['array into scalar', 'class A { string X = {"a"}; };', "f.mof:1:22: expected a single string value, found '{'"],
  ['reference array property', 'class A { A REF X[]; };', "f.mof:1:17: expected ';' (reference properties cannot be arrays), found '['"],
  ['method returning a reference', 'class A { A REF M(); };', "f.mof:1:11: expected a data type as method return type, found a reference"],
  ['alias in a class default', 'class A { string X = $a; };', "f.mof:1:22: expected a value, found '$a'"],
  ['null inside an array', 'class A { string X[] = {"a", null}; };', "f.mof:1:30: expected an array element value, found identifier 'null'"],
  ['unclosed array', 'class A { string X[] = {"a" "b"; };', "f.mof:1:32: expected ',' or '}', found ';'"],
  ['zero array size', 'class A { string X[0]; };', "f.mof:1:20: expected a positive decimal array size or ']', found '0'"],
  ['negative array size', 'class A { string X[-1]; };', "f.mof:1:20: expected a positive decimal array size or ']', found '-1'"],
  ['alias without $', 'instance of A as B { };', "f.mof:1:18: expected an alias ('$name'), found identifier 'B'"],
  ['duplicate alias', 'instance of A as $B { X = 1; };\ninstance of A as $b { X = 2; };', "f.mof:2:1: expected an alias not used before in this file, found duplicate '$b'"],
  ['duplicate instance property', 'instance of A { X = 1; x = 2; };', "f.mof:1:24: expected a property not already given a value in this instance, found duplicate 'x'"],
  ['instance without of', 'instance A { };', "f.mof:1:10: expected 'of', found identifier 'A'"],
  ['pragma without string', '#pragma include(foo)', "f.mof:1:17: expected a string pragma parameter, found identifier 'foo'"],
  ['top-level garbage', 'foo', "f.mof:1:1: expected '#pragma', 'Qualifier', 'class', 'instance' or '[', found identifier 'foo'"],
  ['missing superclass name', 'class A : { };', "f.mof:1:11: expected a superclass name, found '{'"],
  ['missing method close paren', 'class A { uint32 M(uint8 a; };', "f.mof:1:27: expected ')', found ';'"],
];
for (const [title, src, message] of errors) {
  t.test(`syntax error: ${title}`, async (t) => {
    t.throws(() => parseMof(src, 'f.mof'), { name: 'MofSyntaxError', message });
  });
}

t.test('the error exposes file, line and column', async (t) => {
  const err = t.throws(() => parseMof('class A {\n  string Name;\n  uint16 name;\n};', 'dir/x.mof'));
  t.ok(err instanceof MofSyntaxError);
  t.match(err, { file: 'dir/x.mof', line: 3, column: 10 });
});
