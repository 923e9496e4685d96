// DSP1041/1043/1044/1045 over real sockets: the pools, allocation capabilities, resource
// settings and devices enumerated through their DMTF and Xen resource URIs, fetched one by
// one by their selectors, and walked with association filters from a VM to its settings and
// devices, on to their pools and back. Values are checked against the simulator's records.
import t from 'tap';
import type { XmlElement } from '../../src/soap/xml.js';
import type { XenRecord } from '../../src/xenapi/values.js';
import { ALL_CLASSES, associationFilter, CITRIX, DMTF, filtered, valueOf, type ObjectRef } from '../helpers/filters.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { ACTIONS, bodyOf, enumerateAll, envelope, post, prop, ROOT, MONITOR } from '../helpers/wsman-client.js';
import { allRecords, field, guests, xenSession } from '../helpers/xenapi.js';

const MiB = 1024 * 1024;
let stack: Stack;
let vms: XenRecord[];
let hostUuid: string;
let web: XenRecord;
t.before(async () => {
  stack = await startStack();
  const x = await xenSession(stack.sim.url);
  vms = [...guests(await allRecords(x.session, 'VM')).values()];
  hostUuid = field([...(await allRecords(x.session, 'host')).values()][0]!, 'uuid');
  await x.close();
  web = vms.find((v) => field(v, 'name_label') === 'web-01')!;
});
t.teardown(() => stack.close());

const enumerate = async (uri: string): Promise<XmlElement[]> => (await enumerateAll(stack.endpoint, ROOT, uri, { optimize: true, maxElements: 10 })).items;
const ofClass = (items: XmlElement[], cls: string): XmlElement[] => items.filter((i) => i.name === cls);
const get = async (uri: string, selectors: Record<string, string>): Promise<XmlElement> => {
  const r = await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: uri, selectors }), MONITOR);
  if (r.status !== 200) throw new Error(`Get ${uri} ${JSON.stringify(selectors)}: ${r.status} ${r.text.slice(0, 400)}`);
  return bodyOf(r)!;
};
const assoc = (object: ObjectRef, assocClass: string): Promise<XmlElement[]> =>
  filtered(stack.endpoint, ROOT, ALL_CLASSES, associationFilter('associated', object, { assocClass }));

const live = (): XenRecord[] => vms.filter((v) => ['Running', 'Paused'].includes(field(v, 'power_state')));

t.test('CIM_ResourcePool (DMTF URI) holds one processor and one memory pool per host', async (t) => {
  const items = await enumerate(`${DMTF}CIM_ResourcePool`);
  const [proc] = ofClass(items, 'Xen_ProcessorPool');
  const [mem] = ofClass(items, 'Xen_MemoryPool');
  t.equal(ofClass(items, 'Xen_ProcessorPool').length, 1);
  t.equal(ofClass(items, 'Xen_MemoryPool').length, 1);
  t.equal(prop(proc!, 'InstanceID'), `Xen:ProcessorPool/${hostUuid}`);
  t.equal(prop(proc!, 'ResourceType'), '3');
  t.equal(prop(proc!, 'Capacity'), '16');
  t.equal(prop(proc!, 'Reserved'), String(live().reduce((n, v) => n + Number(field(v, 'VCPUs_at_startup')), 0)));
  t.equal(prop(mem!, 'AllocationUnits'), 'byte*2^20');
  t.equal(prop(mem!, 'Capacity'), '131072');
  const own = await enumerate(`${CITRIX}Xen_ProcessorPool`);
  t.same(own.map((i) => prop(i, 'InstanceID')), [`Xen:ProcessorPool/${hostUuid}`], 'the Xen_ URI gives the class alone');
});

t.test('every new class enumerates through its Xen_ URI with the expected count', async (t) => {
  const counts: Record<string, number> = {
    Xen_MemoryPool: 1,
    Xen_ProcessorSettingData: vms.length + 4,
    Xen_MemorySettingData: vms.length + 3,
    Xen_Processor: live().reduce((n, v) => n + Number(field(v, 'VCPUs_at_startup')), 0),
    Xen_Memory: live().length,
    Xen_HostProcessor: 16,
  };
  for (const [cls, n] of Object.entries(counts)) {
    const items = await enumerate(`${CITRIX}${cls}`);
    t.equal(items.length, n, cls);
    t.ok(items.every((i) => i.name === cls), `${cls}: only its own instances`);
  }
  const caps = await enumerate(`${CITRIX}Xen_AllocationCapabilities`);
  t.same(caps.map((c) => prop(c, 'InstanceID')).filter((id) => /ProcessorPool|MemoryPool/.test(id ?? '')).sort(),
    [`Xen:MemoryPool/${hostUuid}/Capabilities`, `Xen:ProcessorPool/${hostUuid}/Capabilities`]);
});

