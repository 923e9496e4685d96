// Each wrong request gets its exact WS-Man fault (HTTP 500) or 401, and the server stays up.
import t from 'tap';
import { attr, type XmlElement } from '../../src/soap/xml.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { ACTIONS, bodyOf, CS_URI, envelope, faultOf, findOne, identifyEnvelope, MONITOR, NS, post, pullBody, ROOT } from '../helpers/wsman-client.js';

let stack: Stack;
t.before(async () => {
  stack = await startStack();
});
t.teardown(() => stack.close());

const enumerateEnv = (extra: Partial<Parameters<typeof envelope>[0]> = {}): string =>
  envelope({ action: ACTIONS.enumerate, resourceUri: CS_URI, body: '<wsen:Enumerate/>', ...extra });

t.test('missing or wrong credentials get 401 with a Basic challenge and an empty body', async (t) => {
  for (const creds of [undefined, { user: 'root', password: 'wrong' }, { user: 'nobody', password: 'x' }]) {
    const r = await post(stack.endpoint, enumerateEnv(), creds);
    t.equal(r.status, 401, JSON.stringify(creds?.user));
    t.equal(r.headers.get('www-authenticate'), 'Basic realm="WS-Management"');
    t.equal(r.text, '');
  }
  const bad = await fetch(stack.endpoint, { method: 'POST', headers: { Authorization: 'Negotiate abc', 'Content-Type': 'application/soap+xml' }, body: identifyEnvelope() });
  t.equal(bad.status, 401, 'a scheme other than Basic is refused');
  const garbage = await post(stack.endpoint, '<not xml', undefined);
  t.equal(garbage.status, 401, 'unauthenticated garbage learns nothing but 401');
  const wrongIdentify = await post(stack.endpoint, identifyEnvelope(), { user: 'root', password: 'wrong' });
  t.equal(wrongIdentify.status, 401, 'Identify with wrong credentials is refused, not answered');
});

