import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parseMof } from '../../../src/cim/mof-parser.js';
import { defaultSchemaDir, loadSchemaDir, SchemaRegistry } from '../../../src/cim/schema-registry.js';
import type { SchemaView } from '../../../src/cim/schema-view.js';

const schema = loadSchemaDir('schema');

t.test('the real schema loads every class file, each after its superclass', async (t) => {
  const names = schema.classNames();
  const files = ['cim', 'xen'].flatMap((d) => readdirSync(join('schema', d)).filter((f) => f.endsWith('.mof')).map((f) => f.slice(0, -4)));
  t.same([...names].sort(), files.sort(), 'one class per file, every file included');
  for (const n of names) {
    const sup = schema.getClass(n)?.superclass;
    if (sup) t.ok(names.indexOf(sup) < names.indexOf(n), `${sup} comes before ${n}`);
  }
  for (const n of ['CIM_ManagedElement', 'CIM_ComputerSystem', 'Xen_ComputerSystem', 'Xen_HostComputerSystem', 'CIM_ConcreteJob']) t.ok(names.includes(n), n);
  t.equal(schema.instances.length, 0);
});

t.test('defaultSchemaDir points at the repository schema/', async (t) => {
  t.same(loadSchemaDir(defaultSchemaDir()).classNames(), schema.classNames());
});

t.test('lookups are case-insensitive and return canonical spelling', async (t) => {
  const cs = schema.getClass('xen_COMPUTERSYSTEM');
  t.equal(cs?.name, 'Xen_ComputerSystem');
  t.equal(cs?.superclass, 'CIM_ComputerSystem');
  t.ok(schema.hasClass('cim_system'));
  t.notOk(schema.hasClass('CIM_Nope'));
  t.equal(schema.getClass('CIM_Nope'), undefined);
  t.equal(cs?.property('enabledstate')?.name, 'EnabledState');
  t.equal(cs?.method('REQUESTSTATECHANGE')?.name, 'RequestStateChange');
  t.equal(cs?.property('Nope'), undefined);
});

t.test('Xen_ComputerSystem: keys, ancestry, flags and flattened members', async (t) => {
  const cs = schema.getClass('Xen_ComputerSystem');
  t.same(cs?.keys, ['CreationClassName', 'Name']);
  t.same(cs?.ancestry, [
    'Xen_ComputerSystem', 'CIM_ComputerSystem', 'CIM_System', 'CIM_EnabledLogicalElement', 'CIM_LogicalElement',
    'CIM_ManagedSystemElement', 'CIM_ManagedElement',
  ]);
  t.equal(cs?.isAbstract, false);
  t.equal(cs?.isAssociation, false);
  t.same(cs?.properties.map((p) => p.name), [
    'InstanceID', 'Caption', 'Description', 'ElementName', 'InstallDate', 'Name', 'OperationalStatus',
    'StatusDescriptions', 'HealthState', 'EnabledState', 'OtherEnabledState', 'RequestedState', 'EnabledDefault',
    'TimeOfLastStateChange', 'AvailableRequestedStates', 'TransitioningToState', 'CreationClassName', 'NameFormat',
    'PrimaryOwnerName', 'PrimaryOwnerContact', 'Roles', 'Dedicated', 'OtherIdentifyingInfo', 'IdentifyingDescriptions',
  ]);
  const name = cs?.property('Name');
  t.same([name?.classOrigin, name?.declaredIn], ['CIM_ManagedSystemElement', 'CIM_System']);
  t.same(name?.qualifiers.find((q) => q.name === 'MaxLen')?.value, 256, 'the override\'s MaxLen wins');
  t.equal(cs?.property('NameFormat')?.declaredIn, 'CIM_ComputerSystem');
  t.equal(cs?.property('EnabledState')?.defaultValue, 5);
  const rsc = cs?.method('RequestStateChange');
  t.same(rsc?.parameters.map((p) => [p.name, p.type, p.refClass ?? '']), [
    ['RequestedState', 'uint16', ''], ['Job', 'reference', 'CIM_ConcreteJob'], ['TimeoutPeriod', 'datetime', ''],
  ]);
  t.same(schema.getClass('Xen_HostComputerSystem')?.keys, ['CreationClassName', 'Name']);
  t.same(schema.getClass('CIM_ConcreteJob')?.keys, ['InstanceID']);
  t.equal(schema.getClass('CIM_System')?.isAbstract, true);
});

