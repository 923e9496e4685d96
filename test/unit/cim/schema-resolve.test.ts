import { readFileSync } from 'node:fs';
import t from 'tap';
import { parseMof } from '../../../src/cim/mof-parser.js';
import { SchemaError } from '../../../src/cim/mof-types.js';
import { SchemaRegistry } from '../../../src/cim/schema-registry.js';

const QUALS = parseMof(readFileSync('schema/qualifiers.mof', 'utf8'), 'schema/qualifiers.mof');
const registry = (...mofs: string[]): SchemaRegistry =>
  SchemaRegistry.fromDocuments([QUALS, ...mofs.map((m, i) => parseMof(m, `t${i}.mof`))]);
const names = (qs: ReadonlyArray<{ name: string }> | undefined): string[] => (qs ?? []).map((q) => q.name);

const HIERARCHY = `
[Abstract, Version("1.0.0"), Description("root")]
class T_Root {
    [Version("1.0.0"), Description("id"), MaxLen(16)] string Id;
    [Version("1.0.0"), Description("state"), ValueMap{"0", "1"}, Values{"Off", "On"}, Units("Widgets")]
  uint16 State;
    [Version("1.0.0")] string Note;
    [Version("1.0.0"), Description("go"), ValueMap{"0", "1"}, Values{"OK", "Fail"}]
  uint32 Go([IN, Description("p"), ValueMap{"1"}, Values{"One"}] uint16 P, [IN(false), OUT] T_Root REF Job);
};
[Version("1.1.0"), Experimental, Description("mid")]
class T_Mid : T_Root {
    [Key, Override("Id"), Version("1.1.0")] string Id;
    [Override("State"), Version("1.1.0"), Description("mid state")] uint16 State;
    [Version("1.1.0"), Deprecated{"T_Mid.Newer"}] string Old;
    [Version("1.1.0")] string Newer;
    [Override("Go"), Description("mid go")] uint32 Go([IN, Description("mid p")] uint16 P, [IN(false), OUT] T_Root REF Job);
};
class T_Leaf : T_Mid {
    [Override("T_Mid.State")] uint16 State;
};
`;

t.test('properties flatten inherited-first; an override keeps its ancestor\'s place', async (t) => {
  const reg = registry(HIERARCHY);
  const leaf = reg.getClass('t_leaf');
  t.same(names(leaf?.properties), ['Id', 'State', 'Note', 'Old', 'Newer']);
  t.same(leaf?.properties.map((p) => [p.name, p.classOrigin, p.declaredIn, p.propagated]), [
    ['Id', 'T_Root', 'T_Mid', true],
    ['State', 'T_Root', 'T_Leaf', false],
    ['Note', 'T_Root', 'T_Root', true],
    ['Old', 'T_Mid', 'T_Mid', true],
    ['Newer', 'T_Mid', 'T_Mid', true],
  ]);
  t.same(reg.getClass('T_Mid')?.property('id')?.propagated, false, 'an override is not propagated in its own class');
});

t.test('an override merges qualifiers: Key/Description/ValueMap/Values/Units carry over unless restated', async (t) => {
  const reg = registry(HIERARCHY);
  const midState = reg.getClass('T_Mid')?.property('State');
  t.same(midState?.qualifiers, [
    { name: 'Description', value: 'mid state' },
    { name: 'ValueMap', value: ['0', '1'] },
    { name: 'Values', value: ['Off', 'On'] },
    { name: 'Units', value: 'Widgets' },
    { name: 'Override', value: 'State' },
    { name: 'Version', value: '1.1.0' },
  ], 'restated Description replaces in place; Restricted Version of the ancestor is dropped, its own kept');
  const leafState = reg.getClass('T_Leaf')?.property('state');
  t.same(names(leafState?.qualifiers), ['Description', 'ValueMap', 'Values', 'Units', 'Override']);
  t.equal(leafState?.qualifiers[0]?.value, 'mid state', 'Description inherited from the nearest declaration');
  const leafId = reg.getClass('T_Leaf')?.property('Id');
  t.same(leafId?.qualifiers, [{ name: 'Description', value: 'id' }, { name: 'MaxLen', value: 16 }, { name: 'Key', value: true }],
    'a propagated member loses Restricted qualifiers (Override, Version) and keeps the rest');
});

