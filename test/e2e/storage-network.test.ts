// DSP1047, DSP1050 and DSP1097 over real sockets: each new class enumerated through its DMTF
// and its Xen_ ResourceURI, fetched by selectors, and walked with association filters from a
// VM to its disks' pools and to its ports' switches. Expected values come from the simulator.
import t, { type Test } from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { allRecords, field, guests, xenSession } from '../helpers/xenapi.js';
import { ACTIONS, bodyOf, enumerateAll, envelope, MONITOR, post, prop, ROOT } from '../helpers/wsman-client.js';
import { ALL_CLASSES, associationFilter, CITRIX, DMTF, filtered, valueOf, type ObjectRef } from '../helpers/filters.js';
import type { XenRecord } from '../../src/xenapi/values.js';
import type { XmlElement } from '../../src/soap/xml.js';

let stack: Stack;
const rec: Record<string, Map<string, XenRecord>> = {};
t.before(async () => {
  stack = await startStack();
  const x = await xenSession(stack.sim.url);
  for (const cls of ['VM', 'VBD', 'VDI', 'SR', 'VIF', 'network', 'host']) rec[cls] = await allRecords(x.session, cls);
  await x.close();
});
t.teardown(() => stack.close());

const values = (cls: string): XenRecord[] => [...(rec[cls]?.values() ?? [])];
const guestRefs = (): Set<string> => new Set(guests(rec['VM']!).keys());
const guestVbds = (type: string): XenRecord[] => values('VBD').filter((v) => v['type'] === type && guestRefs().has(field(v, 'VM')));
const guestVifs = (): XenRecord[] => values('VIF').filter((v) => guestRefs().has(field(v, 'VM')));
const internal = (n: XenRecord): boolean => (n['other_config'] as Record<string, string>)['is_host_internal_management_network'] === 'true';
const shownVdis = (): XenRecord[] => values('VDI').filter((v) => v['is_a_snapshot'] !== true && v['type'] !== 'suspend');
/** Pools with a Default setting: those that hold CD images or take new disks (not removable storage). */
const storageDefaults = (): number => values('SR').filter((sr) => sr['content_type'] === 'iso' || sr['type'] === 'iso' || (sr['type'] !== 'udev' && sr['is_tools_sr'] !== true)).length;
const names = (items: XmlElement[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const i of items) out[i.name] = (out[i.name] ?? 0) + 1;
  return out;
};

t.test('each class through its Xen_ ResourceURI: as many instances as XenAPI objects', async (t) => {
  const expected: Record<string, number> = {
    Xen_StoragePool: values('SR').length,
    Xen_DiskImage: shownVdis().length,
    Xen_Disk: guestVbds('Disk').length,
    Xen_CDROMDrive: guestVbds('CD').length,
    // and one Default setting per pool that holds CD images or takes new disks (not removable storage)
    Xen_DiskSettingData: guestVbds('Disk').length + guestVbds('CD').length + storageDefaults(),
    Xen_NetworkPort: guestVifs().length,
    Xen_NetworkPortSettingData: guestVifs().length + values('network').filter((n) => !internal(n)).length,
    Xen_NetworkPool: values('network').filter((n) => !internal(n)).length,
    Xen_VirtualSwitch: values('network').filter((n) => !internal(n)).length,
    Xen_VirtualEthernetSwitchSettingData: values('network').filter((n) => !internal(n)).length,
  };
  for (const [cls, n] of Object.entries(expected)) {
    const { items } = await enumerateAll(stack.endpoint, MONITOR, CITRIX + cls, { optimize: true, maxElements: 50 });
    t.same(names(items), { [cls]: n }, cls);
    t.ok(n > 0, `${cls} has instances in the fixture`);
  }
});