t.test('isA follows the ancestry, case-insensitively', async (t) => {
  t.ok(schema.isA('Xen_ComputerSystem', 'cim_managedelement'));
  t.ok(schema.isA('xen_computersystem', 'Xen_ComputerSystem'), 'a class is itself');
  t.notOk(schema.isA('CIM_ComputerSystem', 'Xen_ComputerSystem'));
  t.notOk(schema.isA('Xen_ComputerSystem', 'CIM_Job'));
  t.notOk(schema.isA('CIM_Nope', 'CIM_ManagedElement'));
});

t.test('subclassesOf: deep or direct, with or without the class, in a stable order', async (t) => {
  t.same(schema.subclassesOf('CIM_ComputerSystem', { deep: false }), ['CIM_VirtualEthernetSwitch', 'Xen_ComputerSystem', 'Xen_HostComputerSystem']);
  t.same(schema.subclassesOf('cim_computersystem', { deep: true, includeSelf: true }),
    ['CIM_ComputerSystem', 'CIM_VirtualEthernetSwitch', 'Xen_VirtualSwitch', 'Xen_ComputerSystem', 'Xen_HostComputerSystem'], 'depth first, siblings by name');
  t.same(schema.subclassesOf('CIM_Job', { deep: false }), ['CIM_ConcreteJob']);
  const logical = schema.subclassesOf('CIM_LogicalElement');
  t.ok(logical.indexOf('CIM_System') < logical.indexOf('CIM_ComputerSystem') && logical.indexOf('CIM_ComputerSystem') < logical.indexOf('Xen_ComputerSystem'), 'each class before its subclasses');
  t.same([...logical].sort(), schema.classNames().filter((n) => n !== 'CIM_LogicalElement' && schema.isA(n, 'CIM_LogicalElement')).sort(), 'deep means every descendant');
  t.same(schema.subclassesOf('Xen_ComputerSystem'), []);
  t.same(schema.subclassesOf('CIM_Nope', { includeSelf: true }), []);
  t.equal(schema.subclassesOf('CIM_System'), schema.subclassesOf('cim_system', {}), 'answers are cached');
  t.ok(Object.isFrozen(schema.subclassesOf('CIM_System')), '… and frozen, so callers cannot spoil the cache');
});

t.test('the registry is what the CIM object manager consumes (SchemaView)', async (t) => {
  const view: SchemaView = schema;
  t.same(view.getClass('Xen_HostComputerSystem')?.keys, ['CreationClassName', 'Name']);
});

