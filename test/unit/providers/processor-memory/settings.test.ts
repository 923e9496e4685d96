// Xen_ProcessorSettingData and Xen_MemorySettingData (DSP1041 RASDs for DSP1044/DSP1045)
// against the simulator's VM records: one of each per guest and never for templates,
// snapshots or dom0; every mapped value; MiB rounding; the pools' range settings.
import t from 'tap';
import { CimStatus } from '../../../../src/cim/errors.js';
import { processorMemory } from '../../../../src/providers/processor-memory/profile.js';
import { systemVirtualization } from '../../../../src/providers/system-virtualization/profile.js';
import { virtualSystem } from '../../../../src/providers/virtual-system/profile.js';
import type { XenRecord } from '../../../../src/xenapi/values.js';
import { pathOf, providerModel, val, type ProviderModel } from '../../../helpers/provider-model.js';
import { field, guests } from '../../../helpers/xenapi.js';

const MiB = 1024 * 1024;
const NOT_FOUND = { code: CimStatus.NOT_FOUND };
let pm: ProviderModel;
let hostUuid: string;
let vms: Map<string, XenRecord>;
t.before(async () => {
  pm = await providerModel({ factories: [systemVirtualization, virtualSystem, processorMemory] });
  hostUuid = field([...pm.records('host').values()][0]!, 'uuid');
  vms = guests(pm.records('VM'));
});
t.teardown(() => pm.close());

const byName = (name: string): XenRecord => [...vms.values()].find((v) => field(v, 'name_label') === name)!;
const rasd = (cls: string, uuid: string, what: string) => pm.get(cls, { InstanceID: `Xen:${uuid}/${what}` });
const guestIds = (cls: string, what: string): string[] =>
  pm.enumerate(cls).map((i) => String(val(i, 'InstanceID'))).filter((id) => id.endsWith(`/${what}`) && !id.includes('Pool/'));

t.test('one processor and one memory RASD per guest; none for templates, snapshots or dom0', async (t) => {
  const expected = [...vms.values()].map((v) => field(v, 'uuid')).sort();
  t.equal(expected.length, 5);
  t.same(guestIds('Xen_ProcessorSettingData', 'Processor').map((id) => id.slice(4, -'/Processor'.length)).sort(), expected);
  t.same(guestIds('Xen_MemorySettingData', 'Memory').map((id) => id.slice(4, -'/Memory'.length)).sort(), expected);
  const others = [...pm.records('VM').values()].filter((v) => !vms.has([...pm.records('VM')].find(([, r]) => r === v)![0]));
  t.ok(others.some((v) => v['is_control_domain'] === true) && others.some((v) => v['is_a_snapshot'] === true) && others.some((v) => v['is_a_template'] === true));
  for (const vm of others) {
    t.throws(() => rasd('Xen_ProcessorSettingData', field(vm, 'uuid'), 'Processor'), NOT_FOUND, `no processor RASD for ${field(vm, 'name_label')}`);
    t.throws(() => rasd('Xen_MemorySettingData', field(vm, 'uuid'), 'Memory'), NOT_FOUND);
  }
});

t.test('processor settings map VCPUs_max, VCPUs_at_startup and the scheduler defaults', async (t) => {
  for (const vm of vms.values()) {
    const uuid = field(vm, 'uuid');
    const r = rasd('Xen_ProcessorSettingData', uuid, 'Processor');
    t.equal(val(r, 'ResourceType'), 3, 'Processor');
    t.equal(val(r, 'AllocationUnits'), 'count');
    t.equal(val(r, 'VirtualQuantity'), Number(field(vm, 'VCPUs_max')));
    t.equal(val(r, 'Reservation'), Number(field(vm, 'VCPUs_at_startup')));
    t.equal(val(r, 'Weight'), 256, 'the credit scheduler default: the fixture sets no VCPUs_params');
    t.equal(val(r, 'Limit'), null, 'uncapped');
    t.equal(val(r, 'PoolID'), `ProcessorPool/${hostUuid}`);
    t.equal(val(r, 'ConsumerVisibility'), 3, 'Virtualized');
    t.equal(val(r, 'ElementName'), 'Processor');
  }
  t.equal(val(rasd('Xen_ProcessorSettingData', field(byName('db-01'), 'uuid'), 'Processor'), 'VirtualQuantity'), 8);
});

