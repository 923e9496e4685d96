// The hostile corpus as data: test/hostile/corpus/*.json, one file per category. Each entry is
// a request (headers, a body given literally, as an envelope sketch, as bytes, or by a generator
// name for the huge ones) and the one answer DSP0226 names for it. This module loads and checks
// the files and turns an entry into bytes; corpus.test.ts sends them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeXmlText } from '../../src/soap/xml.js';
import { generate, GENERATORS } from './generators.js';
import type { BodySource } from './wire.js';

export type AuthSpec = 'root' | 'monitor' | 'none' | 'wrong' | { readonly raw: string } | { readonly userHex: string; readonly password: string };

export interface EnvelopeSpec {
  /** a shorthand (get, put, enumerate, pull, release, renew, getstatus, create, delete, subscribe) or a URI; null: no Action */
  readonly action?: string | null;
  readonly resourceUri?: string | null;
  /** name → value, or the raw content of wsman:SelectorSet */
  readonly selectors?: Readonly<Record<string, string>> | string;
  /** default http://127.0.0.1/wsman; null: no To */
  readonly to?: string | null;
  /** default uuid:hostile-<n>; null: no MessageID */
  readonly messageId?: string | null;
  /** ReplyTo Address, default anonymous; null: no ReplyTo */
  readonly replyTo?: string | null;
  /** more header blocks, after the addressing ones */
  readonly headers?: string;
  /** the whole content of s:Header instead of the generated one */
  readonly header?: string;
  /** the content of s:Body */
  readonly body?: string;
  /** extra attributes on s:Envelope */
  readonly envelopeAttrs?: string;
}

export type BodySpec =
  | string
  | { readonly envelope: EnvelopeSpec }
  | { readonly hex: string }
  | { readonly generator: string; readonly params?: Readonly<Record<string, string | number | boolean>> };

export interface EncodingSpec {
  /** the text's encoding on the wire (default utf-8) */
  readonly as?: 'utf-8' | 'utf-16le' | 'utf-16be';
  /** prepend the byte order mark of `as` */
  readonly bom?: boolean;
  /** keep only the first n characters of the text */
  readonly truncate?: number;
  /** marker in the text → bytes (hex) put there on the wire, for sequences no string can hold */
  readonly bytes?: Readonly<Record<string, string>>;
}

export type Expect =
  | { readonly status: 401 }
  | { readonly status: 200; readonly element: string; readonly charset?: 'UTF-8' | 'UTF-16' }
  | {
      readonly status: 500;
      /** Sender, Receiver, MustUnderstand or VersionMismatch */
      readonly code: string;
      readonly subcode?: string;
      /** the faultDetail name; absent means the fault carries none */
      readonly detail?: string;
      /** for MustUnderstand: {ns}local of the header block */
      readonly notUnderstood?: string;
      readonly charset?: 'UTF-8' | 'UTF-16';
    }
  | { readonly status: 431 | 400 | 413 | 415 };

export interface CorpusEntry {
  readonly name: string;
  readonly headers?: { readonly 'content-type'?: string | null; readonly auth?: AuthSpec; readonly extra?: Readonly<Record<string, string>> };
  readonly body: BodySpec;
  readonly encoding?: EncodingSpec;
  readonly expect: Expect;
  /** why this answer (the requirement), when it is not obvious */
  readonly note?: string;
  /** a known defect in a file this corpus does not own: the exact answer is checked as a TODO until fixed */
  readonly knownBug?: string;
  /** the answer must come before this many body bytes were sent (a body refused early, not read) */
  readonly refusedBefore?: number;
}

export interface CorpusFile {
  readonly category: string;
  readonly description: string;
  readonly entries: readonly CorpusEntry[];
}

const DIR = new URL('./corpus/', import.meta.url).pathname;

export function loadCorpus(): CorpusFile[] {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
  return files.map((f) => {
    const parsed = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as CorpusFile;
    for (const e of parsed.entries) checkEntry(f, e);
    return parsed;
  });
}

function checkEntry(file: string, e: CorpusEntry): void {
  const where = `${file}: ${e.name}`;
  if (typeof e.name !== 'string' || e.name === '') throw new Error(`${file}: an entry without a name`);
  if (typeof e.body === 'object' && 'generator' in e.body && !(e.body.generator in GENERATORS)) throw new Error(`${where}: unknown generator ${e.body.generator}`);
  const x = e.expect as { status?: unknown; code?: unknown; element?: unknown };
  if (typeof x.status !== 'number') throw new Error(`${where}: expect.status is missing`);
  if (x.status === 500 && typeof x.code !== 'string') throw new Error(`${where}: a fault needs expect.code`);
  if (x.status === 200 && typeof x.element !== 'string') throw new Error(`${where}: a response needs expect.element`);
}

