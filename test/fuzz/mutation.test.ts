// A seeded mutation fuzzer over every captured client envelope (test/fixtures/captures/*.xml):
// byte flips and insertions, truncations, duplicated, repeated and deleted elements, deleted and
// duplicated attributes, namespace swaps, prefix renames, numeric boundary values, injected
// values, unicode insertions and tag swaps, sent over a real socket with credentials. Every
// answer must be a well-formed response of the request's action (HTTP 200), a well-formed
// SOAP 1.2 fault from the DSP0226 table (HTTP 500), or 401; never wsman:InternalError (the
// input was not classified), never a hang. The server must stay up and memory bounded.
//
// Bounded by FUZZ_CASES (default 3000) and FUZZ_SECONDS (default 45); FUZZ_SEED picks the run,
// FUZZ_ONLY=<case> replays one case.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { decodeXmlText } from '../../src/soap/xml.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { allRecords, field, guests, xenSession } from '../helpers/xenapi.js';
import { readAnswer, URI, type Answer } from '../hostile/answers.js';
import { describe } from '../hostile/expect.js';
import { describeGrowth, MB, settledMemory } from '../hostile/memory.js';
import { changedClasses, simSnapshot } from '../hostile/sim-snapshot.js';
import { closeWire, sendRaw, WireError } from '../hostile/wire.js';
import { BYTE_MUTATORS, caseSeed, pickMutators, rng, TEXT_MUTATORS, type Rand } from './mutators.js';

const CASES = Number(process.env['FUZZ_CASES'] ?? 3000);
const SECONDS = Number(process.env['FUZZ_SECONDS'] ?? 45);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20_261_123);
const ONLY = process.env['FUZZ_ONLY'] !== undefined ? Number(process.env['FUZZ_ONLY']) : undefined;
const PROBE_EVERY = 100;

const DIR = new URL('../fixtures/captures/', import.meta.url).pathname;
const ROOT_AUTH = `Basic ${Buffer.from('root:xenroot').toString('base64')}`;
const ENUMERATE = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate';
const CS = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem';

interface Template {
  readonly name: string;
  readonly text: string;
  readonly utf16: boolean;
  readonly contentType: string;
}

function loadTemplates(): Template[] {
  if (!existsSync(DIR)) return [];
  return readdirSync(DIR).filter((f) => f.endsWith('.xml')).sort().map((f) => {
    const bytes = readFileSync(join(DIR, f));
    const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe;
    const text = utf16 ? bytes.subarray(2).toString('utf16le') : bytes.toString('utf8');
    const headersFile = join(DIR, f.replace(/\.xml$/, '.headers'));
    const headers = existsSync(headersFile) ? readFileSync(headersFile, 'utf8') : '';
    const contentType = /^Content-Type:\s*(.+)$/im.exec(headers)?.[1]?.trim() ?? 'application/soap+xml;charset=UTF-8';
    return { name: f.replace(/\.xml$/, ''), text, utf16, contentType };
  });
}

const templates = loadTemplates();
let stack: Stack;
let vmUuid = '';
let simBefore: Awaited<ReturnType<typeof simSnapshot>>;

const enumerateEnvelope = (id: string): string =>
  `<s:Envelope xmlns:s="${URI.S}" xmlns:wsa="${URI.WSA}" xmlns:wsman="${URI.WSMAN}" xmlns:wsen="${URI.WSEN}"><s:Header>` +
  `<wsa:To>http://127.0.0.1/wsman</wsa:To><wsman:ResourceURI>${CS}</wsman:ResourceURI><wsa:Action>${ENUMERATE}</wsa:Action>` +
  `<wsa:MessageID>uuid:fuzz-${id}</wsa:MessageID></s:Header><s:Body><wsen:Enumerate/></s:Body></s:Envelope>`;

async function post(body: string): Promise<Answer> {
  const reply = await sendRaw(stack.endpoint, { headers: { 'Content-Type': 'application/soap+xml;charset=UTF-8', Authorization: ROOT_AUTH }, body: Buffer.from(body) });
  return readAnswer(reply);
}

async function openContext(): Promise<string> {
  const a = await post(enumerateEnvelope('context'));
  return /<wsen:EnumerationContext>([^<]+)</.exec(a.text)?.[1] ?? 'uuid:no-context';
}

