// Protocol details real clients send (issue 5): mustUnderstand as clients really mark it,
// Locale/DataLocale, OptionSet, Renew/GetStatus/Expires, Pull MaxTime/MaxCharacters,
// fragments, OperationTimeout, context quotas, Expect: 100-continue, chunked bodies,
// unauthenticated Identify, and the failed-login throttle.
import { request } from 'node:http';
import t from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { allRecords, field, guests, xenSession } from '../helpers/xenapi.js';
import {
  ACTIONS, bodyOf, CS_URI, enumerateBody, envelope, faultOf, findOne, identifyEnvelope, MONITOR, NS, post, prop, pullBody, ROOT, XEN_CS_URI, type WsmanReply,
} from '../helpers/wsman-client.js';

const DETAIL = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/';
const RENEW = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Renew';
const GET_STATUS = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/GetStatus';
const PUT = 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Put';

let stack: Stack;
let vm: string;
t.before(async () => {
  stack = await startStack({
    sim: { vms: 8, taskDurations: { 'VM.clean_reboot': 3000 } },
    config: { loginSlowAfter: 2, loginLockAfter: 4, loginLockMs: 1500, jobWaitMs: 10_000 },
  });
  const x = await xenSession(stack.sim.url);
  vm = field([...guests(await allRecords(x.session, 'VM')).values()].find((v) => v['power_state'] === 'Running')!, 'uuid');
  await x.close();
});
t.teardown(() => stack.close());

const enumerate = (extraHeaders = '', body = '<wsen:Enumerate/>', creds = ROOT) => post(stack.endpoint, envelope({ action: ACTIONS.enumerate, resourceUri: CS_URI, body, extraHeaders }), creds);
const ctxOf = (r: WsmanReply): string => findOne(bodyOf(r), NS.WSEN, 'EnumerationContext')?.text.trim() ?? '';
const release = (ctx: string, creds = ROOT) => post(stack.endpoint, envelope({ action: ACTIONS.release, resourceUri: CS_URI, body: `<wsen:Release><wsen:EnumerationContext>${ctx}</wsen:EnumerationContext></wsen:Release>` }), creds);
const detailOf = (r: WsmanReply) => faultOf(r)?.detail?.replace(DETAIL, '');

t.test('mustUnderstand as clients mark it', async (t) => {
  const unknown = await enumerate('<x:Trace xmlns:x="urn:example" s:mustUnderstand="true">1</x:Trace>');
  t.equal(faultOf(unknown)?.code, 's:MustUnderstand');
  const nu = findOne(unknown.xml, NS.S, 'NotUnderstood');
  t.equal(nu?.attrs.find((a) => a.name === 'qname')?.value, 'nu:Trace', 'the header names what was not understood');
  t.equal((await enumerate('<x:Trace xmlns:x="urn:example" mustUnderstand="true">1</x:Trace>')).status, 200, "pywinrm's unqualified attribute is no SOAP mustUnderstand");
  t.equal((await enumerate('<wsman:OptionSet s:mustUnderstand="true"/>')).status, 200, 'an empty OptionSet marked mustUnderstand is fine');
  t.equal((await enumerate('<wsman:OptionSet><wsman:Option Name="ShowExtensions"/></wsman:OptionSet>')).status, 200, 'unknown options are ignored unless they must be understood');
  const mu = await enumerate('<wsman:OptionSet s:mustUnderstand="true"><wsman:Option Name="ShowExtensions"/></wsman:OptionSet>');
  t.equal(faultOf(mu)?.subcode, 'wsman:InvalidOptions');
  t.equal(detailOf(mu), 'NotSupported');
  const comply = await enumerate('<wsman:OptionSet><wsman:Option Name="Frobnicate" MustComply="true">1</wsman:Option></wsman:OptionSet>');
  t.equal(faultOf(comply)?.subcode, 'wsman:InvalidOptions', 'MustComply on an unknown option');
  const dup = await enumerate('<wsman:OptionSet><wsman:Option Name="a"/><wsman:Option Name="A"/></wsman:OptionSet>');
  t.equal(faultOf(dup)?.subcode, 'wsman:InvalidOptions', 'a duplicated option');
  const id = 'uuid:00000000-0000-0000-0000-000000000001';
  for (let i = 0; i < 3; i++) {
    const r = await post(stack.endpoint, envelope({ action: ACTIONS.enumerate, resourceUri: CS_URI, body: '<wsen:Enumerate/>', messageId: id }), ROOT);
    t.equal(r.status, 200, 'a reused MessageID is not a duplicate to refuse');
    await release(ctxOf(r));
  }
  const small = await post(stack.endpoint, envelope({ action: ACTIONS.enumerate, resourceUri: CS_URI, body: '<wsen:Enumerate/>', messageId: '2' }), ROOT);
  t.equal(findOne(small.xml, NS.WSA, 'RelatesTo')?.text, '2', 'AMT-style small integer MessageIDs are echoed');
  await release(ctxOf(small));
});

