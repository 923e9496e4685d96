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

// A reply's MessageID need only be unique (WS-Addressing), not unpredictable: a random UUID
// drawn once per process, its last 48 bits counting the replies, instead of one draw per reply.
const MESSAGE_ID_BASE = `uuid:${randomUUID().slice(0, 24)}`;
let messageIds = Math.floor(Math.random() * 2 ** 47);

export function newMessageId(): string {
  messageIds = (messageIds + 1) % 2 ** 48;
  return `${MESSAGE_ID_BASE}${messageIds.toString(16).padStart(12, '0')}`;
}

// The addressing headers up to the MessageID, by action: the same few actions answer every request.
const ACTION_HEADERS_MAX = 64;
const actionHeaders = new Map<string, string>();

function addressingUpToMessageId(action: string): string {
  let known = actionHeaders.get(action);
  if (known === undefined) {
    known = `<wsa:To>${WSA_ANONYMOUS}</wsa:To>${el('wsa:Action', escapeText(action))}<wsa:MessageID>`;
    if (actionHeaders.size < ACTION_HEADERS_MAX && action.length <= 512) actionHeaders.set(action, known);
  }
  return known;
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
    header = `${addressingUpToMessageId(parts.action)}${newMessageId()}</wsa:MessageID>` +
      // An empty RelatesTo breaks WinRM; omit it when the request had no MessageID.
      (relatesTo ? el('wsa:RelatesTo', escapeText(relatesTo)) : '') +
      (parts.headerXml ?? '');
  }
  const body = parts.bodyXml ?? '';
  if (body === '') return `${ENVELOPE_OPEN}${el('s:Header', header)}<s:Body/></s:Envelope>`;
  // In pieces even around one string: the reply's bytes are then written from each piece (a
  // cached instance's text as it is) instead of from a joined copy measured and copied again.
  if (typeof body === 'string') return [`${ENVELOPE_OPEN}${el('s:Header', header)}<s:Body>`, body, '</s:Body></s:Envelope>'];
  return [`${ENVELOPE_OPEN}${el('s:Header', header)}<s:Body>`, ...body, '</s:Body></s:Envelope>'];
}
