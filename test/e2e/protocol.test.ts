// Protocol details real clients depend on: URI query selectors, namespaces, encodings,
// content types, estimates, batching limits, health.
import t from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { allRecords, computerSystemNames, field, guests, xenSession } from '../helpers/xenapi.js';
import { ACTIONS, bodyOf, CS_URI, enumerateBody, envelope, faultOf, findOne, NS, post, prop, pullBody, ROOT } from '../helpers/wsman-client.js';

let stack: Stack;
let vm: string;
/** every CIM_ComputerSystem: 40 guests, the host, the virtual switches */
let total: number;
t.before(async () => {
  stack = await startStack({ sim: { vms: 40 } });
  const x = await xenSession(stack.sim.url);
  vm = field([...guests(await allRecords(x.session, 'VM')).values()][0]!, 'uuid');
  total = (await computerSystemNames(x.session)).size;
  await x.close();
});
t.teardown(() => stack.close());

t.test("selectors written into the ResourceURI (wsmancli '?K=V&K2=V2', winrm '?K=V+K2=V2')", async (t) => {
  for (const uri of [`${CS_URI}?CreationClassName=Xen_ComputerSystem&Name=${vm}`, `${CS_URI}?CreationClassName=Xen_ComputerSystem+Name=${vm}`, `${CS_URI}?__cimnamespace=root%2Fcimv2&Name=${vm}`]) {
    const r = await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: uri }), ROOT);
    t.equal(r.status, 200, uri);
    t.equal(prop(bodyOf(r)!, 'Name'), vm);
  }
});

t.test('__cimnamespace: root/cimv2 in either spelling; other namespaces', async (t) => {
  const get = (ns: string) => post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: CS_URI, selectors: { __cimnamespace: ns, Name: vm } }), ROOT);
  t.equal((await get('root/cimv2')).status, 200);
  t.equal((await get('root\\cimv2')).status, 200);
  const interop = await get('root/interop');
  t.equal(faultOf(interop)?.subcode, 'wsa:DestinationUnreachable', 'no computer systems in root/interop');
  const bogus = await get('root/nowhere');
  t.equal(faultOf(bogus)?.subcode, 'wsman:InvalidSelectors');
  t.equal(faultOf(bogus)?.detail, 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidValue');
});

t.test('text/xml is accepted as well as application/soap+xml', async (t) => {
  const r = await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: CS_URI, selectors: { Name: vm } }), ROOT, 'text/xml; charset="utf-8"');
  t.equal(r.status, 200);
});