t.test('a request repeated with new MessageIDs is answered as each one asks (decoded requests are remembered)', async (t) => {
  // A poller's repeats differ only in the MessageID; each answer relates to its own request.
  const getVm = (messageId: string): string => envelope({ action: ACTIONS.get, resourceUri: XEN_CS_URI, selectors: { Name: vm, CreationClassName: 'Xen_ComputerSystem' }, messageId });
  const ids = ['uuid:10000000-0000-0000-0000-000000000001', 'uuid:10000000-0000-0000-0000-000000000002', 'uuid:1&#x30;', 'urn:x-poller:42'];
  const answers: string[] = [];
  for (const id of ids) {
    const r = await post(stack.endpoint, getVm(id), ROOT);
    t.equal(r.status, 200);
    t.equal(findOne(r.xml, NS.WSA, 'RelatesTo')?.text, id.replace('&#x30;', '0'), `RelatesTo ${id}`);
    const instance = bodyOf(r);
    answers.push(instance ? `${prop(instance, 'Name')}/${prop(instance, 'EnabledState')}` : '');
  }
  t.same(new Set(answers), new Set([answers[0]]), 'the same instance every time');
  t.equal(answers[0]?.startsWith(`${vm}/`), true);
  // The same text for another VM is another request.
  const other = envelope({ action: ACTIONS.get, resourceUri: XEN_CS_URI, selectors: { Name: 'no-such-vm', CreationClassName: 'Xen_ComputerSystem' }, ...(ids[0] !== undefined ? { messageId: ids[0] } : {}) });
  t.equal(faultOf(await post(stack.endpoint, other, ROOT))?.subcode, 'wsa:DestinationUnreachable');
  // Unauthenticated repeats of a Get stay refused, remembered or not.
  for (let i = 0; i < 2; i++) t.equal((await post(stack.endpoint, getVm(ids[1]!), undefined)).status, 401);
});

t.test('a sweep of Gets over every VM answers each with its own VM (the template is decoded once)', async (t) => {
  const x = await xenSession(stack.sim.url);
  const records = [...guests(await allRecords(x.session, 'VM')).values()];
  await x.close();
  const getVm = (name: string, messageId: string): string => envelope({ action: ACTIONS.get, resourceUri: XEN_CS_URI, selectors: { CreationClassName: 'Xen_ComputerSystem', Name: name }, messageId });
  for (let round = 0; round < 2; round++) {
    for (const [i, r] of records.entries()) {
      const id = `uuid:20000000-0000-0000-0000-${String(round * 100 + i).padStart(12, '0')}`;
      const reply = await post(stack.endpoint, getVm(field(r, 'uuid'), id), ROOT);
      t.equal(reply.status, 200);
      t.equal(findOne(reply.xml, NS.WSA, 'RelatesTo')?.text, id);
      const instance = bodyOf(reply);
      t.equal(instance ? prop(instance, 'Name') : undefined, field(r, 'uuid'));
      t.equal(instance ? prop(instance, 'ElementName') : undefined, field(r, 'name_label'), `VM ${i}: its own name`);
    }
  }
  // A value the reader would read differently is read by it: a character reference in the name.
  const first = field(records[0]!, 'uuid');
  const spelled = getVm(first, 'uuid:3').replace(`>${first}<`, `>${first.slice(0, 4)}&#x${first.charCodeAt(4).toString(16)};${first.slice(5)}<`);
  t.not(spelled, getVm(first, 'uuid:3'));
  const reply = await post(stack.endpoint, spelled, ROOT);
  t.equal(reply.status, 200);
  t.equal(prop(bodyOf(reply)!, 'Name'), first);
  t.equal(faultOf(await post(stack.endpoint, getVm('no-such-vm', 'uuid:4'), ROOT))?.subcode, 'wsa:DestinationUnreachable');
});

