// DSP1050 classes against the simulator's own records: guests' VIFs as network ports with
// their connection settings, networks as connection pools, and the associations between them.
import t from 'tap';
import { CimError } from '../../../../src/cim/errors.js';
import type { CimInstance } from '../../../../src/cim/instance.js';
import { normalizeNamespace } from '../../../../src/cim/object-path.js';
import { parsePath } from '../../../../src/cim/query/literals.js';
import { cimMac } from '../../../../src/providers/ethernet-port/networks.js';
import { int, map, str, type XenRecord } from '../../../../src/xenapi/values.js';
import { isGuestRecord, loadSimModel, refWhere, text, undeclared, type SimModel } from '../sim-model.js';

let m: SimModel;
t.before(async () => {
  m = await loadSimModel();
});

const byKey = (list: CimInstance[], key: string): Map<string, CimInstance> => new Map(list.map((i) => [String(i.get(key)), i]));
const guestVifs = (): XenRecord[] => m.all('VIF').filter((v) => isGuestRecord(m.get('VM', str(v, 'VM'))));
const vmUuidOf = (vif: XenRecord): string => str(m.get('VM', str(vif, 'VM'))!, 'uuid');
const isInternal = (net: XenRecord): boolean => map(net, 'other_config')['is_host_internal_management_network'] === 'true';
const vlanOf = (net: XenRecord): number | undefined => {
  const pif = m.all('PIF').find((p) => str(p, 'network') === refWhere(m, 'network', 'uuid', str(net, 'uuid')) && int(p, 'VLAN') >= 0);
  return pif ? int(pif, 'VLAN') : undefined;
};

t.test('MACs are written as twelve upper-case hex digits (CIM_EthernetPort.NetworkAddresses)', async (t) => {
  t.equal(cimMac('ac:1f:6b:4a:10:2f'), 'AC1F6B4A102F');
  t.equal(cimMac('AC-1F-6B-4A-10-2F'), 'AC1F6B4A102F');
  t.equal(cimMac('ac1f.6b4a.102f'), 'AC1F6B4A102F');
  t.equal(cimMac(''), null);
  t.equal(cimMac('ac:1f:6b:4a:10'), null);
  t.equal(cimMac('zz:1f:6b:4a:10:2f'), null);
});

t.test('one Xen_NetworkPort per guest VIF with its MAC, MTU and device number', async (t) => {
  const ports = byKey(m.enumerate('Xen_NetworkPort'), 'DeviceID');
  const vifs = guestVifs();
  t.equal(ports.size, vifs.length);
  t.ok(m.all('VIF').length > vifs.length, 'templates and the snapshot have VIFs that are not shown');
  for (const vif of vifs) {
    const vm = vmUuidOf(vif);
    const p = ports.get(`Xen:${vm}/${str(vif, 'uuid')}`);
    const mac = str(vif, 'MAC').replace(/:/g, '').toUpperCase();
    t.equal(p?.get('SystemCreationClassName'), 'Xen_ComputerSystem');
    t.equal(p?.get('SystemName'), vm);
    t.equal(p?.get('CreationClassName'), 'Xen_NetworkPort');
    t.equal(p?.get('PermanentAddress'), mac);
    t.same(p?.get('NetworkAddresses'), [mac]);
    t.match(String(p?.get('PermanentAddress')), /^[0-9A-F]{12}$/);
    t.equal(p?.get('ActiveMaximumTransmissionUnit'), int(vif, 'MTU'));
    t.equal(p?.get('PortNumber'), int(vif, 'device'));
    t.equal(p?.get('LinkTechnology'), 2);
    t.equal(p?.get('EnabledState'), vif['currently_attached'] === true ? 2 : 3);
  }
});

