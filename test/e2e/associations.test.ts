// The walk a manager does over real sockets, with WS-Man association filters: from the host
// to every VM, from a VM to its settings and capabilities and back; and profile discovery
// from root/interop. Every hop is checked against the simulator's own records.
import t from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { allRecords, field, guests, xenSession } from '../helpers/xenapi.js';
import { ACTIONS, bodyOf, envelope, faultOf, MONITOR, post, ROOT, XEN_CS_URI } from '../helpers/wsman-client.js';
import { ALL_CLASSES, associationFilter, CITRIX, DMTF, enumerateWith, filtered, selectorOf, valueOf, type ObjectRef } from '../helpers/filters.js';
import type { XenRecord } from '../../src/xenapi/values.js';
import type { XmlElement } from '../../src/soap/xml.js';

let stack: Stack;
let vms: XenRecord[];
let hostUuid: string;
t.before(async () => {
  stack = await startStack();
  const x = await xenSession(stack.sim.url);
  vms = [...guests(await allRecords(x.session, 'VM')).values()];
  hostUuid = field([...(await allRecords(x.session, 'host')).values()][0]!, 'uuid');
  await x.close();
});
t.teardown(() => stack.close());

const HOST: () => ObjectRef = () => ({ className: 'Xen_HostComputerSystem', keys: { CreationClassName: 'Xen_HostComputerSystem', Name: hostUuid } });
const vmRef = (uuid: string): ObjectRef => ({ className: 'CIM_ComputerSystem', keys: { CreationClassName: 'Xen_ComputerSystem', Name: uuid } });
const classes = (items: XmlElement[]): string[] => [...new Set(items.map((i) => i.name))].sort();
const assoc = (object: ObjectRef, o: Parameters<typeof associationFilter>[2] = {}) => filtered(stack.endpoint, ROOT, ALL_CLASSES, associationFilter('associated', object, o));
const refs = (object: ObjectRef, o: Parameters<typeof associationFilter>[2] = {}) => filtered(stack.endpoint, ROOT, ALL_CLASSES, associationFilter('association', object, o));

t.test('host → every VM through HostedDependency, and each VM back to the host', async (t) => {
  const fromHost = await assoc(HOST(), { assocClass: 'CIM_HostedDependency', resultClass: 'Xen_ComputerSystem' });
  t.same(new Set(fromHost.map((i) => valueOf(i, 'Name'))), new Set(vms.map((v) => field(v, 'uuid'))), 'exactly the guests: no templates, snapshots or dom0');
  t.same(classes(fromHost), ['Xen_ComputerSystem']);
  const hosted = await assoc(HOST(), { assocClass: 'CIM_HostedDependency' });
  // HostedService is a HostedDependency too, so the management service comes along.
  t.same(classes(hosted), ['Xen_ComputerSystem', 'Xen_VirtualSwitch', 'Xen_VirtualSystemManagementService'], 'the host also hosts its virtual switches and its service');
  const vm = field(vms[0]!, 'uuid');
  const back = await assoc(vmRef(vm), { assocClass: 'CIM_HostedDependency', role: 'Dependent', resultRole: 'Antecedent' });
  t.same(back.map((i) => valueOf(i, 'Name')), [hostUuid]);
  const wrongRole = await assoc(vmRef(vm), { assocClass: 'CIM_HostedDependency', role: 'Antecedent' });
  t.equal(wrongRole.length, 0, 'a VM is never the Antecedent of HostedDependency');
});

t.test('VM → its settings, capabilities, host and service; settings → back to the VM', async (t) => {
  for (const vm of vms) {
    const uuid = field(vm, 'uuid');
    const all = await assoc(vmRef(uuid));
    t.ok(['Xen_EnabledLogicalElementCapabilities', 'Xen_HostComputerSystem', 'Xen_VirtualSystemManagementService', 'Xen_VirtualSystemSettingData'].every((c) => classes(all).includes(c)), `${field(vm, 'name_label')}: ${classes(all).join(', ')}`);
    const [vssd] = await assoc(vmRef(uuid), { assocClass: 'CIM_SettingsDefineState', resultClass: 'CIM_VirtualSystemSettingData' });
    t.equal(valueOf(vssd!, 'InstanceID'), `Xen:${uuid}`);
    t.equal(valueOf(vssd!, 'ElementName'), field(vm, 'name_label'));
    t.equal(valueOf(vssd!, 'VirtualSystemIdentifier'), uuid);
    const [caps] = await assoc(vmRef(uuid), { resultClass: 'CIM_EnabledLogicalElementCapabilities' });
    // Every state RequestStateChange can reach, whatever the VM's state now (CIM); AvailableRequestedStates is the part that applies now.
    t.same(caps!.children.filter((c) => c.name === 'RequestedStatesSupported').map((c) => c.text), ['2', '3', '4', '6', '9', '10', '11']);
    const now = await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: XEN_CS_URI, selectors: { Name: uuid } }), ROOT);
    const available = bodyOf(now)!.children.filter((c) => c.name === 'AvailableRequestedStates').map((c) => c.text);
    t.ok(available.every((s) => ['2', '3', '4', '6', '9', '10', '11'].includes(s)), 'AvailableRequestedStates is a subset of it');
    const back = await assoc({ className: 'CIM_VirtualSystemSettingData', keys: { InstanceID: `Xen:${uuid}` } }, { resultClass: 'CIM_ComputerSystem' });
    t.same(back.map((i) => valueOf(i, 'Name')), [uuid], 'settings lead back to their VM only');
  }
});

