// Response envelopes (xmlbuilder2). Every envelope declares our fixed prefixes once on the
// root, so cached fragments spliced into the body can use them without redeclaring.
import { randomUUID } from 'node:crypto';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { NS, PREFIX, WSA_ANONYMOUS } from './namespaces.js';
import { xmlSafe } from './xml-writer.js';

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
  /** ready-made XML placed where the body callback called `placeRaw` */
  readonly raw?: string;
  /** Identify replies carry an empty header */
  readonly bareHeader?: boolean;
}

// A per-process marker that no client can predict, replaced by the raw fragment after serialization.
const RAW_MARK = `RAW-${randomUUID()}`;

/** Marks where `EnvelopeParts.raw` goes. */
export function placeRaw(parent: XMLBuilder): void {
  parent.txt(RAW_MARK);
}

export function newMessageId(): string {
  return `uuid:${randomUUID()}`;
}

export function encodeEnvelope(parts: EnvelopeParts): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const env = doc.ele(NS.S, 's:Envelope');
  for (const [prefix, uri] of Object.entries(PREFIX)) env.att(NS.XMLNS, `xmlns:${prefix}`, uri);
  const header = env.ele(NS.S, 's:Header');
  if (!parts.bareHeader) {
    header.ele(NS.WSA, 'wsa:To').txt(WSA_ANONYMOUS);
    header.ele(NS.WSA, 'wsa:Action').txt(xmlSafe(parts.action));
    header.ele(NS.WSA, 'wsa:MessageID').txt(newMessageId());
    // An empty RelatesTo breaks WinRM; omit it when the request had no MessageID.
    if (parts.relatesTo) header.ele(NS.WSA, 'wsa:RelatesTo').txt(xmlSafe(parts.relatesTo));
    parts.headers?.(header);
  }
  const body = env.ele(NS.S, 's:Body');
  parts.body?.(body);
  const xml = doc.end({ headless: true });
  return parts.raw === undefined ? xml : xml.replace(RAW_MARK, () => parts.raw ?? '');
}