t.test('lifecycle from Version, Experimental and Deprecated', async (t) => {
  t.same(schema.lifecycle('Xen_ComputerSystem'), { version: '0.1.0', experimental: false });
  t.same(schema.lifecycle('CIM_ComputerSystem'), { version: '2.22.0', experimental: false });
  t.same(schema.lifecycle('Xen_ComputerSystem', 'name'), { version: '2.22.0', experimental: false },
    'an inherited member reports the declaration in effect');
  t.same(schema.lifecycle('Xen_ComputerSystem', 'RequestStateChange'), { version: '2.22.0', experimental: false });
  t.equal(schema.lifecycle('CIM_Nope'), undefined);
  t.equal(schema.lifecycle('Xen_ComputerSystem', 'Nope'), undefined);

  const reg = SchemaRegistry.fromDocuments([
    parseMof(`Qualifier Version : string = null, Scope(any), Flavor(Restricted);
      Qualifier Experimental : boolean = false, Scope(any), Flavor(Restricted);
      Qualifier Deprecated : string[], Scope(any), Flavor(Restricted);
      Qualifier Override : string = null, Scope(property, method), Flavor(Restricted);
      Qualifier Key : boolean = false, Scope(property), Flavor(DisableOverride);`, 'q.mof'),
    parseMof(`[Version("1.0.0"), Experimental] class T_A {
        [Key, Version("1.0.0")] string Id;
        [Version("1.0.0"), Deprecated{"T_A.New", "T_B.Other"}] string Old;
        [Version("1.2.0"), Experimental] string New;
        [Deprecated{}] uint32 Gone();
      };
      [Deprecated{"T_A"}] class T_B : T_A {
        [Override("New")] string New;
        [Override("Old"), Version("2.0.0")] string Old;
      };`, 'c.mof'),
  ]);
  t.same(reg.lifecycle('T_A'), { version: '1.0.0', experimental: true });
  t.same(reg.lifecycle('T_B'), { experimental: false, deprecated: ['T_A'] }, 'class qualifiers are Restricted');
  t.same(reg.lifecycle('T_A', 'Old'), { version: '1.0.0', experimental: false, deprecated: ['T_A.New', 'T_B.Other'] });
  t.same(reg.lifecycle('T_A', 'Gone'), { experimental: false, deprecated: [] }, 'deprecated without replacement');
  t.same(reg.lifecycle('T_B', 'New'), { version: '1.2.0', experimental: false },
    'an override without Version keeps the version it first appeared in; Experimental is restated or dropped');
  t.same(reg.lifecycle('T_B', 'old'), { version: '2.0.0', experimental: false }, 'an override may un-deprecate');
  t.same(reg.lifecycle('T_B', 'Id'), { version: '1.0.0', experimental: false });
});

t.test('valueMap describes and validates values of properties, methods and parameters', async (t) => {
  const enabled = schema.valueMap('Xen_ComputerSystem', 'EnabledState');
  t.equal(enabled?.get(2), 'Enabled');
  t.equal(enabled?.get('9'), 'Quiesce');
  t.equal(enabled?.get(11), 'DMTF Reserved');
  t.equal(enabled?.get(40000n), 'Vendor Reserved');
  t.notOk(enabled?.has(70000));
  t.equal(enabled?.entries[0]?.value, '0');
  const opStatus = schema.valueMap('CIM_ManagedSystemElement', 'OperationalStatus');
  t.equal(opStatus?.get(19), 'Relocating');
  t.equal(opStatus?.get(20), 'DMTF Reserved');
  t.equal(opStatus?.get(0x8001), 'Vendor Reserved', 'a bounded range wins over ".."');
  t.equal(schema.valueMap('Xen_ComputerSystem', 'RequestStateChange')?.get(4097), 'Invalid State Transition');
  t.equal(schema.valueMap('Xen_ComputerSystem', 'RequestStateChange')?.get(7), 'DMTF Reserved');
  t.equal(schema.valueMap('Xen_ComputerSystem', 'requeststatechange', 'requestedstate')?.get(10), 'Reboot');
  const requested = schema.valueMap('Xen_ComputerSystem', 'RequestStateChange', 'RequestedState');
  t.ok(requested?.has(0), '0 falls in the reserved ".." range');
  t.notOk(requested?.listed(0), '… but is not a listed, requestable state');
  t.ok(requested?.listed(10));
  t.equal(schema.valueMap('Xen_ComputerSystem', 'Dedicated')?.get(3), 'Storage');
  t.ok(schema.valueMap('Xen_ComputerSystem', 'NameFormat')?.has('IP'), 'string ValueMaps match exactly');
  t.notOk(schema.valueMap('Xen_ComputerSystem', 'NameFormat')?.has('ip'));
  t.equal(schema.valueMap('Xen_ComputerSystem', 'ElementName'), undefined);
  t.equal(schema.valueMap('CIM_Nope', 'EnabledState'), undefined);
});

t.test('qualifier types and declared defaults', async (t) => {
  t.equal(schema.qualifierType('key')?.name, 'Key');
  t.equal(schema.qualifierType('Nope'), undefined);
  const job = schema.getClass('CIM_ConcreteJob');
  t.ok(job !== undefined);
  const [requested, jobParam] = schema.getClass('CIM_EnabledLogicalElement')?.method('RequestStateChange')?.parameters ?? [];
  t.equal(schema.qualifierValue(requested?.qualifiers ?? [], 'In'), true);
  t.equal(schema.qualifierValue(jobParam?.qualifiers ?? [], 'In'), false);
  t.equal(schema.qualifierValue(jobParam?.qualifiers ?? [], 'Out'), true);
  t.equal(schema.qualifierValue([], 'Out'), false, 'falls back to the declared default');
  t.equal(schema.qualifierValue([], 'Undeclared'), null);
});

