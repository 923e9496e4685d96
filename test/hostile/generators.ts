// Requests too big to commit, made at test time. Streamed ones (the 50 MB body, a million
// attributes) are produced lazily, chunk by chunk, so neither side ever holds them whole
// unless the server reads them, which is what the size limit must prevent.
import type { EnvelopeSpec } from './corpus.js';
import type { BodySource } from './wire.js';

export interface Generated {
  readonly body: BodySource;
  readonly headers?: Readonly<Record<string, string>>;
  /** the request carries the entry's default MessageID */
  readonly messageId?: boolean;
}

type Params = Readonly<Record<string, string | number | boolean>>;
type Build = (e: EnvelopeSpec) => string;

const CS = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem';
const ENUMERATE = { action: 'enumerate', resourceUri: CS } as const;
const CHUNK = 64 * 1024;

const num = (p: Params, k: string, d: number): number => (typeof p[k] === 'number' ? (p[k] as number) : d);
const str = (p: Params, k: string, d: string): string => (typeof p[k] === 'string' ? (p[k] as string) : d);

/** `head`, then `count` repetitions of `unit(i)` in chunks, then `tail`, lazily. */
function* stream(head: string, count: number, unit: (i: number) => string, tail: string): Generator<Buffer> {
  yield Buffer.from(head);
  let buf = '';
  for (let i = 0; i < count; i++) {
    buf += unit(i);
    if (buf.length >= CHUNK) {
      yield Buffer.from(buf);
      buf = '';
    }
  }
  yield Buffer.from(buf + tail);
}

function split(envelope: string, marker: string): [string, string] {
  const at = envelope.indexOf(marker);
  return [envelope.slice(0, at), envelope.slice(at + marker.length)];
}

export const GENERATORS: Readonly<Record<string, (p: Params, build: Build) => Generated>> = {
  /** elements nested `depth` deep in the Body, in a header block, or inside a Selector */
  deepNesting: (p, build) => {
    const depth = num(p, 'depth', 10_000);
    const open = '<x:d xmlns:x="urn:deep">' + '<x:d>'.repeat(depth - 1);
    const close = '</x:d>'.repeat(depth);
    const deep = open + close;
    const where = str(p, 'where', 'body');
    const e: EnvelopeSpec =
      where === 'header' ? { ...ENUMERATE, headers: deep, body: '<wsen:Enumerate/>' }
      : where === 'selector' ? { action: 'get', resourceUri: CS, selectors: `<wsman:Selector Name="Name">${deep}</wsman:Selector>` }
      : { ...ENUMERATE, body: `<wsen:Enumerate>${deep}</wsen:Enumerate>` };
    return { body: Buffer.from(build(e)), messageId: true };
  },

  /** `bytes` of filler after the start of an envelope, streamed; Content-Length declared unless chunked */
  bigBody: (p, build) => {
    const bytes = num(p, 'bytes', 50 * 1024 * 1024);
    const [head] = split(build({ ...ENUMERATE, headers: '@@FILL@@', body: '<wsen:Enumerate/>' }), '@@FILL@@');
    const prefix = `${head}<!--`;
    const fill = bytes - prefix.length;
    const block = 'A'.repeat(CHUNK);
    function* body(): Generator<Buffer> {
      yield Buffer.from(prefix);
      for (let left = fill; left > 0; left -= CHUNK) yield Buffer.from(left >= CHUNK ? block : block.slice(0, left));
    }
    const chunked = p['chunked'] === true;
    return { body: body(), ...(chunked ? {} : { headers: { 'Content-Length': String(bytes) } }) };
  },

  /** a valid Enumerate of exactly `bytes` bytes, padded with a comment in the Header */
  sizedEnvelope: (p, build) => {
    const bytes = num(p, 'bytes', 4 * 1024 * 1024);
    const [head, tail] = split(build({ ...ENUMERATE, headers: '@@FILL@@', body: '<wsen:Enumerate/>' }), '@@FILL@@');
    const pad = bytes - head.length - tail.length - '<!---->'.length;
    return { body: Buffer.from(`${head}<!--${'A'.repeat(pad)}-->${tail}`), messageId: true };
  },

  /** `count` attributes on one header block, streamed (a million is about 11 MB) */
  millionAttributes: (p, build) => {
    const count = num(p, 'count', 1_000_000);
    const [head, tail] = split(build({ ...ENUMERATE, headers: '@@ATTRS@@', body: '<wsen:Enumerate/>' }), '@@ATTRS@@');
    const chunked = p['chunked'] !== false;
    if (chunked) return { body: stream(`${head}<x:h xmlns:x="urn:x"`, count, (i) => ` a${i}=""`, `/>${tail}`) };
    let text = `${head}<x:h xmlns:x="urn:x"`;
    for (let i = 0; i < count; i++) text += ` a${i}=""`;
    return { body: Buffer.from(`${text}/>${tail}`), messageId: true };
  },

  /** `count` empty elements inside one header block */
  manyElements: (p, build) => {
    const count = num(p, 'count', 200_001);
    return { body: Buffer.from(build({ ...ENUMERATE, headers: `<x:h xmlns:x="urn:x">${'<x:e/>'.repeat(count)}</x:h>`, body: '<wsen:Enumerate/>' })), messageId: true };
  },

  /** one header block with a text node, or an attribute value, of `bytes` characters */
  hugeText: (p, build) => {
    const bytes = num(p, 'bytes', 3 * 1024 * 1024);
    const filler = 'x'.repeat(bytes);
    const where = str(p, 'where', 'text');
    const block = where === 'attribute' ? `<x:h xmlns:x="urn:x" v="${filler}"/>` : `<x:h xmlns:x="urn:x">${filler}</x:h>`;
    return { body: Buffer.from(build({ ...ENUMERATE, headers: block, body: '<wsen:Enumerate/>' })), messageId: true };
  },

  /** the "billion laughs": `levels` entities, each `fanout` references to the previous one */
  entityBomb: (p, build) => {
    const levels = num(p, 'levels', 10);
    const fanout = num(p, 'fanout', 10);
    let dtd = '<!ENTITY lol0 "lol">';
    for (let i = 1; i < levels; i++) dtd += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(fanout)}">`;
    const env = build({ ...ENUMERATE, headers: `<x:h xmlns:x="urn:x">&lol${levels - 1};</x:h>`, body: '<wsen:Enumerate/>' });
    return { body: Buffer.from(env.replace('<s:Envelope', `<!DOCTYPE s:Envelope [${dtd}]><s:Envelope`)) };
  },

  /** one big entity referenced many times (quadratic blowup, no nesting) */
  quadraticBlowup: (p, build) => {
    const size = num(p, 'size', 50_000);
    const refs = num(p, 'refs', 1000);
    const env = build({ ...ENUMERATE, headers: `<x:h xmlns:x="urn:x">${'&a;'.repeat(refs)}</x:h>`, body: '<wsen:Enumerate/>' });
    return { body: Buffer.from(env.replace('<s:Envelope', `<!DOCTYPE s:Envelope [<!ENTITY a "${'A'.repeat(size)}">]><s:Envelope`)) };
  },
};

export function generate(name: string, params: Params, build: Build): Generated {
  const g = GENERATORS[name];
  if (!g) throw new Error(`unknown generator ${name}`);
  return g(params, build);
}
