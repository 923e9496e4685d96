// Xen_ProcessorPool and Xen_MemoryPool against the simulator's own host, host_cpu,
// host_metrics and VM records: one of each per host, their keys, and every mapped value with
// its units (DSP1041 pools; DSP1044/DSP1045).
import t from 'tap';
import { pathOf, providerModel, val, type ProviderModel } from '../../../helpers/provider-model.js';
import { field } from '../../../helpers/xenapi.js';
import type { XenRecord } from '../../../../src/xenapi/values.js';
import { CimStatus } from '../../../../src/cim/errors.js';

const NOT_FOUND = { code: CimStatus.NOT_FOUND };

const MiB = 1024 * 1024;
let pm: ProviderModel;
let hostRef: string;
let host: XenRecord;
t.before(async () => {
  pm = await providerModel();
  [hostRef, host] = [...pm.records('host')][0]!;
});
t.teardown(() => pm.close());

const isGuest = (vm: XenRecord): boolean => vm['is_a_template'] !== true && vm['is_a_snapshot'] !== true && vm['is_control_domain'] !== true;

/** vCPUs the guests with a domain on the host hold, from the simulator's records. */
function expectedVcpus(): number {
  let n = 0;
  for (const vm of pm.records('VM').values()) {
    if (!isGuest(vm) || !['Running', 'Paused'].includes(field(vm, 'power_state')) || field(vm, 'resident_on') !== hostRef) continue;
    const live = Number(field(pm.records('VM_metrics').get(field(vm, 'metrics'))!, 'VCPUs_number'));
    n += live > 0 ? live : Number(field(vm, 'VCPUs_at_startup'));
  }
  return n;
}

t.test('one processor pool per host, keyed and identified by the host uuid', async (t) => {
  const pools = pm.enumerate('Xen_ProcessorPool');
  const uuid = field(host, 'uuid');
  t.equal(pools.length, pm.records('host').size);
  const [p] = pools;
  t.equal(val(p, 'InstanceID'), `Xen:ProcessorPool/${uuid}`);
  t.equal(val(p, 'PoolID'), `ProcessorPool/${uuid}`);
  t.equal(val(p, 'ResourceType'), 3, 'Processor');
  t.equal(val(p, 'Primordial'), true);
  t.equal(val(p, 'AllocationUnits'), 'count');
  t.equal(val(p, 'ElementName'), `Processors of ${field(host, 'name_label')}`);
  const cpus = [...pm.records('host_cpu').values()].filter((c) => field(c, 'host') === hostRef);
  t.equal(cpus.length, 16, 'the fixture host has 16 CPUs');
  t.equal(val(p, 'Capacity'), cpus.length);
  t.equal(val(p, 'Reserved'), expectedVcpus());
  t.equal(val(p, 'Reserved'), 2 + 8 + 1, 'web-01, db-01 and legacy-app; not dom0, halted or suspended guests');
});

t.test('one memory pool per host, in MiB from host_metrics', async (t) => {
  const pools = pm.enumerate('Xen_MemoryPool');
  const uuid = field(host, 'uuid');
  t.equal(pools.length, 1);
  const [p] = pools;
  const metrics = pm.records('host_metrics').get(field(host, 'metrics'))!;
  const total = Number(field(metrics, 'memory_total'));
  const free = Number(field(metrics, 'memory_free'));
  t.equal(val(p, 'InstanceID'), `Xen:MemoryPool/${uuid}`);
  t.equal(val(p, 'PoolID'), `MemoryPool/${uuid}`);
  t.equal(val(p, 'ResourceType'), 4, 'Memory');
  t.equal(val(p, 'AllocationUnits'), 'byte*2^20');
  t.equal(val(p, 'Primordial'), true);
  t.equal(val(p, 'Capacity'), Math.floor(total / MiB));
  t.equal(val(p, 'Capacity'), 128 * 1024, '128 GiB');
  t.equal(val(p, 'Reserved'), Math.ceil((total - free) / MiB));
  t.ok((val(p, 'Reserved') as number) > 0 && (val(p, 'Reserved') as number) < (val(p, 'Capacity') as number));
});

