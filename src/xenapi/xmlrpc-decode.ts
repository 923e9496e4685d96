// XML-RPC methodResponse decoding straight from the response bytes. A full load of a large
// pool is hundreds of megabytes (VM.get_all_records is ~85 MB at 10,000 VMs): a SAX pass is
// too slow for it and one JS string cannot hold the biggest answers, so this scans the Buffer
// and only turns values into strings.
import { makeStruct } from './record-shapes.js';
import type { XenStruct, XenValue } from './values.js';

export class XmlRpcDecodeError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'XmlRpcDecodeError';
  }
}

export type MethodResponse = { readonly kind: 'value'; readonly value: XenValue } | { readonly kind: 'fault'; readonly fault: XenValue };

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const QUESTION = 0x3f;
const BANG = 0x21;

/** Buffer's own slicing methods: the documented toString() wrapper costs more than the copy here. */
interface FastSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** The element names XML-RPC uses, recognised by a hash of their bytes without making a string. */
const KNOWN_NAMES = [
  'methodResponse', 'params', 'param', 'value', 'struct', 'member', 'name', 'string', 'array', 'data',
  'i4', 'int', 'i8', 'boolean', 'double', 'dateTime.iso8601', 'base64', 'nil', 'fault',
];
const hashOf = (bytes: ArrayLike<number>): number => {
  let h = 0;
  for (let i = 0; i < bytes.length; i++) h = (Math.imul(h, 31) + (bytes[i] ?? 0)) | 0;
  return h;
};
const BY_HASH = new Map<number, { readonly name: string; readonly bytes: Uint8Array }>(
  KNOWN_NAMES.map((name) => {
    const bytes = Buffer.from(name, 'latin1');
    return [hashOf(bytes), { name, bytes }];
  }),
);
const AMP = 0x26;

class Reader {
  pos = 0;
  /** what the last tag() read */
  closing = false;
  empty = false;
  private readonly slices: FastSlices;
  constructor(readonly buf: Buffer) {
    this.slices = buf as unknown as FastSlices;
  }

  /**
   * The next tag's name (closing and empty are set), skipping character data, the XML
   * declaration and comments. Plain byte loops: Buffer.indexOf's wrapper costs more than the
   * few bytes between tags.
   */
  tag(): string {
    const buf = this.buf;
    const n = buf.length;
    let i = this.pos;
    for (;;) {
      while (i < n && buf[i] !== LT) i++;
      if (i >= n) throw new XmlRpcDecodeError('unexpected end of document', this.pos);
      const lt = i;
      let c = buf[lt + 1];
      if (c === QUESTION || c === BANG) {
        i = this.skipSpecial(lt);
        continue;
      }
      this.closing = c === SLASH;
      let j = this.closing ? lt + 2 : lt + 1;
      const start = j;
      let h = 0;
      while (j < n) {
        c = buf[j]!;
        if (c === GT || c === SLASH || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) break;
        h = (Math.imul(h, 31) + c) | 0;
        j++;
      }
      const end = j;
      // Attributes are not used by XML-RPC: skip to the end of the tag.
      while (j < n && buf[j] !== GT) j++;
      if (j >= n) throw new XmlRpcDecodeError('unterminated tag', lt);
      this.empty = buf[j - 1] === SLASH;
      this.pos = j + 1;
      const known = BY_HASH.get(h);
      if (known && known.bytes.length === end - start) {
        let k = 0;
        while (k < known.bytes.length && buf[start + k] === known.bytes[k]) k++;
        if (k === known.bytes.length) return known.name;
      }
      return this.slices.latin1Slice(start, end);
    }
  }

