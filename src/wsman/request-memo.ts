// Decoded requests remembered by their text. A manager that polls sends the same envelope over
// and over with only the MessageID changed, and one that sweeps its VMs sends the same Get with
// only the selector values changed; so the text without those values names a decoded request
// (a template), and a repeat skips the XML reader and the header and body checks.
//
// Decoding is a pure function of the text (and of fixed limits), so this is safe as long as each
// value cut out is the whole content of its element and nothing else. A cut is the text after a
// marker ('MessageID', or the start tag of a 'Selector' in a Get) and its next '>', up to the
// next '<'. A text is remembered only when the markers occur exactly as the elements' own start
// and end tags (no other element, comment or value names them) and every cut is exactly the
// value the decoder read; a repeat's cuts are used only when they are plain text (no markup,
// entity, space or character XML 1.0 refuses, no marker), which every XML reader takes as it
// stands. The key holds the length of every piece between cuts, so two texts with the same key
// are cut at the same places and differ only in those values.
import type { XmlLimits } from '../soap/xml.js';
import { ACTION } from '../soap/namespaces.js';
import type { Headers, Selector } from '../soap/headers.js';
import type { WsmanRequest } from './request.js';
import { NAMESPACE_SELECTOR } from './resource-uri.js';

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
const SELECTOR = 'Selector';
// Selector values are cut only from a Get (a sweep over instances); elsewhere a Selector may sit
// in a filter or an EPR, and is part of the template.
const GET_ACTION = `>${ACTION.GET}<`;

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

/** A remembered text's pieces between its cuts, to recognise a repeat without building its key. */
interface Recent {
  readonly pieces: readonly string[];
  /** what each value between two pieces is */
  readonly kinds: readonly Cut['kind'][];
  readonly entry: Entry;
}

/** How many of the templates found last are tried first, by comparing pieces in place. */
const RECENT = 4;

export class RequestMemo {
  private readonly cache: TwoGenerations<Entry> | undefined;
  /** the templates found last, newest first: a poller's repeats match one without a key or hash */
  private recent: Recent[] = [];
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
    const repeat = this.fromRecent(xml, limits);
    if (repeat !== undefined) {
      this.count(true);
      return repeat;
    }
    const cuts = cutsOf(xml);
    const key = cuts === undefined ? xml : keyOf(xml, cuts);
    const hit = this.cache.get(key);
    if (hit !== undefined && cuts !== undefined) this.recent = [{ pieces: piecesOf(xml, cuts), kinds: cuts.map((c) => c.kind), entry: hit }, ...this.recent.slice(0, RECENT - 1)];
    this.count(hit !== undefined);
    if (hit !== undefined && hit.limits === limits) {
      if (cuts === undefined) return hit.request;
      const values = cuts.map((c) => xml.slice(c.start, c.end));
      const swapped = values.every(swappable) ? withValues(hit.request, cuts.map((c) => c.kind), values) : undefined;
      if (swapped !== undefined) return swapped;
    }
    const request = decode(xml, limits);
    if (REMEMBERED.has(request.kind) && rememberable(xml, cuts, request)) this.cache.set(key, { request, limits });
    return request;
  }

  /**
   * The request of a text made of a recent template's pieces with plain values between them: its
   * values are where the template's were (a value runs to the next '<'), and every XML reader
   * reads them as they stand, so the text decodes as the template did with these values.
   */
  private fromRecent(xml: string, limits: XmlLimits): WsmanRequest | undefined {
    for (const r of this.recent) {
      const values = valuesIn(r.pieces, xml);
      if (values === undefined) continue;
      if (r.entry.limits !== limits || !values.every(swappable)) return undefined;
      return withValues(r.entry.request, r.kinds, values);
    }
    return undefined;
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
  readonly kind: 'messageId' | 'selector';
  readonly start: number;
  readonly end: number;
}

/**
 * The values to cut out, in text order: the MessageID's, and in a Get each Selector's. Undefined
 * when there is none; a marker with no value after it leaves the text whole (it is decoded).
 */
function cutsOf(xml: string): Cut[] | undefined {
  const cuts: Cut[] = [];
  const at = xml.indexOf(MARK);
  if (at >= 0) {
    const c = valueAfter(xml, 'messageId', at, MARK.length);
    if (c === undefined) return undefined;
    cuts.push(c);
  }
  if (xml.includes(GET_ACTION)) {
    for (let s = xml.indexOf(SELECTOR); s >= 0; s = xml.indexOf(SELECTOR, s + SELECTOR.length)) {
      if (xml.startsWith('Set', s + SELECTOR.length) || !isStartTag(xml, s)) continue;
      const c = valueAfter(xml, 'selector', s, SELECTOR.length);
      if (c === undefined) return undefined;
      cuts.push(c);
    }
    cuts.sort((a, b) => a.start - b.start);
  }
  return cuts.length === 0 ? undefined : cuts;
}

/** The text after `at`'s marker and the next '>', up to the next '<'. */
function valueAfter(xml: string, kind: Cut['kind'], at: number, length: number): Cut | undefined {
  const gt = xml.indexOf('>', at + length);
  const end = gt < 0 ? -1 : xml.indexOf('<', gt + 1);
  return end < 0 ? undefined : { kind, start: gt + 1, end };
}