// ---- turning an entry into a request ----

export const RESOURCE: Readonly<Record<string, string>> = {
  CS: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem',
  XCS: 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/Xen_ComputerSystem',
  HOSTCS: 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/Xen_HostComputerSystem',
  VSMS: 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/Xen_VirtualSystemManagementService',
  VSSD: 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/Xen_VirtualSystemSettingData',
  SYSDEV: 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/Xen_SystemDevice',
  PROFILE: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_RegisteredProfile',
  ALL: 'http://schemas.dmtf.org/wbem/wscim/1/*',
};

const ACTION: Readonly<Record<string, string>> = {
  get: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get',
  put: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Put',
  create: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create',
  delete: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete',
  enumerate: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate',
  pull: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull',
  release: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release',
  renew: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Renew',
  getstatus: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/GetStatus',
  subscribe: 'http://schemas.xmlsoap.org/ws/2004/08/eventing/Subscribe',
};

const ENVELOPE_NS =
  'xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
  'xmlns:wsman="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:wsen="http://schemas.xmlsoap.org/ws/2004/09/enumeration" ' +
  'xmlns:wxf="http://schemas.xmlsoap.org/ws/2004/09/transfer" xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd" ' +
  'xmlns:wsmb="http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
  'xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An envelope the way wsmancli writes one (mustUnderstand on To, ResourceURI, Action, MessageID). */
