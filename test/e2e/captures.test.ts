// The requests real clients sent (../shared/design/captures: wsmancli, pywinrm and the AMT
// message library), replayed byte for byte over HTTP. As captured they name instance "x" and
// context "ctx-0", which do not exist here, so each gets its correct fault; then the same
// request with a real VM uuid or a live context gets its real answer.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { allRecords, computerSystemNames, field, guests, xenSession } from '../helpers/xenapi.js';
import { bodyOf, faultOf, findOne, NS, post, prop, ROOT, type WsmanReply } from '../helpers/wsman-client.js';
import { parseXml } from '../../src/soap/xml.js';

const DIR = new URL('../fixtures/captures/', import.meta.url).pathname;
const have = existsSync(DIR);

let stack: Stack;
let expected: Set<string>;
let vmUuid: string;

t.before(async () => {
  if (!have) return;
  stack = await startStack();
  const x = await xenSession(stack.sim.url);
  const vms = guests(await allRecords(x.session, 'VM'));
  expected = await computerSystemNames(x.session);
  await x.close();
  vmUuid = field([...vms.values()].find((v) => v['power_state'] === 'Running')!, 'uuid');
});
t.teardown(() => (have ? stack.close() : undefined));

function capture(name: string): { body: Buffer; contentType: string } {
  const body = readFileSync(join(DIR, `${name}.xml`));
  // The wsman-messages envelopes were generated, not sent: they have no captured headers.
  const headersFile = join(DIR, `${name}.headers`);
  const headers = existsSync(headersFile) ? readFileSync(headersFile, 'utf8') : '';
  const contentType = /^Content-Type:\s*(.+)$/im.exec(headers)?.[1]?.trim() ?? 'application/soap+xml;charset=UTF-8';
  return { body, contentType };
}

const send = (name: string, edit?: (s: string) => string): Promise<WsmanReply> => {
  const c = capture(name);
  const body = edit ? Buffer.from(edit(c.body.toString('utf8'))) : c.body;
  return post(stack.endpoint, body, ROOT, c.contentType);
};

const contextOf = (r: WsmanReply): string => findOne(bodyOf(r), NS.WSEN, 'EnumerationContext')?.text.trim() ?? '';
const itemsOf = (r: WsmanReply) => {
  const b = bodyOf(r);
  return (findOne(b, NS.WSMAN, 'Items') ?? findOne(b, NS.WSEN, 'Items'))?.children ?? [];
};
const nameOf = (item: NonNullable<ReturnType<typeof itemsOf>[number]>): string | undefined => {
  if (item.name === 'EndpointReference' || item.name === 'Item') {
    const sel = [...walk(item)].find((e) => e.name === 'Selector' && e.attrs.some((a) => a.value === 'Name'));
    return sel?.text;
  }
  return prop(item, 'Name');
};
function* walk(e: ReturnType<typeof itemsOf>[number]): Generator<typeof e> {
  for (const c of e.children) {
    yield c;
    yield* walk(c);
  }
}

/** Enumerate as captured, then the captured Pull with the live context, until no context is left (as wsmancli does). */
async function runEnumeration(base: string): Promise<{ names: string[]; replies: WsmanReply[] }> {
  const replies = [await send(base)];
  const names = itemsOf(replies[0]!).map(nameOf).filter((n): n is string => n !== undefined);
  const pullName = [`${base}.3-Pull`, `${base}.2-Pull`, base.replace(/-enumerate$/, '-pull')].find((n) => n !== base && existsSync(join(DIR, `${n}.xml`)));
  let ctx = contextOf(replies[0]!);
  while (ctx !== '' && pullName && replies.length < 100) {
    const r = await send(pullName, (s) => s.replace(/(<(?:\w+:)?EnumerationContext>)[^<]*(<\/)/, `$1${ctx}$2`));
    replies.push(r);
    if (r.status !== 200) break;
    names.push(...itemsOf(r).map(nameOf).filter((n): n is string => n !== undefined));
    ctx = contextOf(r);
  }
  return { names, replies };
}

const ENUMERATIONS: ReadonlyArray<[string, 'all' | 'none']> = [
  ['wsman-enumerate', 'all'], ['wsman-enumerate-optimize', 'all'], ['wsman-enumerate-optimize-max', 'all'],
  ['wsman-enumerate-max', 'all'], ['wsman-enumerate-epr', 'all'], ['wsman-enumerate-objepr', 'all'],
  ['wsman-enumerate-estimate', 'all'], ['wsman-enumerate-namespace', 'all'], ['wsman-enumerate-binding-include', 'all'],
  ['wsman-enumerate-cimext', 'all'], ['wsman-enumerate-timeout-envsize-locale', 'all'], ['wsman-enumerate-eos-with-context', 'all'],
  ['wsman-enumerate-endpoint', 'all'], ['pywinrm-enumerate', 'all'], ['wsmanmessages-enumerate', 'all'],
  // CIM_ComputerSystem itself has no instances of its own; PolymorphismMode None returns only those.
  ['wsman-enumerate-binding-none', 'none'],
  // root/interop holds the profile registration, not computer systems.
  ['wsman-enumerate-namespace-interop', 'none'],
];

