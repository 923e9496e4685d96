// Issue 2's end-to-end path over real sockets: simulator (XML-RPC) → gateway (HTTP) → client.
import t from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { allRecords, field, guests, visibleNetworks, xenSession } from '../helpers/xenapi.js';
import {
  ACTIONS, bodyOf, CS_URI, enumerateAll, envelope, faultOf, find, findOne, identifyEnvelope, MONITOR, NS, post, prop, ROOT, XEN_CS_URI, XEN_HOST_URI,
} from '../helpers/wsman-client.js';

let stack: Stack;
t.before(async () => {
  stack = await startStack();
});
t.teardown(() => stack.close());

t.test('Identify answers without credentials, and with details once authenticated', async (t) => {
  const anon = await post(stack.endpoint, identifyEnvelope(), undefined);
  t.equal(anon.status, 200);
  t.match(anon.headers.get('content-type'), /^application\/soap\+xml;charset=UTF-8$/);
  const r = findOne(anon.xml, NS.WSMID, 'IdentifyResponse');
  t.equal(findOne(r, NS.WSMID, 'ProtocolVersion')?.text, NS.WSMAN);
  t.ok(findOne(r, NS.WSMID, 'ProductVendor')?.text);
  t.notOk(findOne(r, NS.WSMID, 'SecurityProfiles'), 'no security profiles before authentication');
  const auth = await post(stack.endpoint, identifyEnvelope(), ROOT);
  t.equal(auth.status, 200);
  t.ok(findOne(auth.xml, NS.WSMID, 'SecurityProfileName'));
  t.match(findOne(auth.xml, NS.WSMID, 'ProductVersion')?.text, /XenAPI 2\.\d+/);
});

t.test('Get of a VM by Name returns its instance with XenAPI values mapped', async (t) => {
  const x = await xenSession(stack.sim.url);
  t.teardown(() => x.close());
  const vms = guests(await allRecords(x.session, 'VM'));
  const running = [...vms.values()].find((v) => v['power_state'] === 'Running');
  const halted = [...vms.values()].find((v) => v['power_state'] === 'Halted');
  t.ok(running && halted, 'the fixture has a running and a halted guest');
  for (const [vm, state] of [[running!, '2'], [halted!, '3']] as const) {
    const uuid = field(vm, 'uuid');
    const r = await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: CS_URI, selectors: { CreationClassName: 'Xen_ComputerSystem', Name: uuid } }), ROOT);
    t.equal(r.status, 200, r.text.slice(0, 300));
    const inst = bodyOf(r)!;
    t.equal(inst.name, 'Xen_ComputerSystem');
    t.equal(inst.ns, XEN_CS_URI, 'element in the class’s own namespace');
    t.equal(prop(inst, 'Name'), uuid);
    t.equal(prop(inst, 'ElementName'), field(vm, 'name_label'));
    t.equal(prop(inst, 'EnabledState'), state);
    t.equal(prop(inst, 'CreationClassName'), 'Xen_ComputerSystem');
    const nil = inst.children.find((c) => c.name === 'PrimaryOwnerName');
    t.equal(nil?.attrs.find((a) => a.ns === NS.XSI && a.name === 'nil')?.value, 'true', 'nulls are xsi:nil');
    t.equal(findOne(r.xml, NS.WSA, 'RelatesTo')?.text.startsWith('uuid:'), true);
  }
  // The Name alone is enough, as wsmancli's `get … -k Name=…` sends it.
  const uuid = field(running!, 'uuid');
  const byName = await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: CS_URI, selectors: { Name: uuid } }), MONITOR);
  t.equal(prop(bodyOf(byName)!, 'Name'), uuid);
  // The Xen_ class's own URI works too.
  const own = await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: XEN_CS_URI, selectors: { Name: uuid } }), ROOT);
  t.equal(own.status, 200);
});