t.test('requests without credentials are never remembered: they can neither fill the memo nor switch it off', async (t) => {
  const memo = stack.gateway.requestMemo;
  const getVm = (name: string, messageId: string): string => envelope({ action: ACTIONS.get, resourceUri: XEN_CS_URI, selectors: { CreationClassName: 'Xen_ComputerSystem', Name: name }, messageId });
  const sizeBefore = memo.size;
  const identify = (extra: string): string => `<s:Envelope xmlns:s="${NS.S}" xmlns:wsmid="${NS.WSMID}"><s:Header>${extra}</s:Header><s:Body><wsmid:Identify/></s:Body></s:Envelope>`;
  for (let i = 0; i < 600; i++) {
    // Every one a new text: counted as misses, they would make the memo stand aside.
    const r = await post(stack.endpoint, i % 2 === 0 ? getVm(vm, `uuid:${i}`).replace('<s:Header>', `<s:Header><x:N xmlns:x="urn:x">${i}</x:N>`) : identify(`<x:N xmlns:x="urn:x">${i}</x:N>`), undefined);
    t.equal(r.status, i % 2 === 0 ? 401 : 200);
  }
  t.equal(memo.size, sizeBefore, 'nothing remembered');
  t.notOk(memo.standingAside, 'and the memo still in use');
  t.equal((await post(stack.endpoint, identify('<x:Fresh xmlns:x="urn:x">1</x:Fresh>'), ROOT)).status, 200);
  t.equal(memo.size, sizeBefore + 1, 'the same kind of request, logged in, is remembered');
});

t.test('Locale and DataLocale', async (t) => {
  const ok = await enumerate('<wsman:Locale xml:lang="de-DE" s:mustUnderstand="false"/>');
  t.equal(ok.status, 200, 'a hint we cannot follow is no fault');
  await release(ctxOf(ok));
  const must = await enumerate('<wsman:Locale xml:lang="de-DE" s:mustUnderstand="true"/>');
  t.equal(faultOf(must)?.subcode, 'wsman:UnsupportedFeature');
  t.equal(detailOf(must), 'Locale');
  const en = await enumerate('<wsman:Locale xml:lang="en-GB" s:mustUnderstand="true"/>');
  t.equal(en.status, 200, 'English is understood');
  await release(ctxOf(en));
  const data = await enumerate('<p:DataLocale xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd" xml:lang="fr-FR" s:mustUnderstand="true"/>');
  t.equal(detailOf(data), 'DataLocale');
  t.match(faultOf(must)?.reason, /en-US/);
});