t.test('References: association instances with EPRs to both ends', async (t) => {
  const vm = field(vms[0]!, 'uuid');
  const links = await refs(vmRef(vm), { resultClass: 'CIM_ElementSettingData' });
  t.equal(links.length, 1);
  const esd = links[0]!;
  t.equal(esd.name, 'Xen_ElementSettingData');
  t.equal(valueOf(esd, 'IsCurrent'), '1');
  const me = esd.children.find((c) => c.name === 'ManagedElement')!;
  t.equal(selectorOf(me, 'Name'), vm);
  t.equal(selectorOf(me, '__cimnamespace'), 'root/cimv2');
  const sd = esd.children.find((c) => c.name === 'SettingData')!;
  t.equal(selectorOf(sd, 'InstanceID'), `Xen:${vm}`);
  const fromHost = await refs(HOST(), { resultClass: 'CIM_HostedDependency' });
  const toVms = fromHost.filter((a) => selectorOf(a.children.find((c) => c.name === 'Dependent')!, 'CreationClassName') === 'Xen_ComputerSystem');
  t.equal(toVms.length, vms.length, 'one HostedDependency per guest');
});

t.test('EnumerateEPR and ObjectAndEPR with an association filter; a class ResourceURI narrows results', async (t) => {
  const eprs = await filtered(stack.endpoint, ROOT, ALL_CLASSES, associationFilter('associated', HOST(), { resultClass: 'Xen_ComputerSystem' }), { mode: 'EnumerateEPR' });
  t.equal(eprs.length, vms.length);
  t.ok(eprs.every((e) => e.name === 'EndpointReference'));
  const narrowed = await filtered(stack.endpoint, ROOT, `${CITRIX}Xen_VirtualSystemManagementService`, associationFilter('associated', HOST()));
  t.same(classes(narrowed), ['Xen_VirtualSystemManagementService']);
});

t.test('IncludeResultProperty returns only the properties named', async (t) => {
  const items = await assoc(HOST(), { resultClass: 'Xen_ComputerSystem', includeResultProperty: ['Name', 'EnabledState'] });
  t.equal(items.length, vms.length, 'every guest');
  t.ok(items.every((i) => i.children.map((c) => c.name).sort().join() === 'EnabledState,Name'), 'with Name and EnabledState only');
});

t.test('an association Object that names no instance, or names unknown classes, is CannotProcessFilter [DSP0227 R8.2.1-4]', async (t) => {
  const cases = [
    associationFilter('associated', vmRef('00000000-0000-0000-0000-000000000000')),
    associationFilter('associated', { className: 'CIM_Nothing', keys: { Name: 'x' } }),
    associationFilter('associated', vmRef(field(vms[0]!, 'uuid')), { resultClass: 'CIM_Nothing' }),
    associationFilter('association', { className: 'CIM_ComputerSystem', keys: { Colour: 'red' } }),
    associationFilter('associated', HOST(), { resultClass: 'Xen_ComputerSystem', includeResultProperty: ['Name', 'Colour'] }),
    '<wsman:Filter Dialect="http://schemas.dmtf.org/wbem/wsman/1/cimbinding/associationFilter"><wsmb:AssociatedInstances/></wsman:Filter>',
  ];
  for (const f of cases) {
    const r = await enumerateWith(stack.endpoint, ROOT, ALL_CLASSES, f);
    t.equal(r.status, 500);
    t.equal(faultOf(r)?.subcode, 'wsen:CannotProcessFilter', f.slice(0, 200));
  }
});

