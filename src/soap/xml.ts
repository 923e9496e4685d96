// The one XML reader: fast-xml-parser configured once, then a walk that resolves
// prefixes to namespace URIs. Values stay strings; no entity is ever expanded.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { NS } from './namespaces.js';

export interface XmlAttr {
  readonly ns: string;
  readonly name: string;
  readonly value: string;
}

export interface XmlElement {
  readonly ns: string;
  readonly name: string;
  readonly attrs: readonly XmlAttr[];
  readonly children: readonly XmlElement[];
  /** concatenated character data directly inside this element (text and CDATA) */
  readonly text: string;
}

export interface XmlLimits {
  /** deepest element nesting accepted */
  readonly maxDepth: number;
  /** most elements in one document */
  readonly maxElements: number;
  /** most attributes on one element */
  readonly maxAttributes: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxDepth: 64, maxElements: 200_000, maxAttributes: 256 };

export class XmlSyntaxError extends Error {
  constructor(message: string, readonly line?: number, readonly column?: number) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

const TEXT = '#text';
const CDATA = '#cdata';
const ATTRS = ':@';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
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
});

// SOAP 1.2 part 1 §5: a SOAP message must not contain a DTD; refusing it up front also
// rules out entity expansion (billion laughs, external entities).
const DOCTYPE = /<!DOCTYPE/i;
const ENTITY_REF = /&(?:(lt|gt|amp|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));|&/g;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined entities and character references; anything else is malformed. */
export function decodeXmlText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY_REF, (m, named: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (named !== undefined) return PREDEFINED[named] ?? m;
    const code = dec !== undefined ? Number(dec) : hex !== undefined ? parseInt(hex, 16) : -1;
    if (code < 0) throw new XmlSyntaxError('undeclared entity or bare "&" in character data');
    if (!isXmlChar(code)) throw new XmlSyntaxError(`character reference &#${code}; is not a legal XML character`);
    return String.fromCodePoint(code);
  });
}

function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

type RawNode = Record<string, unknown>;

interface Frame {
  readonly raw: readonly RawNode[];
  readonly scope: ReadonlyMap<string, string>;
}

/** Parses a complete XML document into a namespace-resolved element tree. */
export function parseXml(xml: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  if (DOCTYPE.test(xml)) throw new XmlSyntaxError('a document type declaration is not allowed in a SOAP message');
  const valid = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (valid !== true) throw new XmlSyntaxError(valid.err.msg, valid.err.line, valid.err.col);
  const roots = parser.parse(xml) as RawNode[];
  const elements = roots.filter((n) => !(TEXT in n) && !(CDATA in n));
  const root = elements[0];
  if (elements.length !== 1 || root === undefined) throw new XmlSyntaxError('a document must have exactly one root element');
  const counter = { elements: 0 };
  return build(root, new Map([['xml', NS.XML]]), 1, limits, counter);
}

function build(node: RawNode, parentScope: ReadonlyMap<string, string>, depth: number, limits: XmlLimits, counter: { elements: number }): XmlElement {
  if (depth > limits.maxDepth) throw new XmlSyntaxError(`elements nested deeper than ${limits.maxDepth}`);
  if (++counter.elements > limits.maxElements) throw new XmlSyntaxError(`more than ${limits.maxElements} elements`);
  const qname = Object.keys(node).find((k) => k !== ATTRS);
  if (qname === undefined) throw new XmlSyntaxError('empty node');
  const rawAttrs = (node[ATTRS] ?? {}) as Record<string, string>;
  const attrNames = Object.keys(rawAttrs);
  if (attrNames.length > limits.maxAttributes) throw new XmlSyntaxError(`more than ${limits.maxAttributes} attributes on <${qname}>`);

  let scope = parentScope;
  for (const a of attrNames) {
    if (a === 'xmlns' || a.startsWith('xmlns:')) {
      if (scope === parentScope) scope = new Map(parentScope);
      (scope as Map<string, string>).set(a === 'xmlns' ? '' : a.slice(6), decodeXmlText(rawAttrs[a] ?? ''));
    }
  }

  const attrs: XmlAttr[] = [];
  for (const a of attrNames) {
    if (a === 'xmlns' || a.startsWith('xmlns:')) continue;
    const colon = a.indexOf(':');
    // Unprefixed attributes are in no namespace (Namespaces in XML 1.0 §6.2).
    const ns = colon < 0 ? '' : resolvePrefix(scope, a.slice(0, colon), a);
    attrs.push({ ns, name: colon < 0 ? a : a.slice(colon + 1), value: decodeXmlText(rawAttrs[a] ?? '') });
  }

  const colon = qname.indexOf(':');
  const ns = colon < 0 ? scope.get('') ?? '' : resolvePrefix(scope, qname.slice(0, colon), qname);
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[qname] ?? []) as RawNode[]) {
    if (TEXT in child) text += decodeXmlText(String(child[TEXT]));
    else if (CDATA in child) {
      for (const c of child[CDATA] as RawNode[]) text += String(c[TEXT] ?? '');
    } else children.push(build(child, scope, depth + 1, limits, counter));
  }
  return { ns, name: colon < 0 ? qname : qname.slice(colon + 1), attrs, children, text };
}

function resolvePrefix(scope: ReadonlyMap<string, string>, prefix: string, qname: string): string {
  const uri = scope.get(prefix);
  if (uri === undefined) throw new XmlSyntaxError(`namespace prefix "${prefix}" of "${qname}" is not declared`);
  return uri;
}

export function child(el: XmlElement | undefined, ns: string, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name && c.ns === ns);
}

export function childrenNamed(el: XmlElement | undefined, ns: string, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name && c.ns === ns) : [];
}

export function attr(el: XmlElement, name: string, ns = ''): string | undefined {
  return el.attrs.find((a) => a.name === name && a.ns === ns)?.value;
}

/** Text of an element with surrounding XML whitespace removed (values such as URIs and numbers). */
export function trimmedText(el: XmlElement | undefined): string {
  return el ? el.text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '') : '';
}
