// Shared fixtures for the query tests: the real schema (only the ComputerSystem classes are relied on), a small
// extra schema with the types the real classes lack (uint64, real, boolean, char16, references), and instances.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CimInstance } from '../../../../src/cim/instance.js';
import { parseMof } from '../../../../src/cim/mof-parser.js';
import { ObjectPath } from '../../../../src/cim/object-path.js';
import { defaultSchemaDir, loadSchemaDir, SchemaRegistry } from '../../../../src/cim/schema-registry.js';
import { CimDateTime, type CimValue } from '../../../../src/cim/types.js';

export const schema = loadSchemaDir(defaultSchemaDir());

const NS = 'root/cimv2';

function system(cls: string, name: string, props: Record<string, CimValue>): CimInstance {
  const keys = [{ name: 'CreationClassName', value: cls }, { name: 'Name', value: name }];
  return new CimInstance(cls, new ObjectPath(NS, cls, keys), [
    ['CreationClassName', cls], ['Name', name], ...Object.entries(props),
  ]);
}

const at = (iso: string): CimDateTime => CimDateTime.timestamp(new Date(iso));

/** Eight computer systems: six guests, the host, and one with every filtered property NULL. */
export const systems: readonly CimInstance[] = [
  system('Xen_ComputerSystem', 'vm-1', {
    ElementName: 'Web Server', EnabledState: 2, OperationalStatus: [2], HealthState: 5,
    InstallDate: at('2024-01-15T10:00:00Z'), Description: null, Roles: ['web', 'frontend'],
  }),
  system('Xen_ComputerSystem', 'vm-2', {
    ElementName: 'web server', EnabledState: 3, OperationalStatus: [2, 6], HealthState: 20,
    InstallDate: at('2023-06-01T00:00:00Z'), Description: 'Test VM', Roles: [],
  }),
  system('Xen_ComputerSystem', 'vm-3', {
    ElementName: '100% CPU_test', EnabledState: 9, OperationalStatus: [10], HealthState: 25,
    InstallDate: at('2024-03-01T12:30:00Z'), Description: 'c:\\temp', Roles: ['batch'],
  }),
  system('Xen_ComputerSystem', 'vm-4', {
    ElementName: 'DB_backup', EnabledState: 6n, OperationalStatus: [], HealthState: '5',
    InstallDate: null, Description: "it's", Roles: null,
  }),
  system('Xen_ComputerSystem', 'vm-5', {
    ElementName: null, EnabledState: null, OperationalStatus: null, HealthState: null,
    InstallDate: null, Description: null, Roles: null,
  }),
  system('Xen_ComputerSystem', 'vm-6', {
    ElementName: 'DBXbackup', EnabledState: '3', OperationalStatus: [6], HealthState: 30,
    InstallDate: CimDateTime.interval(1000), Description: '', Roles: ['db'],
  }),
  system('Xen_HostComputerSystem', 'host-1', {
    ElementName: 'xenhost01', EnabledState: 2, OperationalStatus: [2], HealthState: 5,
    InstallDate: at('2022-12-31T23:59:59Z'), Description: 'Xen host', Roles: ['host'],
  }),
  // a provider that leaves properties out entirely: they read as NULL
  system('Xen_ComputerSystem', 'vm-7', { ElementName: 'sparse' }),
];

/** Names of the systems a predicate keeps, in order. */
export function names(list: readonly CimInstance[]): string[] {
  return list.map((i) => String(i.get('Name')));
}

const TEST_MOF = `
class Test_Element {
  [Key] string InstanceID;
  uint64 Capacity;
  sint32 Delta;
  real64 Ratio;
  boolean Enabled;
  datetime Started;
  char16 Grade;
  string Tags[];
  uint64 Sizes[];
};
class Test_Sub : Test_Element {
};
class Test_Other {
  [Key] string InstanceID;
};
[Association]
class Test_Link {
  [Key] Test_Element REF Antecedent;
  [Key] Test_Element REF Dependent;
  Test_Other REF Extra;
};
`;

const qualifiers = readFileSync(join(defaultSchemaDir(), 'qualifiers.mof'), 'utf8');

/** Test-only classes for the types and references the served classes do not have. */
export const testSchema = SchemaRegistry.fromDocuments([parseMof(qualifiers, 'qualifiers.mof'), parseMof(TEST_MOF, 'test.mof')]);

export function element(id: string, props: Record<string, CimValue>, cls = 'Test_Element'): CimInstance {
  return new CimInstance(cls, new ObjectPath(NS, cls, [{ name: 'InstanceID', value: id }]), [
    ['InstanceID', id], ...Object.entries(props),
  ]);
}

export function elementPath(id: string, cls = 'Test_Element', ns = NS): ObjectPath {
  return new ObjectPath(ns, cls, [{ name: 'InstanceID', value: id }]);
}
