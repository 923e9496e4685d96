// Request bytes → text by the Content-Type charset and BOM; the reply goes back in the same
// encoding (DSP0226 R13.1-5: wsmancli parses the reply as UTF-16 when it sent UTF-16).
import { WsmanFault } from '../soap/faults.js';
import { XML_DECLARATION } from '../soap/encode-envelope.js';
import { joinXml, type XmlText } from '../soap/xml-writer.js';

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface MediaType {
  readonly type: string;
  readonly charset: string | undefined;
}

// Clients send the same Content-Type with every request: the last one is kept parsed.
let lastHeader: string | undefined;
let lastType: MediaType = { type: '', charset: undefined };

export function parseContentType(header: string | undefined): MediaType {
  if (header === lastHeader) return lastType;
  lastType = parseMediaType(header);
  lastHeader = header;
  return lastType;
}

function parseMediaType(header: string | undefined): MediaType {
  if (!header) return { type: '', charset: undefined };
  const [type = '', ...params] = header.split(';');
  let charset: string | undefined;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    if (p.slice(0, eq).trim().toLowerCase() === 'charset') charset = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return { type: type.trim().toLowerCase(), charset };
}

// ignoreBOM: the byte order mark is taken off below, once; a second one stays in the text
// (where the XML reader refuses it) instead of being swallowed too.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf16le = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });
const utf16be = new TextDecoder('utf-16be', { fatal: true, ignoreBOM: true });

/**
 * Decodes a request body. The BOM, when present, wins over the declared charset; without one,
 * the first character (always ASCII in XML: "<" or whitespace) tells a UTF-16 body from a UTF-8
 * one (XML 1.0 Appendix F), which settles the byte order of a bare `charset=UTF-16` and catches a
 * body that is not in the character set its Content-Type declares.
 */
export function decodeBody(body: Buffer, charset: string | undefined): { text: string; encoding: Encoding } {
  let encoding: Encoding;
  let start = 0;
  if ((body[0] === 0xff && body[1] === 0xfe && body[2] === 0 && body[3] === 0) || (body[0] === 0 && body[1] === 0 && body[2] === 0xfe && body[3] === 0xff)) {
    // A UTF-32 byte order mark (a UTF-16 one followed by NUL could be nothing else in XML).
    throw new WsmanFault('wsman:EncodingLimit', { detail: 'CharacterSet', reason: 'UTF-32 is not supported; use UTF-8 or UTF-16.' });
  }
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    encoding = 'utf-8';
    start = 3;
  } else if (body[0] === 0xff && body[1] === 0xfe) {
    encoding = 'utf-16le';
    start = 2;
  } else if (body[0] === 0xfe && body[1] === 0xff) {
    encoding = 'utf-16be';
    start = 2;
  } else {
    encoding = byDeclarationAndContent(encodingOf(charset), charset, sniff(body));
  }
  try {
    const bytes = body.subarray(start);
    const decoder = encoding === 'utf-8' ? utf8 : encoding === 'utf-16le' ? utf16le : utf16be;
    return { text: decoder.decode(bytes), encoding };
  } catch {
    throw new WsmanFault('wsman:EncodingLimit', { detail: 'CharacterSet', reason: `The request body is not valid ${encoding.toUpperCase()}.` });
  }
}

/** The encoding family the first two bytes show, when they show one. */
function sniff(body: Buffer): 'utf-8' | 'utf-16le' | 'utf-16be' | undefined {
  const [a, b] = [body[0], body[1]];
  if (a === undefined || b === undefined) return undefined;
  if (a !== 0 && b === 0) return 'utf-16le';
  if (a === 0 && b !== 0) return 'utf-16be';
  if (a !== 0 && b !== 0 && a < 0x80) return 'utf-8';
  return undefined;
}

function byDeclarationAndContent(declared: Encoding, charset: string | undefined, seen: Encoding | undefined): Encoding {
  if (seen === undefined || seen === declared) return declared;
  // A charset-less request, or a bare "UTF-16" whose byte order the content shows.
  if (charset === undefined || (charset === 'utf-16' && seen !== 'utf-8')) return seen;
  throw new WsmanFault('wsman:EncodingLimit', {
    detail: 'CharacterSet',
    reason: `The request body is not in the character set its Content-Type declares (${charset.slice(0, 40)}); it looks like ${seen.toUpperCase()}.`,
  });
}

function encodingOf(charset: string | undefined): Encoding {
  switch (charset) {
    case undefined:
    case 'utf-8':
    case 'utf8':
      return 'utf-8';
    case 'utf-16':
    case 'utf-16be':
      // RFC 2781 §4.3: UTF-16 without a BOM is big-endian.
      return 'utf-16be';
    case 'utf-16le':
      return 'utf-16le';
    default:
      throw new WsmanFault('wsman:EncodingLimit', { detail: 'CharacterSet', reason: `The character set ${charset.slice(0, 40)} is not supported; use UTF-8 or UTF-16.` });
  }
}

/**
 * The reply in the request's encoding, with a BOM for UTF-16, and its Content-Type
 * (text/xml only for the SOAP 1.1 fault that answers a SOAP 1.1 request).
 */
export function encodeReply(xml: XmlText, encoding: Encoding, mediaType = 'application/soap+xml'): { body: string | Buffer; contentType: string } {
  if (encoding === 'utf-8') {
    // A string is written to the socket as UTF-8 without an intermediate Buffer; pieces are
    // written once, straight into the reply's bytes.
    return { body: typeof xml === 'string' ? `${XML_DECLARATION['utf-8']}${xml}` : utf8Bytes(XML_DECLARATION['utf-8'], xml), contentType: `${mediaType};charset=UTF-8` };
  }
  const le = Buffer.from(`${XML_DECLARATION['utf-16']}${joinXml(xml)}`, 'utf16le');
  if (encoding === 'utf-16be') le.swap16();
  return { body: le, contentType: `${mediaType};charset=UTF-16` };
}

/**
 * The pieces' UTF-8 bytes, written once into one buffer. Sized first by their length in UTF-16
 * units (exact for ASCII, the usual case), and grown when a piece turns out to need more: a
 * write that ends within 4 bytes of the end may have stopped short, and only then is the
 * piece measured.
 */
export function utf8Bytes(head: string, pieces: readonly string[]): Buffer {
  let size = head.length;
  for (const p of pieces) size += p.length;
  let out = Buffer.allocUnsafe(size);
  let at = 0;
  const put = (p: string): void => {
    const written = out.write(p, at);
    if (out.length - (at + written) < 4) {
      const needed = Buffer.byteLength(p);
      if (written < needed) {
        const grown = Buffer.allocUnsafe(Math.max(out.length * 2, at + needed + (size - at)));
        out.copy(grown, 0, 0, at);
        out = grown;
        out.write(p, at);
      }
      at += needed;
      return;
    }
    at += written;
  };
  put(head);
  for (const p of pieces) put(p);
  return out.subarray(0, at);
}