t.test('profile discovery: RegisteredProfile in root/interop, ElementConformsToProfile to the central instances', async (t) => {
  const profiles = await filtered(stack.endpoint, MONITOR, `${DMTF}CIM_RegisteredProfile`, '', { namespace: 'root/interop' });
  const byName = new Map(profiles.map((p) => [valueOf(p, 'RegisteredName'), p]));
  for (const name of ['System Virtualization', 'Virtual System', 'Profile Registration']) t.ok(byName.has(name), name);
  t.ok(profiles.every((p) => valueOf(p, 'RegisteredOrganization') === '2'), 'DMTF profiles');
  const inCimv2 = await filtered(stack.endpoint, MONITOR, `${DMTF}CIM_RegisteredProfile`, '');
  t.equal(inCimv2.length, 0, 'profiles live in root/interop');

  const sv = byName.get('System Virtualization')!;
  const svRef: ObjectRef = { className: 'CIM_RegisteredProfile', keys: { InstanceID: valueOf(sv, 'InstanceID')! }, namespace: 'root/interop' };
  const central = await assoc(svRef, { assocClass: 'CIM_ElementConformsToProfile', resultRole: 'ManagedElement' });
  t.same(central.map((i) => valueOf(i, 'Name')), [hostUuid], 'System Virtualization → the host');
  const vs = byName.get('Virtual System')!;
  const vsCentral = await assoc({ className: 'CIM_RegisteredProfile', keys: { InstanceID: valueOf(vs, 'InstanceID')! }, namespace: 'root/interop' }, { assocClass: 'CIM_ElementConformsToProfile' });
  t.same(new Set(vsCentral.map((i) => valueOf(i, 'Name'))), new Set(vms.map((v) => field(v, 'uuid'))), 'Virtual System → every VM');

  const fromHost = await assoc(HOST(), { assocClass: 'CIM_ElementConformsToProfile', resultClass: 'CIM_RegisteredProfile' });
  t.same(fromHost.map((i) => valueOf(i, 'RegisteredName')), ['System Virtualization'], 'and back from the host in root/cimv2');

  const referenced = await assoc(svRef, { assocClass: 'CIM_ReferencedProfile', role: 'Dependent', resultRole: 'Antecedent' });
  t.ok(referenced.some((p) => valueOf(p, 'RegisteredName') === 'Virtual System'), 'System Virtualization references Virtual System');
  const vsRef: ObjectRef = { className: 'CIM_RegisteredProfile', keys: { InstanceID: valueOf(vs, 'InstanceID')! }, namespace: 'root/interop' };
  const up = await assoc(vsRef, { assocClass: 'CIM_ReferencedProfile' });
  t.same(up.map((p) => valueOf(p, 'RegisteredName')), ['System Virtualization'], 'and the component leads back to the autonomous profile');
});

