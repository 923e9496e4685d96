// The one XML reader's interface: the namespace-resolved element tree, the limits, the errors,
// and the checks made on the whole text first. Values stay strings; no entity is ever expanded.
import { readXml, type ReadOptions } from './xml-reader.js';

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

/** A well-formed document that exceeds one of the XmlLimits (a subclass, so callers that only care about "unusable XML" catch both). */
export class XmlLimitError extends XmlSyntaxError {
  constructor(message: string, readonly limit: keyof XmlLimits) {
    super(message);
    this.name = 'XmlLimitError';
  }
}

// SOAP 1.2 part 1 §5: a SOAP message must not contain a DTD; refusing it up front also
// rules out entity expansion (billion laughs, external entities).
const DOCTYPE = /<!DOCTYPE/i;
// XML 1.0 §2.2 Char: C0 controls other than tab, LF and CR, U+FFFE, U+FFFF and unpaired surrogates
// may not appear in a document at all, not even as character references.
const ILLEGAL_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const PLAIN_ASCII = /^[\t\n\r\x20-\x7e]*$/;
const ENTITY_REF = /&(?:(lt|gt|amp|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));|&/g;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined entities and character references; anything else is malformed. */
export function decodeXmlText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY_REF, (m, named: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (named !== undefined) return PREDEFINED[named] ?? m;
    const code = dec !== undefined ? Number(dec) : hex !== undefined ? parseInt(hex, 16) : -1;
    // The messages name no entity text: they end up in fault reasons.
    if (code < 0) throw new XmlSyntaxError('an ampersand that starts no predefined entity or character reference (entities are not declared in SOAP)');
    if (!isXmlChar(code)) throw new XmlSyntaxError(`a character reference to U+${code.toString(16).toUpperCase().padStart(4, '0')}, which is not a legal XML character`);
    return String.fromCodePoint(code);
  });
}

function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/** Parses a complete XML document into a namespace-resolved element tree. */
export function parseXml(xml: string, limits: XmlLimits = DEFAULT_XML_LIMITS, options: ReadOptions = {}): XmlElement {
  if (DOCTYPE.test(xml)) throw new XmlSyntaxError('a document type declaration is not allowed in a SOAP message');
  // The byte order mark was taken off with the encoding; another one is a character before the root.
  if (xml.startsWith('\ufeff')) throw new XmlSyntaxError('a byte order mark inside the document');
  // Printable ASCII with tab and line ends is the common case and needs no closer look.
  const illegal = PLAIN_ASCII.test(xml) ? null : ILLEGAL_CHAR.exec(xml);
  if (illegal) {
    const code = illegal[0].codePointAt(0) ?? 0;
    throw new XmlSyntaxError(`the character U+${code.toString(16).toUpperCase().padStart(4, '0')} is not allowed in an XML document`);
  }
  return readXml(xml, limits, options);
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
/** XML 1.0 §2.3 S: space, tab, line feed, carriage return. */
export const isXmlSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

export function trimmedText(el: XmlElement | undefined): string {
  if (!el) return '';
  const t = el.text;
  let a = 0;
  let b = t.length;
  while (a < b && isXmlSpace(t.charCodeAt(a))) a++;
  while (b > a && isXmlSpace(t.charCodeAt(b - 1))) b--;
  return a === 0 && b === t.length ? t : t.slice(a, b);
}
