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
  // Another instance is the same Get with another selector value: a sweep is decoded once too.
  const other = memo.decode(get('uuid:ccc', 'vm-2'), DEFAULT_XML_LIMITS, d.decode);
  t.equal(d.count(), 1);
  t.equal(other.kind === 'get' ? other.resource.selectors[0]?.value : undefined, 'vm-2');
  t.same(other, d.decode(get('uuid:ccc', 'vm-2'), DEFAULT_XML_LIMITS), 'what the reader makes of it');
  t.equal(memo.size, 1);
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
  t.throws(() => memo.decode(selfClosed('uuid:2'), DEFAULT_XML_LIMITS, d.decode), { name: 'WsmanFault', subcode: 'wsman:SchemaValidationError' });
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
  // A value holding a marker word is decoded: the cuts of such a text are not trusted.
  t.equal(memo.decode(marked('MessageID'), DEFAULT_XML_LIMITS, d.decode).messageId, 'MessageID');
  t.equal(d.count(), 2);
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
  for (let i = 0; i < 2; i++) t.throws(() => memo.decode(bad, DEFAULT_XML_LIMITS, d.decode), { name: 'WsmanFault', subcode: 'wsa:MessageInformationHeaderRequired' });
  t.equal(memo.size, 0);

  // Other XML limits: decoded under those.
  memo.decode(get('uuid:1'), DEFAULT_XML_LIMITS, d.decode);
  const tight: XmlLimits = { ...DEFAULT_XML_LIMITS, maxDepth: 2 };
  t.throws(() => memo.decode(get('uuid:2'), tight, d.decode), { name: 'WsmanFault', subcode: 'wsman:EncodingLimit' });
});

