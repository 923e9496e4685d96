// Escaping for XML written as strings (instance fragments are cached as strings and
// spliced into envelopes built with xmlbuilder2).

/**
 * XML text, whole or as its pieces in order. A large answer (a batch of instances) stays in
 * pieces until it is written into the reply's bytes: joined, it would be one large string
 * copied again to be measured and encoded, and (past ~128 KB) an object for the old generation.
 */
export type XmlText = string | readonly string[];

export function joinXml(xml: XmlText): string {
  return typeof xml === 'string' ? xml : xml.join('');
}

const TEXT_ESCAPES = /[&<>\r]/g;
const ATTR_ESCAPES = /[&<>"\r\n\t]/g;
const ESC: Readonly<Record<string, string>> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;', '\n': '&#10;', '\t': '&#9;',
};
// Characters XML 1.0 cannot carry at all; replaced as WinRM does rather than emitting a broken document.
const ILLEGAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

// Most text (uuids, names, URIs, numbers) needs none of the work below: one scan tells.
const TEXT_CLEAN = /^[^&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]*$/;
const ATTR_CLEAN = /^[^&<>"\r\n\t\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]*$/;

export function escapeText(s: string): string {
  if (TEXT_CLEAN.test(s)) return s;
  const clean = s.replace(ILLEGAL, '?');
  return clean.replace(TEXT_ESCAPES, (c) => ESC[c] ?? c);
}

export function escapeAttr(s: string): string {
  if (ATTR_CLEAN.test(s)) return s;
  const clean = s.replace(ILLEGAL, '?');
  return clean.replace(ATTR_ESCAPES, (c) => ESC[c] ?? c);
}

/**
 * Prepares text for xmlbuilder2's txt() and att(): removes characters XML cannot carry (it
 * would throw on them) and escapes every "&" itself, because xmlbuilder2 leaves anything shaped
 * like an entity reference ("&name;", "&#0;") unescaped, and request text quoted back in an
 * answer may hold exactly that.
 */
export function xmlSafe(s: string): string {
  return s.replace(ILLEGAL, '?').replace(/&/g, '&amp;');
}