t.test('Expires, Renew and GetStatus on enumeration contexts', async (t) => {
  const en = await enumerate('', '<wsen:Enumerate><wsen:Expires>PT30S</wsen:Expires></wsen:Enumerate>');
  const expires = findOne(bodyOf(en), NS.WSEN, 'Expires')?.text;
  t.ok(expires && Math.abs(Date.parse(expires) - Date.now() - 30_000) < 5000, `the granted lifetime is given (${expires})`);
  const ctx = ctxOf(en);
  const status = await post(stack.endpoint, envelope({ action: GET_STATUS, resourceUri: CS_URI, body: `<wsen:GetStatus><wsen:EnumerationContext>${ctx}</wsen:EnumerationContext></wsen:GetStatus>` }), ROOT);
  t.equal(status.status, 200);
  t.equal(bodyOf(status)?.name, 'GetStatusResponse');
  t.ok(Date.parse(findOne(bodyOf(status), NS.WSEN, 'Expires')!.text) > Date.now());
  const renew = await post(stack.endpoint, envelope({ action: RENEW, resourceUri: CS_URI, body: `<wsen:Renew><wsen:EnumerationContext>${ctx}</wsen:EnumerationContext><wsen:Expires>PT20M</wsen:Expires></wsen:Renew>` }), ROOT);
  t.equal(bodyOf(renew)?.name, 'RenewResponse');
  t.ok(Date.parse(findOne(bodyOf(renew), NS.WSEN, 'Expires')!.text) - Date.now() > 15 * 60_000, 'renewed for the time asked');
  const stolen = await post(stack.endpoint, envelope({ action: RENEW, resourceUri: CS_URI, body: `<wsen:Renew><wsen:EnumerationContext>${ctx}</wsen:EnumerationContext></wsen:Renew>` }), MONITOR);
  t.equal(faultOf(stolen)?.subcode, 'wsman:AccessDenied');
  const badExp = await post(stack.endpoint, envelope({ action: RENEW, resourceUri: CS_URI, body: `<wsen:Renew><wsen:EnumerationContext>${ctx}</wsen:EnumerationContext><wsen:Expires>tomorrow</wsen:Expires></wsen:Renew>` }), ROOT);
  t.equal(faultOf(badExp)?.subcode, 'wsen:InvalidExpirationTime', 'neither a duration nor a dateTime');
  const dateExp = await post(stack.endpoint, envelope({ action: RENEW, resourceUri: CS_URI, body: `<wsen:Renew><wsen:EnumerationContext>${ctx}</wsen:EnumerationContext><wsen:Expires>2030-01-01T00:00:00Z</wsen:Expires></wsen:Renew>` }), ROOT);
  t.equal(faultOf(dateExp)?.subcode, 'wsen:UnsupportedExpirationType', 'a dateTime is valid but not supported');
  t.equal((await post(stack.endpoint, envelope({ action: ACTIONS.pull, resourceUri: CS_URI, body: pullBody(ctx) }), ROOT)).status, 200, 'Pull works after Renew');
  await release(ctx);
  const gone = await post(stack.endpoint, envelope({ action: GET_STATUS, resourceUri: CS_URI, body: `<wsen:GetStatus><wsen:EnumerationContext>${ctx}</wsen:EnumerationContext></wsen:GetStatus>` }), ROOT);
  t.equal(faultOf(gone)?.subcode, 'wsen:InvalidEnumerationContext');

  const short = await enumerate('', '<wsen:Enumerate><wsen:Expires>PT0.5S</wsen:Expires></wsen:Enumerate>');
  await new Promise((r) => setTimeout(r, 1200));
  const expired = await post(stack.endpoint, envelope({ action: ACTIONS.pull, resourceUri: CS_URI, body: pullBody(ctxOf(short)) }), ROOT);
  t.equal(faultOf(expired)?.subcode, 'wsen:InvalidEnumerationContext', 'an expired context is gone');
  t.equal(faultOf(await enumerate('', '<wsen:Enumerate><wsen:Expires>PT0S</wsen:Expires></wsen:Enumerate>'))?.subcode, 'wsen:InvalidExpirationTime');
});