t.test('captured enumerations, each followed by its captured Pulls until the end', { skip: !have && 'captures not found' }, async (t) => {
  for (const [base, want] of ENUMERATIONS) {
    const { names, replies } = await runEnumeration(base);
    t.ok(replies.every((r) => r.status === 200), `${base}: every reply is 200`);
    t.same(new Set(names), want === 'all' ? expected : new Set(), `${base}: the expected instances`);
    t.equal(names.length, want === 'all' ? expected.size : 0, `${base}: no duplicates`);
    const last = bodyOf(replies[replies.length - 1]!);
    t.ok(findOne(last, NS.WSEN, 'EndOfSequence') ?? findOne(last, NS.WSMAN, 'EndOfSequence'), `${base}: ends with EndOfSequence`);
  }
});

t.test('wsmancli -E: the estimate comes back in the header', { skip: !have && 'captures not found' }, async (t) => {
  const r = await send('wsman-enumerate-estimate');
  t.equal(findOne(r.xml, NS.WSMAN, 'TotalItemsCountEstimate')?.text, String(expected.size));
});

t.test('wsmancli -S: a single Enumerate without Pull', { skip: !have && 'captures not found' }, async (t) => {
  const r = await send('wsman-enumerate-step');
  t.equal(r.status, 200);
  t.ok(contextOf(r).startsWith('uuid:'));
});

t.test('captured Pulls and Release as they are: context ctx-0 does not exist', { skip: !have && 'captures not found' }, async (t) => {
  for (const name of ['wsman-pull', 'wsman-pull-max', 'wsman-release', 'wsmanmessages-pull', 'wsman-enumerate.3-Pull', 'pywinrm-enumerate.2-Pull']) {
    if (!existsSync(join(DIR, `${name}.xml`))) continue;
    const r = await send(name);
    t.equal(r.status, 500, name);
    t.equal(faultOf(r)?.subcode, 'wsen:InvalidEnumerationContext', name);
  }
});

t.test('captured Release with a live context', { skip: !have && 'captures not found' }, async (t) => {
  const en = await send('wsman-enumerate');
  const ctx = contextOf(en);
  const rel = await send('wsman-release', (s) => s.replace('uuid:ctx-0', ctx));
  t.equal(rel.status, 200);
  const again = await send('wsman-pull', (s) => s.replace('uuid:ctx-0', ctx));
  t.equal(faultOf(again)?.subcode, 'wsen:InvalidEnumerationContext');
});

const GETS = ['wsman-get-selectors', 'wsman-get-namespace', 'pywinrm-get', 'https-pywinrm-get', 'wsmanmessages-get'];

t.test('captured Gets: "x" is not found; a real uuid returns the VM', { skip: !have && 'captures not found' }, async (t) => {
  for (const name of GETS) {
    const missing = await send(name);
    t.equal(missing.status, 500, name);
    t.equal(faultOf(missing)?.subcode, 'wsa:DestinationUnreachable', `${name} as captured`);
    const found = await send(name, (s) => s.replace(/(Name="Name">)x</, `$1${vmUuid}<`));
    t.equal(found.status, 200, `${name} with a real uuid`);
    t.equal(prop(bodyOf(found)!, 'Name'), vmUuid);
  }
  // `wsman get URI -k Name=x`: -k only feeds put, so the Get goes out with no selectors at all.
  const bare = await send('wsman-get-k');
  t.equal(faultOf(bare)?.subcode, 'wsman:InvalidSelectors');
  t.equal(faultOf(bare)?.detail, 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InsufficientSelectors');
  const empty = await send('wsmanmessages-get-multiselector');
  t.equal(faultOf(empty)?.subcode, 'wsa:DestinationUnreachable', 'empty selector values name nothing');
});

t.test('wsmancli -F (FragmentTransfer): the one property, inside wsman:XmlFragment', { skip: !have && 'captures not found' }, async (t) => {
  const r = await send('wsman-get-fragment', (s) => s.replace(/(Name="Name">)x</, `$1${vmUuid}<`));
  t.equal(r.status, 200);
  const frag = bodyOf(r)!;
  t.equal(frag.name, 'XmlFragment');
  t.same(frag.children.map((c) => c.name), ['EnabledState']);
  t.equal(frag.children[0]?.text, '2', 'the running VM is Enabled');
});

t.test('captured Identify requests', { skip: !have && 'captures not found' }, async (t) => {
  for (const name of ['wsman-identify', 'wsman-identify-basic-preemptive', 'https-wsman-identify-Vv']) {
    const r = await send(name);
    t.equal(r.status, 200, name);
    t.ok(findOne(r.xml, NS.WSMID, 'IdentifyResponse'), name);
  }
});

t.test('wsmancli -j UTF-16: the reply comes back in UTF-16 with a BOM', { skip: !have && 'captures not found' }, async (t) => {
  const c = capture('wsman-enumerate-utf16');
  const res = await fetch(stack.endpoint, {
    method: 'POST',
    headers: { 'Content-Type': c.contentType, Authorization: `Basic ${Buffer.from('root:xenroot').toString('base64')}` },
    body: c.body,
  });
  t.equal(res.status, 200);
  t.match(res.headers.get('content-type'), /charset=UTF-16/);
  const bytes = Buffer.from(await res.arrayBuffer());
  t.same([...bytes.subarray(0, 2)], [0xff, 0xfe], 'UTF-16LE BOM');
  const text = bytes.subarray(2).toString('utf16le');
  t.match(text, /^<\?xml version="1.0" encoding="UTF-16"\?>/);
  const env = parseXml(text.replace(/^<\?xml[^>]*\?>/, ''));
  t.ok(findOne(env, NS.WSEN, 'EnumerateResponse'));
});