async function release(context: string): Promise<void> {
  await post(enumerateEnvelope('release').replace(ENUMERATE, 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release')
    .replace('<wsen:Enumerate/>', `<wsen:Release><wsen:EnumerationContext>${context}</wsen:EnumerationContext></wsen:Release>`));
}

async function probe(): Promise<string | undefined> {
  const a = await post(`<s:Envelope xmlns:s="${URI.S}" xmlns:wsmid="${URI.WSMID}"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>`);
  return a.status === 200 && a.element?.name === 'IdentifyResponse' && a.problems.length === 0 ? undefined : describe(a);
}

t.before(async () => {
  stack = await startStack();
  const x = await xenSession(stack.sim.url);
  const vms = [...guests(await allRecords(x.session, 'VM')).values()];
  simBefore = await simSnapshot(x.session);
  await x.close();
  const running = vms.find((v) => v['power_state'] === 'Running') ?? vms[0];
  if (running) vmUuid = field(running, 'uuid');
});
t.teardown(async () => {
  closeWire();
  await stack?.close();
});

/** The one wsa:Action of a request, as the service would read it, when there is exactly one. */
function requestAction(text: string): string | undefined {
  const all = [...text.matchAll(/<(?:[\w.-]+:)?Action\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?Action>/g)];
  if (all.length !== 1) return undefined;
  try {
    return decodeXmlText((all[0]?.[1] ?? '').replace(/<!\[CDATA\[|\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g, '')).trim();
  } catch {
    return undefined;
  }
}

const CLASS_NS = /^http:\/\/schemas\.(dmtf\.org|citrix\.com)\/wbem\/wscim\/1\/cim-schema\/2\/([A-Za-z_]\w*)$/;

/** Why a 200 answer is not a response to the request's action, or undefined when it is. */
function wrongResponse(a: Answer, sent: string): string | undefined {
  const el = a.element;
  if (el?.ns === URI.WSMID && el.name === 'IdentifyResponse') return undefined;
  const action = a.action ?? '';
  if (!action.endsWith('Response')) return `response action ${action}`;
  const base = action.slice(0, -'Response'.length);
  const asked = requestAction(sent);
  if (asked !== undefined && asked !== base) return `response action ${action} to a request for ${asked}`;
  const wsen = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/';
  const wxf = 'http://schemas.xmlsoap.org/ws/2004/09/transfer/';
  const is = (ns: string, name: string): boolean => el?.ns === ns && el.name === name;
  switch (base) {
    case `${wsen}Enumerate`: return is(URI.WSEN, 'EnumerateResponse') ? undefined : 'no wsen:EnumerateResponse';
    case `${wsen}Pull`: return is(URI.WSEN, 'PullResponse') ? undefined : 'no wsen:PullResponse';
    case `${wsen}Renew`: return is(URI.WSEN, 'RenewResponse') ? undefined : 'no wsen:RenewResponse';
    case `${wsen}GetStatus`: return is(URI.WSEN, 'GetStatusResponse') ? undefined : 'no wsen:GetStatusResponse';
    case `${wsen}Release`: return el === null ? undefined : 'a ReleaseResponse with a Body';
    case `${wxf}Get`:
    case `${wxf}Put`: {
      if (is(URI.WSMAN, 'XmlFragment')) return undefined;
      const m = el ? CLASS_NS.exec(el.ns) : null;
      return m && m[2] === el?.name ? undefined : `no instance element (got ${el ? `{${el.ns}}${el.name}` : 'an empty Body'})`;
    }
    default: {
      const method = base.slice(base.lastIndexOf('/') + 1);
      return el?.name === `${method}_OUTPUT` ? undefined : `no ${method}_OUTPUT`;
    }
  }
}

/** The template with live values in place of the captured "x" and "ctx-0", half of the time. */
async function prepare(tpl: Template, r: Rand): Promise<{ text: string; context?: string }> {
  if (r() < 0.5) return { text: tpl.text };
  if (/EnumerationContext>/.test(tpl.text) && !/Enumerate</.test(tpl.text)) {
    const context = await openContext();
    return { text: tpl.text.replace(/(EnumerationContext>)[^<]*(<)/, `$1${context}$2`), context };
  }
  const writes = /RequestStateChange|\/Put<|transfer\/Put|\/Create|\/Delete/.test(tpl.text);
  if (writes || vmUuid === '') return { text: tpl.text };
  return { text: tpl.text.replace(/(Name"?>)x(<)/g, `$1${vmUuid}$2`).replace(/Name=x\b/g, `Name=${vmUuid}`) };
}

interface Finding {
  readonly n: number;
  readonly template: string;
  readonly mutators: readonly string[];
  readonly what: string;
  readonly body: string;
  readonly answer: string;
}

t.test(`mutation fuzzer over ${templates.length} captured envelopes (seed ${SEED}, up to ${CASES} cases or ${SECONDS} s)`, async (t) => {
  t.ok(templates.length > 0, 'captured envelopes are there');
  // Warm up (schema, login cache, pooled sockets), then take the memory baseline.
  for (let i = 0; i < 3; i++) await post(enumerateEnvelope(`warm-${i}`));
  const memBefore = await settledMemory();
  const started = performance.now();
  const outcomes = new Map<string, number>();
  const byMutator = new Map<string, number>();
  const internal: Finding[] = [];
  const broken: Finding[] = [];
  let cases = 0;
  let slowest = 0;
  const count = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);

  for (let n = ONLY ?? 0; n < (ONLY !== undefined ? ONLY + 1 : CASES); n++) {
    if (performance.now() - started > SECONDS * 1000) break;
    const r = rng(caseSeed(SEED, n));
    const tpl = templates[Math.floor(r() * templates.length)];
    if (!tpl) break;
    const { text: base, context } = await prepare(tpl, r);
    const mutators = pickMutators(r);
    let text = base;
    for (const m of mutators) text = TEXT_MUTATORS[m]?.(text, r) ?? text;
    let body: Buffer = tpl.utf16 ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) : Buffer.from(text, 'utf8');
    for (const m of mutators) body = BYTE_MUTATORS[m]?.(body, r) ?? body;
    const anonymous = r() < 0.05;
    const headers: Record<string, string> = { 'Content-Type': tpl.contentType };
    if (!anonymous) headers['Authorization'] = ROOT_AUTH;
    let answerText = '';
    const finding = (what: string): Finding => ({
      n, template: tpl.name, mutators, what, body: body.toString(tpl.utf16 ? 'utf16le' : 'utf8').slice(0, 400), answer: answerText.replace(/^[\s\S]*?<s:Body>/, '').slice(0, 300),
    });

    let answer: Answer;
    try {
      const reply = await sendRaw(stack.endpoint, { headers, body, timeoutMs: 15_000, maxReplyBytes: 32 * MB });
      slowest = Math.max(slowest, reply.ms);
      answer = readAnswer(reply);
    } catch (err) {
      broken.push(finding(`no answer: ${err instanceof WireError ? err.message : String(err)}`));
      count(outcomes, 'no answer');
      cases++;
      if (broken.length > 20) break;
      continue;
    }
    cases++;
    answerText = answer.text;
    for (const m of mutators) count(byMutator, m);
    const key = answer.status === 500 ? `500 ${answer.subcode ?? answer.code ?? '?'}` : answer.status === 200 ? `200 ${answer.element === null ? '(empty)' : answer.element?.name ?? '?'}` : String(answer.status);
    count(outcomes, key);

    if (answer.status === 500 && answer.subcode === 'wsman:InternalError') internal.push(finding(`wsman:InternalError: ${answer.reason ?? ''}`));
    else if (answer.status === 401) {
      // Allowed: without credentials anything but Identify is refused, and so is unreadable garbage.
    } else if (answer.status !== 200 && answer.status !== 500) broken.push(finding(`HTTP ${answer.status}`));
    else if (answer.problems.length > 0) broken.push(finding(answer.problems.join('; ')));
    else if (answer.status === 200) {
      const wrong = wrongResponse(answer, text);
      if (wrong) broken.push(finding(wrong));
    }

    // Do not let the fuzzer's own enumerations pile up: release what it opened or got.
    const opened = answer.status === 200 ? /<wsen:EnumerationContext>([^<]+)</.exec(answer.text)?.[1] : undefined;
    for (const c of [context, opened]) if (c) await release(c);

    if (cases % PROBE_EVERY === 0) {
      const down = await probe();
      if (down) {
        broken.push(finding(`health probe after this case: ${down}`));
        break;
      }
    }
  }

  const elapsed = (performance.now() - started) / 1000;
  t.equal(await probe(), undefined, 'the server still answers Identify');
  const memAfter = await settledMemory();
  const x = await xenSession(stack.sim.url);
  const simAfter = await simSnapshot(x.session);
  await x.close();

  const sorted = (m: Map<string, number>): string => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(', ');
  t.comment(`${cases} cases in ${elapsed.toFixed(1)} s (seed ${SEED}); slowest answer ${slowest.toFixed(0)} ms`);
  t.comment(`outcomes: ${sorted(outcomes)}`);
  t.comment(`mutators used: ${sorted(byMutator)}`);
  t.comment(`memory: ${describeGrowth(memBefore, memAfter)}; ${stack.gateway.contexts.size} enumeration contexts open`);

  const list = (fs: readonly Finding[]): string =>
    fs.slice(0, 20).map((f) => `#${f.n} ${f.template} [${f.mutators.join(', ')}]: ${f.what}\n    request: ${JSON.stringify(f.body)}\n    answer: ${JSON.stringify(f.answer)}`).join('\n');
  t.ok(cases >= Math.min(CASES, 200), `${cases} cases ran`);
  t.same(internal.length, 0, `inputs the gateway did not classify (wsman:InternalError):\n${list(internal)}`);
  t.same(broken.length, 0, `answers that were neither a well-formed response, a DSP0226 fault nor 401:\n${list(broken)}`);
  t.ok(memAfter.heapUsed - memBefore.heapUsed < 64 * MB, `heap grew by ${((memAfter.heapUsed - memBefore.heapUsed) / MB).toFixed(1)} MB`);
  t.ok(memAfter.rss - memBefore.rss < 400 * MB, `RSS grew by ${((memAfter.rss - memBefore.rss) / MB).toFixed(1)} MB`);
  t.ok(stack.gateway.contexts.size < 100, 'enumeration contexts do not pile up');
  t.same(changedClasses(simBefore, simAfter), [], "the simulator's records are unchanged");
});