t.test('each class through its DMTF ResourceURI (polymorphic)', async (t) => {
  const disks = guestVbds('Disk').length;
  const nets = values('network').filter((n) => !internal(n)).length;
  const cases: [string, Record<string, number>][] = [
    ['CIM_StorageExtent', { Xen_DiskImage: shownVdis().length, Xen_Disk: disks }],
    ['CIM_LogicalDisk', { Xen_Disk: disks }],
    ['CIM_CDROMDrive', { Xen_CDROMDrive: guestVbds('CD').length }],
    ['CIM_StorageAllocationSettingData', { Xen_DiskSettingData: disks + guestVbds('CD').length + storageDefaults() }],
    ['CIM_EthernetPort', { Xen_NetworkPort: guestVifs().length }],
    ['CIM_EthernetPortAllocationSettingData', { Xen_NetworkPortSettingData: guestVifs().length + nets }],
    ['CIM_VirtualEthernetSwitch', { Xen_VirtualSwitch: nets }],
    ['CIM_VirtualEthernetSwitchSettingData', { Xen_VirtualEthernetSwitchSettingData: nets }],
  ];
  for (const [cls, want] of cases) {
    const { items } = await enumerateAll(stack.endpoint, ROOT, DMTF + cls, { optimize: true, maxElements: 50 });
    // Other profiles' subclasses (e.g. CIM_Memory is a CIM_StorageExtent) may be there too.
    const got = names(items);
    t.same(Object.fromEntries(Object.keys(want).map((k) => [k, got[k]])), want, cls);
  }
  const pools = names((await enumerateAll(stack.endpoint, ROOT, `${DMTF}CIM_ResourcePool`, { optimize: true, maxElements: 50 })).items);
  t.equal(pools['Xen_StoragePool'], values('SR').length);
  t.equal(pools['Xen_NetworkPool'], nets);
  const systems = names((await enumerateAll(stack.endpoint, ROOT, `${DMTF}CIM_ComputerSystem`, { optimize: true, maxElements: 50 })).items);
  t.equal(systems['Xen_VirtualSwitch'], nets, 'switches are computer systems');
  t.equal(systems['Xen_ComputerSystem'], guestRefs().size);
});

const get = async (tt: Test, uri: string, selectors: Record<string, string>): Promise<XmlElement> => {
  const r = await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: uri, selectors }), ROOT);
  tt.equal(r.status, 200, `Get ${uri.slice(uri.lastIndexOf('/') + 1)}`);
  return bodyOf(r)!;
};
const isNil = (inst: XmlElement, name: string): boolean => inst.children.some((c) => c.name === name && c.attrs.some((a) => a.name === 'nil' && a.value === 'true'));