t.test('a manager walk: VM → settings → every resource setting → its pool → the host, and the devices back to the VM', async (t) => {
  const x = await xenSession(stack.sim.url);
  t.teardown(() => x.close());
  const vbds = await allRecords(x.session, 'VBD');
  const vifs = await allRecords(x.session, 'VIF');
  const vdis = await allRecords(x.session, 'VDI');
  const srs = await allRecords(x.session, 'SR');
  const vm = vms.find((v) => v['power_state'] === 'Running')!;
  const uuid = field(vm, 'uuid');
  const vmRefStr = [...(await allRecords(x.session, 'VM'))].find(([, r]) => r['uuid'] === uuid)![0];
  const vmVbds = [...vbds.values()].filter((b) => b['VM'] === vmRefStr);
  const vmVifs = [...vifs.values()].filter((v) => v['VM'] === vmRefStr);

  // VM → its settings → the resource allocation settings that make it up
  const [vssd] = await assoc(vmRef(uuid), { assocClass: 'CIM_SettingsDefineState', resultClass: 'CIM_VirtualSystemSettingData' });
  const vssdRef: ObjectRef = { className: 'Xen_VirtualSystemSettingData', keys: { InstanceID: valueOf(vssd!, 'InstanceID')! } };
  const rasds = await assoc(vssdRef, { assocClass: 'CIM_VirtualSystemSettingDataComponent', resultClass: 'CIM_ResourceAllocationSettingData' });
  t.equal(rasds.length, 2 + vmVbds.length + vmVifs.length, 'processor, memory, one per VBD and one per VIF');
  const byType = (type: string) => rasds.filter((r) => valueOf(r, 'ResourceType') === type);
  t.equal(byType('3').length, 1, 'one processor setting');
  t.equal(valueOf(byType('3')[0]!, 'VirtualQuantity'), String(vm['VCPUs_max']));
  t.equal(byType('4').length, 1, 'one memory setting');
  t.equal(valueOf(byType('4')[0]!, 'VirtualQuantity'), String(Math.ceil(Number(vm['memory_static_max']) / 2 ** 20)), 'MiB');
  t.equal(byType('31').length + byType('16').length, vmVbds.length, 'a storage setting per VBD (disk 31, CD 16)');
  t.equal(byType('33').length, vmVifs.length, 'an Ethernet connection setting per VIF');
  for (const vbd of vmVbds) {
    const setting = rasds.find((r) => valueOf(r, 'InstanceID') === `Xen:${uuid}/${field(vbd, 'uuid')}`);
    t.ok(setting, `setting of VBD ${field(vbd, 'userdevice')}`);
    const vdi = vdis.get(field(vbd, 'VDI'));
    if (vdi) {
      t.equal(valueOf(setting!, 'VirtualQuantity'), field(vdi, 'virtual_size'), 'disk size in bytes');
      t.equal(valueOf(setting!, 'PoolID'), field(srs.get(field(vdi, 'SR'))!, 'uuid'), 'pool = the SR');
    }
  }

  // each setting → its pool → the host
  for (const rasd of rasds) {
    const ref: ObjectRef = { className: rasd.name, keys: { InstanceID: valueOf(rasd, 'InstanceID')! } };
    const pools = await assoc(ref, { assocClass: 'CIM_ResourceAllocationFromPool', resultClass: 'CIM_ResourcePool' });
    if (valueOf(rasd, 'PoolID') === undefined || rasd.children.find((c) => c.name === 'PoolID')?.attrs.some((a) => a.name === 'nil')) {
      t.equal(pools.length, 0, `${valueOf(rasd, 'InstanceID')} draws on no pool (empty drive)`);
      continue;
    }
    t.equal(pools.length, 1, `${valueOf(rasd, 'InstanceID')} draws on one pool`);
    t.equal(valueOf(pools[0]!, 'PoolID'), valueOf(rasd, 'PoolID'), 'the pool its PoolID names');
    const poolRef: ObjectRef = { className: pools[0]!.name, keys: { InstanceID: valueOf(pools[0]!, 'InstanceID')! } };
    const owner = await assoc(poolRef, { assocClass: 'CIM_HostedResourcePool' });
    t.same(owner.map((h) => valueOf(h, 'Name')), [hostUuid], 'hosted by the host');
    const caps = await assoc(poolRef, { assocClass: 'CIM_ElementCapabilities', resultClass: 'CIM_AllocationCapabilities' });
    t.equal(caps.length, 1, 'with its allocation capabilities');
    t.equal(valueOf(caps[0]!, 'ResourceType'), valueOf(pools[0]!, 'ResourceType'));
  }

  // VM → its devices → each device's settings is one of the VM's settings; each device leads back to the VM
  const devices = await assoc(vmRef(uuid), { assocClass: 'CIM_SystemDevice' });
  t.equal(devices.filter((d) => d.name === 'Xen_Processor').length, Number((await x.session.call('VM_metrics.get_VCPUs_number', [field(vm, 'metrics')])) || vm['VCPUs_at_startup']), 'a processor per running vCPU');
  t.equal(devices.filter((d) => d.name === 'Xen_Memory').length, 1);
  t.equal(devices.filter((d) => d.name === 'Xen_Disk' || d.name === 'Xen_CDROMDrive').length, vmVbds.length);
  t.equal(devices.filter((d) => d.name === 'Xen_NetworkPort').length, vmVifs.length);
  const rasdIds = new Set(rasds.map((r) => valueOf(r, 'InstanceID')));
  for (const d of devices) {
    const ref: ObjectRef = { className: d.name, keys: { SystemCreationClassName: 'Xen_ComputerSystem', SystemName: uuid, CreationClassName: d.name, DeviceID: valueOf(d, 'DeviceID')! } };
    const state = await assoc(ref, { assocClass: 'CIM_SettingsDefineState' });
    t.equal(state.length, 1, `${valueOf(d, 'DeviceID')} has its settings`);
    t.ok(rasdIds.has(valueOf(state[0]!, 'InstanceID')), 'which are among the VM settings');
    const sys = await assoc(ref, { assocClass: 'CIM_SystemDevice' });
    t.same(sys.map((s) => valueOf(s, 'Name')), [uuid], 'and it belongs to the VM');
  }
});
