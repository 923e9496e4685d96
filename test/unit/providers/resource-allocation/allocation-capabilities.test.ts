// DSP1043 allocation capabilities for every pool a profile contributes (the pools.ts contract):
// first over the real processor and memory pools, then with pool kinds made up here, the way
// another profile plugs in.
import t from 'tap';
import { CimStatus } from '../../../../src/cim/errors.js';
import { ALLOCATION_CAPABILITIES_CLASS, capabilitiesIdOf, poolIdOfCapabilities, type PoolKind } from '../../../../src/providers/pools.js';
import { processorMemory } from '../../../../src/providers/processor-memory/profile.js';
import { resourceAllocation } from '../../../../src/providers/resource-allocation/profile.js';
import { systemVirtualization } from '../../../../src/providers/system-virtualization/profile.js';
import { virtualSystem } from '../../../../src/providers/virtual-system/profile.js';
import { pathOf, providerModel, val, type ProviderModel } from '../../../helpers/provider-model.js';
import { field } from '../../../helpers/xenapi.js';

let pm: ProviderModel;
let hostUuid: string;
t.before(async () => {
  pm = await providerModel({ factories: [systemVirtualization, virtualSystem, processorMemory] });
  hostUuid = field([...pm.records('host').values()][0]!, 'uuid');
});
t.teardown(() => pm.close());

t.test('one Xen_AllocationCapabilities per processor and memory pool', async (t) => {
  const caps = pm.enumerate('CIM_AllocationCapabilities');
  t.same(caps.map((c) => val(c, 'InstanceID')).sort(), [`Xen:MemoryPool/${hostUuid}/Capabilities`, `Xen:ProcessorPool/${hostUuid}/Capabilities`]);
  const proc = pm.get('Xen_AllocationCapabilities', { InstanceID: `Xen:ProcessorPool/${hostUuid}/Capabilities` });
  t.equal(val(proc, 'ResourceType'), 3);
  t.equal(val(proc, 'RequestTypesSupported'), 2, 'Allocation Settings Only: an amount, not chosen CPUs');
  t.equal(val(proc, 'SharingMode'), 3, 'Shared: CPUs are time-shared');
  t.same(val(proc, 'SupportedAddStates'), [3], 'VCPUs_max changes on a Halted VM only');
  t.same(val(proc, 'SupportedRemoveStates'), [3]);
  t.ok(String(val(proc, 'ElementName')).length > 0);
  const mem = pm.get('Xen_AllocationCapabilities', { InstanceID: `Xen:MemoryPool/${hostUuid}/Capabilities` });
  t.equal(val(mem, 'ResourceType'), 4);
  t.equal(val(mem, 'SharingMode'), 2, 'Dedicated: a page belongs to one domain');
  t.same(val(mem, 'SupportedAddStates'), [3], 'memory_static_max changes on a Halted VM only');
  t.throws(() => pm.get('Xen_AllocationCapabilities', { InstanceID: `Xen:ProcessorPool/${hostUuid}` }), { code: CimStatus.NOT_FOUND }, 'the pool\'s own InstanceID');
  t.throws(() => pm.get('Xen_AllocationCapabilities', { InstanceID: 'Xen:Nothing/Capabilities' }), { code: CimStatus.NOT_FOUND });
});

t.test('each pool reaches its capabilities by ElementCapabilities, and back', async (t) => {
  for (const [cls, kind] of [['Xen_ProcessorPool', 'ProcessorPool'], ['Xen_MemoryPool', 'MemoryPool']] as const) {
    const pool = pathOf(cls, { InstanceID: `Xen:${kind}/${hostUuid}` });
    const caps = pm.associators(pool, { assocClass: 'CIM_ElementCapabilities' });
    t.same(caps.map((c) => val(c, 'InstanceID')), [`Xen:${kind}/${hostUuid}/Capabilities`]);
    const back = pm.associators(pathOf(ALLOCATION_CAPABILITIES_CLASS, { InstanceID: `Xen:${kind}/${hostUuid}/Capabilities` }), { assocClass: 'CIM_ElementCapabilities' });
    t.same(back.map((b) => `${b.className} ${String(val(b, 'InstanceID'))}`), [`${cls} Xen:${kind}/${hostUuid}`]);
  }
});

t.test('DSP1041 is conformed to by the pools, DSP1043 by the capabilities', async (t) => {
  const profile = (name: string) => pm.enumerate('Xen_RegisteredProfile', 'root/interop').find((p) => val(p, 'RegisteredName') === name)!;
  const conformant = (name: string) => pm.associators(profile(name).path, { assocClass: 'CIM_ElementConformsToProfile' }).map((i) => `${i.className} ${String(val(i, 'InstanceID'))}`).sort();
  t.same(conformant('Resource Allocation'), [`Xen_MemoryPool Xen:MemoryPool/${hostUuid}`, `Xen_ProcessorPool Xen:ProcessorPool/${hostUuid}`]);
  t.same(conformant('Allocation Capabilities'), [`Xen_AllocationCapabilities Xen:MemoryPool/${hostUuid}/Capabilities`, `Xen_AllocationCapabilities Xen:ProcessorPool/${hostUuid}/Capabilities`]);
  t.same(conformant('Processor Resource Virtualization'), [`Xen_ProcessorPool Xen:ProcessorPool/${hostUuid}`]);
  t.same(conformant('Memory Resource Virtualization'), [`Xen_MemoryPool Xen:MemoryPool/${hostUuid}`]);
});

