// Decoded requests remembered by their text. A manager that polls sends the same envelope over
// and over with only the MessageID changed, so the text without the MessageID's value names
// the decoded request, and a repeat skips the XML reader and the header and body checks.
//
// Decoding is a pure function of the text (and of fixed limits), so this is safe as long as
// the value cut out is the MessageID element's whole content and nothing else. The cut is the
// text after the first 'MessageID' and its next '>', up to the next '<'; a text is remembered
// only when 'MessageID' occurs there twice (the element's start and end tags: no other element,
// comment or value names it) and the cut is exactly the MessageID the decoder read; a repeat's
// cut is used only when it is plain text (no markup, entity, space or character XML 1.0
// refuses), which every XML reader takes as it stands. 'MessageID' cannot overlap itself, so
// two texts with the same key are cut at the same place and differ only in that value.
import type { XmlLimits } from '../soap/xml.js';
import type { WsmanRequest } from './request.js';

export interface RequestMemoOptions {
  /** decoded requests remembered; 0 remembers none */
  readonly entries: number;
  /** longest request text remembered, in characters */
  readonly maxTextChars: number;
}

export const DEFAULT_REQUEST_MEMO: RequestMemoOptions = { entries: 256, maxTextChars: 8192 };

// The kinds worth remembering: their requests repeat byte for byte between polls. A Pull,
// Renew or Release names a fresh context each time; a Put or Invoke carries fresh values.
const REMEMBERED = new Set<WsmanRequest['kind']>(['identify', 'get', 'enumerate']);
const MARK = 'MessageID';
// What any XML reader takes for itself: no markup, entity, space or character XML 1.0 refuses.
const PLAIN_VALUE = /^[\x21-\x25\x27-\x3b\x3d\x3f-\x5c\x5e-\x7e]{1,256}$/;

interface Entry {
  readonly request: WsmanRequest;
  readonly limits: XmlLimits;
}

export type Decode = (xml: string, limits: XmlLimits) => WsmanRequest;

/**
 * At most `entries` keys, in two generations: a key found in the older one moves to the newer,
 * and when the newer is full the older is dropped whole. Cheaper per request than a strict LRU
 * (two Map lookups at most, no list to keep in order), and what is dropped goes in one piece.
 */
class TwoGenerations<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  constructor(private readonly half: number) {}

  get(key: string): V | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit;
    const aged = this.old.get(key);
    if (aged !== undefined) {
      this.old.delete(key);
      this.set(key, aged);
    }
    return aged;
  }

  set(key: string, value: V): void {
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}

// Looking a text up costs about a third of decoding it (the key is copied and hashed whole), so
// the memo pays only when requests repeat. It watches its hit rate: when too few of the last
// lookups found anything (a manager sweeping every VM once), it stands aside for a while.
const SAMPLE = 512;
const MIN_HIT_RATE = 0.25;
const STAND_ASIDE = 8192;

export class RequestMemo {
  private readonly cache: TwoGenerations<Entry> | undefined;
  private lookups = 0;
  private hits = 0;
  /** requests left before the memo is tried again */
  private aside = 0;

  constructor(private readonly options: RequestMemoOptions = DEFAULT_REQUEST_MEMO) {
    this.cache = options.entries > 0 ? new TwoGenerations<Entry>(Math.max(1, Math.ceil(options.entries / 2))) : undefined;
  }

  /** The request a text decodes to: remembered, or decoded (and remembered when it may be). */
  decode(xml: string, limits: XmlLimits, decode: Decode): WsmanRequest {
    if (this.cache === undefined || xml.length > this.options.maxTextChars) return decode(xml, limits);
    if (this.aside > 0) {
      this.aside--;
      return decode(xml, limits);
    }
    const cut = split(xml);
    const key = cut ? xml.slice(0, cut.start) + xml.slice(cut.end) : xml;
    const hit = this.cache.get(key);
    this.count(hit !== undefined);
    if (hit !== undefined && hit.limits === limits) {
      const value = cut ? xml.slice(cut.start, cut.end) : undefined;
      if (value === undefined) return hit.request;
      if (PLAIN_VALUE.test(value)) return withMessageId(hit.request, value);
    }
    const request = decode(xml, limits);
    if (REMEMBERED.has(request.kind) && rememberable(xml, cut, request.messageId)) this.cache.set(key, { request, limits });
    return request;
  }

  get size(): number {
    return this.cache?.size ?? 0;
  }

  /** Whether lookups are being skipped now, for want of repeats. */
  get standingAside(): boolean {
    return this.aside > 0;
  }

  private count(hit: boolean): void {
    this.lookups++;
    if (hit) this.hits++;
    if (this.lookups < SAMPLE) return;
    if (this.hits < this.lookups * MIN_HIT_RATE) this.aside = STAND_ASIDE;
    this.lookups = 0;
    this.hits = 0;
  }
}

interface Cut {
  /** where 'MessageID' first occurs */
  readonly at: number;
  readonly start: number;
  readonly end: number;
}

/** The text after the first 'MessageID' and the next '>', up to the next '<'. */
function split(xml: string): Cut | undefined {
  const at = xml.indexOf(MARK);
  if (at < 0) return undefined;
  const gt = xml.indexOf('>', at + MARK.length);
  const end = gt < 0 ? -1 : xml.indexOf('<', gt + 1);
  return end < 0 ? undefined : { at, start: gt + 1, end };
}

/** Whether the cut is the one MessageID element's whole content, as the decoder read it. */
function rememberable(xml: string, cut: Cut | undefined, messageId: string | undefined): boolean {
  if (cut === undefined) return messageId === undefined && !xml.includes(MARK);
  const second = xml.indexOf(MARK, cut.at + MARK.length);
  if (second < 0 || xml.includes(MARK, second + MARK.length)) return false;
  const value = xml.slice(cut.start, cut.end);
  return value === messageId && PLAIN_VALUE.test(value);
}

function withMessageId(r: WsmanRequest, messageId: string): WsmanRequest {
  if (r.kind === 'identify') return { ...r, messageId };
  return { ...r, messageId, headers: { ...r.headers, messageId } };
}
