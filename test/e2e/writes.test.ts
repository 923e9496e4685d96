// Writes over real sockets: Put, custom actions (RequestStateChange), Create/Delete, and
// every illegal request with its exact fault, leaving the simulator unchanged.
import t from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { allRecords, field, guests, xenSession } from '../helpers/xenapi.js';
import { ACTIONS, bodyOf, enumerateAll, envelope, faultOf, find, findOne, MONITOR, NS, post, prop, ROOT, XEN_CS_URI, XEN_HOST_URI, type Credentials, type WsmanReply } from '../helpers/wsman-client.js';
import type { XenRecord } from '../../src/xenapi/values.js';

const PUT = 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Put';
const DETAIL = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/';
const VSSD_URI = 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/Xen_VirtualSystemSettingData';

let stack: Stack;
t.before(async () => {
  stack = await startStack();
});
t.teardown(() => stack.close());

async function vmsNow(): Promise<Map<string, XenRecord>> {
  const x = await xenSession(stack.sim.url);
  try {
    return guests(await allRecords(x.session, 'VM'));
  } finally {
    await x.close();
  }
}
const byState = async (state: string): Promise<XenRecord> => [...(await vmsNow()).values()].find((v) => v['power_state'] === state)!;
const sel = (uuid: string) => ({ CreationClassName: 'Xen_ComputerSystem', Name: uuid });

function rsc(uuid: string, inner: string, creds: Credentials = ROOT, action = `${XEN_CS_URI}/RequestStateChange`): Promise<WsmanReply> {
  return post(stack.endpoint, envelope({ action, resourceUri: XEN_CS_URI, selectors: sel(uuid), body: `<p:RequestStateChange_INPUT xmlns:p="${XEN_CS_URI}">${inner}</p:RequestStateChange_INPUT>` }), creds);
}
const returnValue = (r: WsmanReply): string | undefined => prop(bodyOf(r)!, 'ReturnValue');
const get = async (uuid: string, uri = XEN_CS_URI) => bodyOf(await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: uri, selectors: uri === XEN_CS_URI ? sel(uuid) : { InstanceID: `Xen:${uuid}` } }), ROOT))!;