t.test('Pull MaxTime and MaxCharacters', async (t) => {
  const ctx = ctxOf(await enumerate());
  const timed = await post(stack.endpoint, envelope({ action: ACTIONS.pull, resourceUri: CS_URI, body: `<wsen:Pull><wsen:EnumerationContext>${ctx}</wsen:EnumerationContext><wsen:MaxTime>PT0S</wsen:MaxTime></wsen:Pull>` }), ROOT);
  t.equal(faultOf(timed)?.subcode, 'wsen:TimedOut');
  t.equal(faultOf(timed)?.code, 's:Receiver');
  const after = await post(stack.endpoint, envelope({ action: ACTIONS.pull, resourceUri: CS_URI, body: `<wsen:Pull><wsen:EnumerationContext>${ctx}</wsen:EnumerationContext><wsen:MaxTime>PT10S</wsen:MaxTime><wsen:MaxElements>2</wsen:MaxElements></wsen:Pull>` }), ROOT);
  t.equal(findOne(bodyOf(after), NS.WSEN, 'Items')?.children.length, 2, 'the context survived the timeout');
  const tiny = await post(stack.endpoint, envelope({ action: ACTIONS.pull, resourceUri: CS_URI, body: `<wsen:Pull><wsen:EnumerationContext>${ctx}</wsen:EnumerationContext><wsen:MaxCharacters>10</wsen:MaxCharacters></wsen:Pull>` }), ROOT);
  t.equal(faultOf(tiny)?.subcode, 'wsman:EncodingLimit', 'not even one item fits in 10 characters');
  const some = await post(stack.endpoint, envelope({ action: ACTIONS.pull, resourceUri: CS_URI, body: `<wsen:Pull><wsen:EnumerationContext>${ctx}</wsen:EnumerationContext><wsen:MaxElements>50</wsen:MaxElements><wsen:MaxCharacters>4000</wsen:MaxCharacters></wsen:Pull>` }), ROOT);
  const n = findOne(bodyOf(some), NS.WSEN, 'Items')?.children.length ?? 0;
  t.ok(n >= 1 && n < 50, `MaxCharacters bounds the batch (${n} items)`);
  await release(ctx);
});

t.test('fragment-level Get and Put [DSP0226 §7.7]', async (t) => {
  const frag = (expr: string, dialect?: string) => `<wsman:FragmentTransfer s:mustUnderstand="true"${dialect ? ` Dialect="${dialect}"` : ''}>${expr}</wsman:FragmentTransfer>`;
  const get = (expr: string, dialect?: string) => post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: XEN_CS_URI, selectors: { Name: vm }, extraHeaders: frag(expr, dialect) }), ROOT);
  const el = await get('EnabledState');
  const f = bodyOf(el)!;
  t.equal(f.name, 'XmlFragment');
  t.equal(f.children[0]?.name, 'EnabledState');
  t.equal(f.children[0]?.text, '2');
  const text = await get('EnabledState/text()');
  t.equal(bodyOf(text)?.text, '2', '/text() gives the value alone');
  t.equal(bodyOf(await get('p:ElementName'))?.children[0]?.name, 'ElementName', 'a prefixed name works');
  t.equal(detailOf(await get('NoSuchProperty')), 'InvalidFragment');
  t.equal(faultOf(await get('EnabledState', 'urn:made-up'))?.subcode, 'wsman:FragmentDialectNotSupported');
  const put = await post(stack.endpoint, envelope({ action: PUT, resourceUri: XEN_CS_URI, selectors: { Name: vm }, extraHeaders: frag('ElementName'), body: `<wsman:XmlFragment><p:ElementName xmlns:p="${XEN_CS_URI}">fragment-renamed</p:ElementName></wsman:XmlFragment>` }), ROOT);
  t.equal(put.status, 200, put.text.slice(-300));
  t.equal(bodyOf(put)?.children[0]?.text, 'fragment-renamed');
  const putText = await post(stack.endpoint, envelope({ action: PUT, resourceUri: XEN_CS_URI, selectors: { Name: vm }, extraHeaders: frag('Description/text()'), body: '<wsman:XmlFragment>set as text</wsman:XmlFragment>' }), ROOT);
  t.equal(bodyOf(putText)?.text, 'set as text');
  const elsewhere = await post(stack.endpoint, envelope({ action: PUT, resourceUri: XEN_CS_URI, selectors: { Name: vm }, extraHeaders: frag('ElementName'), body: '<wsman:XmlFragment><p:ElementName xmlns:p="urn:wrong">not-taken</p:ElementName></wsman:XmlFragment>' }), ROOT);
  t.equal(detailOf(elsewhere), 'InvalidNamespace', "a property in another namespace is not this class's");
  const bare = await post(stack.endpoint, envelope({ action: PUT, resourceUri: XEN_CS_URI, selectors: { Name: vm }, extraHeaders: frag('ElementName'), body: '<wsman:XmlFragment><ElementName>fragment-renamed</ElementName></wsman:XmlFragment>' }), ROOT);
  t.equal(bare.status, 200, "unqualified, as DSP0226's examples write it");
  const x = await xenSession(stack.sim.url);
  const rec = [...(await allRecords(x.session, 'VM')).values()].find((v) => v['uuid'] === vm)!;
  await x.close();
  t.equal(rec['name_label'], 'fragment-renamed');
  t.equal(rec['name_description'], 'set as text');
  const onEnum = await enumerate(frag('Name'));
  t.equal(detailOf(onEnum), 'FragmentLevelAccess', 'fragments are for Get and Put');
});

