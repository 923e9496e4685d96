import t from 'tap';
import { decodeEnvelope } from '../../../src/soap/decode-envelope.js';
import { WsmanFault } from '../../../src/soap/faults.js';
import { ACTION, NS } from '../../../src/soap/namespaces.js';
import { DEFAULT_XML_LIMITS, type XmlLimits } from '../../../src/soap/xml.js';
import { decodeRequest } from '../../../src/wsman/decode-request.js';
import { RequestMemo, type Decode } from '../../../src/wsman/request-memo.js';

const CS = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem';

/** A Get whose MessageID element is given whole (so tests can put attributes or comments in it). */
const getWith = (messageIdElement: string, name = 'vm-1', before = ''): string =>
  `<s:Envelope xmlns:s="${NS.S}" xmlns:wsa="${NS.WSA}" xmlns:wsman="${NS.WSMAN}"><s:Header>${before}` +
  `<wsa:To>http://127.0.0.1/wsman</wsa:To><wsman:ResourceURI>${CS}</wsman:ResourceURI>` +
  `<wsa:Action>${ACTION.GET}</wsa:Action>${messageIdElement}` +
  `<wsman:SelectorSet><wsman:Selector Name="Name">${name}</wsman:Selector></wsman:SelectorSet></s:Header><s:Body/></s:Envelope>`;
const get = (id: string, name?: string): string => getWith(`<wsa:MessageID>${id}</wsa:MessageID>`, name);
const identify = (extra = ''): string =>
  `<s:Envelope xmlns:s="${NS.S}" xmlns:wsa="${NS.WSA}" xmlns:wsmid="${NS.WSMID}"><s:Header>${extra}</s:Header><s:Body><wsmid:Identify/></s:Body></s:Envelope>`;

/** A counting decoder: how many texts really went through the XML reader. */
function decoder(): { decode: Decode; count: () => number } {
  let n = 0;
  return {
    decode: (xml, limits) => {
      n += 1;
      return decodeRequest(decodeEnvelope(xml, limits), { maxElementsCap: 1000 });
    },
    count: () => n,
  };
}

const messageIdOf = (r: ReturnType<RequestMemo['decode']>): { top: string | undefined; header: string | undefined } =>
  ({ top: r.messageId, header: r.kind === 'identify' ? undefined : r.headers.messageId });

t.test('a request repeated with another MessageID is decoded once, and answers with its own MessageID', async (t) => {
  const memo = new RequestMemo();
  const d = decoder();
  const first = memo.decode(get('uuid:aaa'), DEFAULT_XML_LIMITS, d.decode);
  const second = memo.decode(get('uuid:bbb-0001'), DEFAULT_XML_LIMITS, d.decode);
  t.equal(d.count(), 1, 'the repeat skipped the reader');
  t.same(messageIdOf(first), { top: 'uuid:aaa', header: 'uuid:aaa' });
  t.same(messageIdOf(second), { top: 'uuid:bbb-0001', header: 'uuid:bbb-0001' });
  t.same({ ...second, messageId: 'x', headers: { ...('headers' in second ? second.headers : {}), messageId: 'x' } },
    { ...first, messageId: 'x', headers: { ...('headers' in first ? first.headers : {}), messageId: 'x' } }, 'all else is the same request');
  // A different instance is a different request.
  const other = memo.decode(get('uuid:ccc', 'vm-2'), DEFAULT_XML_LIMITS, d.decode);
  t.equal(d.count(), 2);
  t.equal(other.kind === 'get' ? other.resource.selectors[0]?.value : undefined, 'vm-2');
  t.equal(memo.size, 2);
});

