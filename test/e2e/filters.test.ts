// Enumerate filters over real sockets: selector filter, WQL and CQL, polymorphism modes, and
// the faults for filters that cannot be applied (never a silently unfiltered answer).
import t from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { allRecords, field, guests, xenSession } from '../helpers/xenapi.js';
import { bodyOf, enumerateAll, faultOf, find, findOne, NS, ROOT, type WsmanReply } from '../helpers/wsman-client.js';
import { ALL_CLASSES, ASSOCIATION_DIALECT, CITRIX, CQL, DMTF, enumerateWith, filtered, queryFilter, SELECTOR_DIALECT, selectorFilter, valueOf, WQL, WQL_DMTF } from '../helpers/filters.js';
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

const names = (items: readonly XmlElement[]): Set<string> => new Set(items.map((i) => valueOf(i, 'Name') ?? valueOf(i, 'InstanceID') ?? '?'));
const uuidsWhere = (pred: (vm: XenRecord) => boolean): string[] => vms.filter(pred).map((v) => field(v, 'uuid'));
const subcode = (r: WsmanReply): string | undefined => faultOf(r)?.subcode;

t.test('selector filter: equality on keys and properties', async (t) => {
  const vm = field(vms[0]!, 'uuid');
  const one = await filtered(stack.endpoint, ROOT, `${DMTF}CIM_ComputerSystem`, selectorFilter({ Name: vm }));
  t.same(names(one), new Set([vm]));
  const host = await filtered(stack.endpoint, ROOT, `${DMTF}CIM_ComputerSystem`, selectorFilter({ CreationClassName: 'xen_hostcomputersystem' }));
  t.same(names(host), new Set([hostUuid]), 'class names compare without case');
  const halted = await filtered(stack.endpoint, ROOT, `${CITRIX}Xen_ComputerSystem`, selectorFilter({ EnabledState: '3' }));
  t.same(names(halted), new Set(uuidsWhere((v) => v['power_state'] === 'Halted')));
  const none = await filtered(stack.endpoint, ROOT, `${CITRIX}Xen_ComputerSystem`, selectorFilter({ Name: 'no-such-vm' }));
  t.equal(none.length, 0);
  t.equal(subcode(await enumerateWith(stack.endpoint, ROOT, `${DMTF}CIM_ComputerSystem`, selectorFilter({ Colour: 'red' }))), 'wsen:CannotProcessFilter');
  const inNamespace = await filtered(stack.endpoint, ROOT, `${DMTF}CIM_ComputerSystem`, selectorFilter({ __cimnamespace: 'root/cimv2', Name: vm }));
  t.same(names(inNamespace), new Set([vm]), '__cimnamespace in the filter compares with the namespace');
  const elsewhere = await filtered(stack.endpoint, ROOT, `${DMTF}CIM_ComputerSystem`, selectorFilter({ __cimnamespace: 'root/interop', Name: vm }));
  t.equal(elsewhere.length, 0, 'another namespace matches nothing here');
  t.equal(subcode(await enumerateWith(stack.endpoint, ROOT, `${DMTF}CIM_ComputerSystem`, selectorFilter({ EnabledState: 'two' }))), 'wsen:CannotProcessFilter');
});