t.test('OperationTimeout: a slow operation is answered wsman:TimedOut in time; absurd values are capped', async (t) => {
  const started = Date.now();
  const r = await post(stack.endpoint, envelope({
    action: `${XEN_CS_URI}/RequestStateChange`, resourceUri: XEN_CS_URI, selectors: { Name: vm },
    extraHeaders: '<wsman:OperationTimeout>PT1S</wsman:OperationTimeout>',
    body: `<p:RequestStateChange_INPUT xmlns:p="${XEN_CS_URI}"><p:RequestedState>10</p:RequestedState></p:RequestStateChange_INPUT>`,
  }), ROOT);
  const took = Date.now() - started;
  t.equal(faultOf(r)?.subcode, 'wsman:TimedOut');
  t.equal(faultOf(r)?.code, 's:Receiver');
  t.ok(took < 2500, `answered after ${took} ms, not after the 3 s reboot`);
  const absurd = await enumerate('<wsman:OperationTimeout>P9999999Y</wsman:OperationTimeout>');
  t.equal(absurd.status, 200, 'a huge timeout is capped, not an error');
  await release(ctxOf(absurd));
  t.equal(faultOf(await enumerate('<wsman:OperationTimeout>PT-1S</wsman:OperationTimeout>'))?.subcode, 'wsa:InvalidMessageInformationHeader');
  await new Promise((res) => setTimeout(res, 2500)); // let the reboot finish
});

t.test('open enumerations are bounded per user [wsman:QuotaLimit]', async (t) => {
  const own = await startStack({ config: { maxContextsPerUser: 3 } });
  t.teardown(() => own.close());
  const enumerate = (_h = '', body = '<wsen:Enumerate/>', creds = ROOT) => post(own.endpoint, envelope({ action: ACTIONS.enumerate, resourceUri: CS_URI, body }), creds);
  const release = (ctx: string, creds = ROOT) => post(own.endpoint, envelope({ action: ACTIONS.release, resourceUri: CS_URI, body: `<wsen:Release><wsen:EnumerationContext>${ctx}</wsen:EnumerationContext></wsen:Release>` }), creds);
  const mine = [ctxOf(await enumerate()), ctxOf(await enumerate()), ctxOf(await enumerate())];
  t.ok(mine.every((c) => c.startsWith('uuid:')));
  const fourth = await enumerate();
  t.equal(faultOf(fourth)?.subcode, 'wsman:QuotaLimit');
  const other = await enumerate('', '<wsen:Enumerate/>', MONITOR);
  t.equal(other.status, 200, "another user's quota is separate");
  await release(ctxOf(other), MONITOR);
  await release(mine[0]!);
  const again = await enumerate();
  t.equal(again.status, 200, 'a released context frees its place');
  for (const c of [mine[1]!, mine[2]!, ctxOf(again)]) await release(c);
});

function raw(path: string, headers: Record<string, string>, chunks: string[]): Promise<{ status: number; body: string; continued: boolean }> {
  const u = new URL(stack.endpoint);
  let continued = false;
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, continued }));
    });
    req.on('error', reject);
    req.on('continue', () => {
      continued = true;
      for (const c of chunks) req.write(c);
      req.end();
    });
    if (!headers['Expect']) {
      for (const c of chunks) req.write(c);
      req.end();
    }
  });
}