  /** Past an XML declaration or comment starting at lt; a DTD or CDATA is refused. */
  private skipSpecial(lt: number): number {
    const buf = this.buf;
    if (buf[lt + 1] === QUESTION) {
      const end = buf.indexOf('?>', lt + 2);
      if (end < 0) throw new XmlRpcDecodeError('unterminated processing instruction', lt);
      return end + 2;
    }
    if (this.slices.latin1Slice(lt, Math.min(lt + 4, buf.length)) === '<!--') {
      const end = buf.indexOf('-->', lt + 4);
      if (end < 0) throw new XmlRpcDecodeError('unterminated comment', lt);
      return end + 3;
    }
    throw new XmlRpcDecodeError('DTDs and CDATA are not accepted in XML-RPC', lt);
  }

  open(name: string): void {
    const t = this.tag();
    if (this.closing || t !== name) throw new XmlRpcDecodeError(`expected <${name}>, found <${this.closing ? '/' : ''}${t}>`, this.pos);
  }

  close(name: string): void {
    const t = this.tag();
    if (!this.closing || t !== name) throw new XmlRpcDecodeError(`expected </${name}>, found <${this.closing ? '/' : ''}${t}>`, this.pos);
  }

  /** Whether character data, then a closing tag, come next (xapi's bare-string <value>text</value>). */
  textThenClose(): boolean {
    const buf = this.buf;
    let i = this.pos;
    while (i < buf.length && buf[i] !== LT) i++;
    return buf[i + 1] === SLASH;
  }

  /** Character data up to the next tag, which must close `name`. */
  textUntilClose(name: string): string {
    const buf = this.buf;
    const n = buf.length;
    const start = this.pos;
    let i = start;
    let special = 0;
    for (; i < n; i++) {
      const c = buf[i]!;
      if (c === LT) break;
      // Any byte of a multi-byte UTF-8 sequence, or an entity reference, takes the slow path.
      if (c >= 0x80 || c === AMP) special = 1;
    }
    if (i >= n) throw new XmlRpcDecodeError('unexpected end of document', start);
    const text = i === start ? '' : special === 0 ? this.slices.latin1Slice(start, i) : decodeEntities(this.slices.utf8Slice(start, i));
    this.pos = i;
    this.close(name);
    return text;
  }
}

export function decodeMethodResponse(buf: Buffer): MethodResponse {
  const r = new Reader(buf);
  r.open('methodResponse');
  const t = r.tag();
  if (!r.closing && t === 'fault') {
    r.open('value');
    const fault = value(r);
    r.close('fault');
    return { kind: 'fault', fault };
  }
  if (r.closing || t !== 'params') throw new XmlRpcDecodeError(`expected <params> or <fault>, found <${t}>`, r.pos);
  r.open('param');
  const v = r.tag();
  if (r.closing || v !== 'value') throw new XmlRpcDecodeError('expected <value>', r.pos);
  const result = r.empty ? '' : value(r);
  r.close('param');
  r.close('params');
  r.close('methodResponse');
  return { kind: 'value', value: result };
}

// Short values repeat across records ("OpaqueRef:NULL", "true", enum names, sizes): one copy
// each is kept for the cache's life instead of one per field (~1 KB per VM). Bounded; once
// full, new texts are simply not shared.
const SHARED_MAX_CHARS = 16;
const SHARED_MAX_ENTRIES = 16_384;
const sharedTexts = new Map<string, string>();

function shared(text: string): string {
  if (text.length > SHARED_MAX_CHARS) return text;
  const known = sharedTexts.get(text);
  if (known !== undefined) return known;
  if (sharedTexts.size < SHARED_MAX_ENTRIES) sharedTexts.set(text, text);
  return text;
}