t.test('when requests do not repeat, the memo stands aside, then tries again', async (t) => {
  const memo = new RequestMemo();
  const d = decoder();
  // Requests that never repeat (each with a header of its own).
  const unique = (i: number): string => getWith(`<wsa:MessageID>uuid:${i}</wsa:MessageID>`, 'vm-1', `<x:Seq xmlns:x="urn:x">${i}</x:Seq>`);
  for (let i = 0; i < 512; i++) memo.decode(unique(i), DEFAULT_XML_LIMITS, d.decode);
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

/** A Get as clients send it, with any selectors (name, raw element content) and the MessageID before or after them. */
const getSelecting = (id: string, selectors: readonly (readonly [string, string])[], opts: { idLast?: boolean; uri?: string; extra?: string } = {}): string => {
  const idEl = `<wsa:MessageID>${id}</wsa:MessageID>`;
  const set = selectors.length === 0 ? '' : `<wsman:SelectorSet>${selectors.map(([n, v]) => `<wsman:Selector Name="${n}">${v}</wsman:Selector>`).join('')}</wsman:SelectorSet>`;
  return `<s:Envelope xmlns:s="${NS.S}" xmlns:wsa="${NS.WSA}" xmlns:wsman="${NS.WSMAN}"><s:Header>` +
    `<wsa:To>http://127.0.0.1/wsman</wsa:To><wsman:ResourceURI>${opts.uri ?? CS}</wsman:ResourceURI>` +
    `<wsa:Action>${ACTION.GET}</wsa:Action>${opts.idLast ? '' : idEl}${set}${opts.extra ?? ''}${opts.idLast ? idEl : ''}</s:Header><s:Body/></s:Envelope>`;
};

t.test('a sweep of Gets over many instances is decoded once, each with its own values', async (t) => {
  const memo = new RequestMemo();
  const d = decoder();
  for (const idLast of [false, true]) {
    for (let i = 0; i < 300; i++) {
      const xml = getSelecting(`uuid:${idLast}-${i}`, [['CreationClassName', 'Xen_ComputerSystem'], ['Name', `vm-${i}`]], { idLast });
      const r = memo.decode(xml, DEFAULT_XML_LIMITS, d.decode);
      if (i % 50 === 0) t.same(r, decodeRequest(decodeEnvelope(xml, DEFAULT_XML_LIMITS), { maxElementsCap: 1000 }), `${idLast ? 'MessageID last' : 'MessageID first'}, vm-${i}`);
      if (r.kind !== 'get') throw new Error('not a Get');
      t.equal(r.resource.selectors[1]?.value, `vm-${i}`);
      t.equal(r.headers.selectors?.[1], r.resource.selectors[1], 'one selector, seen from the headers and the resource');
    }
  }
  t.equal(d.count(), 2, 'one decode for each template');
  t.notOk(memo.standingAside);
});

t.test('selectors that are not plain values of the Get itself are never swapped', async (t) => {
  const d = decoder();
  const cases: [string, (v: string) => string][] = [
    ['the namespace selector', (v) => getSelecting('uuid:1', [['__cimnamespace', v], ['Name', 'vm-1']])],
    ['a query selector beside the set', (v) => getSelecting('uuid:1', [['Name', v]], { uri: `${CS}?CreationClassName=Xen_ComputerSystem` })],
    ['a Selector named in a comment', (v) => getSelecting('uuid:1', [['Name', v]], { extra: '<!-- wsman:Selector -->' })],
    ['a Selector in another header', (v) => getSelecting('uuid:1', [['Name', v]], { extra: '<x:Selector xmlns:x="urn:x">vm-1</x:Selector>' })],
  ];
  for (const [what, text] of cases) {
    const memo = new RequestMemo();
    memo.decode(text('root/cimv2'), DEFAULT_XML_LIMITS, d.decode);
    const before = d.count();
    const second = text('interop');
    t.same(memo.decode(second, DEFAULT_XML_LIMITS, d.decode), decodeRequest(decodeEnvelope(second, DEFAULT_XML_LIMITS), { maxElementsCap: 1000 }), what);
    t.equal(d.count(), before + 1, `${what}: decoded`);
  }
  // A Selector in an Enumerate's filter is part of the template: another value is another request.
  const enumerate = (name: string): string =>
    `<s:Envelope xmlns:s="${NS.S}" xmlns:wsa="${NS.WSA}" xmlns:wsman="${NS.WSMAN}" xmlns:wsen="${NS.WSEN}"><s:Header>` +
    `<wsa:To>http://127.0.0.1/wsman</wsa:To><wsman:ResourceURI>${CS}</wsman:ResourceURI><wsa:Action>${ACTION.ENUMERATE}</wsa:Action>` +
    `<wsa:MessageID>uuid:e</wsa:MessageID></s:Header><s:Body><wsen:Enumerate><wsman:Filter Dialect="http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter">` +
    `<wsman:SelectorSet><wsman:Selector Name="Name">${name}</wsman:Selector></wsman:SelectorSet></wsman:Filter></wsen:Enumerate></s:Body></s:Envelope>`;
  const memo = new RequestMemo();
  memo.decode(enumerate('vm-1'), DEFAULT_XML_LIMITS, d.decode);
  const r = memo.decode(enumerate('vm-2'), DEFAULT_XML_LIMITS, d.decode);
  t.same(r.kind === 'enumerate' && r.filter?.kind === 'selector' ? r.filter.selectors[0]?.value : undefined, 'vm-2');
  t.equal(memo.decode(enumerate('vm-1'), DEFAULT_XML_LIMITS, d.decode).kind, 'enumerate');
  t.equal(memo.size, 2, 'two filters, two requests');
});

/** JSON with every object's keys sorted: two requests compared as values, whatever their key order. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));

t.test('seeded: whatever the values, the memo answers what the reader answers', async (t) => {
  let seed = 20261124;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const pieces = ['a', 'vm', '-', '7', ':', 'uuid', ' ', '&amp;', '&#x41;', '&bad;', 'Selector', 'MessageID', '<!--c-->', '<![CDATA[x]]>', '<b/>', '>', '"', "'", '\t', '\u00e9', '\u0001', ']]>', '='];
  const value = (): string => Array.from({ length: 1 + rnd(4) }, () => pieces[rnd(pieces.length)]).join('');
  const plain = (): string => `v${rnd(1000)}`;
  const names = ['Name', 'CreationClassName', 'SystemName', '__cimnamespace', 'DeviceID'];
  const outcome = (f: () => unknown): unknown => {
    try {
      return f();
    } catch (err) {
      return err instanceof WsmanFault ? { fault: err.subcode, detail: err.detail } : { error: String(err) };
    }
  };
  const memo = new RequestMemo();
  const d = decoder();
  let served = 0;
  for (let i = 0; i < 3000; i++) {
    const count = rnd(3);
    const sel = Array.from({ length: count }, (_, k) => [names[(k + rnd(2)) % names.length]!, rnd(4) === 0 ? value() : plain()] as const);
    const xml = getSelecting(rnd(5) === 0 ? value() : `uuid:${plain()}`, sel, { idLast: rnd(2) === 0 });
    const before = d.count();
    const got = outcome(() => memo.decode(xml, DEFAULT_XML_LIMITS, d.decode));
    if (d.count() === before) served++;
    const want = outcome(() => decodeRequest(decodeEnvelope(xml, DEFAULT_XML_LIMITS), { maxElementsCap: 1000 }));
    if (canonical(got) !== canonical(want)) {
      t.fail(`text ${i} differs: ${xml}`);
      return;
    }
  }
  t.ok(served > 1000, `most were served from the memo (${served} of 3000)`);
});

t.test('a small memo keeps what is used and drops what is not, a generation at a time', async (t) => {
  const memo = new RequestMemo({ entries: 4, maxTextChars: 8192 });
  const d = decoder();
  const uri = (k: string): string => `${CS.replace('CIM_ComputerSystem', `Xen_${k}`)}`;
  const text = (k: string, id: string): string => getSelecting(id, [['Name', 'x']], { uri: uri(k) });
  for (const k of ['A', 'B', 'C']) memo.decode(text(k, 'uuid:1'), DEFAULT_XML_LIMITS, d.decode);
  t.equal(d.count(), 3);
  memo.decode(text('A', 'uuid:2'), DEFAULT_XML_LIMITS, d.decode);
  t.equal(d.count(), 3, 'A, from the older generation, is still known (and now young again)');
  for (const k of ['D', 'E']) memo.decode(text(k, 'uuid:1'), DEFAULT_XML_LIMITS, d.decode);
  t.ok(memo.size <= 4);
  memo.decode(text('B', 'uuid:3'), DEFAULT_XML_LIMITS, d.decode);
  t.equal(d.count(), 6, 'B, never used again, was dropped');
});

t.test('a repeat is recognised piece by piece: a text that differs anywhere outside its values, even at the same length, is its own template', async (t) => {
  const memo = new RequestMemo();
  const d = decoder();
  // Whitespace after the root element is allowed, and lets a variant keep the length.
  const spaced = (id: string, name: string): string => `${get(id, name)}  `;
  memo.decode(spaced('uuid:1', 'vm-1'), DEFAULT_XML_LIMITS, d.decode);
  memo.decode(spaced('uuid:2', 'vm-2'), DEFAULT_XML_LIMITS, d.decode);
  t.equal(d.count(), 1, 'the second is a repeat');
  // The same length, one place changed: before the first value, between the values, after the last.
  const variants = [
    spaced('uuid:3', 'vm-3').replace('http://127.0.0.1/wsman', 'http://127.0.0.2/wsman'),
    spaced('uuid:4', 'vm-4').replace('<wsman:Selector Name="Name">', '<wsman:Selector Name="NAME">'),
    `${spaced('uuid:5', 'vm-5').trimEnd().replace('<s:Body/>', '<s:Body />')} `,
  ];
  for (const [i, text] of variants.entries()) {
    t.equal(text.length, spaced('uuid:0', 'vm-0').length, `variant ${i} has the template's length`);
    const before = d.count();
    const r = memo.decode(text, DEFAULT_XML_LIMITS, d.decode);
    t.equal(d.count(), before + 1, `variant ${i} went through the reader`);
    t.same(r, d.decode(text, DEFAULT_XML_LIMITS), `variant ${i}: what the reader makes of it`);
  }
});
