// XML-RPC methodResponse decoding straight from the response bytes. A full load of a large
// pool is hundreds of megabytes (VM.get_all_records is ~85 MB at 10,000 VMs): a SAX pass is
// too slow for it and one JS string cannot hold the biggest answers, so this scans the Buffer
// and only turns values into strings.
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

interface Tag {
  readonly name: string;
  readonly closing: boolean;
  readonly empty: boolean;
}

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  /** The next tag, skipping character data, the XML declaration and comments. */
  tag(): Tag {
    for (;;) {
      const lt = this.buf.indexOf(LT, this.pos);
      if (lt < 0) throw new XmlRpcDecodeError('unexpected end of document', this.pos);
      const gt = this.buf.indexOf(GT, lt + 1);
      if (gt < 0) throw new XmlRpcDecodeError('unterminated tag', lt);
      this.pos = gt + 1;
      const first = this.buf[lt + 1];
      if (first === QUESTION) continue;
      if (first === BANG) {
        if (this.buf.toString('latin1', lt, lt + 4) === '<!--') {
          const end = this.buf.indexOf('-->', lt + 4);
          if (end < 0) throw new XmlRpcDecodeError('unterminated comment', lt);
          this.pos = end + 3;
          continue;
        }
        throw new XmlRpcDecodeError('DTDs and CDATA are not accepted in XML-RPC', lt);
      }
      const closing = first === SLASH;
      const empty = this.buf[gt - 1] === SLASH;
      const start = closing ? lt + 2 : lt + 1;
      let end = empty ? gt - 1 : gt;
      // The tag name ends at the first whitespace (attributes are not used by XML-RPC).
      for (let i = start; i < end; i++) {
        const c = this.buf[i]!;
        if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
          end = i;
          break;
        }
      }
      return { name: this.buf.toString('latin1', start, end), closing, empty };
    }
  }

  open(name: string): Tag {
    const t = this.tag();
    if (t.closing || t.name !== name) throw new XmlRpcDecodeError(`expected <${name}>, found <${t.closing ? '/' : ''}${t.name}>`, this.pos);
    return t;
  }

  close(name: string): void {
    const t = this.tag();
    if (!t.closing || t.name !== name) throw new XmlRpcDecodeError(`expected </${name}>, found <${t.closing ? '/' : ''}${t.name}>`, this.pos);
  }

  /** Character data up to the next tag, which must close `name`. */
  textUntilClose(name: string): string {
    const lt = this.buf.indexOf(LT, this.pos);
    if (lt < 0) throw new XmlRpcDecodeError('unexpected end of document', this.pos);
    const text = decodeEntities(this.buf.toString('utf8', this.pos, lt));
    this.pos = lt;
    this.close(name);
    return text;
  }
}

export function decodeMethodResponse(buf: Buffer): MethodResponse {
  const r = new Reader(buf);
  r.open('methodResponse');
  const t = r.tag();
  if (!t.closing && t.name === 'fault') {
    r.open('value');
    const fault = value(r);
    r.close('fault');
    return { kind: 'fault', fault };
  }
  if (t.closing || t.name !== 'params') throw new XmlRpcDecodeError(`expected <params> or <fault>, found <${t.name}>`, r.pos);
  r.open('param');
  const v = r.tag();
  if (v.closing || v.name !== 'value') throw new XmlRpcDecodeError('expected <value>', r.pos);
  const result = v.empty ? '' : value(r);
  r.close('param');
  r.close('params');
  r.close('methodResponse');
  return { kind: 'value', value: result };
}

/** Reads a value whose <value> tag has just been consumed, through its </value>. */
function value(r: Reader): XenValue {
  const lt = r.buf.indexOf(LT, r.pos);
  if (lt < 0) throw new XmlRpcDecodeError('unexpected end of document', r.pos);
  if (r.buf[lt + 1] === SLASH) {
    // xapi's bare strings: <value>text</value>
    return r.textUntilClose('value');
  }
  const t = r.tag();
  if (t.closing) throw new XmlRpcDecodeError(`unexpected </${t.name}>`, r.pos);
  let v: XenValue;
  if (t.empty) {
    v = t.name === 'struct' ? {} : t.name === 'array' ? [] : t.name === 'nil' ? '' : emptyScalar(t.name, r);
  } else {
    switch (t.name) {
      case 'string': v = r.textUntilClose('string'); break;
      case 'i4': case 'int': case 'i8': v = integer(r.textUntilClose(t.name), r); break;
      case 'boolean': v = r.textUntilClose('boolean').trim() === '1'; break;
      case 'double': v = Number(r.textUntilClose('double').trim()); break;
      case 'dateTime.iso8601': v = dateTime(r.textUntilClose('dateTime.iso8601'), r); break;
      case 'base64': v = Buffer.from(r.textUntilClose('base64'), 'base64').toString('utf8'); break;
      case 'nil': r.close('nil'); v = ''; break;
      case 'struct': v = struct(r); break;
      case 'array': v = array(r); break;
      default: throw new XmlRpcDecodeError(`unknown XML-RPC type <${t.name}>`, r.pos);
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

function struct(r: Reader): XenStruct {
  const out: Record<string, XenValue> = {};
  for (;;) {
    const t = r.tag();
    if (t.closing && t.name === 'struct') return out;
    if (t.closing || t.name !== 'member') throw new XmlRpcDecodeError(`expected <member>, found <${t.name}>`, r.pos);
    r.open('name');
    const name = r.textUntilClose('name');
    const v = r.tag();
    if (v.closing || v.name !== 'value') throw new XmlRpcDecodeError('expected <value> in <member>', r.pos);
    const val = v.empty ? '' : value(r);
    // A map key "__proto__" from the wire must stay data, never become a prototype.
    if (name === '__proto__') Object.defineProperty(out, name, { value: val, enumerable: true, writable: true, configurable: true });
    else out[name] = val;
    r.close('member');
  }
}

function array(r: Reader): XenValue[] {
  const out: XenValue[] = [];
  const d = r.tag();
  if (d.name !== 'data' || d.closing) throw new XmlRpcDecodeError('expected <data>', r.pos);
  if (!d.empty) {
    for (;;) {
      const t = r.tag();
      if (t.closing && t.name === 'data') break;
      if (t.closing || t.name !== 'value') throw new XmlRpcDecodeError(`expected <value>, found <${t.name}>`, r.pos);
      out.push(t.empty ? '' : value(r));
    }
  }
  r.close('array');
  return out;
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