t.test('Get by selectors: a pool, an image, a disk, a CD drive and their settings', async (t) => {
  const localRef = [...rec['SR']!].find(([, s]) => s['name_label'] === 'Local storage')![0];
  const local = rec['SR']!.get(localRef)!;
  const pool = await get(t, `${DMTF}CIM_ResourcePool`, { InstanceID: `Xen:StoragePool/${field(local, 'uuid')}` });
  t.equal(pool.name, 'Xen_StoragePool');
  t.equal(prop(pool, 'Capacity'), field(local, 'physical_size'));
  t.equal(prop(pool, 'ResourceType'), '31');

  const vbd = guestVbds('Disk')[0]!;
  const vdi = rec['VDI']!.get(field(vbd, 'VDI'))!;
  const vm = field(rec['VM']!.get(field(vbd, 'VM'))!, 'uuid');
  const host = field(values('host')[0]!, 'uuid');
  const sr = field(rec['SR']!.get(field(vdi, 'SR'))!, 'uuid');
  const img = await get(t, `${DMTF}CIM_StorageExtent`, { SystemCreationClassName: 'Xen_HostComputerSystem', SystemName: host, CreationClassName: 'Xen_DiskImage', DeviceID: `Xen:${sr}/${field(vdi, 'uuid')}` });
  t.equal(img.name, 'Xen_DiskImage');
  t.equal(prop(img, 'NumberOfBlocks'), field(vdi, 'virtual_size'));
  const disk = await get(t, `${CITRIX}Xen_Disk`, { SystemCreationClassName: 'Xen_ComputerSystem', SystemName: vm, CreationClassName: 'Xen_Disk', DeviceID: `Xen:${vm}/${field(vbd, 'uuid')}` });
  t.equal(prop(disk, 'Name'), field(vbd, 'device'));
  const rasd = await get(t, `${DMTF}CIM_StorageAllocationSettingData`, { InstanceID: `Xen:${vm}/${field(vbd, 'uuid')}` });
  t.equal(rasd.name, 'Xen_DiskSettingData');
  t.equal(prop(rasd, 'PoolID'), sr);
  t.equal(prop(rasd, 'HostExtentName'), field(vdi, 'uuid'));
  t.equal(prop(rasd, 'HostResource'), `/root/cimv2:Xen_DiskImage.SystemCreationClassName="Xen_HostComputerSystem",SystemName="${host}",CreationClassName="Xen_DiskImage",DeviceID="Xen:${sr}/${field(vdi, 'uuid')}"`);

  const cd = guestVbds('CD')[0]!;
  const cdVm = field(rec['VM']!.get(field(cd, 'VM'))!, 'uuid');
  const drive = await get(t, `${DMTF}CIM_CDROMDrive`, { CreationClassName: 'Xen_CDROMDrive', SystemName: cdVm, SystemCreationClassName: 'Xen_ComputerSystem', DeviceID: `Xen:${cdVm}/${field(cd, 'uuid')}` });
  t.equal(drive.name, 'Xen_CDROMDrive');
  const cdRasd = await get(t, `${CITRIX}Xen_DiskSettingData`, { InstanceID: `Xen:${cdVm}/${field(cd, 'uuid')}` });
  t.equal(prop(cdRasd, 'ResourceType'), '16');
  t.ok(isNil(cdRasd, 'PoolID') && isNil(cdRasd, 'HostResource'), 'an empty drive has no pool or image');
});

t.test('Get by selectors: a port, its settings, a network pool, a switch and its settings', async (t) => {
  const vif = guestVifs()[0]!;
  const vm = field(rec['VM']!.get(field(vif, 'VM'))!, 'uuid');
  const net = rec['network']!.get(field(vif, 'network'))!;
  const mac = field(vif, 'MAC').replace(/:/g, '').toUpperCase();
  const port = await get(t, `${DMTF}CIM_NetworkPort`, { SystemCreationClassName: 'Xen_ComputerSystem', SystemName: vm, CreationClassName: 'Xen_NetworkPort', DeviceID: `Xen:${vm}/${field(vif, 'uuid')}` });
  t.equal(port.name, 'Xen_NetworkPort');
  t.equal(prop(port, 'PermanentAddress'), mac);
  t.equal(prop(port, 'NetworkAddresses'), mac);
  const rasd = await get(t, `${DMTF}CIM_EthernetPortAllocationSettingData`, { InstanceID: `Xen:${vm}/${field(vif, 'uuid')}` });
  t.equal(prop(rasd, 'ResourceType'), '33');
  t.equal(prop(rasd, 'PoolID'), field(net, 'uuid'));
  t.equal(prop(rasd, 'HostResource'), `/root/cimv2:Xen_VirtualSwitch.CreationClassName="Xen_VirtualSwitch",Name="${field(net, 'uuid')}"`);
  const pool = await get(t, `${CITRIX}Xen_NetworkPool`, { InstanceID: `Xen:NetworkPool/${field(net, 'uuid')}` });
  t.equal(prop(pool, 'ElementName'), field(net, 'name_label'));
  const sw = await get(t, `${DMTF}CIM_ComputerSystem`, { CreationClassName: 'Xen_VirtualSwitch', Name: field(net, 'uuid') });
  t.equal(sw.name, 'Xen_VirtualSwitch');
  t.equal(prop(sw, 'OtherIdentifyingInfo'), field(net, 'bridge'));
  const settings = await get(t, `${CITRIX}Xen_VirtualEthernetSwitchSettingData`, { InstanceID: `Xen:${field(net, 'uuid')}` });
  t.equal(prop(settings, 'AssociatedResourcePool'), `/root/cimv2:Xen_NetworkPool.InstanceID="Xen:NetworkPool/${field(net, 'uuid')}"`);
});

