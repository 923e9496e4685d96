// Filling one Enumerate/Pull batch: up to MaxElements items and no more bytes than
// MaxEnvelopeSize allows; an item that does not fit stays for the next Pull.
import type { Cimom, EnumerationCursor } from '../cim/cimom.js';
import type { OperationContext } from '../cim/operation-context.js';
import type { CimInstance } from '../cim/instance.js';
import { WsmanFault } from '../soap/faults.js';
import type { WsmanDeps, TransportInfo } from './deps.js';
import { encodeEpr, encodeInstance } from './encode-instance.js';
import type { Addressing, EnumerationMode } from './request.js';
import { encodeEnvelope, XML_DECLARATION, type EnvelopeParts } from '../soap/encode-envelope.js';
import type { Headers } from '../soap/headers.js';
import { joinXml, type XmlText } from '../soap/xml-writer.js';
import type { Polymorphism } from '../cim/cimom.js';

// An item's size in UTF-8, kept with the instance it was measured for: the item text of an
// unchanged instance is the same cached string, so it is measured once, not on every Pull.
const measured = new WeakMap<CimInstance, { readonly item: string; readonly bytes: number }>();

function utf8Size(inst: CimInstance, item: string): number {
  const known = measured.get(inst);
  if (known !== undefined && known.item === item) return known.bytes;
  const bytes = Buffer.byteLength(item);
  measured.set(inst, { item, bytes });
  return bytes;
}

/** DSP0226 R6.2-4: below this a client's MaxEnvelopeSize is refused. */
export const MIN_ENVELOPE_SIZE = 8192;

export interface Batch {
  /** the items' XML, one piece per item (joined only as they are written into the reply) */
  readonly items: readonly string[];
  readonly count: number;
  readonly done: boolean;
}

/** The answer's size limit in octets; a MaxEnvelopeSize below the minimum is refused. */
export function envelopeBudget(headers: Headers, deps: WsmanDeps): number {
  const max = headers.maxEnvelopeSize ?? deps.limits.defaultMaxEnvelopeSize;
  if (max < MIN_ENVELOPE_SIZE) {
    throw new WsmanFault('wsman:EncodingLimit', { detail: 'MinimumEnvelopeLimit', reason: `MaxEnvelopeSize must be at least ${MIN_ENVELOPE_SIZE} octets.` });
  }
  return max;
}

/**
 * Octets left for the items: the limit less the answer without them, measured in the reply's
 * encoding. `shell` is that answer at its largest (context, end marker, estimate), so that
 * the addressing headers (the echoed RelatesTo can be long) and UTF-16's two bytes a unit count.
 */
export function itemBudget(req: Addressing, deps: WsmanDeps, transport: TransportInfo, shell: Omit<EnvelopeParts, 'relatesTo'>): number {
  return envelopeBudget(req.headers, deps) - replyOctets(encodeEnvelope({ ...shell, relatesTo: req.messageId }), transport);
}

/** An envelope's size on the wire, with the XML declaration (and UTF-16's byte order mark) before it. */
export function replyOctets(envelope: XmlText, transport: TransportInfo): number {
  const text = joinXml(envelope);
  return transport.bytesPerChar === 2
    ? (XML_DECLARATION['utf-16'].length + text.length) * 2
    : XML_DECLARATION['utf-8'].length + Buffer.byteLength(text);
}

export function fillBatch(
  ctx: OperationContext,
  deps: WsmanDeps,
  cursor: EnumerationCursor,
  options: {
    maxElements: number;
    budget: number;
    mode: EnumerationMode;
    polymorphism: Polymorphism;
    properties: readonly string[] | undefined;
    transport: TransportInfo;
    /** wsen:MaxCharacters: the most characters of items */
    maxCharacters?: number;
    /** wsen:MaxTime: stop gathering at this time (ms since the epoch) */
    deadline?: number;
  },
): Batch {
  const { cimom } = deps;
  const items: string[] = [];
  let bytes = 0;
  let count = 0;
  let chars = 0;
  while (count < options.maxElements) {
    if (options.deadline !== undefined && Date.now() >= options.deadline) {
      // WS-Enumeration §3.2: nothing gathered within MaxTime is wsen:TimedOut; the context stays valid.
      if (count === 0) throw new WsmanFault('wsen:TimedOut', { reason: 'No items could be gathered within MaxTime; the enumeration context is still valid.' });
      break;
    }
    const mark = { segment: cursor.segment, position: cursor.position };
    const inst = cimom.next(ctx, cursor);
    if (!inst) break;
    const item = encodeItem(cimom, inst, cursor, options);
    // UTF-16 takes two bytes per UTF-16 unit (the string's length), not per UTF-8 byte.
    const size = options.transport.bytesPerChar === 2 ? item.length * 2 : utf8Size(inst, item);
    if (bytes + size > options.budget || (options.maxCharacters !== undefined && chars + item.length > options.maxCharacters)) {
      cursor.segment = mark.segment;
      cursor.position = mark.position;
      if (count === 0) {
        throw new WsmanFault('wsman:EncodingLimit', { detail: 'MaxEnvelopeSize', reason: 'The next item does not fit within MaxEnvelopeSize (or MaxCharacters).' });
      }
      break;
    }
    items.push(item);
    bytes += size;
    chars += item.length;
    count++;
  }
  return { items, count, done: cimom.isDone(cursor) };
}

function encodeItem(cimom: Cimom, inst: CimInstance, cursor: EnumerationCursor, o: { mode: EnumerationMode; polymorphism: Polymorphism; properties: readonly string[] | undefined }): string {
  if (o.mode === 'EnumerateEPR') return encodeEpr(inst.path);
  const cls = cimom.schema.getClass(inst.className);
  const asClass = o.polymorphism === 'ExcludeSubClassProperties' ? cimom.schema.getClass(cursor.className) : undefined;
  const body = cls ? encodeInstance(inst, cls, asClass, o.properties) : '';
  return o.mode === 'EnumerateObjectAndEPR' ? `<wsman:Item>${body}${encodeEpr(inst.path)}</wsman:Item>` : body;
}