/** Whether the marker at `at` is an element's name in a start tag: `<Selector` or `<p:Selector`. */
function isStartTag(xml: string, at: number): boolean {
  let i = at - 1;
  if (xml.charCodeAt(i) === 0x3a /* : */) {
    i--;
    while (i >= 0 && isPrefixChar(xml.charCodeAt(i))) i--;
  }
  return xml.charCodeAt(i) === 0x3c /* < */;
}

/** [A-Za-z0-9_.-], what a prefix is made of here (by character code: no one-letter strings). */
function isPrefixChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2e || c === 0x2d;
}

/** The text without its values, and the length of every piece left, so pieces cannot shift. */
function keyOf(xml: string, cuts: readonly Cut[]): string {
  let lengths = '';
  let text = '';
  let from = 0;
  for (const c of cuts) {
    lengths += `${c.start - from},`;
    text += xml.slice(from, c.start);
    from = c.end;
  }
  return `${lengths}\u0000${text}${xml.slice(from)}`;
}

/** The text between the cuts (before the first, between each two, after the last). */
function piecesOf(xml: string, cuts: readonly Cut[]): string[] {
  const pieces: string[] = [];
  let from = 0;
  for (const c of cuts) {
    pieces.push(xml.slice(from, c.start));
    from = c.end;
  }
  pieces.push(xml.slice(from));
  return pieces;
}

/**
 * The values between `pieces` in the text, when it is exactly those pieces with a value (up to
 * the next '<') between each two; undefined when it is not. (A slice compared with === is a
 * block compare; startsWith at an offset goes character by character, ~50 times slower on a
 * 1 KB piece.)
 */
function valuesIn(pieces: readonly string[], xml: string): string[] | undefined {
  const values: string[] = [];
  const last = pieces.length - 1;
  let at = 0;
  for (let i = 0; i < last; i++) {
    const piece = pieces[i]!;
    const start = at + piece.length;
    if (xml.slice(at, start) !== piece) return undefined;
    const end = xml.indexOf('<', start);
    if (end < 0) return undefined;
    values.push(xml.slice(start, end));
    at = end;
  }
  const tail = pieces[last]!;
  return xml.length - at === tail.length && xml.slice(at) === tail ? values : undefined;
}

function swappable(value: string): boolean {
  return PLAIN_VALUE.test(value) && !value.includes(MARK) && !value.includes(SELECTOR);
}

/** Whether each cut is exactly one value the decoder read, and nothing else names a marker. */
function rememberable(xml: string, cuts: readonly Cut[] | undefined, request: WsmanRequest): boolean {
  if (cuts === undefined) return request.messageId === undefined && !xml.includes(MARK);
  const values = cuts.map((c) => xml.slice(c.start, c.end));
  if (!values.every(swappable)) return false;
  const ids = cuts.filter((c) => c.kind === 'messageId');
  if (ids.length !== 1 || occurrences(xml, MARK) !== 2 || values[cuts.indexOf(ids[0]!)] !== request.messageId) return false;
  const selectorValues = values.filter((_, i) => cuts[i]!.kind === 'selector');
  if (selectorValues.length === 0) return true;
  // Selectors are swapped only where they are the Get's own, all given as text in the SelectorSet.
  if (request.kind !== 'get') return false;
  const given = request.headers.selectors ?? [];
  const named = request.resource.selectors;
  return (
    occurrences(xml, SELECTOR) - occurrences(xml, `${SELECTOR}Set`) === 2 * selectorValues.length &&
    given.length === selectorValues.length &&
    named.length === given.length &&
    given.every((s, i) => s.epr === undefined && s.value === selectorValues[i] && named[i] === s && s.name.toLowerCase() !== NAMESPACE_SELECTOR)
  );
}

function occurrences(text: string, word: string): number {
  let n = 0;
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + word.length)) n++;
  return n;
}

/**
 * The remembered request with this text's MessageID and selector values; undefined without a
 * MessageID (never, for a text with a remembered text's key: each was remembered with one).
 */
function withValues(r: WsmanRequest, kinds: readonly Cut['kind'][], values: readonly string[]): WsmanRequest | undefined {
  let messageId: string | undefined;
  const selectorValues: string[] = [];
  kinds.forEach((kind, i) => {
    if (kind === 'messageId') messageId = values[i];
    else selectorValues.push(values[i]!);
  });
  if (messageId === undefined) return undefined;
  if (r.kind === 'identify') return { ...r, messageId };
  if (selectorValues.length === 0 || r.kind !== 'get') return { ...r, messageId, headers: headersWith(r.headers, messageId) };
  const swapped = new Map<Selector, Selector>();
  const selectors = (r.headers.selectors ?? []).map((s, i) => {
    const next: Selector = { name: s.name, value: selectorValues[i]! };
    swapped.set(s, next);
    return next;
  });
  return {
    ...r,
    messageId,
    headers: headersWith(r.headers, messageId, selectors),
    resource: { ...r.resource, selectors: r.resource.selectors.map((s) => swapped.get(s) ?? s) },
  };
}

function headersWith(h: Headers, messageId: string, selectors?: readonly Selector[]): Headers {
  return selectors !== undefined ? { ...h, messageId, selectors } : { ...h, messageId };
}
