// Xen_Processor (virtual CPUs), Xen_Memory and Xen_HostProcessor (DSP1044/DSP1045 devices)
// against the simulator's records, their associations, and how they follow power changes
// made through XenAPI.
import t from 'tap';
import { CimStatus } from '../../../../src/cim/errors.js';
import { processorMemory } from '../../../../src/providers/processor-memory/profile.js';
import { systemVirtualization } from '../../../../src/providers/system-virtualization/profile.js';
import { virtualSystem } from '../../../../src/providers/virtual-system/profile.js';
import type { XenRecord } from '../../../../src/xenapi/values.js';
import { pathOf, providerModel, val, type ProviderModel } from '../../../helpers/provider-model.js';
import { field, guests } from '../../../helpers/xenapi.js';

const NOT_FOUND = { code: CimStatus.NOT_FOUND };
let pm: ProviderModel;
let hostRef: string;
let hostUuid: string;
t.before(async () => {
  pm = await providerModel({ factories: [systemVirtualization, virtualSystem, processorMemory] });
  hostRef = [...pm.records('host').keys()][0]!;
  hostUuid = field(pm.records('host').get(hostRef)!, 'uuid');
});
t.teardown(() => pm.close());

const vmsNow = (): XenRecord[] => [...guests(pm.records('VM')).values()];
const byName = (name: string): [string, XenRecord] => [...pm.records('VM')].find(([, v]) => field(v, 'name_label') === name)!;
const active = (vm: XenRecord): boolean => ['Running', 'Paused'].includes(field(vm, 'power_state'));
const metricsOf = (vm: XenRecord): XenRecord => pm.records('VM_metrics').get(field(vm, 'metrics'))!;
const vmPath = (uuid: string) => pathOf('Xen_ComputerSystem', { CreationClassName: 'Xen_ComputerSystem', Name: uuid });
const processorsOf = (uuid: string) => pm.associators(vmPath(uuid), { assocClass: 'CIM_SystemDevice', resultClass: 'CIM_Processor' });
const procKeys = (uuid: string, n: number) => ({ SystemCreationClassName: 'Xen_ComputerSystem', SystemName: uuid, CreationClassName: 'Xen_Processor', DeviceID: `Xen:${uuid}/VCPU${n}` });

t.test('one Xen_Processor per virtual CPU of each running or paused guest, none otherwise', async (t) => {
  const procs = pm.enumerate('Xen_Processor');
  const expected: string[] = [];
  for (const vm of vmsNow()) {
    if (!active(vm)) continue;
    const n = Number(field(metricsOf(vm), 'VCPUs_number'));
    for (let i = 0; i < n; i++) expected.push(`${field(vm, 'uuid')}/VCPU${i}`);
  }
  t.equal(expected.length, 11, 'web-01 2 + db-01 8 + legacy-app 1');
  t.same(procs.map((p) => `${String(val(p, 'SystemName'))}/${String(val(p, 'DeviceID')).split('/')[1]}`).sort(), expected.sort());
  for (const p of procs) {
    t.equal(val(p, 'SystemCreationClassName'), 'Xen_ComputerSystem');
    t.equal(val(p, 'CreationClassName'), 'Xen_Processor');
    t.match(String(val(p, 'DeviceID')), new RegExp(`^Xen:${String(val(p, 'SystemName'))}/VCPU\\d+$`));
  }
  for (const name of ['build-agent', 'win2019-test']) {
    const uuid = field(byName(name)[1], 'uuid');
    t.throws(() => pm.get('Xen_Processor', procKeys(uuid, 0)), NOT_FOUND, `${name} has no domain, so no vCPU`);
  }
  const dom0 = [...pm.records('VM').values()].find((v) => v['is_control_domain'] === true)!;
  t.throws(() => pm.get('Xen_Processor', procKeys(field(dom0, 'uuid'), 0)), NOT_FOUND, 'dom0 is not a guest');
});