t.test('Expect: 100-continue, chunked bodies and charset spellings', async (t) => {
  const auth = `Basic ${Buffer.from('root:xenroot').toString('base64')}`;
  const body = envelope({ action: ACTIONS.get, resourceUri: XEN_CS_URI, selectors: { Name: vm } });
  const cont = await raw('/wsman', { 'Content-Type': 'application/soap+xml;charset=UTF-8', Authorization: auth, Expect: '100-continue', 'Content-Length': String(Buffer.byteLength(body)) }, [body]);
  t.equal(cont.status, 200, 'Expect: 100-continue');
  t.ok(cont.continued, 'the body was asked for');
  // wsmancli's first try goes without credentials: a body it could not be served with is not asked for.
  const big = envelope({ action: PUT, resourceUri: XEN_CS_URI, selectors: { Name: vm }, body: `<p:Xen_ComputerSystem xmlns:p="${XEN_CS_URI}"><p:Description>${'d'.repeat(40_000)}</p:Description></p:Xen_ComputerSystem>` });
  const refused = await raw('/wsman', { 'Content-Type': 'application/soap+xml;charset=UTF-8', Expect: '100-continue', 'Content-Length': String(Buffer.byteLength(big)) }, [big]);
  t.same([refused.status, refused.continued], [401, false], 'no credentials, a large body: 401 at once, the body never sent');
  const withCreds = await raw('/wsman', { 'Content-Type': 'application/soap+xml;charset=UTF-8', Authorization: auth, Expect: '100-continue', 'Content-Length': String(Buffer.byteLength(big)) }, [big]);
  t.same([withCreds.status, withCreds.continued], [200, true], 'with them, the same request is served');
  const chunked = await raw('/wsman', { 'Content-Type': 'application/soap+xml;charset=UTF-8', Authorization: auth, 'Transfer-Encoding': 'chunked' }, [body.slice(0, 100), body.slice(100, 700), body.slice(700)]);
  t.equal(chunked.status, 200, 'chunked request body');
  t.match(chunked.body, new RegExp(vm));
  for (const ct of ['application/soap+xml; charset="utf-8"', 'application/soap+xml;CHARSET=UTF-8', 'application/soap+xml;charset=utf8', 'Application/SOAP+XML', 'text/xml; charset=UTF-8']) {
    t.equal((await post(stack.endpoint, body, ROOT, ct)).status, 200, ct);
  }
});

t.test('unauthenticated Identify: WSMANIDENTIFY header and /wsman-anon/identify, without security profiles or details', async (t) => {
  const hdr = await post(stack.endpoint, identifyEnvelope(), undefined, undefined, { WSMANIDENTIFY: 'unauthenticated' });
  t.equal(hdr.status, 200);
  t.notOk(findOne(hdr.xml, NS.WSMID, 'SecurityProfiles'));
  t.notMatch(findOne(hdr.xml, NS.WSMID, 'ProductVersion')?.text, /XenAPI/);
  // Asked for unauthenticated, it is answered so even when credentials come along (winrm id -auth:none after a login).
  const withCreds = await post(stack.endpoint, identifyEnvelope(), ROOT, undefined, { WSMANIDENTIFY: 'Unauthenticated' });
  t.equal(withCreds.status, 200);
  t.notOk(findOne(withCreds.xml, NS.WSMID, 'SecurityProfiles'), 'no security profiles with the header, credentials or not');
  t.notMatch(findOne(withCreds.xml, NS.WSMID, 'ProductVersion')?.text, /XenAPI/);
  // The header wins over credentials of any kind: wrong ones are not even checked (nor counted as a failed login).
  for (const creds of [{ user: 'root', password: 'wrong' }, { user: 'nobody', password: '' }]) {
    const r = await post(stack.endpoint, identifyEnvelope(), creds, undefined, { WSMANIDENTIFY: 'unauthenticated' });
    t.equal(r.status, 200, `${creds.user}:${creds.password}`);
    t.notOk(findOne(r.xml, NS.WSMID, 'SecurityProfiles'));
  }
  const plain = await post(stack.endpoint, identifyEnvelope(), ROOT);
  t.match(findOne(plain.xml, NS.WSMID, 'ProductVersion')?.text, /XenAPI/, 'without the header, an authenticated Identify has the details');
  const anonUrl = stack.endpoint.replace('/wsman', '/wsman-anon/identify');
  const viaPost = await post(anonUrl, identifyEnvelope(), ROOT);
  t.equal(viaPost.status, 200);
  t.ok(findOne(viaPost.xml, NS.WSMID, 'IdentifyResponse'));
  t.notOk(findOne(viaPost.xml, NS.WSMID, 'SecurityProfiles'), 'anonymous even when credentials come along');
  const viaGet = await fetch(anonUrl);
  t.equal(viaGet.status, 200);
  t.match(await viaGet.text(), /IdentifyResponse/);
  const other = await post(stack.endpoint, envelope({ action: ACTIONS.enumerate, resourceUri: CS_URI, body: enumerateBody() }), undefined, undefined, { WSMANIDENTIFY: 'unauthenticated' });
  t.equal(other.status, 401, 'the header opens Identify only');
});

