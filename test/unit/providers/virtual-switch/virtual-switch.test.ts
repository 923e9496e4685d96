// DSP1097 classes against the simulator's own records: networks as virtual switches with
// their settings, hosted by the host, built from their network's connection pool.
import t from 'tap';
import type { CimInstance } from '../../../../src/cim/instance.js';
import { normalizeNamespace } from '../../../../src/cim/object-path.js';
import { parsePath } from '../../../../src/cim/query/literals.js';
import { int, map, str, type XenRecord } from '../../../../src/xenapi/values.js';
import { loadSimModel, refWhere, text, undeclared, type SimModel } from '../sim-model.js';

let m: SimModel;
t.before(async () => {
  m = await loadSimModel();
});

const byKey = (list: CimInstance[], key: string): Map<string, CimInstance> => new Map(list.map((i) => [String(i.get(key)), i]));
const isInternal = (net: XenRecord): boolean => map(net, 'other_config')['is_host_internal_management_network'] === 'true';
const pifsOf = (net: XenRecord): XenRecord[] => m.all('PIF').filter((p) => str(p, 'network') === refWhere(m, 'network', 'uuid', str(net, 'uuid')));

t.test('one Xen_VirtualSwitch per network except the internal one, named by the network’s uuid', async (t) => {
  const switches = byKey(m.enumerate('Xen_VirtualSwitch'), 'Name');
  const nets = m.all('network');
  t.equal(switches.size, nets.filter((n) => !isInternal(n)).length);
  for (const net of nets) {
    const sw = switches.get(str(net, 'uuid'));
    if (isInternal(net)) {
      t.notOk(sw);
      continue;
    }
    t.equal(sw?.get('CreationClassName'), 'Xen_VirtualSwitch');
    t.equal(sw?.get('ElementName'), str(net, 'name_label'));
    const vlan = pifsOf(net).map((p) => int(p, 'VLAN')).find((v) => v >= 0);
    t.same(sw?.get('OtherIdentifyingInfo'), vlan === undefined ? [str(net, 'bridge')] : [str(net, 'bridge'), String(vlan)]);
    t.same(sw?.get('IdentifyingDescriptions'), vlan === undefined ? ['Bridge'] : ['Bridge', 'VLAN ID']);
    t.equal(sw?.get('EnabledState'), 2, 'every fixture network has an attached uplink');
    t.same(sw?.get('Dedicated'), [5]);
  }
});

t.test('switches are CIM_ComputerSystems: a polymorphic enumeration includes them', async (t) => {
  const all = m.enumerate('CIM_ComputerSystem');
  t.equal(all.filter((i) => i.className === 'Xen_VirtualSwitch').length, m.enumerate('Xen_VirtualSwitch').length);
  t.ok(all.some((i) => i.className === 'Xen_ComputerSystem'));
});

t.test('Xen_VirtualEthernetSwitchSettingData: identity, VLAN, MTU and the pool connections come from', async (t) => {
  const settings = byKey(m.enumerate('Xen_VirtualEthernetSwitchSettingData'), 'VirtualSystemIdentifier');
  t.equal(settings.size, m.enumerate('Xen_VirtualSwitch').length);
  for (const net of m.all('network').filter((n) => !isInternal(n))) {
    const uuid = str(net, 'uuid');
    const s = settings.get(uuid);
    t.equal(s?.get('InstanceID'), `Xen:${uuid}`);
    t.equal(s?.get('ElementName'), str(net, 'name_label'));
    t.equal(s?.get('MTU'), int(net, 'MTU'));
    const vlan = pifsOf(net).map((p) => int(p, 'VLAN')).find((v) => v >= 0);
    t.same(s?.get('VLANConnection'), vlan === undefined ? null : [String(vlan)]);
    const path = parsePath(text(s, 'AssociatedResourcePool') ?? '');
    const pool = m.cimom.getInstance(m.ctx, normalizeNamespace(path!.namespace!), path!.className, path!.keys.map((k) => ({ name: k.name, value: String(k.value) })));
    t.equal(pool.get('PoolID'), uuid);
  }
  t.ok([...settings.values()].some((s) => text(s, 'VLANConnection') === '100'), 'the VLAN 100 network');
});

t.test('host → switches → settings; pool → switch; every property declared; Get by keys', async (t) => {
  const host = m.enumerate('Xen_HostComputerSystem')[0]!;
  const switches = m.associators(host.path, { assocClass: 'CIM_HostedDependency', resultClass: 'Xen_VirtualSwitch' });
  t.equal(switches.length, m.enumerate('Xen_VirtualSwitch').length);
  for (const sw of switches) {
    const viaEsd = m.associators(sw.path, { assocClass: 'CIM_ElementSettingData' });
    const viaSds = m.associators(sw.path, { assocClass: 'CIM_SettingsDefineState' });
    t.same(viaEsd.map((s) => s.get('InstanceID')), [`Xen:${String(sw.get('Name'))}`]);
    t.same(viaSds.map((s) => s.get('InstanceID')), [`Xen:${String(sw.get('Name'))}`]);
    const [pool] = m.associators(sw.path, { assocClass: 'CIM_ConcreteComponent' });
    t.equal(pool?.get('PoolID'), sw.get('Name'));
    const [esd] = m.references(sw.path, { resultClass: 'CIM_ElementSettingData' });
    t.equal(esd?.get('IsCurrent'), 1);
    t.same(undeclared(m.schema, sw), []);
    t.same(undeclared(m.schema, viaEsd[0]!), []);
    t.equal(m.cimom.getInstance(m.ctx, 'root/cimv2', 'CIM_ComputerSystem', sw.path.keys), sw);
    t.equal(m.cimom.getInstance(m.ctx, 'root/cimv2', 'Xen_VirtualEthernetSwitchSettingData', viaEsd[0]!.path.keys), viaEsd[0]);
  }
  const [profile] = m.enumerate('Xen_RegisteredProfile', 'root/interop').filter((p) => p.get('RegisteredName') === 'Virtual Ethernet Switch');
  const central = m.associators(profile!.path, { assocClass: 'CIM_ElementConformsToProfile' });
  t.same(new Set(central.map((c) => c.get('Name'))), new Set(switches.map((s) => s.get('Name'))), 'DSP1097 conforms at every switch');
});

t.test('switch state follows its uplinks: unplugged → Enabled but Offline; none (internal network) → Enabled', async (t) => {
  const netRef = refWhere(m, 'network', 'name_label', 'Pool-wide network associated with eth1')!;
  const net = m.get('network', netRef)!;
  const pifRef = refWhere(m, 'PIF', 'uuid', str(pifsOf(net)[0]!, 'uuid'))!;
  const pif = m.get('PIF', pifRef)!;
  const get = () => m.cimom.getInstance(m.ctx, 'root/cimv2', 'Xen_VirtualSwitch', [{ name: 'Name', value: str(net, 'uuid') }]);
  t.equal(get().get('EnabledState'), 2);
  m.put('PIF', pifRef, { ...pif, currently_attached: false });
  t.equal(get().get('EnabledState'), 6);
  t.same(get().get('StatusDescriptions'), ['No uplink attached']);
  m.put('network', netRef, { ...net, PIFs: [] });
  t.equal(get().get('EnabledState'), 2);
  t.same(get().get('StatusDescriptions'), ['Internal network (no uplink)']);
  m.put('network', netRef, net);
  m.put('PIF', pifRef, pif);
  t.equal(get().get('EnabledState'), 2);
});