t.test('VCPUs_params weight and cap become Weight and Limit; cap 0 or junk means none', async (t) => {
  const [ref, vm] = [...pm.records('VM')].find(([, v]) => field(v, 'name_label') === 'web-01')!;
  const uuid = field(vm, 'uuid');
  pm.patch('VM', ref, { VCPUs_params: { weight: '512', cap: '50' } });
  let r = rasd('Xen_ProcessorSettingData', uuid, 'Processor');
  t.equal(val(r, 'Weight'), 512);
  t.equal(val(r, 'Limit'), 50, 'percent of one physical CPU');
  pm.patch('VM', ref, { VCPUs_params: { weight: 'heavy', cap: '0' } });
  r = rasd('Xen_ProcessorSettingData', uuid, 'Processor');
  t.equal(val(r, 'Weight'), 256);
  t.equal(val(r, 'Limit'), null);
  pm.patch('VM', ref, { VCPUs_params: {} });
});

t.test('memory settings in MiB: static_max, dynamic_min, dynamic_max, and the Xen extras', async (t) => {
  for (const vm of vms.values()) {
    const uuid = field(vm, 'uuid');
    const r = rasd('Xen_MemorySettingData', uuid, 'Memory');
    const mib = (f: string): number => Number(field(vm, f)) / MiB;
    t.equal(val(r, 'ResourceType'), 4, 'Memory');
    t.equal(val(r, 'AllocationUnits'), 'byte*2^20');
    t.equal(val(r, 'VirtualQuantity'), mib('memory_static_max'));
    t.equal(val(r, 'Reservation'), mib('memory_dynamic_min'));
    t.equal(val(r, 'Limit'), mib('memory_dynamic_max'));
    t.equal(val(r, 'StaticMinimum'), mib('memory_static_min'));
    t.equal(val(r, 'Target'), mib('memory_target'));
    t.equal(val(r, 'PoolID'), `MemoryPool/${hostUuid}`);
    const live = ['Running', 'Paused'].includes(field(vm, 'power_state'));
    const metrics = pm.records('VM_metrics').get(field(vm, 'metrics'))!;
    t.equal(val(r, 'Actual'), live ? Number(field(metrics, 'memory_actual')) / MiB : null, `${field(vm, 'name_label')} ${field(vm, 'power_state')}`);
  }
  const db = rasd('Xen_MemorySettingData', field(byName('db-01'), 'uuid'), 'Memory');
  t.same([val(db, 'Reservation'), val(db, 'Limit'), val(db, 'VirtualQuantity')], [16384, 32768, 32768], 'db-01 balloons between 16 and 32 GiB');
});

t.test('byte counts that are not whole MiB round up, keeping the order of the limits', async (t) => {
  const [ref, vm] = [...pm.records('VM')].find(([, v]) => field(v, 'name_label') === 'build-agent')!;
  const G = 1024 * MiB;
  pm.patch('VM', ref, {
    memory_static_min: String(512 * MiB - 4096),
    memory_dynamic_min: String(G + 1),
    memory_dynamic_max: String(2 * G - 1),
    memory_static_max: String(2 * G),
  });
  const r = rasd('Xen_MemorySettingData', field(vm, 'uuid'), 'Memory');
  t.same([val(r, 'StaticMinimum'), val(r, 'Reservation'), val(r, 'Limit'), val(r, 'VirtualQuantity')], [512, 1025, 2048, 2048]);
  pm.patch('VM', ref, Object.fromEntries(['memory_static_min', 'memory_dynamic_min', 'memory_dynamic_max', 'memory_static_max'].map((f) => [f, vm[f]])));
  t.equal(val(rasd('Xen_MemorySettingData', field(vm, 'uuid'), 'Memory'), 'Reservation'), 8192);
});

t.test('a running VM whose metrics say 0 bytes has an unknown Actual, not 0', async (t) => {
  const vm = byName('web-01');
  const mref = field(vm, 'metrics');
  const old = pm.model.get('VM_metrics', mref)!;
  pm.patch('VM_metrics', mref, { memory_actual: '0' });
  t.equal(val(rasd('Xen_MemorySettingData', field(vm, 'uuid'), 'Memory'), 'Actual'), null);
  pm.model.apply([{ cls: 'VM_metrics', ref: mref, record: old }]);
  t.equal(val(rasd('Xen_MemorySettingData', field(vm, 'uuid'), 'Memory'), 'Actual'), 4096);
});

t.test('the VM settings aggregate exactly its two RASDs (VirtualSystemSettingDataComponent)', async (t) => {
  for (const vm of vms.values()) {
    const uuid = field(vm, 'uuid');
    const parts = pm.associators(pathOf('Xen_VirtualSystemSettingData', { InstanceID: `Xen:${uuid}` }), { assocClass: 'CIM_VirtualSystemSettingDataComponent' });
    t.same(parts.map((p) => `${p.className} ${String(val(p, 'InstanceID'))}`).sort(), [`Xen_MemorySettingData Xen:${uuid}/Memory`, `Xen_ProcessorSettingData Xen:${uuid}/Processor`]);
    const back = pm.associators(pathOf('Xen_MemorySettingData', { InstanceID: `Xen:${uuid}/Memory` }), { assocClass: 'CIM_VirtualSystemSettingDataComponent' });
    t.same(back.map((b) => val(b, 'InstanceID')), [`Xen:${uuid}`]);
  }
});

