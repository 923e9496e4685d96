// XML-RPC on the wire as xapi speaks it. Requests are parsed with the xmlrpc package's
// Deserializer, which accepts every form clients send (bare <value> strings, <string>,
// <i4>/<int>/<i8>, <double>, <dateTime.iso8601>, nested structs). Responses are written by
// hand in ocaml-rpc's encoding: strings bare, 64-bit ints as strings, no <string> tags.
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import { DateTime, Int32, type XenStruct, type XenValue } from './values.js';

interface Deserializer {
  deserializeMethodCall(
    stream: NodeJS.ReadableStream,
    callback: (error: Error | null | undefined, method?: string, params?: unknown[]) => void,
  ): void;
}
type DeserializerCtor = new (encoding?: string) => Deserializer;

// The Deserializer is not part of xmlrpc's typed surface (@types/xmlrpc covers client and
// server only), so it is loaded through require and given the narrow type above.
const require = createRequire(import.meta.url);
const XmlRpcDeserializer = require('xmlrpc/lib/deserializer.js') as DeserializerCtor;

export interface MethodCall {
  readonly method: string;
  readonly params: readonly unknown[];
}

/** Parses an XML-RPC methodCall; rejects on malformed XML or a non-call document. */
export function decodeMethodCall(body: Buffer): Promise<MethodCall> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const stream = new PassThrough();
    new XmlRpcDeserializer('utf8').deserializeMethodCall(stream, (error, method, params) => {
      if (settled) return;
      settled = true;
      if (error || method === undefined) reject(error ?? new Error('no method name'));
      else resolve({ method, params: params ?? [] });
    });
    stream.end(body);
  });
}

export function escapeXml(s: string): string {
  // A char loop beats a regex test on the short strings that make up most of a record.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 38 || c === 60 || c === 62) {
      return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    }
  }
  return s;
}

const MEMBER_OPENINGS = new Map<string, string>();

/** `<member><name>key</name>`, cached: records repeat the same few hundred field names. */
function memberOpen(key: string): string {
  let open = MEMBER_OPENINGS.get(key);
  if (open === undefined) {
    open = '<member><name>' + escapeXml(key) + '</name>';
    if (MEMBER_OPENINGS.size < 20000) MEMBER_OPENINGS.set(key, open);
  }
  return open;
}

/** Formats like C's `%.16g`, which is what ocaml-rpc uses for doubles. */
export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa = '0', expPart = '0'] = x.toExponential(15).split('e');
  const exp = Number(expPart);
  if (exp < -4 || exp >= 16) {
    const abs = Math.abs(exp);
    return `${stripZeros(mantissa)}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  return stripZeros(x.toFixed(15 - exp));
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48 /* 0 */) end--;
  if (s.charCodeAt(end - 1) === 46 /* . */) end--;
  return s.slice(0, end);
}

/** Encodes one value, including its `<value>` wrapper. */
export function encodeValue(v: XenValue): string {
  switch (typeof v) {
    case 'string':
      return '<value>' + escapeXml(v) + '</value>';
    case 'number':
      return '<value><double>' + formatDouble(v) + '</double></value>';
    case 'boolean':
      return v ? '<value><boolean>1</boolean></value>' : '<value><boolean>0</boolean></value>';
  }
  if (v instanceof DateTime) return '<value><dateTime.iso8601>' + v.iso + '</dateTime.iso8601></value>';
  if (v instanceof Int32) return '<value><i4>' + String(v.value | 0) + '</i4></value>';
  if (isArray(v)) {
    let s = '<value><array><data>';
    for (let i = 0; i < v.length; i++) s += encodeValue(v[i] as XenValue);
    return s + '</data></array></value>';
  }
  return encodeStruct(v);
}

function isArray(v: XenValue): v is readonly XenValue[] {
  return Array.isArray(v);
}

/** Encodes a map or record as `<value><struct>…`. */
export function encodeStruct(o: XenStruct): string {
  let s = '<value><struct>';
  for (const key in o) s += memberOpen(key) + encodeValue(o[key] as XenValue) + '</member>';
  return s + '</struct></value>';
}

/** A struct whose member values are already encoded `<value>` strings. */
export function encodeEncodedStruct(members: Iterable<readonly [string, string]>): string {
  let s = '<value><struct>';
  for (const [key, valueXml] of members) s += memberOpen(key) + valueXml + '</member>';
  return s + '</struct></value>';
}

/**
 * A response body under construction. Small pieces accumulate as text; large pre-encoded
 * pieces (cached records) are kept as Buffers, so building a 100 MB answer neither copies the
 * records again nor leaves millions of rope fragments for the garbage collector.
 */
export class Body {
  private readonly parts: Buffer[] = [];
  private pending = '';

  text(s: string): this {
    this.pending += s;
    if (this.pending.length > 65536) this.flush();
    return this;
  }

  bytes(b: Buffer): this {
    this.flush();
    this.parts.push(b);
    return this;
  }

  /** The finished body as chunks, framed by `prefix` and `suffix`; nothing is copied. */
  chunks(prefix = '', suffix = ''): Buffer[] {
    this.flush();
    return [Buffer.from(prefix, 'utf8'), ...this.parts, Buffer.from(suffix, 'utf8')];
  }

  private flush(): void {
    if (this.pending === '') return;
    this.parts.push(Buffer.from(this.pending, 'utf8'));
    this.pending = '';
  }
}

const RESPONSE_HEAD =
  '<?xml version="1.0"?>\n<methodResponse><params><param><value><struct>' +
  '<member><name>Status</name><value>Success</value></member><member><name>Value</name>';
const RESPONSE_TAIL = '</member></struct></value></param></params></methodResponse>\n';

/** The response document for `{Status: "Success", Value}`, as chunks; `value` is an encoded `<value>`. */
export function successResponse(value: string | Body): Buffer[] {
  if (typeof value === 'string') return [Buffer.from(RESPONSE_HEAD + value + RESPONSE_TAIL, 'utf8')];
  return value.chunks(RESPONSE_HEAD, RESPONSE_TAIL);
}

/** The whole response document for `{Status: "Failure", ErrorDescription: [code, ...params]}`. */
export function failureResponse(code: string, params: readonly string[]): Buffer[] {
  return [
    Buffer.from(
    '<?xml version="1.0"?>\n<methodResponse><params><param><value><struct>' +
      '<member><name>Status</name><value>Failure</value></member>' +
      '<member><name>ErrorDescription</name>' +
      encodeValue([code, ...params]) +
      RESPONSE_TAIL,
      'utf8',
    ),
  ];
}