t.test('optimized Enumerate (MaxElements 3) and Pulls return exactly the guests and the host (and the virtual switches)', async (t) => {
  const x = await xenSession(stack.sim.url);
  t.teardown(() => x.close());
  const vms = await allRecords(x.session, 'VM');
  const hosts = await allRecords(x.session, 'host');
  const switches = new Set([...visibleNetworks(await allRecords(x.session, 'network')).values()].map((n) => field(n, 'uuid')));
  const expected = new Set([...guests(vms).values()].map((v) => field(v, 'uuid')));
  for (const h of hosts.values()) expected.add(field(h, 'uuid'));
  t.ok(vms.size > expected.size, 'the simulator also holds templates, snapshots and dom0');
  // DSP1097 makes each virtual switch a CIM_ComputerSystem too (Xen_VirtualSwitch, Name = network uuid).
  for (const s of switches) expected.add(s);

  const { items, replies } = await enumerateAll(stack.endpoint, ROOT, CS_URI, { optimize: true, maxElements: 3 });
  const names = items.map((i) => prop(i, 'Name'));
  t.same(new Set(names), expected);
  t.equal(names.length, expected.size, 'no duplicates');
  t.ok(replies.length >= 2, 'more than one batch');
  const first = bodyOf(replies[0]!);
  t.equal(findOne(first, NS.WSMAN, 'Items')?.children.length, 3, 'the first batch holds MaxElements items');
  const last = replies[replies.length - 1]!;
  t.ok(findOne(bodyOf(last), NS.WSEN, 'EndOfSequence'), 'the last response ends the sequence');
  t.notOk(findOne(bodyOf(last), NS.WSEN, 'EnumerationContext'), 'and carries no context');
  for (const r of replies.slice(0, -1)) t.notOk(findOne(bodyOf(r), NS.WSEN, 'EndOfSequence'));
  t.same(new Set(items.map((i) => i.name)), new Set(['Xen_ComputerSystem', 'Xen_HostComputerSystem', 'Xen_VirtualSwitch']));
  const vmNames = items.filter((i) => i.name === 'Xen_ComputerSystem').map((i) => prop(i, 'Name'));
  t.same(new Set(vmNames), new Set([...guests(vms).values()].map((v) => field(v, 'uuid'))), 'the VMs are exactly the guests');
  t.same(new Set(items.filter((i) => i.name === 'Xen_VirtualSwitch').map((i) => prop(i, 'Name'))), switches, 'the switches are exactly the visible networks');
});

t.test('plain Enumerate then Pull without MaxElements yields one item per Pull', async (t) => {
  const { items, replies } = await enumerateAll(stack.endpoint, ROOT, CS_URI);
  t.equal(replies.length, items.length + 1, 'one Enumerate, then one Pull per item (the last ends the sequence)');
  const enumBody = bodyOf(replies[0]!);
  t.notOk(findOne(enumBody, NS.WSMAN, 'Items'), 'no items without OptimizeEnumeration');
});

t.test('EnumerateEPR and EnumerateObjectAndEPR', async (t) => {
  const epr = await enumerateAll(stack.endpoint, ROOT, XEN_HOST_URI, { optimize: true, maxElements: 10, mode: 'EnumerateEPR' });
  t.equal(epr.items.length, 1);
  const e = epr.items[0]!;
  t.equal(e.name, 'EndpointReference');
  t.equal(findOne(e, NS.WSMAN, 'ResourceURI')?.text, XEN_HOST_URI);
  const sels = find(e, NS.WSMAN, 'Selector').map((s) => [s.attrs[0]?.value, s.text]);
  t.same(new Set(sels.map((s) => s[0])), new Set(['CreationClassName', 'Name', '__cimnamespace']));
  const both = await enumerateAll(stack.endpoint, ROOT, XEN_HOST_URI, { optimize: true, maxElements: 10, mode: 'EnumerateObjectAndEPR' });
  const item = both.items[0]!;
  t.equal(item.name, 'Item');
  t.equal(item.ns, NS.WSMAN);
  t.equal(item.children[0]?.name, 'Xen_HostComputerSystem');
  t.equal(item.children[1]?.name, 'EndpointReference');
});

t.test('Release ends an enumeration; a released context is invalid', async (t) => {
  const en = await post(stack.endpoint, envelope({ action: ACTIONS.enumerate, resourceUri: CS_URI, body: '<wsen:Enumerate/>' }), ROOT);
  const ctx = findOne(bodyOf(en), NS.WSEN, 'EnumerationContext')!.text;
  const rel = await post(stack.endpoint, envelope({ action: ACTIONS.release, resourceUri: CS_URI, body: `<wsen:Release><wsen:EnumerationContext>${ctx}</wsen:EnumerationContext></wsen:Release>` }), ROOT);
  t.equal(rel.status, 200);
  t.equal(findOne(rel.xml, NS.WSA, 'Action')?.text, 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/ReleaseResponse');
  const pull = await post(stack.endpoint, envelope({ action: ACTIONS.pull, resourceUri: CS_URI, body: `<wsen:Pull><wsen:EnumerationContext>${ctx}</wsen:EnumerationContext></wsen:Pull>` }), ROOT);
  t.equal(pull.status, 500);
  t.same(faultOf(pull), { code: 's:Receiver', subcode: 'wsen:InvalidEnumerationContext', detail: undefined, reason: faultOf(pull)?.reason });
});
