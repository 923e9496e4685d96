// The virtual system management service over real sockets: a VM's whole life through WS-Man
// custom actions (DefineSystem, AddResourceSettings, RequestStateChange, ModifyResourceSettings,
// DestroySystem), each step's Gets compared with the simulator's own records; embedded
// instances in every client form; and every illegal request with its exact return code or
// fault, the simulator unchanged afterwards.
import t, { type Test } from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { allRecords, field, xenSession } from '../helpers/xenapi.js';
import { ACTIONS, bodyOf, envelope, faultOf, find, MONITOR, NS, post, prop, ROOT, XEN_CS_URI, type Credentials, type WsmanReply } from '../helpers/wsman-client.js';
import type { XmlElement } from '../../src/soap/xml.js';
import { ALL_CLASSES, associationFilter, filtered, selectorOf, valueOf } from '../helpers/filters.js';
import type { XenRecord } from '../../src/xenapi/values.js';

const XEN = 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/';
const VSMS_URI = `${XEN}Xen_VirtualSystemManagementService`;
const DETAIL = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/';
const MiB = 2 ** 20;
const GiB = 2 ** 30;
const ENABLED: Readonly<Record<string, string>> = { Running: '2', Halted: '3', Paused: '9', Suspended: '6' };

let stack: Stack;
let hostUuid = '';
t.before(async () => {
  // A slow VM.provision and a short job wait, so that a DefineSystem from a template answers with a job.
  stack = await startStack({ sim: { taskDurations: { 'VM.provision': 1500 } }, config: { jobWaitMs: 700 } });
  hostUuid = field([...(await records('host')).values()][0]!, 'uuid');
});
t.teardown(() => stack.close());

async function records(cls: string): Promise<Map<string, XenRecord>> {
  const x = await xenSession(stack.sim.url);
  try {
    return await allRecords(x.session, cls);
  } finally {
    await x.close();
  }
}

/** VMs, VBDs, VDIs and VIFs with their key fields: what an illegal request must leave as it was. */
async function simState(): Promise<string> {
  const out: string[] = [];
  for (const [cls, fields] of [['VM', ['name_label', 'power_state', 'memory_static_max', 'VCPUs_max']], ['VBD', ['VDI', 'userdevice']], ['VDI', ['virtual_size']], ['VIF', ['MAC', 'network']]] as const) {
    for (const [ref, r] of await records(cls)) out.push([cls, ref, ...fields.map((f) => JSON.stringify(r[f]))].join('|'));
  }
  return out.sort().join('\n');
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const q = (cls: string, props: Record<string, string | number>): string =>
  `<q:${cls} xmlns:q="${XEN}${cls}">${Object.entries(props).map(([k, v]) => `<q:${k}>${esc(String(v))}</q:${k}>`).join('')}</q:${cls}>`;
const epr = (cls: string, selectors: Record<string, string>): string =>
  `<wsa:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:Address><wsa:ReferenceParameters>` +
  `<wsman:ResourceURI>${XEN}${cls}</wsman:ResourceURI><wsman:SelectorSet>` +
  `${Object.entries(selectors).map(([k, v]) => `<wsman:Selector Name="${k}">${v}</wsman:Selector>`).join('')}</wsman:SelectorSet></wsa:ReferenceParameters>`;

function invoke(method: string, inner: string, creds: Credentials = ROOT, uri = VSMS_URI): Promise<WsmanReply> {
  const selectors = { SystemCreationClassName: 'Xen_HostComputerSystem', SystemName: hostUuid, CreationClassName: 'Xen_VirtualSystemManagementService', Name: 'Xen Hypervisor' };
  return post(stack.endpoint, envelope({ action: `${uri}/${method}`, resourceUri: uri, selectors, body: `<p:${method}_INPUT xmlns:p="${uri}">${inner}</p:${method}_INPUT>` }), creds);
}

function rsc(uuid: string, state: number, creds: Credentials = ROOT): Promise<WsmanReply> {
  return post(stack.endpoint, envelope({
    action: `${XEN_CS_URI}/RequestStateChange`, resourceUri: XEN_CS_URI, selectors: { CreationClassName: 'Xen_ComputerSystem', Name: uuid },
    body: `<p:RequestStateChange_INPUT xmlns:p="${XEN_CS_URI}"><p:RequestedState>${state}</p:RequestedState></p:RequestStateChange_INPUT>`,
  }), creds);
}

const returnValue = (r: WsmanReply): string | undefined => (bodyOf(r) ? prop(bodyOf(r)!, 'ReturnValue') : undefined);
/** The selector values of an EPR-valued output parameter, one map per value. */
const eprs = (r: WsmanReply, param: string): Map<string, string>[] =>
  (bodyOf(r)?.children.filter((c) => c.name === param) ?? []).map((el) => new Map(find(el, NS.WSMAN, 'Selector').map((s) => [s.attrs.find((a) => a.name === 'Name')?.value ?? '', s.text])));

async function get(cls: string, selectors: Record<string, string>): Promise<XmlElement | undefined> {
  const r = await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: `${XEN}${cls}`, selectors }), ROOT);
  return r.status === 200 ? bodyOf(r) : undefined;
}