t.test('a selector filter that gives every key finds its instance as a Get does: the estimate counts it alone', async (t) => {
  const vm = field(vms[0]!, 'uuid');
  const est = '<wsman:RequestTotalItemsCountEstimate/>';
  const estimate = async (uri: string, sels: Record<string, string>): Promise<{ estimate: string | undefined; items: number }> => {
    const r = await enumerateWith(stack.endpoint, ROOT, uri, `<wsman:OptimizeEnumeration/><wsman:MaxElements>50</wsman:MaxElements>${selectorFilter(sels)}`, est);
    return { estimate: findOne(r.xml, NS.WSMAN, 'TotalItemsCountEstimate')?.text, items: findOne(bodyOf(r), NS.WSMAN, 'Items')?.children.length ?? 0 };
  };
  t.same(await estimate(`${CITRIX}Xen_ComputerSystem`, { CreationClassName: 'Xen_ComputerSystem', Name: vm }), { estimate: '1', items: 1 }, 'both keys');
  t.same(await estimate(`${DMTF}CIM_ComputerSystem`, { CreationClassName: 'xen_computersystem', Name: vm }), { estimate: '1', items: 1 }, 'polymorphic, the class name in another case');
  t.same(await estimate(`${CITRIX}Xen_ComputerSystem`, { CreationClassName: 'Xen_ComputerSystem', Name: 'no-such-vm' }), { estimate: '0', items: 0 }, 'a name of nothing: nothing');
  t.same(await estimate(`${DMTF}CIM_ComputerSystem`, { Name: vm }), { estimate: '1', items: 1 }, 'the name alone, polymorphic');
  const halted = await estimate(`${CITRIX}Xen_ComputerSystem`, { EnabledState: '3' });
  t.same(halted, { estimate: String(vms.length), items: uuidsWhere((v) => v['power_state'] === 'Halted').length }, 'a property that is not a key: every instance is a candidate');
});

t.test('selectors with an Enumerate (header or ResourceURI query) narrow it as a selector filter', async (t) => {
  const vm = field(vms[0]!, 'uuid');
  const header = await enumerateAll(stack.endpoint, ROOT, `${DMTF}CIM_ComputerSystem`, { optimize: true, maxElements: 20, selectors: { Name: vm } });
  t.same(names(header.items), new Set([vm]), 'SelectorSet header');
  const query = await enumerateAll(stack.endpoint, ROOT, `${DMTF}CIM_ComputerSystem?Name=${vm}`, { optimize: true, maxElements: 20 });
  t.same(names(query.items), new Set([vm]), "wsmancli's URI?Name=value");
  const both = await enumerateWith(stack.endpoint, ROOT, `${DMTF}CIM_ComputerSystem?Name=${vm}`, queryFilter('SELECT * FROM CIM_ComputerSystem'));
  t.equal(subcode(both), 'wsen:CannotProcessFilter', 'selectors and a filter together are refused');
});