t.test('CIM_ResourceAllocationSettingData and CIM_Processor (DMTF URIs) include ours, mapped from XenAPI', async (t) => {
  const rasds = await enumerate(`${DMTF}CIM_ResourceAllocationSettingData`);
  const webProc = rasds.find((r) => prop(r, 'InstanceID') === `Xen:${field(web, 'uuid')}/Processor`)!;
  t.equal(webProc.name, 'Xen_ProcessorSettingData');
  t.equal(prop(webProc, 'VirtualQuantity'), field(web, 'VCPUs_max'));
  t.equal(prop(webProc, 'Weight'), '256');
  t.equal(webProc.children.find((c) => c.name === 'Limit')?.attrs.some((a) => a.name === 'nil'), true, 'uncapped: Limit is nil');
  const webMem = rasds.find((r) => prop(r, 'InstanceID') === `Xen:${field(web, 'uuid')}/Memory`)!;
  t.equal(prop(webMem, 'VirtualQuantity'), String(Number(field(web, 'memory_static_max')) / MiB));
  t.equal(prop(webMem, 'AllocationUnits'), 'byte*2^20');
  t.equal(ofClass(rasds, 'Xen_ProcessorSettingData').length + ofClass(rasds, 'Xen_MemorySettingData').length, 2 * vms.length + 7);
  const procs = await enumerate(`${DMTF}CIM_Processor`);
  t.equal(ofClass(procs, 'Xen_Processor').length, 11);
  t.equal(ofClass(procs, 'Xen_HostProcessor').length, 16);
});

t.test('Get one instance of each class by its selectors', async (t) => {
  const uuid = field(web, 'uuid');
  const device = (cls: string, id: string, system = uuid, scc = 'Xen_ComputerSystem') => ({ SystemCreationClassName: scc, SystemName: system, CreationClassName: cls, DeviceID: id });
  const cases: [string, Record<string, string>, string, string][] = [
    [`${CITRIX}Xen_ProcessorPool`, { InstanceID: `Xen:ProcessorPool/${hostUuid}` }, 'Capacity', '16'],
    [`${DMTF}CIM_ResourcePool`, { InstanceID: `Xen:MemoryPool/${hostUuid}` }, 'ResourceType', '4'],
    [`${DMTF}CIM_AllocationCapabilities`, { InstanceID: `Xen:ProcessorPool/${hostUuid}/Capabilities` }, 'SharingMode', '3'],
    [`${CITRIX}Xen_AllocationCapabilities`, { InstanceID: `Xen:MemoryPool/${hostUuid}/Capabilities` }, 'ResourceType', '4'],
    [`${DMTF}CIM_ResourceAllocationSettingData`, { InstanceID: `Xen:${uuid}/Processor` }, 'Reservation', field(web, 'VCPUs_at_startup')],
    [`${CITRIX}Xen_MemorySettingData`, { InstanceID: `Xen:${uuid}/Memory` }, 'Limit', String(Number(field(web, 'memory_dynamic_max')) / MiB)],
    [`${CITRIX}Xen_ProcessorSettingData`, { InstanceID: `Xen:ProcessorPool/${hostUuid}/Maximum` }, 'VirtualQuantity', '16'],
    [`${DMTF}CIM_Processor`, device('Xen_Processor', `Xen:${uuid}/VCPU1`), 'EnabledState', '2'],
    [`${CITRIX}Xen_Memory`, device('Xen_Memory', `Xen:${uuid}/Memory`), 'NumberOfBlocks', String(Number(field(web, 'memory_static_max')))],
    [`${CITRIX}Xen_HostProcessor`, device('Xen_HostProcessor', `Xen:${hostUuid}/CPU15`, hostUuid, 'Xen_HostComputerSystem'), 'Stepping', '7'],
  ];
  for (const [uri, selectors, name, value] of cases) {
    const inst = await get(uri, selectors);
    t.equal(prop(inst, name), value, `${uri.split('/').pop()} ${Object.values(selectors).pop()}: ${name}`);
  }
  const missing = await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: `${CITRIX}Xen_Processor`, selectors: device('Xen_Processor', `Xen:${uuid}/VCPU2`) }), ROOT);
  t.equal(missing.status, 500, 'web-01 has no third vCPU');
});