/** The gateway's view of the VM (system, settings and every RASD) against the simulator's records. */
async function compareWithSim(t: Test, uuid: string, step: string): Promise<XenRecord> {
  const vms = await records('VM');
  const vm = [...vms.values()].find((v) => v['uuid'] === uuid)!;
  t.ok(vm, `${step}: the VM is in the simulator`);
  const cs = (await get('Xen_ComputerSystem', { CreationClassName: 'Xen_ComputerSystem', Name: uuid }))!;
  t.equal(prop(cs, 'ElementName'), field(vm, 'name_label'), `${step}: ElementName`);
  t.equal(prop(cs, 'EnabledState'), ENABLED[field(vm, 'power_state')], `${step}: EnabledState of a ${field(vm, 'power_state')} VM`);
  const vssd = (await get('Xen_VirtualSystemSettingData', { InstanceID: `Xen:${uuid}` }))!;
  t.equal(prop(vssd, 'ElementName'), field(vm, 'name_label'), `${step}: settings ElementName`);
  const cpu = (await get('Xen_ProcessorSettingData', { InstanceID: `Xen:${uuid}/Processor` }))!;
  t.same([prop(cpu, 'VirtualQuantity'), prop(cpu, 'Reservation')], [field(vm, 'VCPUs_max'), field(vm, 'VCPUs_at_startup')], `${step}: vCPUs`);
  const mem = (await get('Xen_MemorySettingData', { InstanceID: `Xen:${uuid}/Memory` }))!;
  const mib = (f: string): string => String(Math.ceil(Number(vm[f]) / MiB));
  t.same([prop(mem, 'VirtualQuantity'), prop(mem, 'Reservation'), prop(mem, 'Limit')], [mib('memory_static_max'), mib('memory_dynamic_min'), mib('memory_dynamic_max')], `${step}: memory`);
  const vbds = await records('VBD');
  const vdis = await records('VDI');
  for (const ref of vm['VBDs'] as string[]) {
    const vbd = vbds.get(ref)!;
    const rasd = (await get('Xen_DiskSettingData', { InstanceID: `Xen:${uuid}/${field(vbd, 'uuid')}` }))!;
    t.equal(prop(rasd, 'AddressOnParent'), field(vbd, 'userdevice'), `${step}: drive ${field(vbd, 'userdevice')} position`);
    if (field(vbd, 'type') === 'Disk') t.equal(prop(rasd, 'VirtualQuantity'), field(vdis.get(field(vbd, 'VDI'))!, 'virtual_size'), `${step}: disk ${field(vbd, 'userdevice')} size`);
  }
  const vifs = await records('VIF');
  const nets = await records('network');
  for (const ref of vm['VIFs'] as string[]) {
    const vif = vifs.get(ref)!;
    const rasd = (await get('Xen_NetworkPortSettingData', { InstanceID: `Xen:${uuid}/${field(vif, 'uuid')}` }))!;
    t.equal(prop(rasd, 'Address'), field(vif, 'MAC').replace(/:/g, '').toUpperCase(), `${step}: NIC ${field(vif, 'device')} MAC`);
    t.equal(prop(rasd, 'PoolID'), field(nets.get(field(vif, 'network'))!, 'uuid'), `${step}: NIC ${field(vif, 'device')} network`);
  }
  return vm;
}

