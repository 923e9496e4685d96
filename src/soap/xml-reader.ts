// A single-pass XML reader for SOAP messages: well-formedness (XML 1.0, Namespaces in XML 1.0)
// checked while the namespace-resolved tree is built. A SOAP message has no DTD, so there are
// no entities to expand and no defaults to apply; what remains is small enough to read in one
// pass over the string, which costs a tenth of a general parser plus its validator.
import { NS } from './namespaces.js';
// A cycle with xml.ts, harmless: neither uses the other's values while its module loads.
import { XmlLimitError, XmlSyntaxError, decodeXmlText, isXmlSpace, type XmlAttr, type XmlElement, type XmlLimits } from './xml.js';

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const QUESTION = 0x3f;
const BANG = 0x21;
const EQUALS = 0x3d;
const QUOT = 0x22;
const APOS = 0x27;


// XML 1.0 §2.3 NameStartChar and NameChar, without the colon (Namespaces in XML 1.0 NCName).
const NC_START = 'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NC_CHAR = `${NC_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040`;
const QNAME = new RegExp(`^[${NC_START}][${NC_CHAR}]*(?::[${NC_START}][${NC_CHAR}]*)?$`, 'u');
const ASCII_QNAME = /^[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?$/;

/** Namespaces in XML 1.0 §3: a QName is an NCName with at most one NCName prefix. */
function checkQName(qname: string): void {
  if (!ASCII_QNAME.test(qname) && !QNAME.test(qname)) throw new XmlSyntaxError(`"${qname.slice(0, 60)}" is not a qualified name`);
}

/** Namespaces in XML 1.0 §3 and §5: the reserved prefixes and names, and no prefix undeclaring. */
function checkBinding(prefix: string, uri: string): void {
  if (prefix.includes(':')) throw new XmlSyntaxError(`"xmlns:${prefix.slice(0, 60)}" is not a namespace declaration`);
  if (prefix === 'xmlns') throw new XmlSyntaxError('the prefix xmlns cannot be declared');
  if ((prefix === 'xml') !== (uri === NS.XML)) throw new XmlSyntaxError(`the prefix xml and the namespace ${NS.XML} belong only to each other`);
  if (uri === NS.XMLNS) throw new XmlSyntaxError(`the namespace ${NS.XMLNS} cannot be declared`);
  if (prefix !== '' && uri === '') throw new XmlSyntaxError(`the prefix ${prefix.slice(0, 60)} cannot be bound to the empty namespace name`);
}

interface Open {
  readonly qname: string;
  readonly ns: string;
  readonly local: string;
  readonly attrs: XmlAttr[];
  readonly children: XmlElement[];
  readonly scope: ReadonlyMap<string, string>;
  text: string;
}

const ROOT_SCOPE: ReadonlyMap<string, string> = new Map([['xml', NS.XML]]);

class Reader {
  private pos = 0;
  private readonly stack: Open[] = [];
  private elements = 0;
  private root: XmlElement | undefined;

  constructor(private readonly s: string, private readonly limits: XmlLimits, private readonly options: ReadOptions) {}

  fail(message: string, at = this.pos): never {
    let line = 1;
    let last = -1;
    for (let i = this.s.indexOf('\n'); i >= 0 && i < at; i = this.s.indexOf('\n', i + 1)) {
      line++;
      last = i;
    }
    throw new XmlSyntaxError(message, line, at - last);
  }

  read(): XmlElement {
    const s = this.s;
    const n = s.length;
    if (s.startsWith('<?xml') && (n === 5 || isXmlSpace(s.charCodeAt(5)) || s.charCodeAt(5) === QUESTION)) this.skipPi(true);
    while (this.pos < n) {
      const lt = s.indexOf('<', this.pos);
      const end = lt < 0 ? n : lt;
      if (end > this.pos) this.text(this.pos, end);
      if (lt < 0) break;
      this.pos = lt;
      const c = s.charCodeAt(lt + 1);
      if (c === SLASH) this.endTag();
      else if (c === BANG) this.bang();
      else if (c === QUESTION) this.skipPi(false);
      else this.startTag();
    }
    if (this.stack.length > 0) this.fail(`<${this.stack[this.stack.length - 1]?.qname.slice(0, 60)}> is not closed`, n);
    if (!this.root) this.fail('a document must have exactly one root element', n);
    return this.root;
  }

  /** Character data from start to end (the next "<"). */
  private text(start: number, end: number): void {
    const raw = this.s.slice(start, end);
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      if (!/^[ \t\r\n]*$/.test(raw)) this.fail('text outside the root element', start);
      return;
    }
    // XML 1.0 §2.4: "]]>" may not appear in character data outside a CDATA section's end.
    if (raw.includes(']]>')) this.fail('"]]>" in character data', start);
    top.text += raw.indexOf('&') < 0 ? raw : this.decode(raw, start);
  }

  private decode(raw: string, at: number): string {
    try {
      return decodeXmlText(raw);
    } catch (err) {
      if (err instanceof XmlSyntaxError) this.fail(err.message, at);
      throw err;
    }
  }

  private bang(): void {
    const s = this.s;
    const at = this.pos;
    if (s.startsWith('<!--', at)) {
      const end = s.indexOf('--', at + 4);
      // XML 1.0 §2.5: "--" may not occur inside a comment.
      if (end < 0 || s.charCodeAt(end + 2) !== GT) this.fail(end < 0 ? 'an unterminated comment' : '"--" inside a comment', at);
      this.pos = end + 3;
      return;
    }
    if (s.startsWith('<![CDATA[', at)) {
      const top = this.stack[this.stack.length - 1];
      if (!top) this.fail('a CDATA section outside the root element', at);
      const end = s.indexOf(']]>', at + 9);
      if (end < 0) this.fail('an unterminated CDATA section', at);
      top.text += s.slice(at + 9, end);
      this.pos = end + 3;
      return;
    }
    if (/^<!doctype/i.test(s.slice(at, at + 9))) this.fail('a document type declaration is not allowed in a SOAP message', at);
    this.fail('markup that is neither a comment nor a CDATA section', at);
  }

  /** A processing instruction; the XML declaration is one only at the very start. */
  private skipPi(declaration: boolean): void {
    const s = this.s;
    const at = this.pos;
    const end = s.indexOf('?>', at + 2);
    if (end < 0) this.fail('an unterminated processing instruction', at);
    const m = /^<\?([^\s?]+)/.exec(s.slice(at, Math.min(end + 2, at + 200)));
    const target = m?.[1] ?? '';
    if (!declaration) {
      if (target === '' || !QNAME.test(target)) this.fail('a processing instruction without a valid target', at);
      if (target.toLowerCase() === 'xml') this.fail('an XML declaration is allowed only at the start of the document', at);
      if (this.options.refuseProcessingInstructions) this.fail('a processing instruction, which a SOAP message may not contain', at);
    } else if (!/^<\?xml\s+version\s*=\s*(["'])1\.[0-9]+\1(\s+encoding\s*=\s*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*\?>$/.test(s.slice(at, end + 2))) {
      this.fail('a malformed XML declaration', at);
    }
    this.pos = end + 2;
  }

  /**
   * A QName at `at`. ASCII names are checked while they are scanned; any other character sends
   * the name to the full NameStartChar/NameChar check.
   */
  private name(at: number): string {
    const s = this.s;
    let i = at;
    let ascii = true;
    let colons = 0;
    let lastColon = -2;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (isXmlSpace(c) || c === GT || c === SLASH || c === EQUALS || c === LT || c === QUOT || c === APOS) break;
      if (c === 0x3a) {
        colons++;
        // A colon may not start the name, end it, or follow a colon's part at once.
        if (i === at || lastColon === i - 1) ascii = false;
        lastColon = i;
      } else if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (i !== at && i !== lastColon + 1 && ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e)))) {
        ascii = false;
      }
    }
    const name = s.slice(at, i);
    if (name === '') this.fail('a name is missing', at);
    if (!ascii || colons > 1 || lastColon === i - 1) {
      try {
        checkQName(name);
      } catch (err) {
        if (err instanceof XmlSyntaxError) this.fail(err.message, at);
        throw err;
      }
    }
    this.pos = i;
    return name;
  }

  private skipSpace(): boolean {
    const start = this.pos;
    while (this.pos < this.s.length && isXmlSpace(this.s.charCodeAt(this.pos))) this.pos++;
    return this.pos > start;
  }

  private startTag(): void {
    const s = this.s;
    const at = this.pos;
    const parent = this.stack[this.stack.length - 1];
    if (!parent && this.root) this.fail('a document must have exactly one root element', at);
    if (this.stack.length + 1 > this.limits.maxDepth) throw new XmlLimitError(`elements nested deeper than ${this.limits.maxDepth}`, 'maxDepth');
    if (++this.elements > this.limits.maxElements) throw new XmlLimitError(`more than ${this.limits.maxElements} elements`, 'maxElements');
    this.pos = at + 1;
    const qname = this.name(this.pos);
    const raw: { name: string; value: string; at: number }[] = [];
    let empty = false;
    for (;;) {
      const spaced = this.skipSpace();
      const c = s.charCodeAt(this.pos);
      if (c === GT) {
        this.pos++;
        break;
      }
      if (c === SLASH && s.charCodeAt(this.pos + 1) === GT) {
        this.pos += 2;
        empty = true;
        break;
      }
      if (this.pos >= s.length) this.fail(`an unterminated start tag <${qname.slice(0, 60)}>`, at);
      if (!spaced) this.fail(`attributes of <${qname.slice(0, 60)}> must be separated by white space`);
      const aAt = this.pos;
      const name = this.name(this.pos);
      this.skipSpace();
      if (s.charCodeAt(this.pos) !== EQUALS) this.fail(`attribute ${name.slice(0, 60)} has no value`, aAt);
      this.pos++;
      this.skipSpace();
      const q = s.charCodeAt(this.pos);
      if (q !== QUOT && q !== APOS) this.fail(`the value of attribute ${name.slice(0, 60)} is not quoted`, aAt);
      const close = s.indexOf(q === QUOT ? '"' : "'", this.pos + 1);
      if (close < 0) this.fail(`the value of attribute ${name.slice(0, 60)} is not closed`, aAt);
      const value = s.slice(this.pos + 1, close);
      // XML 1.0 §3.1 AttValue: a literal "<" may not appear in an attribute value.
      if (value.includes('<')) this.fail(`the value of attribute ${name.slice(0, 60)} contains "<"`, aAt);
      if (raw.some((r) => r.name === name)) this.fail(`attribute ${name.slice(0, 60)} appears twice on <${qname.slice(0, 60)}>`, aAt);
      raw.push({ name, value, at: aAt });
      if (raw.length > this.limits.maxAttributes) throw new XmlLimitError(`more than ${this.limits.maxAttributes} attributes on <${qname.slice(0, 60)}>`, 'maxAttributes');
      this.pos = close + 1;
    }

    let scope = parent?.scope ?? ROOT_SCOPE;
    let own = false;
    const plain: { name: string; value: string; at: number }[] = [];
    for (const a of raw) {
      if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) {
        const prefix = a.name === 'xmlns' ? '' : a.name.slice(6);
        const uri = a.value.indexOf('&') < 0 ? a.value : this.decode(a.value, a.at);
        try {
          checkBinding(prefix, uri);
        } catch (err) {
          if (err instanceof XmlSyntaxError) this.fail(err.message, a.at);
          throw err;
        }
        if (!own) {
          scope = new Map(scope);
          own = true;
        }
        (scope as Map<string, string>).set(prefix, uri);
      } else {
        plain.push(a);
      }
    }
    const attrs: XmlAttr[] = [];
    for (const a of plain) {
      const colon = a.name.indexOf(':');
      // Unprefixed attributes are in no namespace (Namespaces in XML 1.0 §6.2).
      const ns = colon < 0 ? '' : this.resolve(scope, a.name.slice(0, colon), a.name, a.at);
      const local = colon < 0 ? a.name : a.name.slice(colon + 1);
      // Namespaces in XML 1.0 §6.3: no two attributes with the same expanded name.
      if (colon >= 0 && attrs.some((x) => x.ns === ns && x.name === local)) {
        this.fail(`attribute ${local.slice(0, 60)} in namespace ${ns.slice(0, 100)} appears twice on <${qname.slice(0, 60)}>`, a.at);
      }
      attrs.push({ ns, name: local, value: a.value.indexOf('&') < 0 ? a.value : this.decode(a.value, a.at) });
    }
    const colon = qname.indexOf(':');
    const ns = colon < 0 ? scope.get('') ?? '' : this.resolve(scope, qname.slice(0, colon), qname, at);
    const open: Open = { qname, ns, local: colon < 0 ? qname : qname.slice(colon + 1), attrs, children: [], scope, text: '' };
    if (empty) this.finish(open);
    else this.stack.push(open);
  }

  private endTag(): void {
    const s = this.s;
    const at = this.pos;
    this.pos = at + 2;
    const qname = this.name(this.pos);
    this.skipSpace();
    if (s.charCodeAt(this.pos) !== GT) this.fail(`an unterminated end tag </${qname.slice(0, 60)}>`, at);
    this.pos++;
    const top = this.stack.pop();
    if (!top) this.fail(`an end tag </${qname.slice(0, 60)}> without a start tag`, at);
    if (top.qname !== qname) this.fail(`the end tag </${qname.slice(0, 60)}> does not match <${top.qname.slice(0, 60)}>`, at);
    this.finish(top);
  }

  private finish(open: Open): void {
    const el: XmlElement = { ns: open.ns, name: open.local, attrs: open.attrs, children: open.children, text: open.text };
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.children.push(el);
    else this.root = el;
  }

  private resolve(scope: ReadonlyMap<string, string>, prefix: string, qname: string, at: number): string {
    const uri = scope.get(prefix);
    if (uri === undefined) this.fail(`namespace prefix "${prefix.slice(0, 60)}" of "${qname.slice(0, 60)}" is not declared`, at);
    return uri;
  }
}

export interface ReadOptions {
  /** SOAP 1.2 part 1 §5: a message holds no processing instructions (the XML declaration is none) */
  readonly refuseProcessingInstructions?: boolean;
}

/** Reads a complete document (after the caller's DOCTYPE and character checks). */
export function readXml(xml: string, limits: XmlLimits, options: ReadOptions = {}): XmlElement {
  // XML 1.0 §2.11: line ends are normalized to LF before anything else.
  return new Reader(xml.includes('\r') ? xml.replace(/\r\n?/g, '\n') : xml, limits, options).read();
}