t.test('every guest RASD comes from its pool (ResourceAllocationFromPool); range settings do not', async (t) => {
  const fromPool = (cls: string, id: string) => pm.associators(pathOf(cls, { InstanceID: id }), { assocClass: 'CIM_ResourceAllocationFromPool' })
    .map((i) => String(val(i, 'InstanceID'))).sort();
  const uuids = [...vms.values()].map((v) => field(v, 'uuid')).sort();
  t.same(fromPool('Xen_ProcessorPool', `Xen:ProcessorPool/${hostUuid}`), uuids.map((u) => `Xen:${u}/Processor`));
  t.same(fromPool('Xen_MemoryPool', `Xen:MemoryPool/${hostUuid}`), uuids.map((u) => `Xen:${u}/Memory`));
  t.same(fromPool('Xen_ProcessorSettingData', `Xen:${uuids[0]}/Processor`), [`Xen:ProcessorPool/${hostUuid}`]);
});

t.test('the pools\' range settings: processors 1…host CPUs by 1, memory up to the host\'s by 1 MiB; the defaults DefineSystem gives', async (t) => {
  const proc = (p: string) => pm.get('Xen_ProcessorSettingData', { InstanceID: `Xen:ProcessorPool/${hostUuid}/${p}` });
  t.same(['Default', 'Minimum', 'Maximum', 'Increment'].map((p) => val(proc(p), 'VirtualQuantity')), [1, 1, 16, 1]);
  t.same(['Default', 'Minimum', 'Maximum', 'Increment'].map((p) => val(proc(p), 'Weight')), [256, 1, 65535, 1]);
  t.equal(val(proc('Maximum'), 'PoolID'), `ProcessorPool/${hostUuid}`);
  t.equal(val(proc('Maximum'), 'AllocationUnits'), 'count');
  const mem = (p: string) => pm.get('Xen_MemorySettingData', { InstanceID: `Xen:MemoryPool/${hostUuid}/${p}` });
  t.same([val(mem('Default'), 'VirtualQuantity'), val(mem('Maximum'), 'VirtualQuantity'), val(mem('Increment'), 'VirtualQuantity')], [1024, 131072, 1]);
  t.throws(() => mem('Minimum'), NOT_FOUND, 'XenAPI sets no lower bound on memory');
  t.throws(() => pm.get('Xen_ProcessorSettingData', { InstanceID: `Xen:ProcessorPool/${hostUuid}/Average` }), NOT_FOUND);
  t.throws(() => pm.get('Xen_ProcessorSettingData', { InstanceID: `Xen:MemoryPool/${hostUuid}/Maximum` }), NOT_FOUND, 'memory point in the processor class');
  const caps = pathOf('Xen_AllocationCapabilities', { InstanceID: `Xen:ProcessorPool/${hostUuid}/Capabilities` });
  const links = pm.references(caps, { resultClass: 'CIM_SettingsDefineCapabilities' });
  const ranges = links.map((l) => [String((l.get('PartComponent') as unknown as { keys: { value: unknown }[] }).keys[0]!.value).split('/').pop(), val(l, 'ValueRole'), val(l, 'ValueRange')]).sort();
  t.same(ranges, [['Default', 0, 0], ['Increment', 3, 3], ['Maximum', 3, 2], ['Minimum', 3, 1]], 'the default is a Default point, the rest Supported ranges');
  const memLinks = pm.associators(pathOf('Xen_AllocationCapabilities', { InstanceID: `Xen:MemoryPool/${hostUuid}/Capabilities` }), { assocClass: 'CIM_SettingsDefineCapabilities' });
  t.same(memLinks.map((l) => val(l, 'InstanceID')).sort(), [`Xen:MemoryPool/${hostUuid}/Default`, `Xen:MemoryPool/${hostUuid}/Increment`, `Xen:MemoryPool/${hostUuid}/Maximum`]);
});

t.test('a halted VM\'s settings name the pool of its affinity host, else the master', async (t) => {
  const [ref, vm] = [...pm.records('VM')].find(([, v]) => field(v, 'name_label') === 'build-agent')!;
  t.equal(field(vm, 'resident_on'), 'OpaqueRef:NULL');
  t.equal(val(rasd('Xen_ProcessorSettingData', field(vm, 'uuid'), 'Processor'), 'PoolID'), `ProcessorPool/${hostUuid}`);
  t.ok(ref);
});
