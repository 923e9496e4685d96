// Response envelopes. Every envelope declares our fixed prefixes once on the root, so cached
// fragments spliced into the body can use them without redeclaring. The answers on the hot
// path (Identify, Get, Enumerate, Pull, Put) give their header blocks and body as XML text and
// are written by concatenation; the others are built with xmlbuilder2.
import { randomUUID } from 'node:crypto';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { NS, PREFIX, WSA_ANONYMOUS } from './namespaces.js';
import { escapeAttr, escapeText, joinXml, xmlSafe, type XmlText } from './xml-writer.js';

export type { XMLBuilder };

export interface ReplyAddressing {
  readonly action: string;
  /** MessageID of the request; RelatesTo is omitted when the request had none */
  readonly relatesTo?: string | undefined;
}

export interface EnvelopeParts extends ReplyAddressing {
  /** extra header blocks after the addressing headers */
  readonly headers?: (header: XMLBuilder) => void;
  /** body content */
  readonly body?: (body: XMLBuilder) => void;
  /** Identify replies carry an empty header */
  readonly bareHeader?: boolean;
  /** header blocks as XML text, after the addressing headers (instead of `headers`) */
  readonly headerXml?: string;
  /** the Body's content as XML text (instead of `body`); in pieces for large answers */
  readonly bodyXml?: XmlText;
}

/** `<name>content</name>`, or `<name/>` when empty; content is XML text, already escaped. */
export function el(qname: string, content = ''): string {
  return content === '' ? `<${qname}/>` : `<${qname}>${content}</${qname}>`;
}

const ENVELOPE_OPEN = `<s:Envelope ${Object.entries(PREFIX).map(([prefix, uri]) => `xmlns:${prefix}="${escapeAttr(uri)}"`).join(' ')}>`;

/** What precedes an envelope on the wire, by encoding (UTF-16 with its byte order mark). */
export const XML_DECLARATION = {
  'utf-8': '<?xml version="1.0" encoding="UTF-8"?>',
  'utf-16': '\ufeff<?xml version="1.0" encoding="UTF-16"?>',
} as const;

export function newMessageId(): string {
  return `uuid:${randomUUID()}`;
}

export function encodeEnvelope(parts: EnvelopeParts): string {
  return joinXml(encodeEnvelopeText(parts));
}

/** The envelope, in pieces when its body was given in pieces; `relatesTo` in place of the parts' own. */
export function encodeEnvelopeText(parts: EnvelopeParts, relatesTo: string | undefined = parts.relatesTo): XmlText {
  if (parts.headers === undefined && parts.body === undefined) return writeEnvelope(parts, relatesTo);
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const env = doc.ele(NS.S, 's:Envelope');
  for (const [prefix, uri] of Object.entries(PREFIX)) env.att(NS.XMLNS, `xmlns:${prefix}`, uri);
  const header = env.ele(NS.S, 's:Header');
  if (!parts.bareHeader) {
    header.ele(NS.WSA, 'wsa:To').txt(WSA_ANONYMOUS);
    header.ele(NS.WSA, 'wsa:Action').txt(xmlSafe(parts.action));
    header.ele(NS.WSA, 'wsa:MessageID').txt(newMessageId());
    // An empty RelatesTo breaks WinRM; omit it when the request had no MessageID.
    if (relatesTo) header.ele(NS.WSA, 'wsa:RelatesTo').txt(xmlSafe(relatesTo));
    parts.headers?.(header);
  }
  const body = env.ele(NS.S, 's:Body');
  parts.body?.(body);
  return doc.end({ headless: true });
}

/** The envelope by concatenation: the same document the xmlbuilder2 path writes. */
function writeEnvelope(parts: EnvelopeParts, relatesTo: string | undefined): XmlText {
  let header = '';
  if (!parts.bareHeader) {
    header = `<wsa:To>${WSA_ANONYMOUS}</wsa:To>${el('wsa:Action', escapeText(parts.action))}<wsa:MessageID>${newMessageId()}</wsa:MessageID>` +
      // An empty RelatesTo breaks WinRM; omit it when the request had no MessageID.
      (relatesTo ? el('wsa:RelatesTo', escapeText(relatesTo)) : '') +
      (parts.headerXml ?? '');
  }
  const body = parts.bodyXml ?? '';
  if (typeof body === 'string') return `${ENVELOPE_OPEN}${el('s:Header', header)}${el('s:Body', body)}</s:Envelope>`;
  return [`${ENVELOPE_OPEN}${el('s:Header', header)}<s:Body>`, ...body, '</s:Body></s:Envelope>'];
}
