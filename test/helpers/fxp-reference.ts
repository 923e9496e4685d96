// The reader the gateway used before src/soap/xml-reader.ts: fast-xml-parser's validator and
// parser, then a walk resolving prefixes. Kept as the oracle the single-pass reader is compared
// with (test/unit/soap/xml-reader.test.ts), on every captured envelope and thousands of mutations.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { NS } from '../../src/soap/namespaces.js';
import { DEFAULT_XML_LIMITS, XmlLimitError, XmlSyntaxError, decodeXmlText, type XmlAttr, type XmlElement, type XmlLimits } from '../../src/soap/xml.js';

type RawNode = Record<string, unknown>;

const TEXT = '#text';
const CDATA = '#cdata';
const ATTRS = ':@';

// Element and attribute names get a marker the XML Name production cannot start with, so that
// names such as "constructor" or "toString" are neither refused nor renamed by the parser's
// prototype-pollution guards; build() strips it again.
const NAME_MARK = '~';

function newParser(maxDepth: number): XMLParser {
  return new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: NAME_MARK,
    // Idempotent: the parser applies it twice to self-closing tags.
    transformTagName: (name) => (name.startsWith(NAME_MARK) ? name : NAME_MARK + name),
    parseTagValue: false,
    parseAttributeValue: false,
    // Entities are decoded by decodeXmlText below (predefined and character references only).
    processEntities: false,
    htmlEntities: false,
    trimValues: false,
    cdataPropName: CDATA,
    ignoreDeclaration: true,
    ignorePiTags: true,
    allowBooleanAttributes: false,
    // The parser stops at this depth itself (its own guard, 100 by default, would otherwise fire
    // first with a plain Error); the root counts as depth 1 here and as 0 there.
    maxNestedTags: maxDepth,
  });
}

const parsers = new Map<number, XMLParser>();

function parserFor(maxDepth: number): XMLParser {
  let p = parsers.get(maxDepth);
  if (!p) {
    p = newParser(maxDepth);
    parsers.set(maxDepth, p);
  }
  return p;
}


const DOCTYPE = /<!DOCTYPE/i;
const ILLEGAL_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The old parseXml, unchanged. */
export function referenceParseXml(xml: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  if (DOCTYPE.test(xml)) throw new XmlSyntaxError('a document type declaration is not allowed in a SOAP message');
  if (xml.startsWith('\ufeff')) throw new XmlSyntaxError('a byte order mark inside the document');
  if (ILLEGAL_CHAR.test(xml)) throw new XmlSyntaxError('an illegal character');
  const valid = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (valid !== true) throw new XmlSyntaxError(valid.err.msg, valid.err.line, valid.err.col);
  let roots: RawNode[];
  try {
    roots = parserFor(limits.maxDepth).parse(xml) as RawNode[];
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/nested tags/i.test(message)) throw new XmlLimitError(`elements nested deeper than ${limits.maxDepth}`, 'maxDepth');
    throw new XmlSyntaxError(message.slice(0, 200));
  }
  const elements = roots.filter((n) => !(TEXT in n) && !(CDATA in n));
  const root = elements[0];
  if (elements.length !== 1 || root === undefined) throw new XmlSyntaxError('a document must have exactly one root element');
  const counter = { elements: 0 };
  return build(root, new Map([['xml', NS.XML]]), 1, limits, counter);
}