t.test('Xen_NetworkPortSettingData per guest VIF: Ethernet Connection from the network’s pool, through its switch', async (t) => {
  const rasds = byKey(m.enumerate('Xen_NetworkPortSettingData'), 'InstanceID');
  t.equal([...rasds.keys()].filter((id) => !id.endsWith('/Default')).length, guestVifs().length);
  let tagged = 0;
  for (const vif of guestVifs()) {
    const r = rasds.get(`Xen:${vmUuidOf(vif)}/${str(vif, 'uuid')}`);
    const net = m.get('network', str(vif, 'network'))!;
    t.equal(r?.get('ResourceType'), 33);
    t.equal(r?.get('PoolID'), str(net, 'uuid'));
    t.equal(r?.get('Address'), str(vif, 'MAC').replace(/:/g, '').toUpperCase());
    t.equal(r?.get('AddressOnParent'), str(vif, 'device'));
    t.same(r?.get('Connection'), [str(net, 'name_label')]);
    t.equal(r?.get('VirtualQuantity'), 1);
    const vlan = vlanOf(net);
    t.equal(r?.get('DefaultPortVID'), vlan ?? 0);
    t.same(r?.get('AllowedToTransmitVLANs'), vlan === undefined ? null : [vlan]);
    if (vlan !== undefined) tagged++;
    const path = parsePath(text(r, 'HostResource') ?? '');
    t.equal(path?.className, 'Xen_VirtualSwitch');
    const sw = m.cimom.getInstance(m.ctx, normalizeNamespace(path!.namespace!), path!.className, path!.keys.map((k) => ({ name: k.name, value: String(k.value) })));
    t.equal(sw.get('Name'), str(net, 'uuid'), 'HostResource names the network’s switch');
  }
  t.equal(tagged, 1, 'db-01’s second VIF is on VLAN 100');
});

t.test('each network pool has a Default setting: a new NIC on that network, through its switch, with a MAC of its own', async (t) => {
  const rasds = byKey(m.enumerate('Xen_NetworkPortSettingData'), 'InstanceID');
  const nets = m.all('network');
  for (const net of nets) {
    const d = rasds.get(`Xen:NetworkPool/${str(net, 'uuid')}/Default`);
    if (isInternal(net)) {
      t.equal(d, undefined, 'none for the host-internal network');
      continue;
    }
    t.equal(d?.get('ResourceType'), 33);
    t.equal(d?.get('PoolID'), str(net, 'uuid'));
    t.equal(d?.get('Address'), null);
    t.same(d?.get('Connection'), [str(net, 'name_label')]);
    t.equal(d?.get('DefaultPortVID'), vlanOf(net) ?? 0);
    t.equal(parsePath(text(d, 'HostResource') ?? '')?.className, 'Xen_VirtualSwitch');
  }
});

t.test('one Xen_NetworkPool per network except the host-internal management network', async (t) => {
  const pools = byKey(m.enumerate('Xen_NetworkPool'), 'PoolID');
  const nets = m.all('network');
  t.ok(nets.some(isInternal), 'the fixture has the internal network');
  t.equal(pools.size, nets.filter((n) => !isInternal(n)).length);
  for (const net of nets) {
    const uuid = str(net, 'uuid');
    const p = pools.get(uuid);
    if (isInternal(net)) {
      t.notOk(p, 'internal network hidden');
      continue;
    }
    t.equal(p?.get('InstanceID'), `Xen:NetworkPool/${uuid}`);
    t.equal(p?.get('ResourceType'), 33);
    t.equal(p?.get('ElementName'), str(net, 'name_label'));
    t.equal(p?.get('Primordial'), true);
    const vifs = guestVifs().filter((v) => m.get('network', str(v, 'network')) === net);
    t.equal(p?.get('Reserved'), vifs.length, 'one connection per guest VIF');
    t.equal(p?.get('CurrentlyConsumedResource'), vifs.filter((v) => v['currently_attached'] === true).length);
  }
});

t.test('every property set is declared by the class, and Get by the instance’s own keys finds it', async (t) => {
  for (const cls of ['Xen_NetworkPort', 'Xen_NetworkPortSettingData', 'Xen_NetworkPool']) {
    for (const inst of m.enumerate(cls)) {
      t.same(undeclared(m.schema, inst), [], `${cls} declares every property`);
      t.equal(m.cimom.getInstance(m.ctx, 'root/cimv2', cls, inst.path.keys), inst);
    }
  }
  const [port] = m.enumerate('Xen_NetworkPort');
  const vif = String(port!.get('DeviceID')).split('/')[1];
  t.throws(() => m.cimom.getInstance(m.ctx, 'root/cimv2', 'CIM_NetworkPort', [{ name: 'DeviceID', value: `Xen:00000000-0000-0000-0000-000000000000/${vif}` }]), CimError);
  t.throws(() => m.cimom.getInstance(m.ctx, 'root/cimv2', 'Xen_NetworkPool', [{ name: 'InstanceID', value: 'Xen:NetworkPool/nope' }]), CimError);
  const internal = m.all('network').find(isInternal)!;
  t.throws(() => m.cimom.getInstance(m.ctx, 'root/cimv2', 'Xen_NetworkPool', [{ name: 'InstanceID', value: `Xen:NetworkPool/${str(internal, 'uuid')}` }]), CimError);
});