t.test('class qualifiers: Restricted ones (Abstract, Version, Experimental) are not inherited', async (t) => {
  const reg = registry(HIERARCHY);
  t.equal(reg.getClass('T_Root')?.isAbstract, true);
  t.equal(reg.getClass('T_Mid')?.isAbstract, false);
  t.same(reg.getClass('T_Mid')?.qualifiers, [
    { name: 'Description', value: 'mid' }, { name: 'Version', value: '1.1.0' }, { name: 'Experimental', value: true },
  ]);
  t.same(reg.getClass('T_Leaf')?.qualifiers, [{ name: 'Description', value: 'mid' }]);
});

t.test('methods flatten the same way, and parameter qualifiers merge', async (t) => {
  const reg = registry(HIERARCHY);
  const go = reg.getClass('T_Leaf')?.method('GO');
  t.equal(go?.declaredIn, 'T_Mid');
  t.equal(go?.classOrigin, 'T_Root');
  t.equal(go?.propagated, true);
  t.same(names(go?.qualifiers), ['Description', 'ValueMap', 'Values'], 'Override is Restricted: gone one level down');
  t.same(go?.parameters[0]?.qualifiers, [
    { name: 'IN', value: true }, { name: 'Description', value: 'mid p' },
    { name: 'ValueMap', value: ['1'] }, { name: 'Values', value: ['One'] },
  ]);
  t.equal(go?.parameters[1]?.refClass, 'T_Root');
});

t.test('keys follow the declarations that made them keys', async (t) => {
  const reg = registry(HIERARCHY, `
    [Abstract] class T_Sys { string Other; [Key] string Creation; [Key] string Name; };
    class T_Sub : T_Sys { [Override("Name"), Description("x")] string NAME; };`);
  t.same(reg.getClass('T_Leaf')?.keys, ['Id']);
  t.same(reg.getClass('T_Root')?.keys, []);
  t.same(reg.getClass('T_Sub')?.keys, ['Creation', 'Name']);
  t.equal(reg.getClass('T_Sub')?.property('name')?.name, 'Name', 'an override keeps its ancestor\'s spelling');
});

t.test('associations: references allowed, Association inherited, REF classes in canonical spelling', async (t) => {
  const reg = registry(HIERARCHY, `
    [Association, Version("1.0.0")] class T_Assoc { [Key] t_mid REF Antecedent; [Key] T_LEAF REF Dependent; };
    class T_SubAssoc : T_Assoc { [Override("Antecedent")] T_Leaf REF Antecedent; };`);
  const sub = reg.getClass('T_SubAssoc');
  t.equal(sub?.isAssociation, true);
  t.equal(reg.getClass('T_Mid')?.isAssociation, false);
  t.same(sub?.properties.map((p) => [p.name, p.type, p.refClass]), [
    ['Antecedent', 'reference', 'T_Leaf'], ['Dependent', 'reference', 'T_Leaf'],
  ], 'an overriding reference may narrow to a subclass');
  t.same(sub?.keys, ['Antecedent', 'Dependent']);
});

t.test('abstract, Indication and Exception classes need no key', async (t) => {
  const decl = `Qualifier Indication : boolean = false, Scope(class, indication), Flavor(DisableOverride);
    Qualifier Exception : boolean = false, Scope(class, indication), Flavor(DisableOverride);`;
  const reg = registry(decl, '[Indication] class T_Ind { string Msg; }; class T_SubInd : T_Ind { };', '[Exception] class T_Err { };');
  t.same(reg.getClass('T_SubInd')?.keys, []);
  t.ok(reg.hasClass('T_Err'));
});