t.test('a virtual CPU\'s state follows its VM; its load comes from VCPUs_utilisation', async (t) => {
  const web = field(byName('web-01')[1], 'uuid');
  const p0 = pm.get('Xen_Processor', procKeys(web, 0));
  t.equal(val(p0, 'EnabledState'), 2, 'Running → Enabled');
  t.same(val(p0, 'OperationalStatus'), [2]);
  t.equal(val(p0, 'LoadPercentage'), Math.round(Number((metricsOf(byName('web-01')[1])['VCPUs_utilisation'] as Record<string, unknown>)['0']) * 100));
  t.equal(val(p0, 'LoadPercentage'), 3);
  const hostCpu = [...pm.records('host_cpu').values()].find((c) => c['host'] === byName('web-01')[1]['resident_on'])!;
  t.same([val(p0, 'Family'), val(p0, 'OtherFamilyDescription')], [1, field(hostCpu, 'modelname')], 'of the family of the CPUs of the host it runs on');
  t.equal(val(pm.get('Xen_Processor', procKeys(web, 1)), 'LoadPercentage'), null, 'xapi reports no utilisation for VCPU 1');
  const legacy = field(byName('legacy-app')[1], 'uuid');
  const paused = pm.get('CIM_Processor', procKeys(legacy, 0));
  t.equal(paused.className, 'Xen_Processor');
  t.equal(val(paused, 'EnabledState'), 9, 'Paused → Quiesce');
  t.throws(() => pm.get('Xen_Processor', procKeys(web, 2)), NOT_FOUND, 'web-01 has 2 vCPUs');
  t.throws(() => pm.get('Xen_Processor', { ...procKeys(web, 0), DeviceID: `Xen:${web}/VCPU01` }), NOT_FOUND);
  t.throws(() => pm.get('Xen_Processor', { ...procKeys(web, 0), DeviceID: `Xen:${web}/CPU0` }), NOT_FOUND);
  t.throws(() => pm.get('Xen_Processor', { ...procKeys(web, 0), SystemName: legacy }), NOT_FOUND, 'SystemName must be the DeviceID\'s VM');
});

t.test('one Xen_Memory per running or paused guest, sized by memory_actual', async (t) => {
  const mems = pm.enumerate('Xen_Memory');
  const live = vmsNow().filter(active);
  t.same(mems.map((m) => val(m, 'SystemName')).sort(), live.map((v) => field(v, 'uuid')).sort());
  for (const vm of live) {
    const uuid = field(vm, 'uuid');
    const m = pm.get('CIM_Memory', { SystemCreationClassName: 'Xen_ComputerSystem', SystemName: uuid, CreationClassName: 'Xen_Memory', DeviceID: `Xen:${uuid}/Memory` });
    t.equal(val(m, 'BlockSize'), 1);
    t.equal(val(m, 'NumberOfBlocks'), Number(field(metricsOf(vm), 'memory_actual')));
    t.equal(val(m, 'ConsumableBlocks'), val(m, 'NumberOfBlocks'));
    t.equal(val(m, 'Volatile'), true);
    t.equal(val(m, 'EnabledState'), field(vm, 'power_state') === 'Running' ? 2 : 9);
  }
  const halted = field(byName('build-agent')[1], 'uuid');
  t.throws(() => pm.get('Xen_Memory', { SystemCreationClassName: 'Xen_ComputerSystem', SystemName: halted, CreationClassName: 'Xen_Memory', DeviceID: `Xen:${halted}/Memory` }), NOT_FOUND);
});