t.test('VM → ports → settings and pool; VM settings → every port’s settings; host → pools', async (t) => {
  const db = m.enumerate('Xen_ComputerSystem').find((v) => v.get('ElementName') === 'db-01')!;
  const ports = m.associators(db.path, { assocClass: 'CIM_SystemDevice', resultClass: 'CIM_NetworkPort' });
  t.equal(ports.length, 2, 'db-01 has two VIFs');
  for (const port of ports) {
    const [rasd] = m.associators(port.path, { assocClass: 'CIM_SettingsDefineState' });
    t.equal(rasd?.className, 'Xen_NetworkPortSettingData');
    t.equal(rasd?.get('Address'), port.get('PermanentAddress'));
    const [pool] = m.associators(port.path, { assocClass: 'CIM_ElementAllocatedFromPool' });
    t.equal(pool?.get('PoolID'), rasd?.get('PoolID'));
    const fromPool = m.associators(pool!.path, { assocClass: 'CIM_ResourceAllocationFromPool' });
    t.ok(fromPool.some((r) => r.get('InstanceID') === rasd?.get('InstanceID')));
  }
  const [vssd] = m.associators(db.path, { assocClass: 'CIM_SettingsDefineState', resultClass: 'CIM_VirtualSystemSettingData' });
  t.equal(m.associators(vssd!.path, { assocClass: 'CIM_VirtualSystemSettingDataComponent', resultClass: 'CIM_EthernetPortAllocationSettingData' }).length, 2);
  const host = m.enumerate('Xen_HostComputerSystem')[0]!;
  t.equal(m.associators(host.path, { assocClass: 'CIM_HostedResourcePool', resultClass: 'Xen_NetworkPool' }).length, m.enumerate('Xen_NetworkPool').length);
});

t.test('profile registration: DSP1050 conforms at every network pool; each pool has allocation capabilities', async (t) => {
  const [profile] = m.enumerate('Xen_RegisteredProfile', 'root/interop').filter((p) => p.get('RegisteredName') === 'Ethernet Port Resource Virtualization');
  const central = m.associators(profile!.path, { assocClass: 'CIM_ElementConformsToProfile' });
  t.same(new Set(central.map((c) => c.get('InstanceID'))), new Set(m.enumerate('Xen_NetworkPool').map((p) => p.get('InstanceID'))));
  for (const pool of m.enumerate('Xen_NetworkPool')) {
    const caps = m.associators(pool.path, { assocClass: 'CIM_ElementCapabilities' });
    t.equal(caps.length, 1);
    t.equal(caps[0]?.get('ResourceType'), 33);
  }
});

t.test('a VIF on the internal network is a port without pool or switch', async (t) => {
  const internalRef = [...m.records.get('network')!].find(([, n]) => isInternal(n))![0];
  const vifRef = [...m.records.get('VIF')!].find(([, v]) => isGuestRecord(m.get('VM', str(v, 'VM'))))![0];
  const vif = m.get('VIF', vifRef)!;
  m.put('VIF', vifRef, { ...vif, network: internalRef });
  t.teardown(() => m.put('VIF', vifRef, vif));
  const id = `Xen:${vmUuidOf(vif)}/${str(vif, 'uuid')}`;
  const rasd = m.cimom.getInstance(m.ctx, 'root/cimv2', 'Xen_NetworkPortSettingData', [{ name: 'InstanceID', value: id }]);
  t.equal(rasd.get('PoolID'), null);
  t.equal(rasd.get('HostResource'), null);
  t.same(rasd.get('Connection'), ['Host internal management network']);
  const port = m.cimom.getInstance(m.ctx, 'root/cimv2', 'Xen_NetworkPort', [{ name: 'DeviceID', value: id }]);
  t.same(m.associators(port.path, { assocClass: 'CIM_ElementAllocatedFromPool' }), []);
});