t.test('every schema class, property and method carries a Version; concrete classes are not abstract', async (t) => {
  for (const name of schema.classNames()) {
    const cls = schema.getClass(name);
    const decl = cls?.declaration;
    t.ok(schema.lifecycle(name)?.version, `${name} has a Version`);
    // Xen_ classes carry the gateway release that introduced them, CIM_ ones the DMTF schema release.
    t.match(schema.lifecycle(name)?.version, name.startsWith('Xen_') ? /^0\.\d+\.0$/ : /^2\.(22|26)\.0$/);
    for (const m of [...(decl?.properties ?? []), ...(decl?.methods ?? [])]) {
      t.ok(m.qualifiers.some((q) => q.name === 'Version'), `${name}.${m.name} has a Version`);
    }
  }
  for (const name of ['Xen_ComputerSystem', 'Xen_HostComputerSystem', 'CIM_ComputerSystem', 'CIM_ConcreteJob']) {
    t.equal(schema.getClass(name)?.isAbstract, false, `${name} is concrete`);
  }
});

t.test('loadSchemaDir', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'schema-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, text: string): void => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  const QUAL = 'Qualifier Key : boolean = false, Scope(property), Flavor(DisableOverride);\n';

  await t.test('without an index, reads every .mof file below the directory', async (t) => {
    write('noindex/b/second.mof', 'class T_B : T_A { };');
    write('noindex/a.mof', `${QUAL}class T_A { [Key] string Id; };`);
    write('noindex/readme.txt', 'not mof');
    t.same(loadSchemaDir(join(dir, 'noindex')).classNames(), ['T_A', 'T_B']);
  });

  await t.test('with an index, follows includes relative to the including file', async (t) => {
    write('idx/index.mof', '#pragma include("sub/all.mof")\n');
    write('idx/sub/all.mof', '#pragma include("q.mof")\n#pragma include("../cls.mof")\n');
    write('idx/sub/q.mof', QUAL);
    write('idx/cls.mof', 'class T_A { [Key] string Id; };');
    write('idx/ignored.mof', 'this is not read');
    t.same(loadSchemaDir(join(dir, 'idx')).classNames(), ['T_A']);
  });

  await t.test('a missing include is an error at the pragma', async (t) => {
    write('missing/index.mof', '\n  #pragma include("gone.mof")\n');
    t.throws(() => loadSchemaDir(join(dir, 'missing')), {
      name: 'SchemaError', message: `${join(dir, 'missing', 'index.mof')}:2:3: cannot read ${join(dir, 'missing', 'gone.mof')} (ENOENT)`,
    });
  });

  await t.test('including a file twice is an error', async (t) => {
    write('twice/index.mof', '#pragma include("a.mof")\n#pragma include("./a.mof")\n');
    write('twice/a.mof', '');
    t.throws(() => loadSchemaDir(join(dir, 'twice')), {
      message: `${join(dir, 'twice', 'index.mof')}:2:1: ${join(dir, 'twice', 'a.mof')} is included more than once`,
    });
  });

  await t.test('syntax errors name the file they are in', async (t) => {
    write('broken/index.mof', '#pragma include("bad.mof")\n');
    write('broken/bad.mof', 'class T_A {\n  strin Id;\n};');
    t.throws(() => loadSchemaDir(join(dir, 'broken')), { name: 'MofSyntaxError', file: join(dir, 'broken', 'bad.mof'), line: 2, column: 3 });
  });

  await t.test('a missing directory is an error naming it', async (t) => {
    t.throws(() => loadSchemaDir(join(dir, 'nowhere')), {
      name: 'SchemaError', message: `cannot read schema directory ${join(dir, 'nowhere')} (ENOENT)`,
    });
  });
});