const srUuid = async (name: string): Promise<string> => field([...(await records('SR')).values()].find((s) => s['name_label'] === name)!, 'uuid');
const netUuid = async (name: string): Promise<string> => field([...(await records('network')).values()].find((n) => n['name_label'] === name)!, 'uuid');

t.test('a VM from definition to destruction, every step checked against the simulator', async (t) => {
  const nfs = await srUuid('NFS VM storage');
  const eth1 = await netUuid('Pool-wide network associated with eth1');
  // SystemSettings as a nested element; processor as escaped DSP0230 XML; memory as MOF text (comments and a pragma first);
  // the disk as a CIM-XML INSTANCE; the NIC as an xsi:type-typed element.
  const define = await invoke('DefineSystem',
    `<p:SystemSettings>${q('Xen_VirtualSystemSettingData', { ElementName: 'e2e-vm', Description: 'defined over WS-Man', VirtualSystemType: 'DMTF:Xen:HVM' })}</p:SystemSettings>` +
    `<p:ResourceSettings>${esc(q('Xen_ProcessorSettingData', { ResourceType: 3, VirtualQuantity: 2 }))}</p:ResourceSettings>` +
    '<p:ResourceSettings>/* as a MOF file writes it */ #pragma locale ("en_US")\n// memory\ninstance of Xen_MemorySettingData { ResourceType = 4; VirtualQuantity = 1536; AllocationUnits = "byte*2^20"; };</p:ResourceSettings>' +
    `<p:ResourceSettings>${esc(`<INSTANCE CLASSNAME="Xen_DiskSettingData"><PROPERTY NAME="ResourceType" TYPE="uint16"><VALUE>31</VALUE></PROPERTY><PROPERTY NAME="PoolID" TYPE="string"><VALUE>${nfs}</VALUE></PROPERTY><PROPERTY NAME="VirtualQuantity" TYPE="uint64"><VALUE>${8 * GiB}</VALUE></PROPERTY></INSTANCE>`)}</p:ResourceSettings>` +
    `<p:ResourceSettings xmlns:xsi="${NS.XSI}" xmlns:n="${XEN}Xen_NetworkPortSettingData" xsi:type="n:Xen_NetworkPortSettingData_Type"><n:ResourceType>33</n:ResourceType><n:PoolID>${eth1}</n:PoolID></p:ResourceSettings>`);
  t.equal(define.status, 200, define.text.slice(0, 400));
  t.equal(bodyOf(define)?.name, 'DefineSystem_OUTPUT');
  t.equal(returnValue(define), '0');
  const system = eprs(define, 'ResultingSystem')[0];
  t.equal(system?.get('CreationClassName'), 'Xen_ComputerSystem');
  const uuid = system?.get('Name') ?? '';
  let vm = await compareWithSim(t, uuid, 'defined');
  t.same([field(vm, 'VCPUs_max'), Number(vm['memory_static_max']), field(vm, 'power_state')], ['2', 1536 * MiB, 'Halted']);
  t.equal((vm['VBDs'] as string[]).length, 1);
  t.equal((vm['VIFs'] as string[]).length, 1);

  const added = await invoke('AddResourceSettings',
    `<p:AffectedConfiguration>${epr('Xen_VirtualSystemSettingData', { InstanceID: `Xen:${uuid}` })}</p:AffectedConfiguration>` +
    `<p:ResourceSettings>${q('Xen_DiskSettingData', { ResourceType: 31, VirtualQuantity: 2048, AllocationUnits: 'byte*2^20' })}</p:ResourceSettings>` +
    `<p:ResourceSettings>${q('Xen_NetworkPortSettingData', { ResourceType: 33, Connection: 'VLAN 100', Address: '02:12:34:56:78:9a' })}</p:ResourceSettings>`);
  t.equal(returnValue(added), '0', added.text.slice(0, 400));
  const settings = eprs(added, 'ResultingResourceSettings');
  t.equal(settings.length, 2, 'one reference per new setting');
  vm = await compareWithSim(t, uuid, 'devices added');
  t.same([(vm['VBDs'] as string[]).length, (vm['VIFs'] as string[]).length], [2, 2]);
  const newNic = await get('Xen_NetworkPortSettingData', { InstanceID: settings[1]?.get('InstanceID') ?? '' });
  t.equal(newNic && prop(newNic, 'Address'), '02123456789A', 'the NIC reference leads to the new NIC with its MAC');

  for (const [state, step] of [[2, 'started'], [9, 'paused'], [2, 'unpaused'], [4, 'shut down']] as const) {
    t.equal(returnValue(await rsc(uuid, state)), '0', step);
    await compareWithSim(t, uuid, step);
  }

  const modified = await invoke('ModifyResourceSettings',
    `<p:ResourceSettings>${q('Xen_MemorySettingData', { InstanceID: `Xen:${uuid}/Memory`, ResourceType: 4, VirtualQuantity: 3072 })}</p:ResourceSettings>`);
  t.equal(returnValue(modified), '0');
  t.equal(eprs(modified, 'ResultingResourceSettings')[0]?.get('InstanceID'), `Xen:${uuid}/Memory`);
  vm = await compareWithSim(t, uuid, 'memory modified');
  t.same([Number(vm['memory_static_max']), Number(vm['memory_dynamic_max'])], [3 * GiB, 3 * GiB]);

  const vbds = await records('VBD');
  const ownVdis = (vm['VBDs'] as string[]).map((r) => field(vbds.get(r)!, 'VDI'));
  const destroyed = await invoke('DestroySystem', `<p:AffectedSystem>${epr('Xen_ComputerSystem', { CreationClassName: 'Xen_ComputerSystem', Name: uuid })}</p:AffectedSystem>`);
  t.equal(returnValue(destroyed), '0');
  t.notOk([...(await records('VM')).values()].some((v) => v['uuid'] === uuid), 'the VM is gone from the simulator');
  const vdisLeft = await records('VDI');
  t.notOk(ownVdis.some((r) => vdisLeft.has(r)), 'with the disks made for it');
  const gone = await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: XEN_CS_URI, selectors: { CreationClassName: 'Xen_ComputerSystem', Name: uuid } }), ROOT);
  t.equal(faultOf(gone)?.subcode, 'wsa:DestinationUnreachable', 'and from the gateway');
});