t.test('RequestStateChange: each transition answered 0 and visible in the next Get; impossible ones 4097 at once', async (t) => {
  const vm = await byState('Halted');
  const uuid = field(vm, 'uuid');
  t.equal(prop(await get(uuid), 'RequestedState'), '12', 'nothing requested yet: RequestedState 12 (Not Applicable)');
  const steps: [number, string, string][] = [[2, '0', '2'], [9, '0', '9'], [2, '0', '2'], [6, '0', '6'], [2, '0', '2'], [4, '0', '3']];
  for (const [requested, code, enabled] of steps) {
    const r = await rsc(uuid, `<p:RequestedState>${requested}</p:RequestedState>`);
    t.equal(r.status, 200, `RequestedState ${requested}`);
    t.equal(bodyOf(r)?.name, 'RequestStateChange_OUTPUT');
    t.equal(returnValue(r), code);
    const after = await get(uuid);
    t.equal(prop(after, 'EnabledState'), enabled, 'the Get right after shows the new state');
    t.equal(prop(after, 'RequestedState'), String(requested), 'and the state last requested');
  }
  const power = (await vmsNow()).get([...(await vmsNow())].find(([, v]) => v['uuid'] === uuid)![0])!['power_state'];
  t.equal(power, 'Halted', "and the simulator's own record agrees");
  // Answered 0 (the task ended within --job-wait): no Job was handed out, and none is listed.
  const jobs = await enumerateAll(stack.endpoint, ROOT, 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ConcreteJob', { optimize: true, maxElements: 50 });
  t.same(jobs.items.filter((j) => prop(j, 'ElementName')?.endsWith(uuid)), [], 'no job left behind by requests answered at once');
  for (const impossible of [9, 6, 10, 11]) {
    const r = await rsc(uuid, `<p:RequestedState>${impossible}</p:RequestedState>`);
    t.equal(returnValue(r), '4097', `RequestedState ${impossible} from Halted is an invalid transition`);
  }
  t.equal(returnValue(await rsc(uuid, '<p:RequestedState>7</p:RequestedState>')), '1', 'Test is not supported');
  t.equal(returnValue(await rsc(uuid, '<p:RequestedState>12</p:RequestedState>')), '5', "12 (Not Applicable) is not in the method's ValueMap");
  t.equal(returnValue(await rsc(uuid, '<p:RequestedState>4242</p:RequestedState>')), '5', 'a value outside the ValueMap is an invalid parameter');
  t.equal(returnValue(await rsc(uuid, '<p:RequestedState>5</p:RequestedState>')), '5', "5 (No Change) is not in the method's ValueMap either");
  t.equal(returnValue(await rsc(uuid, '<p:RequestedState>2</p:RequestedState><p:TimeoutPeriod><cim:Interval xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common">PT10S</cim:Interval></p:TimeoutPeriod>')), '4098', 'TimeoutPeriod is not supported');
  t.equal(prop(await get(uuid), 'RequestedState'), '4', 'refused requests leave the last request as it was');
  t.equal(returnValue(await rsc(uuid, '<p:RequestedState>3</p:RequestedState>')), '0', 'asking for the state it is in changes nothing');
  t.equal(prop(await get(uuid), 'RequestedState'), '3', 'but is the last state requested');
  // Moved behind the gateway's back (as xe or XenCenter would): the last request no longer says anything.
  const x = await xenSession(stack.sim.url);
  const ref = [...(await allRecords(x.session, 'VM'))].find(([, v]) => v['uuid'] === uuid)![0];
  await x.session.call('VM.start', [ref, false, false]);
  await x.close();
  for (let i = 0; i < 50 && prop(await get(uuid), 'EnabledState') !== '2'; i++) await new Promise((r) => setTimeout(r, 20));
  t.equal(prop(await get(uuid), 'RequestedState'), '12', 'a VM started by other means: RequestedState 12 again');
  t.equal(returnValue(await rsc(uuid, '<p:RequestedState>4</p:RequestedState>')), '0');
  t.equal((await byState('Halted'))['uuid'] !== undefined, true);
});

t.test("AvailableRequestedStates lists what RequestStateChange would change the VM to from its power state", async (t) => {
  // xapi's allowed_operations per power state, mapped through the transition table (xenapi-cim.md §3).
  const expected: Record<string, string[]> = {
    Running: ['3', '4', '6', '9', '10', '11'],
    Halted: ['2'],
    Paused: ['2', '3', '4', '11'],
    Suspended: ['2', '3', '4'],
  };
  for (const [state, states] of Object.entries(expected)) {
    const vm = await byState(state);
    const inst = await get(field(vm, 'uuid'));
    t.same(inst.children.filter((c) => c.name === 'AvailableRequestedStates').map((c) => c.text.trim()), states, `${state}: ${states.join(', ')}`);
  }
});

t.test('illegal custom actions get their exact fault and change nothing', async (t) => {
  const vm = await byState('Running');
  const uuid = field(vm, 'uuid');
  const before = JSON.stringify([...(await vmsNow()).values()].map((v) => [v['uuid'], v['power_state'], v['name_label']]));
  const cases: [string, () => Promise<WsmanReply>, string, string | undefined][] = [
    ['read-only user', () => rsc(uuid, '<p:RequestedState>9</p:RequestedState>', MONITOR), 'wsman:AccessDenied', undefined],
    ['read-only user, impossible transition', () => rsc(uuid, '<p:RequestedState>6</p:RequestedState>', MONITOR).then(async (r) => r), 'wsman:AccessDenied', undefined],
    ['missing RequestedState', () => rsc(uuid, ''), 'wsman:InvalidParameter', 'MissingValues'],
    ['wrong type', () => rsc(uuid, '<p:RequestedState>on</p:RequestedState>'), 'wsman:InvalidParameter', 'TypeMismatch'],
    ['out of range for uint16', () => rsc(uuid, '<p:RequestedState>70000</p:RequestedState>'), 'wsman:InvalidParameter', 'InvalidValue'],
    ['unknown parameter', () => rsc(uuid, '<p:RequestedState>2</p:RequestedState><p:Force>true</p:Force>'), 'wsman:InvalidParameter', 'InvalidName'],
    ['an OUT parameter given as input', () => rsc(uuid, '<p:RequestedState>2</p:RequestedState><p:Job/>'), 'wsman:InvalidParameter', 'InvalidName'],
    ['unknown method', () => post(stack.endpoint, envelope({ action: `${XEN_CS_URI}/Explode`, resourceUri: XEN_CS_URI, selectors: sel(uuid), body: `<p:Explode_INPUT xmlns:p="${XEN_CS_URI}"/>` }), ROOT), 'wsa:ActionNotSupported', 'ActionMismatch'],
    ['action of another class', () => rsc(uuid, '<p:RequestedState>2</p:RequestedState>', ROOT, 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/Xen_HostComputerSystem/RequestStateChange'), 'wsa:ActionNotSupported', 'ActionMismatch'],
    ['wrong input element', () => post(stack.endpoint, envelope({ action: `${XEN_CS_URI}/RequestStateChange`, resourceUri: XEN_CS_URI, selectors: sel(uuid), body: `<p:Start_INPUT xmlns:p="${XEN_CS_URI}"/>` }), ROOT), 'wsman:SchemaValidationError', undefined],
    ['a VM that does not exist', () => post(stack.endpoint, envelope({ action: `${XEN_CS_URI}/RequestStateChange`, resourceUri: XEN_CS_URI, selectors: sel('00000000-0000-0000-0000-000000000000'), body: `<p:RequestStateChange_INPUT xmlns:p="${XEN_CS_URI}"><p:RequestedState>2</p:RequestedState></p:RequestStateChange_INPUT>` }), ROOT), 'wsa:DestinationUnreachable', undefined],
  ];
  for (const [name, send, subcode, detail] of cases) {
    const r = await send();
    t.equal(r.status, 500, name);
    t.equal(faultOf(r)?.subcode, subcode, name);
    if (detail) t.equal(faultOf(r)?.detail, DETAIL + detail, `${name}: ${detail}`);
  }
  const after = JSON.stringify([...(await vmsNow()).values()].map((v) => [v['uuid'], v['power_state'], v['name_label']]));
  t.equal(after, before, 'the simulator is unchanged');
});

t.test('Put: names through XenAPI; read-only properties, unknown properties and wrong namespaces refused', async (t) => {
  const vm = await byState('Halted');
  const uuid = field(vm, 'uuid');
  const putXml = (inner: string, cls = 'Xen_ComputerSystem', uri = XEN_CS_URI) => `<p:${cls} xmlns:p="${uri}">${inner}</p:${cls}>`;
  const put = (body: string, creds: Credentials = ROOT, uri = XEN_CS_URI, selectors: Record<string, string> = sel(uuid)) =>
    post(stack.endpoint, envelope({ action: PUT, resourceUri: uri, selectors, body }), creds);

  const r = await put(putXml('<p:ElementName>renamed-by-put</p:ElementName><p:Description>via WS-Man</p:Description>'));
  t.equal(r.status, 200);
  t.equal(bodyOf(r)?.name, 'Xen_ComputerSystem', 'the PutResponse carries the instance');
  t.equal(prop(bodyOf(r)!, 'ElementName'), 'renamed-by-put');
  const rec = [...(await vmsNow()).values()].find((v) => v['uuid'] === uuid)!;
  t.equal(rec['name_label'], 'renamed-by-put', 'xapi has the new name_label');
  t.equal(rec['name_description'], 'via WS-Man');
  t.equal(prop(await get(uuid, VSSD_URI), 'ElementName'), 'renamed-by-put', 'the settings show it too');
  // DSP0226 §7.4: RequestEPR asks for the resource's EPR after the update, in a RequestedEPR header.
  const withEpr = await post(stack.endpoint, envelope({ action: PUT, resourceUri: XEN_CS_URI, selectors: sel(uuid), body: putXml('<p:ElementName>renamed-by-put</p:ElementName>'), extraHeaders: '<wsman:RequestEPR s:mustUnderstand="true"/>' }), ROOT);
  t.equal(withEpr.status, 200);
  const header = withEpr.xml?.children.find((c) => c.name === 'Header');
  const requested = findOne(header, NS.WSMAN, 'RequestedEPR');
  t.equal(findOne(requested, NS.WSMAN, 'ResourceURI')?.text, XEN_CS_URI, 'RequestedEPR names the resource');
  t.ok(find(requested, NS.WSMAN, 'Selector').some((s) => s.attrs.some((a) => a.name === 'Name' && a.value === 'Name') && s.text === uuid), 'and its Name selector');
  t.notOk(findOne(r.xml?.children.find((c) => c.name === 'Header'), NS.WSMAN, 'RequestedEPR'), 'only when asked');

  // What wsmancli's `put -k` does: Get, change one property, send the whole instance back.
  const got = await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: XEN_CS_URI, selectors: sel(uuid) }), ROOT);
  const whole = got.text.replace(/^[\s\S]*<s:Body>/, '').replace(/<\/s:Body>[\s\S]*$/, '').replace(/<p:ElementName>[^<]*<\/p:ElementName>/, '<p:ElementName>round-trip</p:ElementName>')
    .replace('<p:Xen_ComputerSystem ', '<p:Xen_ComputerSystem xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common" ');
  const back = await put(whole);
  t.equal(back.status, 200, back.text.slice(0, 300));
  t.equal(prop(bodyOf(back)!, 'ElementName'), 'round-trip', 'a whole instance with one change is accepted');

  const settings = await put(putXml('<p:ElementName>via-settings</p:ElementName>', 'Xen_VirtualSystemSettingData', VSSD_URI), ROOT, VSSD_URI, { InstanceID: `Xen:${uuid}` });
  t.equal(prop(bodyOf(settings)!, 'ElementName'), 'via-settings', 'the VSSD takes a Put of its ElementName');

  const before = JSON.stringify([...(await vmsNow()).values()].find((v) => v['uuid'] === uuid));
  const x = await xenSession(stack.sim.url);
  const hostUuid = field([...(await allRecords(x.session, 'host')).values()][0]!, 'uuid');
  await x.close();
  const cases: [string, () => Promise<WsmanReply>, string, string | undefined][] = [
    ['a class that takes no Put (the host)', () => put(putXml('<p:ElementName>x</p:ElementName>', 'Xen_HostComputerSystem', XEN_HOST_URI), ROOT, XEN_HOST_URI, { CreationClassName: 'Xen_HostComputerSystem', Name: hostUuid }), 'wsa:ActionNotSupported', 'ActionMismatch'],
    ['read-only property', () => put(putXml('<p:EnabledState>2</p:EnabledState>')), 'wxf:InvalidRepresentation', 'InvalidValues'],
    ['key property', () => put(putXml('<p:Name>another</p:Name>')), 'wxf:InvalidRepresentation', 'InvalidValues'],
    ['unknown property', () => put(putXml('<p:Colour>red</p:Colour>')), 'wxf:InvalidRepresentation', 'InvalidValues'],
    ['wrong type', () => put(putXml('<p:EnabledState>two</p:EnabledState>')), 'wxf:InvalidRepresentation', 'InvalidValues'],
    ['empty name', () => put(putXml('<p:ElementName></p:ElementName>')), 'wxf:InvalidRepresentation', 'InvalidValues'],
    ['another class element', () => put(putXml('<p:ElementName>x</p:ElementName>', 'Xen_HostComputerSystem', 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/Xen_HostComputerSystem')), 'wxf:InvalidRepresentation', 'InvalidNamespace'],
    ['wrong namespace', () => put('<p:Xen_ComputerSystem xmlns:p="urn:nothing"><p:ElementName>x</p:ElementName></p:Xen_ComputerSystem>'), 'wxf:InvalidRepresentation', 'InvalidNamespace'],
    ['no body', () => post(stack.endpoint, envelope({ action: PUT, resourceUri: XEN_CS_URI, selectors: sel(uuid) }), ROOT), 'wxf:InvalidRepresentation', 'MissingValues'],
    ['read-only user', () => put(putXml('<p:ElementName>nope</p:ElementName>'), MONITOR), 'wsman:AccessDenied', undefined],
  ];
  for (const [name, send, subcode, detail] of cases) {
    const res = await send();
    t.equal(res.status, 500, name);
    t.equal(faultOf(res)?.subcode, subcode, name);
    if (detail) t.equal(faultOf(res)?.detail, DETAIL + detail, `${name}: ${detail}`);
  }
  t.equal(JSON.stringify([...(await vmsNow()).values()].find((v) => v['uuid'] === uuid)), before, 'the simulator is unchanged');
  const same = await put(putXml('<p:ElementName>via-settings</p:ElementName>'), MONITOR);
  t.equal(same.status, 200, 'a Put that changes nothing needs no rights and succeeds');
});

t.test('Create and Delete are refused with ActionNotSupported, pointing at the management service', async (t) => {
  const vm = await byState('Halted');
  for (const action of ['http://schemas.xmlsoap.org/ws/2004/09/transfer/Create', 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete']) {
    const r = await post(stack.endpoint, envelope({ action, resourceUri: XEN_CS_URI, selectors: sel(field(vm, 'uuid')), body: '' }), ROOT);
    t.equal(r.status, 500);
    t.equal(faultOf(r)?.subcode, 'wsa:ActionNotSupported');
    t.match(faultOf(r)?.reason, /DefineSystem|DestroySystem/);
  }
  t.ok((await vmsNow()).has([...(await vmsNow())].find(([, v]) => v['uuid'] === vm['uuid'])![0]), 'the VM is still there');
});

t.test('Put on resource settings: memory and processors through XenAPI, with its rules', async (t) => {
  const MEM_URI = 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/Xen_MemorySettingData';
  const CPU_URI = 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/Xen_ProcessorSettingData';
  const put = (uri: string, cls: string, id: string, inner: string, creds: Credentials = ROOT) =>
    post(stack.endpoint, envelope({ action: PUT, resourceUri: uri, selectors: { InstanceID: id }, body: `<p:${cls} xmlns:p="${uri}">${inner}</p:${cls}>` }), creds);
  const halted = await byState('Halted');
  const uuid = field(halted, 'uuid');
  const mem = await put(MEM_URI, 'Xen_MemorySettingData', `Xen:${uuid}/Memory`, '<p:VirtualQuantity>3072</p:VirtualQuantity><p:Limit>3072</p:Limit><p:Reservation>2048</p:Reservation>');
  t.equal(mem.status, 200, mem.text.slice(-400));
  t.equal(prop(bodyOf(mem)!, 'VirtualQuantity'), '3072');
  const rec = [...(await vmsNow()).values()].find((v) => v['uuid'] === uuid)!;
  t.equal(rec['memory_static_max'], String(3072 * 2 ** 20), 'static_max in bytes');
  t.equal(rec['memory_dynamic_max'], String(3072 * 2 ** 20));
  t.equal(rec['memory_dynamic_min'], String(2048 * 2 ** 20));
  // The body is the state wanted: a Reservation given unchanged stays, it does not move with the rest.
  t.equal((await put(MEM_URI, 'Xen_MemorySettingData', `Xen:${uuid}/Memory`, '<p:Reservation>3072</p:Reservation>')).status, 200, 'a fixed 3072 MiB');
  const grown = await put(MEM_URI, 'Xen_MemorySettingData', `Xen:${uuid}/Memory`, '<p:VirtualQuantity>4096</p:VirtualQuantity><p:Limit>4096</p:Limit><p:Reservation>3072</p:Reservation>');
  t.equal(grown.status, 200, grown.text.slice(-400));
  t.equal(prop(bodyOf(grown)!, 'Reservation'), '3072');
  const rec1 = [...(await vmsNow()).values()].find((v) => v['uuid'] === uuid)!;
  t.same([rec1['memory_static_max'], rec1['memory_dynamic_max'], rec1['memory_dynamic_min']], [String(4096 * 2 ** 20), String(4096 * 2 ** 20), String(3072 * 2 ** 20)]);
  const back = await put(MEM_URI, 'Xen_MemorySettingData', `Xen:${uuid}/Memory`, '<p:VirtualQuantity>3072</p:VirtualQuantity><p:Limit>3072</p:Limit><p:Reservation>2048</p:Reservation>');
  t.equal(back.status, 200, back.text.slice(-400));
  const cpu = await put(CPU_URI, 'Xen_ProcessorSettingData', `Xen:${uuid}/Processor`, '<p:VirtualQuantity>4</p:VirtualQuantity><p:Reservation>2</p:Reservation>');
  t.equal(cpu.status, 200, cpu.text.slice(-400));
  const rec2 = [...(await vmsNow()).values()].find((v) => v['uuid'] === uuid)!;
  t.equal(rec2['VCPUs_max'], '4');
  t.equal(rec2['VCPUs_at_startup'], '2');
  // As for memory: a Reservation given unchanged stays where it is, it does not follow VirtualQuantity.
  t.equal((await put(CPU_URI, 'Xen_ProcessorSettingData', `Xen:${uuid}/Processor`, '<p:VirtualQuantity>2</p:VirtualQuantity><p:Reservation>2</p:Reservation>')).status, 200);
  const six = await put(CPU_URI, 'Xen_ProcessorSettingData', `Xen:${uuid}/Processor`, '<p:VirtualQuantity>4</p:VirtualQuantity><p:Reservation>2</p:Reservation>');
  t.equal(prop(bodyOf(six)!, 'Reservation'), '2', 'the answer shows the Reservation given');
  const rec2b = [...(await vmsNow()).values()].find((v) => v['uuid'] === uuid)!;
  t.same([rec2b['VCPUs_max'], rec2b['VCPUs_at_startup']], ['4', '2']);
  // xsi:nil: no Limit is no cap; NULL where it means nothing is refused, not ignored.
  const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
  t.equal((await put(CPU_URI, 'Xen_ProcessorSettingData', `Xen:${uuid}/Processor`, '<p:Limit>50</p:Limit>')).status, 200);
  const capOf = async () => ([...(await vmsNow()).values()].find((v) => v['uuid'] === uuid)!['VCPUs_params'] as Record<string, string>)['cap'];
  t.equal(await capOf(), '50');
  const uncapped = await put(CPU_URI, 'Xen_ProcessorSettingData', `Xen:${uuid}/Processor`, `<p:Limit ${XSI} xsi:nil="true"/>`);
  t.equal(uncapped.status, 200, uncapped.text.slice(-400));
  t.match(uncapped.text, /<p:Limit xsi:nil="true"\/>/, 'uncapped: no Limit, as a VM never capped shows');
  t.equal(await capOf(), undefined, 'the cap is gone from VCPUs_params');
  const nilQuantity = await put(MEM_URI, 'Xen_MemorySettingData', `Xen:${uuid}/Memory`, `<p:VirtualQuantity ${XSI} xsi:nil="true"/>`);
  t.equal(faultOf(nilQuantity)?.subcode, 'wxf:InvalidRepresentation', 'memory without a size is refused');
  t.match(faultOf(nilQuantity)?.reason, /VirtualQuantity cannot be NULL/);

  const bad = await put(MEM_URI, 'Xen_MemorySettingData', `Xen:${uuid}/Memory`, '<p:Reservation>8192</p:Reservation>');
  t.equal(faultOf(bad)?.subcode, 'wxf:InvalidRepresentation', 'a minimum above the maximum breaks the memory constraints');
  const running = await byState('Running');
  const ruuid = field(running, 'uuid');
  const live = await put(MEM_URI, 'Xen_MemorySettingData', `Xen:${ruuid}/Memory`, `<p:VirtualQuantity>${Math.ceil(Number(running['memory_static_max']) / 2 ** 20) + 1024}</p:VirtualQuantity>`);
  t.equal(faultOf(live)?.subcode, 'wxf:InvalidRepresentation', 'static memory of a running VM cannot change');
  t.match(faultOf(live)?.reason, /while the VM runs/);
  const denied = await put(CPU_URI, 'Xen_ProcessorSettingData', `Xen:${uuid}/Processor`, '<p:VirtualQuantity>1</p:VirtualQuantity><p:Reservation>1</p:Reservation>', MONITOR);
  t.equal(faultOf(denied)?.subcode, 'wsman:AccessDenied');
  const ro = await put(CPU_URI, 'Xen_ProcessorSettingData', `Xen:${uuid}/Processor`, '<p:ResourceType>4</p:ResourceType>');
  t.equal(faultOf(ro)?.subcode, 'wxf:InvalidRepresentation', 'ResourceType is not writable');
  const rec3 = [...(await vmsNow()).values()].find((v) => v['uuid'] === uuid)!;
  t.equal(rec3['VCPUs_max'], '4', 'the refused Puts changed nothing');
  t.equal(rec3['memory_dynamic_min'], String(2048 * 2 ** 20));
});