/** Reads a value whose <value> tag has just been consumed, through its </value>. */
function value(r: Reader): XenValue {
  if (r.textThenClose()) {
    // xapi's bare strings: <value>text</value>
    return shared(r.textUntilClose('value'));
  }
  const name = r.tag();
  if (r.closing) throw new XmlRpcDecodeError(`unexpected </${name}>`, r.pos);
  let v: XenValue;
  if (r.empty) {
    v = name === 'struct' ? EMPTY_STRUCT : name === 'array' ? EMPTY_ARRAY : name === 'nil' ? '' : emptyScalar(name, r);
  } else {
    switch (name) {
      case 'string': v = shared(r.textUntilClose('string')); break;
      case 'i4': case 'int': case 'i8': v = integer(r.textUntilClose(name), r); break;
      case 'boolean': v = r.textUntilClose('boolean').trim() === '1'; break;
      case 'double': v = Number(r.textUntilClose('double').trim()); break;
      case 'dateTime.iso8601': v = dateTime(r.textUntilClose('dateTime.iso8601'), r); break;
      case 'base64': v = Buffer.from(r.textUntilClose('base64'), 'base64').toString('utf8'); break;
      case 'nil': r.close('nil'); v = ''; break;
      case 'struct': v = struct(r); break;
      case 'array': v = array(r); break;
      default: throw new XmlRpcDecodeError(`unknown XML-RPC type <${name}>`, r.pos);
    }
  }
  r.close('value');
  return v;
}

function emptyScalar(name: string, r: Reader): XenValue {
  if (name === 'string' || name === 'base64') return '';
  throw new XmlRpcDecodeError(`empty <${name}/>`, r.pos);
}

function integer(text: string, r: Reader): number | string {
  const s = text.trim();
  if (!/^[-+]?\d+$/.test(s)) throw new XmlRpcDecodeError(`"${s.slice(0, 20)}" is not an integer`, r.pos);
  // <i8> beyond 2^53 stays a string, as xapi's own int64 values do.
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : s;
}

// xapi writes 20250319T04:16:24Z; other servers add dashes or leave out the zone (UTC then).
const DATETIME = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

function dateTime(text: string, r: Reader): Date {
  const m = DATETIME.exec(text.trim());
  if (!m) throw new XmlRpcDecodeError(`"${text.slice(0, 30)}" is not an ISO 8601 datetime`, r.pos);
  const zone = m[8] === undefined || m[8] === 'Z' ? 'Z' : m[8].length === 5 ? `${m[8].slice(0, 3)}:${m[8].slice(3)}` : m[8];
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}${zone}`);
}

// Values are read-only once decoded, so every empty array or struct can be one shared, frozen
// value: a VM record holds a dozen (VGPUs, crash_dumps, blocked_operations, other_config, …).
const EMPTY_ARRAY: readonly XenValue[] = Object.freeze([]);
const EMPTY_STRUCT: XenStruct = Object.freeze({});

function struct(r: Reader): XenStruct {
  const names: string[] = [];
  const values: XenValue[] = [];
  for (;;) {
    const t = r.tag();
    if (r.closing && t === 'struct') break;
    if (r.closing || t !== 'member') throw new XmlRpcDecodeError(`expected <member>, found <${t}>`, r.pos);
    r.open('name');
    names.push(r.textUntilClose('name'));
    const v = r.tag();
    if (r.closing || v !== 'value') throw new XmlRpcDecodeError('expected <value> in <member>', r.pos);
    values.push(r.empty ? '' : value(r));
    r.close('member');
  }
  return names.length === 0 ? EMPTY_STRUCT : makeStruct(names, values);
}

function array(r: Reader): readonly XenValue[] {
  const d = r.tag();
  if (d !== 'data' || r.closing) throw new XmlRpcDecodeError('expected <data>', r.pos);
  const out: XenValue[] = [];
  if (!r.empty) {
    for (;;) {
      const t = r.tag();
      if (r.closing && t === 'data') break;
      if (r.closing || t !== 'value') throw new XmlRpcDecodeError(`expected <value>, found <${t}>`, r.pos);
      out.push(r.empty ? '' : value(r));
    }
  }
  r.close('array');
  return out.length === 0 ? EMPTY_ARRAY : out;
}

const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));/g;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (m, named: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (named !== undefined) return PREDEFINED[named] ?? m;
    const code = dec !== undefined ? Number(dec) : parseInt(hex ?? '', 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}