t.test('a MessageID the reader would read differently is decoded', async (t) => {
  const memo = new RequestMemo();
  const d = decoder();
  memo.decode(get('uuid:aaa'), DEFAULT_XML_LIMITS, d.decode);
  for (const [id, want] of [['uuid:&#x61;b', 'uuid:ab'], ['uuid:a&amp;b', 'uuid:a&b'], [' uuid:padded ', 'uuid:padded'], ['x'.repeat(300), 'x'.repeat(300)]] as const) {
    const r = memo.decode(get(id), DEFAULT_XML_LIMITS, d.decode);
    t.equal(r.messageId, want, id.slice(0, 20));
  }
  t.equal(d.count(), 5, 'none of them was taken from the memo');
  // Not well-formed once the value changes: the reader must see it and refuse it.
  t.throws(() => memo.decode(get('uuid:]]>'), DEFAULT_XML_LIMITS, d.decode), WsmanFault);
  t.throws(() => memo.decode(get('uuid:&bad;'), DEFAULT_XML_LIMITS, d.decode), WsmanFault);
});

t.test('only a text whose cut-out value is the MessageID element itself is remembered', async (t) => {
  const memo = new RequestMemo();
  const d = decoder();
  const twice = (xml1: string, xml2: string, want2: string): void => {
    memo.decode(xml1, DEFAULT_XML_LIMITS, d.decode);
    t.equal(memo.decode(xml2, DEFAULT_XML_LIMITS, d.decode).messageId, want2, xml2.slice(280, 360));
  };
  // 'MessageID' first met in a comment whose text happens to equal the real MessageID.
  const commented = (comment: string, id: string): string => getWith(`<wsa:MessageID>${id}</wsa:MessageID>`, 'vm-1', `<!--<wsa:MessageID>${comment}</wsa:MessageID>-->`);
  twice(commented('uuid:1', 'uuid:1'), commented('uuid:2', 'uuid:1'), 'uuid:1');
  // Another element named MessageID before the real one, with the same text.
  const other = (first: string, id: string): string => getWith(`<wsa:MessageID>${id}</wsa:MessageID>`, 'vm-1', `<x:MessageID xmlns:x="urn:x">${first}</x:MessageID>`);
  twice(other('uuid:1', 'uuid:1'), other('uuid:2', 'uuid:1'), 'uuid:1');
  // A '>' inside an attribute of the start tag.
  const attribute = (id: string): string => getWith(`<wsa:MessageID wsa:x="a>${id}">${id}</wsa:MessageID>`);
  twice(attribute('uuid:1'), attribute('uuid:2'), 'uuid:2');
  t.equal(memo.size, 0, 'none of these was remembered');
  // An empty MessageID is not a value to swap.
  const selfClosed = (after: string): string => getWith(`<wsa:MessageID/>${after}`);
  t.throws(() => memo.decode(selfClosed(''), DEFAULT_XML_LIMITS, d.decode), /MessageID is empty/);
  t.throws(() => memo.decode(selfClosed('uuid:2'), DEFAULT_XML_LIMITS, d.decode), { subcode: 'wsman:SchemaValidationError' });
  t.equal(memo.size, 0);
  t.equal(d.count(), 8, 'every one went through the reader');
});

t.test('the MessageID as clients send it: openwsman marks it mustUnderstand', async (t) => {
  const memo = new RequestMemo();
  const d = decoder();
  const marked = (id: string): string => getWith(`<wsa:MessageID s:mustUnderstand="true">${id}</wsa:MessageID>`);
  memo.decode(marked('uuid:1'), DEFAULT_XML_LIMITS, d.decode);
  const r = memo.decode(marked('uuid:2'), DEFAULT_XML_LIMITS, d.decode);
  t.same(messageIdOf(r), { top: 'uuid:2', header: 'uuid:2' });
  t.equal(d.count(), 1);
  // A value holding the word itself is still plain text.
  t.equal(memo.decode(marked('MessageID'), DEFAULT_XML_LIMITS, d.decode).messageId, 'MessageID');
  t.equal(d.count(), 1);
});

t.test('Identify with and without a MessageID', async (t) => {
  const memo = new RequestMemo();
  const d = decoder();
  t.same(memo.decode(identify(), DEFAULT_XML_LIMITS, d.decode), { kind: 'identify', messageId: undefined });
  t.same(memo.decode(identify(), DEFAULT_XML_LIMITS, d.decode), { kind: 'identify', messageId: undefined });
  const withId = (id: string): string => identify(`<wsa:MessageID>${id}</wsa:MessageID>`);
  memo.decode(withId('uuid:1'), DEFAULT_XML_LIMITS, d.decode);
  t.same(memo.decode(withId('uuid:2'), DEFAULT_XML_LIMITS, d.decode), { kind: 'identify', messageId: 'uuid:2' });
  t.equal(d.count(), 2);
});