t.test('finding a VM by its name: case rules of each dialect, and the name as it is now', async (t) => {
  const vm = vms[1]!;
  const uuid = field(vm, 'uuid');
  const label = field(vm, 'name_label');
  const byName = (dialect: string, name: string) =>
    filtered(stack.endpoint, ROOT, `${CITRIX}Xen_ComputerSystem`, queryFilter(`SELECT * FROM Xen_ComputerSystem WHERE ElementName = '${name.replace(/'/g, "''")}'`, dialect));
  const sameLabel = uuidsWhere((v) => field(v, 'name_label').toLowerCase() === label.toLowerCase());
  t.same(names(await byName(WQL, label.toUpperCase())), new Set(sameLabel), 'WQL ignores case');
  t.same(names(await byName(CQL, label)), new Set(uuidsWhere((v) => field(v, 'name_label') === label)), 'CQL exact');
  if (label.toUpperCase() !== label) t.equal((await byName(CQL, label.toUpperCase())).length, 0, 'CQL is case-sensitive');
  // Renamed behind the gateway's back (xe): the query finds the new name, not the old one.
  const x = await xenSession(stack.sim.url);
  const ref = [...(await allRecords(x.session, 'VM')).entries()].find(([, r]) => field(r, 'uuid') === uuid)![0];
  const renamed = `renamed-${uuid.slice(0, 8)}`;
  await x.session.call('VM.set_name_label', [ref, renamed]);
  let found: XmlElement[] = [];
  for (let i = 0; i < 50 && found.length === 0; i++) {
    found = await byName(WQL, renamed);
    if (found.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  t.same(names(found), new Set([uuid]), 'the new name');
  t.notOk(names(await byName(WQL, label)).has(uuid), 'not under the old one');
  await x.session.call('VM.set_name_label', [ref, label]);
  await x.close();
});

t.test('WQL (both dialect URIs) and CQL select, filter and project', async (t) => {
  const running = new Set([...uuidsWhere((v) => v['power_state'] === 'Running')]);
  for (const [dialect, text] of [
    [WQL, "SELECT * FROM Xen_ComputerSystem WHERE EnabledState = 2"],
    [WQL_DMTF, "select * from Xen_ComputerSystem where EnabledState=2"],
    [CQL, "SELECT * FROM Xen_ComputerSystem WHERE EnabledState = 2"],
  ] as const) {
    const items = await filtered(stack.endpoint, ROOT, `${CITRIX}Xen_ComputerSystem`, queryFilter(text, dialect));
    t.same(names(items), running, `${dialect}: ${text}`);
  }
  const web = vms.find((v) => v['name_label'] === 'web-01')!;
  const like = await filtered(stack.endpoint, ROOT, `${DMTF}CIM_ComputerSystem`, queryFilter("select * from CIM_ComputerSystem where ElementName like 'web%'"));
  t.same(names(like), new Set([field(web, 'uuid')]));
  const projected = await filtered(stack.endpoint, ROOT, ALL_CLASSES, queryFilter('SELECT Name, ElementName FROM Xen_ComputerSystem WHERE EnabledState <> 2 AND NOT (EnabledState = 3)'));
  t.same(names(projected), new Set(uuidsWhere((v) => v['power_state'] !== 'Running' && v['power_state'] !== 'Halted')), 'the all-classes URI takes its class from FROM');
  for (const item of projected) t.same(item.children.map((c) => c.name), ['ElementName', 'Name'], 'only the selected properties, in class order');
  const isa = await filtered(stack.endpoint, ROOT, `${DMTF}CIM_ComputerSystem`, queryFilter('SELECT * FROM CIM_ComputerSystem AS cs WHERE cs ISA Xen_HostComputerSystem', CQL));
  t.same(names(isa), new Set([hostUuid]), 'CQL ISA');
});

t.test('query filters that cannot be applied are refused', async (t) => {
  const cases: [string, string, string][] = [
    [`${CITRIX}Xen_HostComputerSystem`, queryFilter('SELECT * FROM Xen_ComputerSystem'), 'wsen:CannotProcessFilter'],
    [`${DMTF}CIM_ComputerSystem`, queryFilter('SELECT * FROM CIM_ComputerSystem WHERE Colour = 1'), 'wsen:CannotProcessFilter'],
    [`${DMTF}CIM_ComputerSystem`, queryFilter('SELECT * FROM CIM_ComputerSystem WHERE'), 'wsen:CannotProcessFilter'],
    [`${DMTF}CIM_ComputerSystem`, queryFilter('SELECT * FROM CIM_Nothing'), 'wsen:CannotProcessFilter'],
    [`${DMTF}CIM_ComputerSystem`, queryFilter('DELETE FROM CIM_ComputerSystem'), 'wsen:CannotProcessFilter'],
    [`${DMTF}CIM_ComputerSystem`, '<wsman:Filter Dialect="http://www.w3.org/TR/1999/REC-xpath-19991116">/s:Body</wsman:Filter>', 'wsen:FilterDialectRequestedUnavailable'],
    [`${DMTF}CIM_ComputerSystem`, '<wsman:Filter>/s:Body</wsman:Filter>', 'wsen:FilterDialectRequestedUnavailable'],
    [`${DMTF}CIM_ComputerSystem`, '<wsman:Filter Dialect="urn:made-up">x</wsman:Filter>', 'wsen:FilterDialectRequestedUnavailable'],
    [`${DMTF}CIM_ComputerSystem`, `${queryFilter('SELECT * FROM CIM_ComputerSystem')}<wsen:Filter Dialect="${WQL}">SELECT * FROM CIM_ComputerSystem</wsen:Filter>`, 'wsen:CannotProcessFilter'],
    [ALL_CLASSES, '', 'wsman:UnsupportedFeature'],
    [ALL_CLASSES, `${queryFilter('SELECT * FROM CIM_ComputerSystem')}<wsmb:PolymorphismMode>None</wsmb:PolymorphismMode>`, 'wsmb:PolymorphismModeNotSupported'],
  ];
  for (const [uri, inner, want] of cases) {
    const r = await enumerateWith(stack.endpoint, ROOT, uri, inner);
    t.equal(r.status, 500);
    t.equal(subcode(r), want, inner.slice(0, 120));
    // WS-Enumeration: an unknown dialect's fault names the ones that would do.
    if (want === 'wsen:FilterDialectRequestedUnavailable') {
      t.same(find(r.xml, NS.WSEN, 'SupportedDialect').map((d) => d.text), [WQL_DMTF, WQL, CQL, SELECTOR_DIALECT, ASSOCIATION_DIALECT], 'SupportedDialect in the Detail');
    }
  }
  const empty = await enumerateWith(stack.endpoint, ROOT, `${DMTF}CIM_ComputerSystem`, `<wsman:Filter Dialect="${WQL}">  </wsman:Filter>`);
  t.match(faultOf(empty)?.reason, /query filter is empty/);
  const twice = await enumerateWith(stack.endpoint, ROOT, `${DMTF}CIM_ComputerSystem`, `<wsman:Filter Dialect="${SELECTOR_DIALECT}"><wsman:SelectorSet><wsman:Selector Name="Name">a</wsman:Selector><wsman:Selector Name="Name">b</wsman:Selector></wsman:SelectorSet></wsman:Filter>`);
  t.same([subcode(twice), faultOf(twice)?.detail?.replace(/.*\//, '')], ['wsman:InvalidSelectors', 'DuplicateSelectors'], 'a selector filter giving one selector twice, as in a SelectorSet header');
});

t.test("PolymorphismMode: subclass instances with their own, the base class's, or no properties [DSP0227 §7.2]", async (t) => {
  const uri = `${DMTF}CIM_VirtualSystemSettingData`;
  const include = await filtered(stack.endpoint, ROOT, uri, '', { polymorphism: 'IncludeSubClassProperties' });
  const vmSettings = include.filter((i) => i.name === 'Xen_VirtualSystemSettingData');
  t.equal(vmSettings.length, vms.length, 'one settings instance per guest');
  t.ok(include.every((i) => ['Xen_VirtualSystemSettingData', 'Xen_VirtualEthernetSwitchSettingData'].includes(i.name)), 'VM and switch settings are both virtual system settings');
  t.ok(vmSettings.every((i) => i.ns === `${CITRIX}Xen_VirtualSystemSettingData`));
  t.ok(vmSettings.every((i) => i.children.some((c) => c.name === 'BootOrder')), 'subclass properties are included');
  const exclude = await filtered(stack.endpoint, ROOT, uri, '', { polymorphism: 'ExcludeSubClassProperties' });
  t.equal(exclude.length, include.length);
  t.ok(exclude.every((i) => i.name === 'CIM_VirtualSystemSettingData' && i.ns === uri), 'named and namespaced as the class asked for');
  t.ok(exclude.every((i) => !i.children.some((c) => c.name === 'BootOrder' || c.name === 'Tags')), "only the requested class's properties");
  t.same(names(exclude), names(include));
  const none = await filtered(stack.endpoint, ROOT, uri, '', { polymorphism: 'None' });
  t.equal(none.length, 0, 'CIM_VirtualSystemSettingData has no instances of its own');
  const exact = await filtered(stack.endpoint, ROOT, `${CITRIX}Xen_VirtualSystemSettingData`, '', { polymorphism: 'None' });
  t.equal(exact.length, vms.length, 'None on the concrete class returns its instances');
  t.ok(exact.every((i) => i.name === 'Xen_VirtualSystemSettingData'));
});