t.test('failed logins from one address are slowed, then refused for a while', async (t) => {
  const wrong = { user: 'root', password: 'guess' };
  const times: number[] = [];
  for (let i = 0; i < 4; i++) {
    const s = Date.now();
    t.equal((await enumerate('', '<wsen:Enumerate/>', wrong)).status, 401);
    times.push(Date.now() - s);
  }
  t.ok((times[3] ?? 0) >= 200, `attempts after the second are slowed (${times.join(', ')} ms)`);
  const locked = await enumerate('', '<wsen:Enumerate/>', { user: 'root', password: 'another-guess' });
  t.equal(locked.status, 401, 'credentials XenAPI would have to check are refused while locked out');
  t.ok(Number(locked.headers.get('retry-after')) >= 1, 'with Retry-After');
  const t0 = Date.now();
  const poller = await enumerate('', '<wsen:Enumerate/>', ROOT);
  t.equal(poller.status, 200, 'a login XenAPI accepted a moment ago still stands: guesses from the address do not stop its pollers');
  t.ok(Date.now() - t0 < 200, 'and is not slowed');
  await release(ctxOf(poller));
  t.equal((await enumerate('', '<wsen:Enumerate/>', { user: 'root', password: 'third-guess' })).status, 401, 'nor does it lift the lock');
  await new Promise((r) => setTimeout(r, 1700));
  const ok = await enumerate('', '<wsen:Enumerate/>', ROOT);
  t.equal(ok.status, 200, 'and accepted again after the lock time');
  await release(ctxOf(ok));
});

t.test('parallel guesses from one address are checked a few at a time, so the lock still bounds them', async (t) => {
  await new Promise((r) => setTimeout(r, 1600)); // any lock from the test above has ended
  const logins = (): number => stack.sim.callCounts()['session.login_with_password'] ?? 0;
  const before = logins();
  const burst = await Promise.all(Array.from({ length: 16 }, (_, i) => enumerate('', '<wsen:Enumerate/>', { user: 'root', password: `parallel-guess-${i}` })));
  t.same([...new Set(burst.map((r) => r.status))], [401], 'every guess refused');
  const asked = logins() - before;
  // slowAfter 2 at a time, lockAfter 4: the 4th failure locks the address; at most the 2 then under way are still asked.
  t.ok(asked <= 4 + 2, `XenAPI was asked ${asked} times for 16 parallel guesses (before: all 16)`);
  t.ok(burst.filter((r) => r.headers.get('retry-after') !== null).length >= 10, 'the rest were told when to come back');
  await new Promise((r) => setTimeout(r, 1600));
  const ok = await enumerate('', '<wsen:Enumerate/>', { user: 'monitor', password: 'monitor' });
  t.equal(ok.status, 200, 'the address is served again after the lock time');
  await release(ctxOf(ok));
});