const vmRef = (uuid: string): ObjectRef => ({ className: 'CIM_ComputerSystem', keys: { CreationClassName: 'Xen_ComputerSystem', Name: uuid } });
const assoc = (object: ObjectRef, o: Parameters<typeof associationFilter>[2] = {}) => filtered(stack.endpoint, ROOT, ALL_CLASSES, associationFilter('associated', object, o));
const refOf = (item: XmlElement, keys: string[]): ObjectRef => ({ className: item.name, keys: Object.fromEntries(keys.map((k) => [k, valueOf(item, k) ?? ''])) });
const DEVICE_KEYS = ['SystemCreationClassName', 'SystemName', 'CreationClassName', 'DeviceID'];

t.test('walk: VM → its disks → their storage pool, with association filters', async (t) => {
  const [vmRecRef, vmRec] = [...guests(rec['VM']!)].find(([, v]) => v['name_label'] === 'db-01')!;
  const disks = (await assoc(vmRef(field(vmRec, 'uuid')), { assocClass: 'CIM_SystemDevice', resultClass: 'CIM_LogicalDisk' })).filter((i) => i.name === 'Xen_Disk');
  const vbds = values('VBD').filter((v) => v['VM'] === vmRecRef && v['type'] === 'Disk');
  t.equal(disks.length, vbds.length, 'db-01 has two disks');
  for (const disk of disks) {
    const pools = (await assoc(refOf(disk, DEVICE_KEYS), { assocClass: 'CIM_ElementAllocatedFromPool' })).filter((i) => i.name === 'Xen_StoragePool');
    const vbd = vbds.find((v) => String(valueOf(disk, 'DeviceID')).endsWith(field(v, 'uuid')))!;
    const sr = rec['SR']!.get(field(rec['VDI']!.get(field(vbd, 'VDI'))!, 'SR'))!;
    t.same(pools.map((p) => valueOf(p, 'PoolID')), [field(sr, 'uuid')]);
    t.equal(valueOf(pools[0]!, 'ElementName'), 'NFS VM storage');
  }
});

t.test('walk: VM → its ports → network pools → switches', async (t) => {
  const vmRec = [...guests(rec['VM']!).values()].find((v) => v['name_label'] === 'db-01')!;
  const ports = (await assoc(vmRef(field(vmRec, 'uuid')), { assocClass: 'CIM_SystemDevice', resultClass: 'CIM_EthernetPort' })).filter((i) => i.name === 'Xen_NetworkPort');
  t.equal(ports.length, 2);
  const switches = new Set<string>();
  for (const port of ports) {
    const [pool] = (await assoc(refOf(port, DEVICE_KEYS), { assocClass: 'CIM_ElementAllocatedFromPool' })).filter((i) => i.name === 'Xen_NetworkPool');
    t.ok(pool, 'the port is allocated from a network pool');
    const sws = (await assoc({ className: 'Xen_NetworkPool', keys: { InstanceID: valueOf(pool!, 'InstanceID')! } }, { assocClass: 'CIM_ConcreteComponent' })).filter((i) => i.name === 'Xen_VirtualSwitch');
    t.same(sws.map((s) => valueOf(s, 'Name')), [valueOf(pool!, 'PoolID')], 'the pool’s switch is its network');
    switches.add(valueOf(sws[0]!, 'ElementName') ?? '');
  }
  t.same([...switches].sort(), ['Pool-wide network associated with eth0', 'VLAN 100']);
});