// A made-up pool kind, as a storage or network profile declares one.
const records = new Map<string, object>([['Disk/a', { n: 1 }], ['Disk/b', { n: 2 }]]);
const diskKind: PoolKind = {
  poolClass: 'Xen_TestDiskPool',
  dependsOn: ['SR'],
  ids: () => records.keys(),
  source: (id) => records.get(id),
  allocation: (id, source) => ({
    elementName: `Disks of ${id}`,
    resourceType: 17,
    resourceSubType: `n${(source as { n: number }).n}`,
    requestTypesSupported: 4,
    sharingMode: 3,
    supportedAddStates: [2, 3],
    supportedRemoveStates: [3],
  }),
};
const netKind: PoolKind = {
  poolClass: 'Xen_TestNetPool',
  namespace: 'root/virt',
  dependsOn: ['network'],
  ids: () => ['Net/x'],
  source: (id) => (id === 'Net/x' ? {} : undefined),
  allocation: () => ({ elementName: 'Net', resourceType: 33, requestTypesSupported: 2, sharingMode: 3, supportedAddStates: [2], supportedRemoveStates: [2] }),
};

t.test('contract: any profile\'s pool kinds get capabilities, the ElementCapabilities row and both central instances', async (t) => {
  const parts = resourceAllocation([diskKind, netKind]);
  t.equal(parts.name, 'resource-allocation');
  const [spec] = parts.specs;
  t.equal(parts.specs.length, 1, 'a single spec serves the class for every kind');
  t.equal(spec!.className, ALLOCATION_CAPABILITIES_CLASS);
  t.same([...spec!.dependsOn].sort(), ['SR', 'network']);
  t.same([...spec!.ids()], ['Disk/a/Capabilities', 'Disk/b/Capabilities', 'Net/x/Capabilities']);
  const src = spec!.source('Disk/b/Capabilities')!;
  t.equal(src, records.get('Disk/b'), 'memoized on the pool\'s own source');
  t.same(spec!.properties('Disk/b/Capabilities', src), {
    ElementName: 'Disks of Disk/b', Description: null, ResourceType: 17, ResourceSubType: 'n2', RequestTypesSupported: 4,
    SharingMode: 3, SupportedAddStates: [2, 3], SupportedRemoveStates: [3],
  });
  t.same(spec!.keys('Net/x/Capabilities', {}), [{ name: 'InstanceID', value: 'Xen:Net/x/Capabilities' }]);
  t.equal(spec!.idFromKeys(new Map([['instanceid', 'Xen:Net/x/Capabilities']])), 'Net/x/Capabilities');
  t.equal(spec!.source('Net/y/Capabilities'), undefined, 'no such pool');
  t.equal(spec!.source('Net/x'), undefined, 'a pool id is not a capabilities id');
  t.same(spec!.properties('Net/y/Capabilities', {}), {}, 'a pool gone between source and properties');

  t.same(parts.links.map((l) => [l.association, l.row.ends[0].className, l.row.ends[0].namespace, l.row.ends[1].className]), [
    ['Xen_ElementCapabilities', 'Xen_TestDiskPool', 'root/cimv2', ALLOCATION_CAPABILITIES_CLASS],
    ['Xen_ElementCapabilities', 'Xen_TestNetPool', 'root/virt', ALLOCATION_CAPABILITIES_CLASS],
  ]);
  t.same([...parts.links[0]!.row.pairs()], [['Disk/a', 'Disk/a/Capabilities'], ['Disk/b', 'Disk/b/Capabilities']]);
  t.same(parts.central.map((c) => [c.profile, c.end.className, [...c.ids()]]), [
    ['DSP1041', 'Xen_TestDiskPool', ['Disk/a', 'Disk/b']],
    ['DSP1041', 'Xen_TestNetPool', ['Net/x']],
    ['DSP1043', ALLOCATION_CAPABILITIES_CLASS, ['Disk/a/Capabilities', 'Disk/b/Capabilities', 'Net/x/Capabilities']],
  ]);
});

t.test('contract: without pools there is nothing to serve', async (t) => {
  const parts = resourceAllocation([]);
  t.same([parts.specs.length, parts.links.length, parts.central.length], [0, 0, 0]);
});

t.test('capabilities ids are the pool id plus /Capabilities', async (t) => {
  t.equal(capabilitiesIdOf('StoragePool/x'), 'StoragePool/x/Capabilities');
  t.equal(poolIdOfCapabilities('StoragePool/x/Capabilities'), 'StoragePool/x');
  t.equal(poolIdOfCapabilities('/Capabilities'), undefined);
  t.equal(poolIdOfCapabilities('StoragePool/x'), undefined);
});