const cases: Array<{ name: string; body: () => string; code: string; subcode: string; detail?: string }> = [
  { name: 'unknown action', body: () => envelope({ action: 'http://example.com/Frobnicate', resourceUri: CS_URI }), code: 's:Sender', subcode: 'wsa:ActionNotSupported', detail: 'ActionMismatch' },
  { name: 'unknown class', body: () => envelope({ action: ACTIONS.get, resourceUri: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_NoSuchThing', selectors: { Name: 'x' } }), code: 's:Sender', subcode: 'wsa:DestinationUnreachable', detail: 'InvalidResourceURI' },
  { name: 'unknown resource URI prefix', body: () => envelope({ action: ACTIONS.get, resourceUri: 'http://example.com/Foo', selectors: { Name: 'x' } }), code: 's:Sender', subcode: 'wsa:DestinationUnreachable', detail: 'InvalidResourceURI' },
  { name: 'Get of a VM that does not exist', body: () => envelope({ action: ACTIONS.get, resourceUri: CS_URI, selectors: { CreationClassName: 'Xen_ComputerSystem', Name: '00000000-0000-0000-0000-000000000000' } }), code: 's:Sender', subcode: 'wsa:DestinationUnreachable' },
  { name: 'Get without selectors', body: () => envelope({ action: ACTIONS.get, resourceUri: CS_URI }), code: 's:Sender', subcode: 'wsman:InvalidSelectors', detail: 'InsufficientSelectors' },
  { name: 'Get with a selector that is not a key', body: () => envelope({ action: ACTIONS.get, resourceUri: CS_URI, selectors: { Name: 'x', Colour: 'red' } }), code: 's:Sender', subcode: 'wsman:InvalidSelectors', detail: 'UnexpectedSelectors' },
  { name: 'duplicate selectors', body: () => envelope({ action: ACTIONS.get, resourceUri: CS_URI, extraHeaders: '<wsman:SelectorSet><wsman:Selector Name="Name">a</wsman:Selector><wsman:Selector Name="name">b</wsman:Selector></wsman:SelectorSet>' }), code: 's:Sender', subcode: 'wsman:InvalidSelectors', detail: 'DuplicateSelectors' },
  { name: 'bogus enumeration context', body: () => envelope({ action: ACTIONS.pull, resourceUri: CS_URI, body: pullBody('uuid:00000000-1111-2222-3333-444444444444') }), code: 's:Receiver', subcode: 'wsen:InvalidEnumerationContext' },
  { name: 'malformed XML', body: () => '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>', code: 's:Sender', subcode: 'wsman:SchemaValidationError' },
  { name: 'entity declaration', body: () => '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x "y">]><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>&x;</s:Body></s:Envelope>', code: 's:Sender', subcode: 'wsman:SchemaValidationError' },
  { name: 'missing Action', body: () => envelope({ extraHeaders: '<wsa:To>http://x/wsman</wsa:To><wsa:MessageID>uuid:1</wsa:MessageID>', body: '<wsen:Enumerate/>' }), code: 's:Sender', subcode: 'wsa:MessageInformationHeaderRequired' },
  { name: 'missing ResourceURI', body: () => envelope({ action: ACTIONS.enumerate, body: '<wsen:Enumerate/>' }), code: 's:Sender', subcode: 'wsa:MessageInformationHeaderRequired' },
  { name: 'unknown mustUnderstand header', body: () => enumerateEnv({ extraHeaders: '<x:Y xmlns:x="urn:x" s:mustUnderstand="true"/>' }), code: 's:MustUnderstand', subcode: '' },
  { name: 'unknown EnumerationMode', body: () => enumerateEnv({ body: '<wsen:Enumerate><wsman:EnumerationMode>EnumerateAll</wsman:EnumerationMode></wsen:Enumerate>' }), code: 's:Sender', subcode: 'wsman:UnsupportedFeature', detail: 'EnumerationMode' },
  { name: 'MaxEnvelopeSize below 8192', body: () => enumerateEnv({ extraHeaders: '<wsman:MaxEnvelopeSize>4096</wsman:MaxEnvelopeSize>' }), code: 's:Sender', subcode: 'wsman:EncodingLimit', detail: 'MinimumEnvelopeLimit' },
  { name: 'an envelope of no SOAP version', body: () => '<e:Envelope xmlns:e="urn:soap-of-my-own"><e:Body/></e:Envelope>', code: 's:VersionMismatch', subcode: '' },
  { name: 'custom-action input in another namespace', body: () => envelope({ action: 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/Xen_ComputerSystem/RequestStateChange', resourceUri: 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/Xen_ComputerSystem', selectors: { Name: 'x' }, body: '<p:RequestStateChange_INPUT xmlns:p="urn:wrong"><p:RequestedState>2</p:RequestedState></p:RequestStateChange_INPUT>' }), code: 's:Sender', subcode: 'wsman:SchemaValidationError' },
  { name: 'all-classes URI without a filter', body: () => envelope({ action: ACTIONS.enumerate, resourceUri: 'http://schemas.dmtf.org/wbem/wscim/1/*', body: '<wsen:Enumerate/>' }), code: 's:Sender', subcode: 'wsman:UnsupportedFeature', detail: 'FilteringRequired' },
];

for (const c of cases) {
  t.test(`${c.name} → ${c.subcode || c.code}`, async (t) => {
    const r = await post(stack.endpoint, c.body(), ROOT);
    t.equal(r.status, 500, 'every SOAP fault goes out with HTTP 500');
    t.match(r.headers.get('content-type'), /application\/soap\+xml/);
    const f = faultOf(r);
    t.ok(f, r.text.slice(0, 400));
    t.equal(f?.code, c.code);
    t.equal(f?.subcode ?? '', c.subcode);
    if (c.detail) t.equal(f?.detail, `http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/${c.detail}`);
    t.ok(f?.reason.length, 'a reason is given');
  });
}

t.test("another user's enumeration context is refused with AccessDenied [DSP0226 R8.1-6]", async (t) => {
  const en = await post(stack.endpoint, enumerateEnv(), ROOT);
  const ctx = findOne(bodyOf(en), NS.WSEN, 'EnumerationContext')!.text;
  const stolen = await post(stack.endpoint, envelope({ action: ACTIONS.pull, resourceUri: CS_URI, body: pullBody(ctx) }), MONITOR);
  t.equal(stolen.status, 500);
  t.equal(faultOf(stolen)?.subcode, 'wsman:AccessDenied');
  const own = await post(stack.endpoint, envelope({ action: ACTIONS.pull, resourceUri: CS_URI, body: pullBody(ctx) }), ROOT);
  t.equal(own.status, 200, 'the owner can still pull: the refused attempt did not consume the context');
});

t.test('wrong content types get a SOAP fault, never a JSON error', async (t) => {
  const r = await post(stack.endpoint, '{"a":1}', ROOT, 'application/json');
  t.equal(r.status, 500);
  t.equal(faultOf(r)?.subcode, 'wsman:EncodingLimit');
  const big = await post(stack.endpoint, 'x'.repeat(5 * 1024 * 1024), ROOT);
  t.equal(big.status, 500);
  t.equal(faultOf(big)?.detail, 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/ServiceEnvelopeLimit');
  const alive = await post(stack.endpoint, identifyEnvelope(), undefined);
  t.equal(alive.status, 200, 'the server is still up');
});

const qnameOf = (el: XmlElement | undefined) => (el ? attr(el, 'qname') : undefined);

t.test('a SOAP 1.1 envelope is answered with a SOAP 1.1 VersionMismatch fault naming SOAP 1.2 [SOAP 1.2 part 1 §5.4.7, appendix A]', async (t) => {
  const r = await post(stack.endpoint, '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>', ROOT);
  t.equal(r.status, 500);
  t.match(r.headers.get('content-type'), /^text\/xml;charset=UTF-8$/, 'the SOAP 1.1 media type');
  t.same([r.xml?.ns, r.xml?.name], ['http://schemas.xmlsoap.org/soap/envelope/', 'Envelope'], 'a SOAP 1.1 envelope');
  t.equal(findOne(r.xml, '', 'faultcode')?.text, 'env:VersionMismatch');
  t.equal(qnameOf(findOne(r.xml, NS.S, 'SupportedEnvelope')), 'ns1:Envelope');
  const other = await post(stack.endpoint, '<e:Envelope xmlns:e="urn:soap-of-my-own"><e:Body/></e:Envelope>', ROOT);
  t.equal(qnameOf(findOne(other.xml, NS.S, 'SupportedEnvelope')), 's:Envelope', 'a SOAP 1.2 fault names it too');
});