t.test('one Xen_HostProcessor per host_cpu, with its model, stepping, speed and load', async (t) => {
  const cpus = [...pm.records('host_cpu').values()].filter((c) => field(c, 'host') === hostRef);
  const procs = pm.enumerate('Xen_HostProcessor');
  t.equal(procs.length, cpus.length);
  t.same(procs.map((p) => val(p, 'DeviceID')), cpus.map((c) => Number(field(c, 'number'))).sort((a, b) => a - b).map((n) => `Xen:${hostUuid}/CPU${n}`), 'in CPU number order');
  for (const cpu of cpus) {
    const p = pm.get('Xen_HostProcessor', { SystemCreationClassName: 'Xen_HostComputerSystem', SystemName: hostUuid, CreationClassName: 'Xen_HostProcessor', DeviceID: `Xen:${hostUuid}/CPU${field(cpu, 'number')}` });
    t.equal(val(p, 'OtherFamilyDescription'), field(cpu, 'modelname'));
    t.equal(val(p, 'Family'), 1);
    t.equal(val(p, 'Stepping'), field(cpu, 'stepping'));
    t.equal(val(p, 'CurrentClockSpeed'), Number(field(cpu, 'speed')));
    t.equal(val(p, 'LoadPercentage'), Math.round(Number(cpu['utilisation']) * 100));
    t.equal(val(p, 'EnabledState'), 2);
  }
  t.throws(() => pm.get('Xen_HostProcessor', { SystemCreationClassName: 'Xen_HostComputerSystem', SystemName: hostUuid, CreationClassName: 'Xen_HostProcessor', DeviceID: `Xen:${hostUuid}/CPU16` }), NOT_FOUND);
});

t.test('odd records: unknown VMs and CPUs, missing CPU facts, malformed device ids', async (t) => {
  const nobody = '00000000-0000-0000-0000-000000000000';
  t.throws(() => pm.get('Xen_Processor', procKeys(nobody, 0)), NOT_FOUND);
  const memKeys = (id: string) => ({ SystemCreationClassName: 'Xen_ComputerSystem', SystemName: nobody, CreationClassName: 'Xen_Memory', DeviceID: id });
  for (const id of [`Xen:${nobody}/Memory`, 'Xen:/Memory', `Xen:a/${nobody}/Memory`, `Xen:${nobody}/Mem`, `${nobody}/Memory`]) {
    t.throws(() => pm.get('Xen_Memory', memKeys(id)), NOT_FOUND, id);
  }
  const cpuKeys = (id: string) => ({ SystemCreationClassName: 'Xen_HostComputerSystem', SystemName: hostUuid, CreationClassName: 'Xen_HostProcessor', DeviceID: id });
  for (const id of [`Xen:${nobody}/CPU0`, `Xen:a/${hostUuid}/CPU0`, `Xen:${hostUuid}/VCPU0`, `Xen:${hostUuid}/CPU`]) {
    t.throws(() => pm.get('Xen_HostProcessor', cpuKeys(id)), NOT_FOUND, id);
  }
  const [cpuRef, cpu] = [...pm.records('host_cpu')].find(([, c]) => field(c, 'number') === '0')!;
  pm.patch('host_cpu', cpuRef, { modelname: 'x'.repeat(80), stepping: '', speed: '0', utilisation: 'n/a' });
  const p = pm.get('Xen_HostProcessor', cpuKeys(`Xen:${hostUuid}/CPU0`));
  t.equal(String(val(p, 'OtherFamilyDescription')).length, 64, 'MaxLen(64)');
  t.same([val(p, 'Stepping'), val(p, 'CurrentClockSpeed'), val(p, 'LoadPercentage')], [null, null, null]);
  pm.model.apply([{ cls: 'host_cpu', ref: cpuRef, record: cpu }]);
  t.equal(val(pm.get('Xen_HostProcessor', cpuKeys(`Xen:${hostUuid}/CPU0`)), 'Stepping'), '7');
});