const BASE = `[Abstract, Version("1.0.0")]
class T_Root {
    [Version("1.0.0"), MaxLen(16)] string Id;
    [Version("1.0.0"), ValueMap{"0", "1"}, Values{"Off", "On"}] uint16 State;
    string Tags[];
    [ValueMap{"0"}, Values{"OK"}] uint32 Go([IN] uint16 P);
};
class T_Keyed : T_Root {
    [Key, Override("Id")] string Id;
};
`;
const errors: Array<[string, string, string]> = [
  ['unknown superclass', 'class T_X : T_Nope {\n};', 'bad.mof:1:7: class T_X has unknown superclass T_Nope'],
  ['unknown REF class of a property', '[Association] class T_A {\n  [Key] T_Nope REF A;\n};', 'bad.mof:2:9: property T_A.A refers to unknown class T_Nope'],
  ['unknown REF class of a parameter', 'class T_A : T_Keyed {\n  uint32 M(T_Nope REF p);\n};', 'bad.mof:2:12: parameter p of method T_A.M refers to unknown class T_Nope'],
  ['duplicate class (any case)', 'class t_keyed : T_Root {\n};', 'bad.mof:1:7: class t_keyed is already declared at base.mof:8:7'],
  ['key added below a keyed class', 'class T_X : T_Keyed {\n  [Key] string Other;\n};', 'bad.mof:2:9: T_X.Other cannot become a key: superclass T_Keyed already has keys (Id)'],
  ['key on an array', 'class T_X : T_Root {\n  [Key] string Many[];\n};', 'bad.mof:2:9: key property T_X.Many cannot be an array'],
  ['concrete class without key', 'class T_X : T_Root {\n};', 'bad.mof:1:7: class T_X is not abstract but has no key property'],
  ['override of a missing property', 'class T_X : T_Keyed {\n  [Override("Missing")] string Missing;\n};', 'bad.mof:2:25: T_X.Missing overrides Missing, which no superclass of T_X declares'],
  ['override of a missing method', 'class T_X : T_Keyed {\n  [Override("Run")] uint32 Run();\n};', 'bad.mof:2:21: T_X.Run overrides Run, which no superclass of T_X declares'],
  ['redeclaration without Override', 'class T_X : T_Keyed {\n  string State;\n};', 'bad.mof:2:3: T_X.State redeclares T_Root.State without an Override qualifier'],
  ['Override naming another member', 'class T_X : T_Keyed {\n  [Override("Id")] string State;\n};', 'bad.mof:2:20: T_X.State has Override("Id"), which must name State itself'],
  ['override changing the type', 'class T_X : T_Keyed {\n  [Override("State")] uint32 State;\n};', 'bad.mof:2:23: property T_X.State overrides T_Root.State with a different type'],
  ['override changing array-ness', 'class T_X : T_Keyed {\n  [Override("Tags")] string Tags;\n};', 'bad.mof:2:22: property T_X.Tags overrides T_Root.Tags with a different type'],
  ['override changing the signature', 'class T_X : T_Keyed {\n  [Override("Go")] uint32 Go([IN] uint32 P);\n};', 'bad.mof:2:20: method T_X.Go overrides T_Root.Go with a different signature'],
  ['override changing the return type', 'class T_X : T_Keyed {\n  [Override("Go")] uint16 Go([IN] uint16 P);\n};', 'bad.mof:2:20: method T_X.Go overrides T_Root.Go with a different signature'],
  ['changing a DisableOverride qualifier', 'class T_X : T_Keyed {\n  [Override("Id"), Key(false)] string Id;\n};', 'bad.mof:2:32: T_X.Id cannot change qualifier Key: it is DisableOverride'],
  ['changing a DisableOverride parameter qualifier', 'class T_X : T_Keyed {\n  [Override("Go")] uint32 Go([IN(false)] uint16 P);\n};', 'bad.mof:2:42: parameter P of method T_X.Go cannot change qualifier IN: it is DisableOverride'],
  ['unknown qualifier', '[Kye] class T_X : T_Keyed {\n};', 'bad.mof:1:13: unknown qualifier Kye on class T_X'],
  ['qualifier outside its scope (method)', 'class T_X : T_Keyed {\n  [Key] uint32 M();\n};', 'bad.mof:2:9: qualifier Key is not allowed on a method (method T_X.M); its scope is property, reference'],
  ['qualifier outside its scope (class)', '[Key] class T_X : T_Keyed {\n};', 'bad.mof:1:13: qualifier Key is not allowed on a class (class T_X); its scope is property, reference'],
  ['qualifier value of the wrong type', 'class T_X : T_Keyed {\n  [MaxLen("long")] string S;\n};', 'bad.mof:2:20: qualifier MaxLen on property T_X.S needs a uint32 value, not "long"'],
  ['bare non-boolean qualifier', 'class T_X : T_Keyed {\n  [Description] string S;\n};', 'bad.mof:2:17: qualifier Description on property T_X.S needs a string value, not true'],
  ['array for a scalar qualifier', 'class T_X : T_Keyed {\n  [Description{"a"}] string S;\n};', 'bad.mof:2:22: qualifier Description on property T_X.S needs a string value, not ["a"]'],
  ['scalar for an array qualifier', 'class T_X : T_Keyed {\n  [ValueMap("1")] uint16 S;\n};', 'bad.mof:2:19: qualifier ValueMap on property T_X.S needs a string[] value, not "1"'],
  ['ValueMap and Values of different length', 'class T_X : T_Keyed {\n  [ValueMap{"1", "2"}, Values{"One"}] uint16 S;\n};', 'bad.mof:2:39: property T_X.S has 2 ValueMap entries but 1 Values'],
  ['ValueMap entry that is not a number', 'class T_X : T_Keyed {\n  [ValueMap{"1", "x"}] uint16 S;\n};', 'bad.mof:2:24: property T_X.S has ValueMap entry "x", which is neither an integer nor a range'],
  ['bad parameter ValueMap', 'class T_X : T_Keyed {\n  uint32 M([ValueMap{"1.5"}] uint16 p);\n};', 'bad.mof:2:30: parameter p of T_X.M has ValueMap entry "1.5", which is neither an integer nor a range'],
  ['bad method ValueMap', 'class T_X : T_Keyed {\n  [ValueMap{"a..b"}] uint32 M();\n};', 'bad.mof:2:22: method T_X.M has ValueMap entry "a..b", which is neither an integer nor a range'],
  ['overriding reference that widens', '[Association] class T_A { [Key] T_Keyed REF R; };\nclass T_B : T_A {\n  [Override("R")] T_Root REF R;\n};', 'bad.mof:3:19: property T_B.R refers to T_Root, which is not a T_Keyed as in T_A'],
  ['reference outside an association', 'class T_X : T_Keyed {\n  T_Keyed REF Other;\n};', 'bad.mof:2:3: property T_X.Other is a reference, but T_X is not an association'],
  ['inheritance cycle', 'class T_C1 : T_C2 {\n};\nclass T_C2 : T_C1 {\n};', 'bad.mof:1:7: class T_C1 inherits from itself'],
  ['duplicate qualifier declaration', 'Qualifier key : boolean, Scope(any);', 'bad.mof:1:11: qualifier key is already declared at schema/qualifiers.mof:14:11'],
  ['instance of an unknown class', 'instance of T_Nope {\n  Id = "x";\n};', 'bad.mof:1:1: instance of unknown class T_Nope'],
  ['instance with an unknown property', 'instance of T_Keyed {\n  Id = "x";\n  Nope = 1;\n};', 'bad.mof:3:3: class T_Keyed has no property Nope'],
];
for (const [title, mof, message] of errors) {
  t.test(`schema error: ${title}`, async (t) => {
    const err = t.throws(() => SchemaRegistry.fromDocuments([QUALS, parseMof(BASE, 'base.mof'), parseMof(mof, 'bad.mof')]),
      { name: 'SchemaError', message });
    t.ok(err instanceof SchemaError);
    const m = /^bad\.mof:(\d+):(\d+):/.exec(message);
    t.match(err, { file: 'bad.mof', line: Number(m?.[1]), column: Number(m?.[2]) });
  });
}

t.test('an error without a source position has no prefix', async (t) => {
  const err = new SchemaError(undefined, 'plain');
  t.same([err.message, err.file, err.line, err.column], ['plain', '', 0, 0]);
});
