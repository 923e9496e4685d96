// WS-Addressing and WS-Management header blocks → typed Headers, with the inbound checks
// every operation shares: duplicates, mustUnderstand, value syntax.
import { WsmanFault } from './faults.js';
import { NS } from './namespaces.js';
import { attr, trimmedText, type XmlElement } from './xml.js';

export interface Selector {
  readonly name: string;
  /** text value; for a reference selector the nested EPR is in `epr` */
  readonly value: string;
  readonly epr?: XmlElement;
}

export interface Option {
  readonly name: string;
  readonly value: string;
  readonly type?: string;
}

export interface Headers {
  readonly action?: string;
  readonly to?: string;
  readonly messageId?: string;
  readonly replyTo?: string;
  /** wsa:FaultTo's Address: like ReplyTo, only the anonymous address is served */
  readonly faultTo?: string;
  readonly resourceUri?: string;
  readonly selectors?: readonly Selector[];
  readonly options: readonly Option[];
  readonly optionSetMustUnderstand: boolean;
  readonly maxEnvelopeSize?: number;
  /** OperationTimeout in milliseconds */
  readonly operationTimeoutMs?: number;
  readonly locale?: string;
  readonly dataLocale?: string;
  readonly fragmentTransfer?: string;
  readonly fragmentDialect?: string | undefined;
  readonly requestTotalItemsCountEstimate: boolean;
  readonly requestEpr: boolean;
  /** header blocks we read and ignore (ReferenceParameters copied from ReplyTo would go here) */
}


/** Headers this service understands: a mustUnderstand on any other is a fault (DSP0226 R5.2-2). */
const HEADER = {
  Action: 1, To: 2, MessageID: 3, ReplyTo: 4, FaultTo: 5, From: 6, ResourceURI: 7, SelectorSet: 8, OptionSet: 9,
  MaxEnvelopeSize: 10, OperationTimeout: 11, Locale: 12, DataLocale: 13, SessionId: 14, OperationID: 15, SequenceId: 16,
  RequestTotalItemsCountEstimate: 17, RequestEPR: 18, FragmentTransfer: 19,
} as const;
type HeaderId = (typeof HEADER)[keyof typeof HEADER];
// By namespace, then local name: two lookups on the parser's strings, no key built per header.
const UNDERSTOOD = new Map<string, ReadonlyMap<string, HeaderId>>([
  [NS.WSA, new Map<string, HeaderId>([['Action', HEADER.Action], ['To', HEADER.To], ['MessageID', HEADER.MessageID], ['ReplyTo', HEADER.ReplyTo], ['FaultTo', HEADER.FaultTo], ['From', HEADER.From]])],
  [NS.WSMAN, new Map<string, HeaderId>([
    ['ResourceURI', HEADER.ResourceURI], ['SelectorSet', HEADER.SelectorSet], ['OptionSet', HEADER.OptionSet], ['MaxEnvelopeSize', HEADER.MaxEnvelopeSize],
    ['OperationTimeout', HEADER.OperationTimeout], ['Locale', HEADER.Locale], ['RequestTotalItemsCountEstimate', HEADER.RequestTotalItemsCountEstimate],
    ['RequestEPR', HEADER.RequestEPR], ['FragmentTransfer', HEADER.FragmentTransfer],
  ])],
  [NS.MSWSMAN, new Map<string, HeaderId>([['DataLocale', HEADER.DataLocale], ['SessionId', HEADER.SessionId], ['OperationID', HEADER.OperationID], ['SequenceId', HEADER.SequenceId]])],
]);

/** wsa, wsman and wse headers may appear once (DSP0226 R13.1-9). */
const SINGLE_NS = new Set<string>([NS.WSA, NS.WSMAN, NS.WSE]);

const TRUE_VALUES = new Set(['true', '1']);

export function isMustUnderstand(el: XmlElement): boolean {
  // Only the SOAP-qualified attribute counts; pywinrm's unqualified one is not the SOAP attribute.
  const v = attr(el, 'mustUnderstand', NS.S);
  return v !== undefined && TRUE_VALUES.has(v.trim());
}