t.test('walk: VM → devices and settings → pools → capabilities → ranges, and back to the VM', async (t) => {
  const uuid = field(web, 'uuid');
  const vm: ObjectRef = { className: 'Xen_ComputerSystem', keys: { CreationClassName: 'Xen_ComputerSystem', Name: uuid } };
  // (disks and network ports of the storage and network profiles are there too)
  const devices = (await assoc(vm, 'CIM_SystemDevice')).filter((d) => ['Xen_Processor', 'Xen_Memory'].includes(d.name));
  t.same(devices.map((d) => `${d.name} ${valueOf(d, 'DeviceID') ?? ''}`).sort(), [`Xen_Memory Xen:${uuid}/Memory`, `Xen_Processor Xen:${uuid}/VCPU0`, `Xen_Processor Xen:${uuid}/VCPU1`]);

  const vssd: ObjectRef = { className: 'Xen_VirtualSystemSettingData', keys: { InstanceID: `Xen:${uuid}` } };
  const settings = (await assoc(vssd, 'CIM_VirtualSystemSettingDataComponent')).filter((s) => /^Xen_(Processor|Memory)SettingData$/.test(s.name));
  t.same(settings.map((s) => valueOf(s, 'InstanceID')).sort(), [`Xen:${uuid}/Memory`, `Xen:${uuid}/Processor`]);

  const vcpu: ObjectRef = { className: 'Xen_Processor', keys: { SystemCreationClassName: 'Xen_ComputerSystem', SystemName: uuid, CreationClassName: 'Xen_Processor', DeviceID: `Xen:${uuid}/VCPU0` } };
  t.same((await assoc(vcpu, 'CIM_SettingsDefineState')).map((s) => valueOf(s, 'InstanceID')), [`Xen:${uuid}/Processor`]);
  const pools = await assoc(vcpu, 'CIM_ElementAllocatedFromPool');
  t.same(pools.map((p) => `${p.name} ${valueOf(p, 'InstanceID') ?? ''}`), [`Xen_ProcessorPool Xen:ProcessorPool/${hostUuid}`]);

  const pool: ObjectRef = { className: 'Xen_ProcessorPool', keys: { InstanceID: `Xen:ProcessorPool/${hostUuid}` } };
  const caps = await assoc(pool, 'CIM_ElementCapabilities');
  t.same(caps.map((c) => valueOf(c, 'InstanceID')), [`Xen:ProcessorPool/${hostUuid}/Capabilities`]);
  const ranges = await assoc({ className: 'Xen_AllocationCapabilities', keys: { InstanceID: `Xen:ProcessorPool/${hostUuid}/Capabilities` } }, 'CIM_SettingsDefineCapabilities');
  t.same(ranges.map((r) => `${valueOf(r, 'InstanceID') ?? ''}=${valueOf(r, 'VirtualQuantity') ?? ''}`).sort(),
    [`Xen:ProcessorPool/${hostUuid}/Default=1`, `Xen:ProcessorPool/${hostUuid}/Increment=1`, `Xen:ProcessorPool/${hostUuid}/Maximum=16`, `Xen:ProcessorPool/${hostUuid}/Minimum=1`]);
  const memRanges = await assoc({ className: 'Xen_AllocationCapabilities', keys: { InstanceID: `Xen:MemoryPool/${hostUuid}/Capabilities` } }, 'CIM_SettingsDefineCapabilities');
  t.ok(memRanges.some((r) => valueOf(r, 'InstanceID') === `Xen:MemoryPool/${hostUuid}/Default` && valueOf(r, 'VirtualQuantity') === '1024'), 'a new VM gets 1024 MiB unless it says otherwise');
  const fromPool = await assoc(pool, 'CIM_ResourceAllocationFromPool');
  t.same(fromPool.map((r) => valueOf(r, 'InstanceID')).sort(), vms.map((v) => `Xen:${field(v, 'uuid')}/Processor`).sort(), 'every guest\'s processor settings');
  const host = await assoc(pool, 'CIM_HostedResourcePool');
  t.same(host.map((h) => valueOf(h, 'Name')), [hostUuid]);

  const back = await assoc({ className: 'Xen_ProcessorSettingData', keys: { InstanceID: `Xen:${uuid}/Processor` } }, 'CIM_VirtualSystemSettingDataComponent');
  t.same(back.map((b) => valueOf(b, 'InstanceID')), [`Xen:${uuid}`]);
  const vmAgain = await assoc({ className: 'Xen_VirtualSystemSettingData', keys: { InstanceID: `Xen:${uuid}` } }, 'CIM_SettingsDefineState');
  t.same(vmAgain.map((v) => valueOf(v, 'Name')), [uuid], 'back at web-01');
});