t.test('memory amounts that are not whole MiB: capacity rounds down, reserved rounds up', async (t) => {
  const ref = field(host, 'metrics');
  const old = pm.model.get('host_metrics', ref)!;
  pm.patch('host_metrics', ref, { memory_total: String(4 * 1024 * MiB + 1), memory_free: String(MiB + 1) });
  const [p] = pm.enumerate('Xen_MemoryPool');
  t.equal(val(p, 'Capacity'), 4096, 'a part of a MiB cannot be handed out');
  t.equal(val(p, 'Reserved'), 4095, '4095 MiB exactly are in use');
  pm.patch('host_metrics', ref, { memory_total: String(4 * 1024 * MiB), memory_free: String(MiB + 1) });
  t.equal(val(pm.enumerate('Xen_MemoryPool')[0], 'Reserved'), 4095, '4094 MiB and a part count as 4095');
  pm.model.apply([{ cls: 'host_metrics', ref, record: old }]);
  t.equal(val(pm.enumerate('Xen_MemoryPool')[0], 'Capacity'), 128 * 1024, 'back to the simulator value');
});

t.test('a host without metrics still has its memory pool, with unknown amounts', async (t) => {
  const ref = field(host, 'metrics');
  const old = pm.model.get('host_metrics', ref)!;
  pm.model.apply([{ cls: 'host_metrics', ref, record: undefined }]);
  const [p] = pm.enumerate('Xen_MemoryPool');
  t.equal(val(p, 'Capacity'), null);
  t.equal(val(p, 'Reserved'), null);
  pm.model.apply([{ cls: 'host_metrics', ref, record: old }]);
});

t.test('pools are found by InstanceID and polymorphically as CIM_ResourcePool', async (t) => {
  const uuid = field(host, 'uuid');
  t.equal(val(pm.get('Xen_ProcessorPool', { InstanceID: `Xen:ProcessorPool/${uuid}` }), 'Capacity'), 16);
  t.equal(val(pm.get('CIM_ResourcePool', { InstanceID: `Xen:MemoryPool/${uuid}` }), 'ResourceType'), 4);
  t.throws(() => pm.get('Xen_ProcessorPool', { InstanceID: `Xen:MemoryPool/${uuid}` }), NOT_FOUND, 'another kind\'s id');
  t.throws(() => pm.get('Xen_ProcessorPool', { InstanceID: `Xen:ProcessorPool/${uuid}/x` }), NOT_FOUND);
  t.throws(() => pm.get('Xen_ProcessorPool', { InstanceID: 'Xen:ProcessorPool/' }), NOT_FOUND);
  t.throws(() => pm.get('Xen_ProcessorPool', { InstanceID: `Other:ProcessorPool/${uuid}` }), NOT_FOUND);
  const all = pm.enumerate('CIM_ResourcePool').map((i) => String(val(i, 'InstanceID')));
  t.ok(all.includes(`Xen:ProcessorPool/${uuid}`) && all.includes(`Xen:MemoryPool/${uuid}`));
});

t.test('each pool is hosted by its host (HostedResourcePool) and conforms to its profiles', async (t) => {
  const uuid = field(host, 'uuid');
  const hostPath = pathOf('Xen_HostComputerSystem', { CreationClassName: 'Xen_HostComputerSystem', Name: uuid });
  const hosted = pm.associators(hostPath, { assocClass: 'CIM_HostedResourcePool', resultClass: 'CIM_ResourcePool' });
  t.same(hosted.map((i) => val(i, 'InstanceID')).filter((id) => /Processor|Memory/.test(String(id))).sort(), [`Xen:MemoryPool/${uuid}`, `Xen:ProcessorPool/${uuid}`]);
  const back = pm.associators(pathOf('Xen_ProcessorPool', { InstanceID: `Xen:ProcessorPool/${uuid}` }), { assocClass: 'CIM_HostedResourcePool' });
  t.same(back.map((i) => val(i, 'Name')), [uuid]);
  const profiles = (id: string) => pm.associators(pathOf('Xen_ProcessorPool', { InstanceID: id }), { assocClass: 'CIM_ElementConformsToProfile' })
    .map((i) => val(i, 'RegisteredName')).sort();
  t.same(profiles(`Xen:ProcessorPool/${uuid}`), ['Processor Resource Virtualization', 'Resource Allocation']);
  const mem = pm.associators(pathOf('Xen_MemoryPool', { InstanceID: `Xen:MemoryPool/${uuid}` }), { assocClass: 'CIM_ElementConformsToProfile' }).map((i) => val(i, 'RegisteredName')).sort();
  t.same(mem, ['Memory Resource Virtualization', 'Resource Allocation']);
});