/**
 * The request's MessageID when it can be told without decoding the rest (one wsa:MessageID, not
 * empty): a request refused while it is decoded still gets its fault related to it (WS-Addressing).
 */
export function messageIdOf(blocks: readonly XmlElement[]): string | undefined {
  let found: string | undefined;
  for (const el of blocks) {
    if (el.ns !== NS.WSA || el.name !== 'MessageID') continue;
    if (found !== undefined) return undefined;
    found = trimmedText(el);
  }
  return found === '' ? undefined : found;
}

export function decodeHeaders(blocks: readonly XmlElement[]): Headers {
  const seen = new Set<HeaderId>();
  const h: { -readonly [K in keyof Headers]: Headers[K] } = {
    options: [], optionSetMustUnderstand: false, requestTotalItemsCountEstimate: false, requestEpr: false,
  };
  for (const el of blocks) {
    const k = UNDERSTOOD.get(el.ns)?.get(el.name);
    if (k === undefined) {
      if (isMustUnderstand(el)) throw new WsmanFault('MustUnderstand', { notUnderstood: { ns: el.ns, name: el.name } });
      continue;
    }
    if (SINGLE_NS.has(el.ns)) {
      if (seen.has(k)) {
        throw new WsmanFault('wsa:InvalidMessageInformationHeader', { reason: `The header ${el.name} appears more than once.` });
      }
      seen.add(k);
    }
    switch (k) {
      case HEADER.Action: h.action = trimmedText(el); break;
      case HEADER.To: h.to = trimmedText(el); break;
      case HEADER.MessageID: h.messageId = trimmedText(el); break;
      case HEADER.ReplyTo: h.replyTo = trimmedText(el.children.find((c) => c.ns === NS.WSA && c.name === 'Address')); break;
      case HEADER.FaultTo: h.faultTo = trimmedText(el.children.find((c) => c.ns === NS.WSA && c.name === 'Address')); break;
      case HEADER.ResourceURI: h.resourceUri = trimmedText(el); break;
      case HEADER.SelectorSet: h.selectors = decodeSelectorSet(el); break;
      case HEADER.OptionSet:
        h.options = decodeOptionSet(el);
        h.optionSetMustUnderstand = isMustUnderstand(el);
        break;
      case HEADER.MaxEnvelopeSize: h.maxEnvelopeSize = decodeMaxEnvelopeSize(el); break;
      case HEADER.OperationTimeout: h.operationTimeoutMs = decodeOperationTimeout(el); break;
      case HEADER.Locale:
        h.locale = attr(el, 'lang', NS.XML) ?? '';
        checkLocale(h.locale, isMustUnderstand(el), 'Locale');
        break;
      case HEADER.DataLocale:
        h.dataLocale = attr(el, 'lang', NS.XML) ?? '';
        checkLocale(h.dataLocale, isMustUnderstand(el), 'DataLocale');
        break;
      case HEADER.FragmentTransfer:
        h.fragmentTransfer = trimmedText(el);
        h.fragmentDialect = attr(el, 'Dialect');
        break;
      case HEADER.RequestTotalItemsCountEstimate: h.requestTotalItemsCountEstimate = true; break;
      case HEADER.RequestEPR: h.requestEpr = true; break;
      default: break; // understood and ignored: From, SessionId, OperationID, SequenceId
    }
  }
  return h;
}

export function decodeSelectorSet(el: XmlElement): Selector[] {
  const out: Selector[] = [];
  for (const s of el.children) {
    if (s.ns !== NS.WSMAN || s.name !== 'Selector') {
      throw new WsmanFault('wsman:InvalidSelectors', { detail: 'UnexpectedSelectors', reason: `Unexpected element ${s.name} in the SelectorSet.` });
    }
    const name = attr(s, 'Name');
    if (name === undefined || name === '') {
      throw new WsmanFault('wsman:InvalidSelectors', { detail: 'InsufficientSelectors', reason: 'A Selector has no Name attribute.' });
    }
    const epr = s.children.find((c) => c.ns === NS.WSA && c.name === 'EndpointReference');
    out.push(epr ? { name, value: '', epr } : { name, value: s.text });
  }
  return out;
}