export function buildEnvelope(e: EnvelopeSpec, defaultMessageId: string): string {
  let header: string;
  if (e.header !== undefined) header = e.header;
  else {
    const parts: string[] = [];
    if (e.to !== null) parts.push(`<wsa:To s:mustUnderstand="true">${e.to ?? 'http://127.0.0.1/wsman'}</wsa:To>`);
    if (e.resourceUri !== undefined && e.resourceUri !== null) parts.push(`<wsman:ResourceURI s:mustUnderstand="true">${e.resourceUri}</wsman:ResourceURI>`);
    if (e.replyTo !== null) parts.push(`<wsa:ReplyTo><wsa:Address s:mustUnderstand="true">${e.replyTo ?? 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous'}</wsa:Address></wsa:ReplyTo>`);
    if (e.action !== null && e.action !== undefined) parts.push(`<wsa:Action s:mustUnderstand="true">${ACTION[e.action] ?? e.action}</wsa:Action>`);
    if (e.messageId !== null) parts.push(`<wsa:MessageID s:mustUnderstand="true">${e.messageId ?? defaultMessageId}</wsa:MessageID>`);
    if (e.selectors !== undefined) {
      const content = typeof e.selectors === 'string'
        ? e.selectors
        : Object.entries(e.selectors).map(([k, v]) => `<wsman:Selector Name="${esc(k)}">${v}</wsman:Selector>`).join('');
      parts.push(`<wsman:SelectorSet>${content}</wsman:SelectorSet>`);
    }
    parts.push(e.headers ?? '');
    header = parts.join('');
  }
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope ${ENVELOPE_NS}${e.envelopeAttrs ? ` ${e.envelopeAttrs}` : ''}><s:Header>${header}</s:Header><s:Body>${e.body ?? ''}</s:Body></s:Envelope>`;
}

/** Values the placeholders stand for; contexts are made on demand (an Enumerate each). */
export interface Substitutions {
  readonly values: Readonly<Record<string, string>>;
  /** a fresh enumeration context, or the shared one of this name */
  context(name: string | undefined): Promise<string>;
}

const PLACEHOLDER = /\{\{([A-Z_]+)(?::([^}]*))?\}\}/g;
const REPEAT = /\{\{REPEAT:(\d+):((?:(?!\}\}).)*)\}\}/gs;

/** Expands {{REPEAT:n:text}}, then {{NAME}} and {{CTX}} (a fresh context each) / {{CTX:name}} (a shared one). */
export async function expand(text: string, subs: Substitutions): Promise<string> {
  const out = text.replace(REPEAT, (_m, n: string, t: string) => t.repeat(Number(n)));
  const fresh: string[] = [];
  const shared = new Map<string, string>();
  for (const m of out.matchAll(PLACEHOLDER)) {
    if (m[1] !== 'CTX') continue;
    if (m[2] === undefined) fresh.push(await subs.context(undefined));
    else if (!shared.has(m[2])) shared.set(m[2], await subs.context(m[2]));
  }
  let i = 0;
  return out.replace(PLACEHOLDER, (m, name: string, arg: string | undefined) => {
    if (name === 'CTX') return (arg === undefined ? fresh[i++] : shared.get(arg)) ?? m;
    const v = subs.values[name] ?? RESOURCE[name];
    if (v === undefined) throw new Error(`unknown placeholder ${m}`);
    return v;
  });
}

export interface BuiltRequest {
  readonly headers: Record<string, string>;
  readonly body: BodySource;
  /** the request's MessageID as the service should read it, when it has one */
  readonly messageId: string | undefined;
  /** the bytes, when not streamed (for failure reports) */
  readonly preview: string;
}

const CREDENTIALS: Readonly<Record<string, string>> = { root: 'root:xenroot', monitor: 'monitor:monitor', wrong: 'root:not-the-password' };

export async function buildRequest(entry: CorpusEntry, index: number, subs: Substitutions): Promise<BuiltRequest> {
  const headers: Record<string, string> = {};
  const ct = entry.headers?.['content-type'];
  if (ct !== null) headers['Content-Type'] = await expand(ct ?? 'application/soap+xml;charset=UTF-8', subs);
  const auth = entry.headers?.auth ?? 'root';
  if (typeof auth === 'string') {
    const c = CREDENTIALS[auth];
    if (c !== undefined) headers['Authorization'] = `Basic ${Buffer.from(c).toString('base64')}`;
  } else if ('raw' in auth) {
    headers['Authorization'] = await expand(auth.raw, subs);
  } else {
    headers['Authorization'] = `Basic ${Buffer.concat([Buffer.from(auth.userHex, 'hex'), Buffer.from(`:${auth.password}`)]).toString('base64')}`;
  }
  for (const [k, v] of Object.entries(entry.headers?.extra ?? {})) headers[k] = await expand(v, subs);

  const defaultMessageId = `uuid:hostile-${index}`;
  const spec = entry.body;
  if (typeof spec === 'object' && 'generator' in spec) {
    const g = generate(spec.generator, spec.params ?? {}, (e) => buildEnvelope(e, defaultMessageId));
    Object.assign(headers, g.headers ?? {});
    return { headers, body: g.body, messageId: g.messageId ? defaultMessageId : undefined, preview: `generator ${spec.generator} ${JSON.stringify(spec.params ?? {})}` };
  }
  if (typeof spec === 'object' && 'hex' in spec) {
    const body = Buffer.from(spec.hex.replace(/\s+/g, ''), 'hex');
    return { headers, body, messageId: undefined, preview: spec.hex.slice(0, 400) };
  }
  let text = typeof spec === 'string' ? spec : buildEnvelope(spec.envelope, defaultMessageId);
  text = await expand(text, subs);
  let messageId: string | undefined;
  if (typeof spec === 'object') {
    const m = spec.envelope.messageId;
    // The MessageID as the service reads it: CDATA unwrapped, references decoded, trimmed. A
    // literal header holds whatever MessageID it writes itself (the answer check reads that one).
    messageId = m === null || spec.envelope.header !== undefined ? undefined : m === undefined ? defaultMessageId : decodeXmlText((await expand(m, subs)).replace(/<!\[CDATA\[|\]\]>/g, '')).trim();
  }
  const enc = entry.encoding ?? {};
  if (enc.truncate !== undefined) text = text.slice(0, enc.truncate);
  const body = encodeText(text, enc);
  return { headers, body, messageId, preview: text.slice(0, 600) };
}

function encodeText(text: string, enc: EncodingSpec): Buffer {
  const as = enc.as ?? 'utf-8';
  const encode = (s: string): Buffer => {
    if (as === 'utf-8') return Buffer.from(s, 'utf8');
    const b = Buffer.from(s, 'utf16le');
    return as === 'utf-16be' ? b.swap16() : b;
  };
  const bom = !enc.bom ? Buffer.alloc(0) : as === 'utf-8' ? Buffer.from([0xef, 0xbb, 0xbf]) : as === 'utf-16le' ? Buffer.from([0xff, 0xfe]) : Buffer.from([0xfe, 0xff]);
  const markers = Object.keys(enc.bytes ?? {});
  if (markers.length === 0) return Buffer.concat([bom, encode(text)]);
  // Split the text at the markers and put their raw bytes between the encoded pieces.
  const parts: Buffer[] = [bom];
  const re = new RegExp(markers.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  let last = 0;
  for (const m of text.matchAll(re)) {
    parts.push(encode(text.slice(last, m.index)), Buffer.from((enc.bytes ?? {})[m[0]] ?? '', 'hex'));
    last = (m.index ?? 0) + m[0].length;
  }
  parts.push(encode(text.slice(last)));
  return Buffer.concat(parts);
}