t.test('what is not remembered', async (t) => {
  const d = decoder();
  const off = new RequestMemo({ entries: 0, maxTextChars: 8192 });
  off.decode(get('uuid:1'), DEFAULT_XML_LIMITS, d.decode);
  off.decode(get('uuid:2'), DEFAULT_XML_LIMITS, d.decode);
  t.equal(d.count(), 2, 'entries 0 remembers nothing');
  t.equal(off.size, 0);

  const small = new RequestMemo({ entries: 10, maxTextChars: 100 });
  small.decode(get('uuid:1'), DEFAULT_XML_LIMITS, d.decode);
  t.equal(small.size, 0, 'a text longer than maxTextChars');

  const memo = new RequestMemo();
  const pull = (id: string): string =>
    `<s:Envelope xmlns:s="${NS.S}" xmlns:wsa="${NS.WSA}" xmlns:wsman="${NS.WSMAN}" xmlns:wsen="${NS.WSEN}"><s:Header>` +
    `<wsa:To>http://127.0.0.1/wsman</wsa:To><wsman:ResourceURI>${CS}</wsman:ResourceURI>` +
    `<wsa:Action>${ACTION.PULL}</wsa:Action><wsa:MessageID>${id}</wsa:MessageID></s:Header>` +
    `<s:Body><wsen:Pull><wsen:EnumerationContext>c</wsen:EnumerationContext></wsen:Pull></s:Body></s:Envelope>`;
  memo.decode(pull('uuid:1'), DEFAULT_XML_LIMITS, d.decode);
  t.equal(memo.size, 0, 'a Pull (its context changes every time)');

  // A refused request stays refused, every time.
  const bad = get('uuid:1').replace('<wsa:To>http://127.0.0.1/wsman</wsa:To>', '');
  for (let i = 0; i < 2; i++) t.throws(() => memo.decode(bad, DEFAULT_XML_LIMITS, d.decode), { subcode: 'wsa:MessageInformationHeaderRequired' });
  t.equal(memo.size, 0);

  // Other XML limits: decoded under those.
  memo.decode(get('uuid:1'), DEFAULT_XML_LIMITS, d.decode);
  const tight: XmlLimits = { ...DEFAULT_XML_LIMITS, maxDepth: 2 };
  t.throws(() => memo.decode(get('uuid:2'), tight, d.decode), { subcode: 'wsman:EncodingLimit' });
});

t.test('when requests do not repeat, the memo stands aside, then tries again', async (t) => {
  const memo = new RequestMemo();
  const d = decoder();
  // A sweep: every request names another instance.
  for (let i = 0; i < 512; i++) memo.decode(get(`uuid:${i}`, `vm-${i}`), DEFAULT_XML_LIMITS, d.decode);
  t.ok(memo.standingAside, 'no repeats in 512 lookups');
  const before = d.count();
  memo.decode(get('uuid:x', 'vm-1'), DEFAULT_XML_LIMITS, d.decode);
  t.equal(d.count(), before + 1, 'a repeat is decoded while the memo stands aside');
  for (let i = 0; i < 8192; i++) memo.decode(get(`uuid:y${i}`, 'vm-2'), DEFAULT_XML_LIMITS, d.decode);
  t.notOk(memo.standingAside, 'back after a while');
  // A poller: the same request again and again keeps it in use.
  for (let i = 0; i < 1024; i++) memo.decode(get(`uuid:z${i}`, 'vm-3'), DEFAULT_XML_LIMITS, d.decode);
  t.notOk(memo.standingAside);
  const r = memo.decode(get('uuid:last', 'vm-3'), DEFAULT_XML_LIMITS, d.decode);
  t.equal(r.messageId, 'uuid:last');
});