/** Options this service acts on; a mustUnderstand OptionSet naming any other is refused (DSP0226 R6.4-3). */
const KNOWN_OPTIONS = new Set<string>();

function decodeOptionSet(el: XmlElement): Option[] {
  const out: Option[] = [];
  const seen = new Set<string>();
  const mustUnderstand = isMustUnderstand(el);
  for (const o of el.children) {
    if (o.ns !== NS.WSMAN || o.name !== 'Option') {
      throw new WsmanFault('wsman:InvalidOptions', { detail: 'InvalidName', reason: `Unexpected element ${o.name.slice(0, 60)} in the OptionSet.` });
    }
    const name = attr(o, 'Name') ?? '';
    if (name === '') throw new WsmanFault('wsman:InvalidOptions', { detail: 'InvalidName', reason: 'An Option has no Name.' });
    if (seen.has(name.toLowerCase())) throw new WsmanFault('wsman:InvalidOptions', { detail: 'InvalidName', reason: `The option ${name.slice(0, 60)} is given twice.` });
    seen.add(name.toLowerCase());
    // DSP0226 §6.4: an Option marked MustComply must be honoured or refused, as must all of a mustUnderstand set.
    const mustComply = /^(true|1)$/.test((attr(o, 'MustComply') ?? '').trim());
    if ((mustUnderstand || mustComply) && !KNOWN_OPTIONS.has(name.toLowerCase())) {
      throw new WsmanFault('wsman:InvalidOptions', { detail: 'NotSupported', reason: `The option ${name.slice(0, 60)} must be understood but is not supported.` });
    }
    const type = attr(o, 'Type');
    out.push({ name, value: o.text, ...(type !== undefined ? { type } : {}) });
  }
  return out;
}

/** Replies are in English; a client that insists on another language is told so (DSP0226 R6.3-2). */
function checkLocale(lang: string, mustUnderstand: boolean, header: 'Locale' | 'DataLocale'): void {
  if (mustUnderstand && lang !== '' && !/^en(-|$)/i.test(lang)) {
    throw new WsmanFault('wsman:UnsupportedFeature', { detail: header, reason: `The ${header} ${lang.slice(0, 20)} is not supported; replies are in en-US.` });
  }
}

function decodeMaxEnvelopeSize(el: XmlElement): number {
  const t = trimmedText(el);
  if (!/^\+?\d+$/.test(t)) {
    throw new WsmanFault('wsa:InvalidMessageInformationHeader', { reason: `MaxEnvelopeSize "${t.slice(0, 40)}" is not a positive integer.` });
  }
  // Any xs:positiveInteger is valid; beyond what a number holds it means "no limit" in practice.
  return Math.min(Number(t), Number.MAX_SAFE_INTEGER);
}

function decodeOperationTimeout(el: XmlElement): number {
  const ms = parseDurationMs(trimmedText(el));
  if (ms === undefined) {
    throw new WsmanFault('wsa:InvalidMessageInformationHeader', { detail: 'OperationTimeout', reason: 'OperationTimeout is not a valid xs:duration.' });
  }
  return ms;
}

const DURATION = /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** xs:duration → milliseconds (years as 365 days, months as 30); undefined when invalid or negative. */
export function parseDurationMs(s: string): number | undefined {
  const m = DURATION.exec(s);
  if (!m || s.endsWith('T') || s === 'P' || s === '-P') return undefined;
  if (m[1] === '-') return undefined;
  const n = (i: number): number => (m[i] === undefined ? 0 : Number(m[i]));
  const days = n(2) * 365 + n(3) * 30 + n(4);
  const ms = (((days * 24 + n(5)) * 60 + n(6)) * 60 + n(7)) * 1000;
  // A lexically valid duration too long for a double is simply "forever"; callers cap it.
  return Number.isFinite(ms) ? Math.min(Math.round(ms), Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;
}