t.test("a pool's Default setting, taken as the gateway serves it, is the template for a new disk and a new NIC", async (t) => {
  const nfs = await srUuid('NFS VM storage');
  const eth1 = await netUuid('Pool-wide network associated with eth1');
  // A DSP1043 client's way to it: the pool's allocation capabilities, their setting with ValueRole 0 (Default), then Get.
  const template = async (pool: string, cls: string): Promise<string> => {
    const caps = { className: 'Xen_AllocationCapabilities', keys: { InstanceID: `Xen:${pool}/Capabilities` } };
    const links = await filtered(stack.endpoint, ROOT, ALL_CLASSES, associationFilter('association', caps, { assocClass: 'CIM_SettingsDefineCapabilities' }));
    const byDefault = links.filter((l) => valueOf(l, 'ValueRole') === '0');
    t.equal(byDefault.length, 1, `${pool}: one Default setting`);
    const id = selectorOf(byDefault[0]!.children.find((c) => c.name === 'PartComponent')!, 'InstanceID') ?? '';
    t.equal(id, `Xen:${pool}/Default`);
    const r = await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: `${XEN}${cls}`, selectors: { InstanceID: id } }), ROOT);
    t.equal(r.status, 200, r.text.slice(0, 300));
    // The instance element as it came, declaring what it uses from the envelope (a client's copy does the same).
    return new RegExp(`<(\\w+):${cls}\\b[\\s\\S]*</\\1:${cls}>`).exec(r.text)?.[0] ?? '';
  };
  const declared = (inst: string): string => inst.replace(/^<[\w:]+/, (tag) => `${tag} xmlns:xsi="${NS.XSI}" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common"`);
  const disk = await template(`StoragePool/${nfs}`, 'Xen_DiskSettingData');
  t.match(disk, /<\w+:ResourceType>31</);
  t.match(disk, new RegExp(`<\\w+:PoolID>${nfs}<`));
  const nic = await template(`NetworkPool/${eth1}`, 'Xen_NetworkPortSettingData');
  t.match(nic, /<\w+:ResourceType>33</);
  const sized = disk.replace(/(<(\w+):VirtualQuantity>)\d+(<\/\2:VirtualQuantity>)/, `$1${2 * GiB}$3`);
  t.not(sized, disk);
  // It cannot be changed (it is the pool's, not a VM's).
  const put = await post(stack.endpoint, envelope({ action: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Put', resourceUri: `${XEN}Xen_DiskSettingData`, selectors: { InstanceID: `Xen:StoragePool/${nfs}/Default` }, body: declared(sized) }), ROOT);
  t.equal(faultOf(put)?.subcode, 'wxf:InvalidRepresentation', 'a Default setting is fixed');
  t.match(faultOf(put)?.reason ?? '', new RegExp(`Xen:StoragePool/${nfs}/Default is a storage pool's Default setting`));

  const vms = await records('VM');
  const halted = [...vms.values()].find((v) => v['power_state'] === 'Halted' && v['is_a_template'] === false && v['is_control_domain'] === false)!;
  const before = { vbds: (halted['VBDs'] as string[]).length, vifs: (halted['VIFs'] as string[]).length };
  const wrap = (inst: string): string => `<p:ResourceSettings xmlns:xsi="${NS.XSI}" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common">${inst}</p:ResourceSettings>`;
  const added = await invoke('AddResourceSettings',
    `<p:AffectedConfiguration>${epr('Xen_VirtualSystemSettingData', { InstanceID: `Xen:${field(halted, 'uuid')}` })}</p:AffectedConfiguration>${wrap(sized)}${wrap(nic)}`);
  t.equal(returnValue(added), '0', added.text.slice(0, 600));
  const vm = await compareWithSim(t, field(halted, 'uuid'), 'devices added from the Default settings');
  t.same([(vm['VBDs'] as string[]).length, (vm['VIFs'] as string[]).length], [before.vbds + 1, before.vifs + 1]);
  const vbds = await records('VBD');
  const vdis = await records('VDI');
  const srs = await records('SR');
  const newVdi = (vm['VBDs'] as string[]).map((r) => vdis.get(field(vbds.get(r)!, 'VDI'))).find((d) => d !== undefined && Number(d['virtual_size']) === 2 * GiB);
  t.ok(newVdi, 'a new 2 GiB disk');
  t.equal(newVdi && field(srs.get(field(newVdi, 'SR'))!, 'uuid'), nfs, 'in the Default setting\'s pool');
  const vifs = await records('VIF');
  const nets = await records('network');
  const newVif = (vm['VIFs'] as string[]).map((r) => vifs.get(r)!).find((v) => !(halted['VIFs'] as string[]).includes(field(v, 'uuid')) && field(nets.get(field(v, 'network'))!, 'uuid') === eth1);
  t.ok(newVif && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(field(newVif, 'MAC')), 'a new NIC on the pool\'s network, with a MAC of its own');
});

t.test('DefineSystem from a template: 4096 and a job while VM.provision runs, then the complete VM', async (t) => {
  const r = await invoke('DefineSystem', `<p:SystemSettings>${q('Xen_VirtualSystemSettingData', { ElementName: 'e2e-from-template', ReferenceTemplate: 'Debian Bookworm 12' })}</p:SystemSettings>`);
  t.equal(returnValue(r), '4096');
  const job = eprs(r, 'Job')[0]?.get('InstanceID') ?? '';
  const uuid = eprs(r, 'ResultingSystem')[0]?.get('Name') ?? '';
  t.match(job, /^Xen:/);
  let state = '';
  for (let i = 0; i < 40 && state !== '7'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const j = await get('Xen_ConcreteJob', { InstanceID: job });
    state = (j && prop(j, 'JobState')) ?? '';
  }
  t.equal(state, '7', 'the job completes');
  const vm = await compareWithSim(t, uuid, 'provisioned');
  t.equal(vm['is_a_template'], false);
  t.equal((vm['VBDs'] as string[]).length, 1, "the template's disk was provisioned");
});

t.test('illegal requests: exact return codes and faults, the simulator unchanged', async (t) => {
  const vms = await records('VM');
  const running = field([...vms.values()].find((v) => v['power_state'] === 'Running' && v['is_control_domain'] !== true)!, 'uuid');
  const halted = field([...vms.values()].find((v) => v['power_state'] === 'Halted' && v['is_a_template'] !== true && v['is_a_snapshot'] !== true)!, 'uuid');
  const before = await simState();
  const vssd = (uuid: string) => `<p:AffectedConfiguration>${epr('Xen_VirtualSystemSettingData', { InstanceID: `Xen:${uuid}` })}</p:AffectedConfiguration>`;
  const system = (uuid: string) => `<p:AffectedSystem>${epr('Xen_ComputerSystem', { CreationClassName: 'Xen_ComputerSystem', Name: uuid })}</p:AffectedSystem>`;
  const codes: [string, () => Promise<WsmanReply>, string][] = [
    ['destroying a running VM', () => invoke('DestroySystem', system(running)), '5'],
    ['destroying a VM that does not exist', () => invoke('DestroySystem', system('00000000-0000-0000-0000-000000000000')), '4'],
    ['memory out of order', () => invoke('ModifyResourceSettings', `<p:ResourceSettings>${q('Xen_MemorySettingData', { InstanceID: `Xen:${halted}/Memory`, Reservation: 4096, Limit: 1024 })}</p:ResourceSettings>`), '4'],
    ['vCPUs of a running VM', () => invoke('ModifyResourceSettings', `<p:ResourceSettings>${q('Xen_ProcessorSettingData', { InstanceID: `Xen:${running}/Processor`, VirtualQuantity: 7 })}</p:ResourceSettings>`), '5'],
    ['settings of two VMs', () => invoke('ModifyResourceSettings', `<p:ResourceSettings>${q('Xen_MemorySettingData', { InstanceID: `Xen:${halted}/Memory` })}</p:ResourceSettings><p:ResourceSettings>${q('Xen_MemorySettingData', { InstanceID: `Xen:${running}/Memory` })}</p:ResourceSettings>`), '6'],
    ['adding a processor', () => invoke('AddResourceSettings', `${vssd(halted)}<p:ResourceSettings>${q('Xen_ProcessorSettingData', { ResourceType: 3, VirtualQuantity: 2 })}</p:ResourceSettings>`), '6'],
    ['removing the memory', () => invoke('RemoveResourceSettings', `<p:ResourceSettings>${epr('Xen_MemorySettingData', { InstanceID: `Xen:${halted}/Memory` })}</p:ResourceSettings>`), '6'],
    ['a disk without a size', () => invoke('DefineSystem', `<p:SystemSettings>${q('Xen_VirtualSystemSettingData', { ElementName: 'e2e-bad' })}</p:SystemSettings><p:ResourceSettings>${q('Xen_DiskSettingData', { ResourceType: 31 })}</p:ResourceSettings>`), '4'],
    ['a type change of a running VM', () => invoke('ModifySystemSettings', `<p:SystemSettings>${q('Xen_VirtualSystemSettingData', { InstanceID: `Xen:${running}`, VirtualSystemType: 'DMTF:Xen:PV' })}</p:SystemSettings>`), '5'],
  ];
  for (const [name, send, code] of codes) {
    const r = await send();
    t.equal(r.status, 200, `${name}: answered, not a fault`);
    t.equal(returnValue(r), code, name);
  }
  const faults: [string, () => Promise<WsmanReply>, string, string | undefined][] = [
    ['read-only user defining', () => invoke('DefineSystem', `<p:SystemSettings>${q('Xen_VirtualSystemSettingData', { ElementName: 'e2e-denied' })}</p:SystemSettings>`, MONITOR), 'wsman:AccessDenied', undefined],
    ['read-only user destroying', () => invoke('DestroySystem', system(halted), MONITOR), 'wsman:AccessDenied', undefined],
    ['read-only user modifying', () => invoke('ModifySystemSettings', `<p:SystemSettings>${q('Xen_VirtualSystemSettingData', { InstanceID: `Xen:${halted}`, ElementName: 'nope' })}</p:SystemSettings>`, MONITOR), 'wsman:AccessDenied', undefined],
    ['missing SystemSettings', () => invoke('DefineSystem', ''), 'wsman:InvalidParameter', 'MissingValues'],
    ['missing AffectedSystem', () => invoke('DestroySystem', ''), 'wsman:InvalidParameter', 'MissingValues'],
    ['an embedded instance of the wrong class', () => invoke('DefineSystem', `<p:SystemSettings>${q('Xen_DiskSettingData', { ElementName: 'x' })}</p:SystemSettings>`), 'wsman:InvalidParameter', 'InvalidValue'],
    ['an unknown property in an embedded instance', () => invoke('DefineSystem', `<p:SystemSettings>${q('Xen_VirtualSystemSettingData', { ElementName: 'x', Colour: 'red' })}</p:SystemSettings>`), 'wsman:InvalidParameter', undefined],
    ['text where an instance belongs', () => invoke('DefineSystem', '<p:SystemSettings>a VM please</p:SystemSettings>'), 'wsman:InvalidParameter', 'InvalidValue'],
    ['a wrongly typed property', () => invoke('DefineSystem', `<p:SystemSettings>${q('Xen_VirtualSystemSettingData', { ElementName: 'x', AutomaticStartupAction: 'always' })}</p:SystemSettings>`), 'wsman:InvalidParameter', 'TypeMismatch'],
    ['an unknown parameter', () => invoke('DestroySystem', `${system(halted)}<p:Force>true</p:Force>`), 'wsman:InvalidParameter', 'InvalidName'],
    ['an OUT parameter as input', () => invoke('DestroySystem', `${system(halted)}<p:Job/>`), 'wsman:InvalidParameter', 'InvalidName'],
  ];
  for (const [name, send, subcode, detail] of faults) {
    const r = await send();
    t.equal(r.status, 500, name);
    t.equal(faultOf(r)?.subcode, subcode, name);
    if (detail) t.equal(faultOf(r)?.detail, DETAIL + detail, `${name}: ${detail}`);
  }
  t.equal(await simState(), before, 'the simulator is unchanged');
});

t.test('the capabilities advertise the methods', async (t) => {
  const caps = await get('Xen_VirtualSystemManagementCapabilities', { InstanceID: `Xen:${hostUuid}` });
  t.same(caps?.children.filter((c) => c.name === 'SynchronousMethodsSupported').map((c) => c.text), ['2', '3', '5', '6', '7', '10']);
  t.same(caps?.children.filter((c) => c.name === 'AsynchronousMethodsSupported').map((c) => c.text), ['2']);
});