function build(node: RawNode, parentScope: ReadonlyMap<string, string>, depth: number, limits: XmlLimits, counter: { elements: number }): XmlElement {
  if (depth > limits.maxDepth) throw new XmlLimitError(`elements nested deeper than ${limits.maxDepth}`, 'maxDepth');
  if (++counter.elements > limits.maxElements) throw new XmlLimitError(`more than ${limits.maxElements} elements`, 'maxElements');
  const key = Object.keys(node).find((k) => k !== ATTRS);
  if (key === undefined || !key.startsWith(NAME_MARK)) throw new XmlSyntaxError('empty node');
  const qname = key.slice(NAME_MARK.length);
  checkQName(qname);
  const rawAttrs = (node[ATTRS] ?? {}) as Record<string, unknown>;
  const attrKeys = Object.keys(rawAttrs);
  if (attrKeys.length > limits.maxAttributes) throw new XmlLimitError(`more than ${limits.maxAttributes} attributes on <${qname.slice(0, 60)}>`, 'maxAttributes');

  const raw: Array<{ readonly name: string; readonly value: string }> = [];
  let scope = parentScope;
  for (const k of attrKeys) {
    const name = k.slice(NAME_MARK.length);
    const value = rawAttrs[k];
    if (typeof value !== 'string') throw new XmlSyntaxError(`attribute ${name.slice(0, 60)} has no value`);
    // XML 1.0 §3.1 AttValue: a literal "<" may not appear in an attribute value.
    if (value.includes('<')) throw new XmlSyntaxError(`the value of attribute ${name.slice(0, 60)} contains "<"`);
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      const prefix = name === 'xmlns' ? '' : name.slice(6);
      const uri = decodeXmlText(value);
      checkBinding(prefix, uri);
      if (scope === parentScope) scope = new Map(parentScope);
      (scope as Map<string, string>).set(prefix, uri);
    } else {
      raw.push({ name, value });
    }
  }

  const attrs: XmlAttr[] = [];
  const seen = new Set<string>();
  for (const a of raw) {
    checkQName(a.name);
    const colon = a.name.indexOf(':');
    // Unprefixed attributes are in no namespace (Namespaces in XML 1.0 §6.2).
    const ns = colon < 0 ? '' : resolvePrefix(scope, a.name.slice(0, colon), a.name);
    const local = colon < 0 ? a.name : a.name.slice(colon + 1);
    // Namespaces in XML 1.0 §6.3: no two attributes with the same expanded name (p:a and q:a, p and q bound alike).
    const expanded = `${ns} ${local}`;
    if (seen.has(expanded)) throw new XmlSyntaxError(`attribute ${local.slice(0, 60)} in namespace ${ns.slice(0, 100)} appears twice on <${qname.slice(0, 60)}>`);
    seen.add(expanded);
    attrs.push({ ns, name: local, value: decodeXmlText(a.value) });
  }

  const colon = qname.indexOf(':');
  const ns = colon < 0 ? scope.get('') ?? '' : resolvePrefix(scope, qname.slice(0, colon), qname);
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[key] ?? []) as RawNode[]) {
    if (TEXT in child) {
      const raw = String(child[TEXT]);
      // XML 1.0 §2.4: "]]>" may not appear in character data outside a CDATA section's end.
      if (raw.includes(']]>')) throw new XmlSyntaxError('"]]>" in character data');
      text += decodeXmlText(raw);
    }
    else if (CDATA in child) {
      for (const c of child[CDATA] as RawNode[]) text += String(c[TEXT] ?? '');
    } else children.push(build(child, scope, depth + 1, limits, counter));
  }
  return { ns, name: colon < 0 ? qname : qname.slice(colon + 1), attrs, children, text };
}

// XML 1.0 §2.3 NameStartChar and NameChar, without the colon (Namespaces in XML 1.0 NCName).
const NC_START = 'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NC_CHAR = `${NC_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040`;
const QNAME = new RegExp(`^[${NC_START}][${NC_CHAR}]*(?::[${NC_START}][${NC_CHAR}]*)?$`, 'u');

/** Namespaces in XML 1.0 §3: a QName is an NCName with at most one NCName prefix. */
function checkQName(qname: string): void {
  if (!QNAME.test(qname)) throw new XmlSyntaxError(`"${qname.slice(0, 60)}" is not a qualified name`);
}

/** Namespaces in XML 1.0 §3 and §5: the reserved prefixes and names, and no prefix undeclaring. */
function checkBinding(prefix: string, uri: string): void {
  if (prefix.includes(':')) throw new XmlSyntaxError(`"xmlns:${prefix.slice(0, 60)}" is not a namespace declaration`);
  if (prefix === 'xmlns') throw new XmlSyntaxError('the prefix xmlns cannot be declared');
  if ((prefix === 'xml') !== (uri === NS.XML)) throw new XmlSyntaxError(`the prefix xml and the namespace ${NS.XML} belong only to each other`);
  if (uri === NS.XMLNS) throw new XmlSyntaxError(`the namespace ${NS.XMLNS} cannot be declared`);
  if (prefix !== '' && uri === '') throw new XmlSyntaxError(`the prefix ${prefix.slice(0, 60)} cannot be bound to the empty namespace name`);
}

function resolvePrefix(scope: ReadonlyMap<string, string>, prefix: string, qname: string): string {
  const uri = scope.get(prefix);
  if (uri === undefined) throw new XmlSyntaxError(`namespace prefix "${prefix}" of "${qname}" is not declared`);
  return uri;
}