t.test('UTF-16 big-endian and little-endian requests are answered in kind; bad bytes and charsets are faults', async (t) => {
  const xml = envelope({ action: ACTIONS.get, resourceUri: CS_URI, selectors: { Name: vm } });
  const le = Buffer.from(`\ufeff${xml.replace('UTF-8', 'UTF-16')}`, 'utf16le');
  const be = Buffer.from(le).swap16();
  for (const [body, label] of [[le, 'LE'], [be, 'BE']] as const) {
    const res = await fetch(stack.endpoint, { method: 'POST', body, headers: { 'Content-Type': 'application/soap+xml;charset=UTF-16', Authorization: `Basic ${Buffer.from('root:xenroot').toString('base64')}` } });
    t.equal(res.status, 200, label);
    const bytes = Buffer.from(await res.arrayBuffer());
    t.same([...bytes.subarray(0, 2)], label === 'LE' ? [0xff, 0xfe] : [0xfe, 0xff], `${label} BOM in the reply`);
    const text = (label === 'LE' ? bytes : Buffer.from(bytes).swap16()).subarray(2).toString('utf16le');
    t.match(text, new RegExp(vm));
  }
  const broken = await post(stack.endpoint, Buffer.concat([Buffer.from(xml.slice(0, 200)), Buffer.from([0xc3, 0x28]), Buffer.from(xml.slice(200))]), ROOT);
  t.equal(faultOf(broken)?.subcode, 'wsman:EncodingLimit');
  const latin = await post(stack.endpoint, xml, ROOT, 'application/soap+xml;charset=ISO-8859-1');
  t.equal(faultOf(latin)?.detail, 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/CharacterSet');
});

t.test('RequestTotalItemsCountEstimate on Enumerate and Pull', async (t) => {
  const est = '<wsman:RequestTotalItemsCountEstimate/>';
  const en = await post(stack.endpoint, envelope({ action: ACTIONS.enumerate, resourceUri: CS_URI, body: enumerateBody({ optimize: true, maxElements: 10 }), extraHeaders: est }), ROOT);
  t.equal(findOne(en.xml, NS.WSMAN, 'TotalItemsCountEstimate')?.text, String(total), '40 guests, the host and the switches');
  const ctx = findOne(bodyOf(en), NS.WSEN, 'EnumerationContext')!.text;
  const pull = await post(stack.endpoint, envelope({ action: ACTIONS.pull, resourceUri: CS_URI, body: pullBody(ctx, 10), extraHeaders: est }), ROOT);
  t.equal(findOne(pull.xml, NS.WSMAN, 'TotalItemsCountEstimate')?.text, String(total - 20), 'what is left after this batch');
});

t.test('a batch stops at MaxEnvelopeSize and the rest comes in the next Pull', async (t) => {
  const limit = '<wsman:MaxEnvelopeSize s:mustUnderstand="true">8192</wsman:MaxEnvelopeSize>';
  const en = await post(stack.endpoint, envelope({ action: ACTIONS.enumerate, resourceUri: CS_URI, body: enumerateBody({ optimize: true, maxElements: 100 }), extraHeaders: limit }), ROOT);
  t.equal(en.status, 200);
  t.ok(Buffer.byteLength(en.text) <= 8192, `response of ${Buffer.byteLength(en.text)} bytes fits in 8192`);
  const n = findOne(bodyOf(en), NS.WSMAN, 'Items')!.children.length;
  t.ok(n > 0 && n < total, `a partial batch (${n} items)`);
  let ctx = findOne(bodyOf(en), NS.WSEN, 'EnumerationContext')!.text;
  let got = n;
  while (ctx) {
    const p = await post(stack.endpoint, envelope({ action: ACTIONS.pull, resourceUri: CS_URI, body: pullBody(ctx, 100), extraHeaders: limit }), ROOT);
    t.ok(Buffer.byteLength(p.text) <= 8192);
    got += findOne(bodyOf(p), NS.WSEN, 'Items')?.children.length ?? 0;
    ctx = findOne(bodyOf(p), NS.WSEN, 'EnumerationContext')?.text ?? '';
  }
  t.equal(got, total, 'nothing lost between batches');
});

t.test('MaxEnvelopeSize holds in UTF-16 and with a long MessageID echoed in RelatesTo', async (t) => {
  const limit = '<wsman:MaxEnvelopeSize s:mustUnderstand="true">8192</wsman:MaxEnvelopeSize>';
  const raw = async (xml: string, utf16: boolean): Promise<{ bytes: number; text: string }> => {
    const body = utf16 ? Buffer.from(`\ufeff${xml}`, 'utf16le') : Buffer.from(xml);
    const auth = `Basic ${Buffer.from(`${ROOT.user}:${ROOT.password}`).toString('base64')}`;
    const res = await fetch(stack.endpoint, { method: 'POST', headers: { 'Content-Type': `application/soap+xml;charset=${utf16 ? 'UTF-16' : 'UTF-8'}`, Authorization: auth }, body });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { bytes: bytes.length, text: utf16 ? bytes.toString('utf16le') : bytes.toString('utf8') };
  };
  for (const [utf16, messageId] of [[true, undefined], [false, `uuid:${'a'.repeat(1000)}`], [true, `uuid:${'b'.repeat(1000)}`]] as const) {
    const label = `${utf16 ? 'UTF-16' : 'UTF-8'}${messageId ? ', a 1,005-character MessageID' : ''}`;
    let r = await raw(envelope({ action: ACTIONS.enumerate, resourceUri: CS_URI, body: enumerateBody({ optimize: true, maxElements: 100 }), extraHeaders: limit, ...(messageId !== undefined ? { messageId } : {}) }), utf16);
    let got = 0;
    let largest = 0;
    for (let i = 0; i < 200; i++) {
      largest = Math.max(largest, r.bytes);
      got += (r.text.match(/<p:Xen_[A-Za-z]+ xmlns:p=/g) ?? []).length;
      const ctx = /<wsen:EnumerationContext>([^<]+)</.exec(r.text)?.[1];
      if (!ctx) break;
      r = await raw(envelope({ action: ACTIONS.pull, resourceUri: CS_URI, body: pullBody(ctx, 100), extraHeaders: limit, ...(messageId !== undefined ? { messageId } : {}) }), utf16);
    }
    t.ok(largest <= 8192, `${label}: the largest answer is ${largest} octets`);
    t.equal(got, total, `${label}: every system once`);
  }
  // No room left for even one item: refused, not answered too large.
  const huge = await raw(envelope({ action: ACTIONS.enumerate, resourceUri: CS_URI, body: enumerateBody({ optimize: true, maxElements: 10 }), extraHeaders: limit, messageId: `uuid:${'c'.repeat(3500)}` }), true);
  t.match(huge.text, /EncodingLimit/);
  t.match(huge.text, /faultDetail\/MaxEnvelopeSize/);
});

t.test('GET /health reports a live model', async (t) => {
  const res = await fetch(stack.endpoint.replace('/wsman', '/health'));
  t.equal(res.status, 200);
  const body = (await res.json()) as { status: string; model: string };
  t.equal(body.status, 'ok');
  t.equal(body.model, 'live');
  const nf = await fetch(stack.endpoint.replace('/wsman', '/nothing'));
  t.equal(nf.status, 404);
  for (const [method, url] of [['GET', stack.endpoint], ['PUT', stack.endpoint], ['GET', `${stack.endpoint}/`], ['DELETE', `${stack.endpoint}?x=1`]] as const) {
    const r = await fetch(url, { method });
    t.equal(r.status, 405, `${method} ${url.replace(/^.*\/wsman/, '/wsman')}: the endpoint is there, for POST`);
    t.equal(r.headers.get('allow'), 'POST');
  }
  t.equal((await fetch(stack.endpoint.replace('/wsman', '/wsmanx'))).status, 404);
});

t.test('a Get without MaxEnvelopeSize is held to the service limit (--max-envelope-size)', async (t) => {
  const small = await startStack({ sim: { vms: 2 }, config: { defaultMaxEnvelopeSize: 16_384 } });
  t.teardown(() => small.close());
  const x = await xenSession(small.sim.url);
  const [ref, rec] = [...guests(await allRecords(x.session, 'VM'))][0]!;
  const long = 'w'.repeat(20_000);
  await x.session.call('VM.set_name_description', [ref, long]);
  await x.close();
  const get = (extraHeaders = '') => post(small.endpoint, envelope({ action: ACTIONS.get, resourceUri: CS_URI, selectors: { Name: field(rec, 'uuid') }, extraHeaders }), ROOT);
  let r = await get();
  for (let i = 0; i < 50 && r.status === 200; i++) r = await new Promise((res) => setTimeout(res, 100)).then(() => get());
  t.equal(r.status, 500, 'the 20 KB answer is refused');
  t.equal(faultOf(r)?.subcode, 'wsman:EncodingLimit');
  t.equal(faultOf(r)?.detail, 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/MaxEnvelopeSize');
  const allowed = await get('<wsman:MaxEnvelopeSize s:mustUnderstand="true">40000</wsman:MaxEnvelopeSize>');
  t.equal(allowed.status, 200, "the client's own MaxEnvelopeSize wins");
  t.equal(prop(bodyOf(allowed)!, 'Description'), long);
});