t.test('devices, their VM, settings and pools are linked both ways', async (t) => {
  const [, db] = byName('db-01');
  const uuid = field(db, 'uuid');
  const devices = pm.associators(vmPath(uuid), { assocClass: 'CIM_SystemDevice' });
  t.same(devices.map((d) => d.className).sort(), [...Array<string>(8).fill('Xen_Processor'), 'Xen_Memory'].sort(), 'db-01: 8 vCPUs and its memory');
  const p3 = pathOf('Xen_Processor', procKeys(uuid, 3));
  t.same(pm.associators(p3, { assocClass: 'CIM_SystemDevice' }).map((i) => val(i, 'Name')), [uuid]);
  t.same(pm.associators(p3, { assocClass: 'CIM_SettingsDefineState' }).map((i) => val(i, 'InstanceID')), [`Xen:${uuid}/Processor`]);
  t.same(pm.associators(p3, { assocClass: 'CIM_ElementAllocatedFromPool' }).map((i) => val(i, 'InstanceID')), [`Xen:ProcessorPool/${hostUuid}`]);
  const memPath = pathOf('Xen_Memory', { SystemCreationClassName: 'Xen_ComputerSystem', SystemName: uuid, CreationClassName: 'Xen_Memory', DeviceID: `Xen:${uuid}/Memory` });
  t.same(pm.associators(memPath, { assocClass: 'CIM_SettingsDefineState' }).map((i) => val(i, 'InstanceID')), [`Xen:${uuid}/Memory`]);
  t.same(pm.associators(memPath, { assocClass: 'CIM_ElementAllocatedFromPool' }).map((i) => val(i, 'InstanceID')), [`Xen:MemoryPool/${hostUuid}`]);
  const fromRasd = pm.associators(pathOf('Xen_ProcessorSettingData', { InstanceID: `Xen:${uuid}/Processor` }), { assocClass: 'CIM_SettingsDefineState' });
  t.equal(fromRasd.length, 8, 'the processor settings define the state of each vCPU');
  const allocated = pm.associators(pathOf('Xen_ProcessorPool', { InstanceID: `Xen:ProcessorPool/${hostUuid}` }), { assocClass: 'CIM_ElementAllocatedFromPool' });
  t.equal(allocated.length, 11, 'every vCPU comes from the host\'s processor pool');
  const concrete = pm.associators(pathOf('Xen_ProcessorPool', { InstanceID: `Xen:ProcessorPool/${hostUuid}` }), { assocClass: 'CIM_ConcreteComponent' });
  t.same(concrete.map((c) => c.className), Array<string>(16).fill('Xen_HostProcessor'), 'the pool is made of the host\'s 16 CPUs');
  const hostDevices = pm.associators(pathOf('Xen_HostComputerSystem', { CreationClassName: 'Xen_HostComputerSystem', Name: hostUuid }), { assocClass: 'CIM_SystemDevice', resultClass: 'CIM_Processor' });
  t.same(hostDevices.map((d) => d.className), Array<string>(16).fill('Xen_HostProcessor'));
  const halted = field(byName('build-agent')[1], 'uuid');
  t.same(pm.associators(vmPath(halted), { assocClass: 'CIM_SystemDevice' }), [], 'a halted VM has no devices here');
});

t.test('a VM started through XenAPI gets its vCPUs and memory; shut down, it loses them', async (t) => {
  const [ref, vm] = byName('build-agent');
  const uuid = field(vm, 'uuid');
  await pm.session.call('VM.start', [ref, false, false]);
  await pm.reload();
  const procs = processorsOf(uuid);
  t.ok(procs.every((p) => p.className === 'Xen_Processor'), 'ResultClass keeps the memory out');
  t.equal(procs.length, Number(field(vm, 'VCPUs_at_startup')), 'VCPUs_at_startup vCPUs');
  t.equal(val(pm.enumerate('Xen_ProcessorPool')[0], 'Reserved'), 11 + 4, 'the pool reserves them');
  t.equal(pm.enumerate('Xen_Memory').length, 4);
  // xapi has not reported the new domain's metrics yet: the counts fall back to the VM's own.
  const mref = field(vm, 'metrics');
  pm.patch('VM_metrics', mref, { VCPUs_number: '0', memory_actual: '0' });
  t.equal(processorsOf(uuid).length, 4);
  const mem = pm.get('Xen_Memory', { SystemCreationClassName: 'Xen_ComputerSystem', SystemName: uuid, CreationClassName: 'Xen_Memory', DeviceID: `Xen:${uuid}/Memory` });
  t.equal(val(mem, 'NumberOfBlocks'), Number(field(vm, 'memory_static_max')));
  await pm.session.call('VM.hard_shutdown', [ref]);
  await pm.reload();
  t.same(pm.associators(vmPath(uuid), { assocClass: 'CIM_SystemDevice' }), []);
  t.equal(val(pm.enumerate('Xen_ProcessorPool')[0], 'Reserved'), 11);
});
