// What the gateway answered, read strictly: a 401 challenge, a SOAP 1.2 fault, or a response
// envelope. Every way the answer breaks the rules (DSP0226 §14, SOAP 1.2 part 1 §5.4, the
// gateway's transport rules) is listed in `problems`, so callers can assert there are none.
import { decodeXmlText, parseXml, type XmlElement } from '../../src/soap/xml.js';
import type { RawReply } from './wire.js';

export const URI = {
  S: 'http://www.w3.org/2003/05/soap-envelope',
  WSA: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  WSMAN: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
  WSEN: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration',
  WXF: 'http://schemas.xmlsoap.org/ws/2004/09/transfer',
  WSE: 'http://schemas.xmlsoap.org/ws/2004/08/eventing',
  WSMB: 'http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd',
  WSMID: 'http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd',
  XML: 'http://www.w3.org/XML/1998/namespace',
  SOAP11: 'http://schemas.xmlsoap.org/soap/envelope/',
} as const;

export const ANONYMOUS = `${URI.WSA}/role/anonymous`;
export const FAULT_DETAIL_BASE = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/';
export const WWW_AUTHENTICATE = 'Basic realm="WS-Management"';

/** Canonical prefixes for the subcode namespaces (DSP0226 Table "Fault subcodes"). */
const SUBCODE_PREFIX: Readonly<Record<string, string>> = {
  [URI.WSA]: 'wsa', [URI.WSMAN]: 'wsman', [URI.WSEN]: 'wsen', [URI.WXF]: 'wxf', [URI.WSE]: 'wse', [URI.WSMB]: 'wsmb',
};

const FAULT_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  wsa: ['http://schemas.xmlsoap.org/ws/2004/08/addressing/fault'],
  wsman: ['http://schemas.dmtf.org/wbem/wsman/1/wsman/fault'],
  wsmb: ['http://schemas.dmtf.org/wbem/wsman/1/wsman/fault'],
  wsen: ['http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault', 'http://schemas.dmtf.org/wbem/wsman/1/wsman/fault'],
  wxf: ['http://schemas.xmlsoap.org/ws/2004/09/transfer/fault', 'http://schemas.dmtf.org/wbem/wsman/1/wsman/fault'],
  wse: ['http://schemas.xmlsoap.org/ws/2004/08/eventing/fault', 'http://schemas.dmtf.org/wbem/wsman/1/wsman/fault'],
  s: ['http://schemas.xmlsoap.org/ws/2004/08/addressing/fault'],
};

/**
 * The DSP0226 1.2 fault table (§14.6, with the WS-Addressing, WS-Enumeration, WS-Transfer and
 * WS-Eventing subcodes it adopts, and DSP0227's wsmb one): subcode → SOAP Code. Kept apart from
 * src/soap/faults.ts on purpose, so the implementation is checked against the specification.
 */
export const DSP0226_FAULTS: Readonly<Record<string, 'Sender' | 'Receiver'>> = {
  'wsa:ActionNotSupported': 'Sender',
  'wsa:DestinationUnreachable': 'Sender',
  'wsa:EndpointUnavailable': 'Receiver',
  'wsa:InvalidMessageInformationHeader': 'Sender',
  'wsa:MessageInformationHeaderRequired': 'Sender',
  'wsman:AccessDenied': 'Sender',
  'wsman:AlreadyExists': 'Sender',
  'wsman:CannotProcessFilter': 'Sender',
  'wsman:Concurrency': 'Sender',
  'wsman:DeliveryRefused': 'Receiver',
  'wsman:EncodingLimit': 'Sender',
  'wsman:FragmentDialectNotSupported': 'Sender',
  'wsman:InternalError': 'Receiver',
  'wsman:InvalidBookmark': 'Sender',
  'wsman:InvalidOptions': 'Sender',
  'wsman:InvalidParameter': 'Sender',
  'wsman:InvalidSelectors': 'Sender',
  'wsman:NoAck': 'Sender',
  'wsman:QuotaLimit': 'Sender',
  'wsman:SchemaValidationError': 'Sender',
  'wsman:TimedOut': 'Receiver',
  'wsman:UnsupportedFeature': 'Sender',
  'wsen:CannotProcessFilter': 'Sender',
  'wsen:FilterDialectRequestedUnavailable': 'Sender',
  'wsen:FilteringNotSupported': 'Sender',
  'wsen:InvalidEnumerationContext': 'Receiver',
  'wsen:InvalidExpirationTime': 'Sender',
  'wsen:TimedOut': 'Receiver',
  'wsen:UnsupportedExpirationType': 'Sender',
  'wxf:InvalidRepresentation': 'Sender',
  'wse:DeliveryModeRequestedUnavailable': 'Sender',
  'wse:EventSourceUnableToProcess': 'Receiver',
  'wse:FilteringNotSupported': 'Sender',
  'wse:FilteringRequestedUnavailable': 'Sender',
  'wse:InvalidExpirationTime': 'Sender',
  'wse:InvalidMessage': 'Sender',
  'wse:UnableToRenew': 'Receiver',
  'wse:UnsupportedExpirationType': 'Sender',
  'wsmb:PolymorphismModeNotSupported': 'Sender',
};

/** Text that must never appear raw in an answer: it only gets there by echoing a request unescaped. */
export const ATTACK_MARKERS: readonly string[] = ['<inj:', '<pwn', '<script', '<!DOCTYPE', '<!doctype', '<!ENTITY', '<xi:include', '<?xml-stylesheet'];

export interface Answer {
  readonly status: number;
  readonly kind: 'unauthorized' | 'fault' | 'response' | 'other';
  /** SOAP Code value, local part: Sender, Receiver, MustUnderstand, VersionMismatch */
  readonly code?: string;
  /** subcode as canonical-prefix:local (wsman:InvalidSelectors), resolved through the answer's own declarations */
  readonly subcode?: string;
  /** the fault detail name after …/faultDetail/ */
  readonly detail?: string;
  readonly reason?: string;
  readonly action?: string;
  readonly relatesTo?: string;
  /** first Body child (responses); null for an empty Body */
  readonly element?: { readonly ns: string; readonly name: string } | null;
  readonly notUnderstood?: string;
  readonly charset?: string;
  readonly text: string;
  readonly problems: readonly string[];
}

/** Reads and checks one reply. `messageId` is the request's, when it had a usable one. */
export function readAnswer(reply: RawReply, opts: { messageId?: string | undefined } = {}): Answer {
  const problems: string[] = [];
  const status = reply.status;
  if (status === 401) {
    if (reply.body.length !== 0) problems.push(`401 with a body of ${reply.body.length} bytes`);
    if (reply.headers['www-authenticate'] !== WWW_AUTHENTICATE) problems.push(`401 with WWW-Authenticate ${JSON.stringify(reply.headers['www-authenticate'])}`);
    return { status, kind: 'unauthorized', text: '', problems };
  }
  const contentType = String(reply.headers['content-type'] ?? '');
  if (contentType === 'text/xml;charset=UTF-8') return readSoap11Fault(status, reply.body, problems);
  const charset = /^application\/soap\+xml;charset=(UTF-8|UTF-16)$/.exec(contentType)?.[1];
  if (status !== 200 && status !== 500) {
    return { status, kind: 'other', text: reply.body.toString('latin1').slice(0, 2000), problems: [`HTTP ${status} (${contentType})`] };
  }
  if (charset === undefined) problems.push(`Content-Type ${JSON.stringify(contentType)} is not application/soap+xml;charset=UTF-8 or UTF-16`);
  const text = decodeReply(reply.body, charset, problems);
  for (const m of ATTACK_MARKERS) if (text.includes(m)) problems.push(`the answer contains ${JSON.stringify(m)} raw: attacker text echoed unescaped`);
  let root: XmlElement | undefined;
  try {
    root = parseXml(text.replace(/^<\?xml[^>]*\?>/, ''), { maxDepth: 200, maxElements: 2_000_000, maxAttributes: 4096 });
  } catch (err) {
    problems.push(`the answer is not well-formed XML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const base = { status, text, problems, ...(charset ? { charset } : {}) };
  if (!root) return { ...base, kind: status === 500 ? 'fault' : 'response' };
  if (root.ns !== URI.S || root.name !== 'Envelope') problems.push(`the root is {${root.ns}}${root.name}, not a SOAP 1.2 Envelope`);
  const [header, body, ...rest] = root.children;
  if (!header || header.ns !== URI.S || header.name !== 'Header') problems.push('the Envelope does not start with s:Header');
  if (!body || body.ns !== URI.S || body.name !== 'Body') problems.push('the Envelope has no s:Body after s:Header');
  if (rest.length > 0) problems.push('the Envelope has elements after s:Body');
  const h = (name: string): XmlElement | undefined => header?.children.find((c) => c.ns === URI.WSA && c.name === name);
  const action = h('Action')?.text.trim();
  const relatesTo = h('RelatesTo')?.text.trim();
  if (relatesTo !== undefined && opts.messageId !== undefined && relatesTo !== opts.messageId) {
    problems.push(`RelatesTo ${JSON.stringify(relatesTo.slice(0, 80))} is not the request's MessageID`);
  }
  if (relatesTo === '') problems.push('an empty RelatesTo (breaks WinRM)');
  const addressing = { ...(action !== undefined ? { action } : {}), ...(relatesTo !== undefined ? { relatesTo } : {}) };
  if (status === 200) {
    const children = body?.children ?? [];
    if (children.length > 1) problems.push(`the response Body has ${children.length} elements`);
    const first = children[0];
    if (first && first.ns === URI.S && first.name === 'Fault') problems.push('HTTP 200 carrying a SOAP fault');
    const identify = first?.ns === URI.WSMID && first.name === 'IdentifyResponse';
    if (!identify) checkAddressing(header, action, problems);
    return { ...base, ...addressing, kind: 'response', element: first ? { ns: first.ns, name: first.name } : null };
  }
  return { ...base, ...addressing, ...readFault(root, header, body, action, text, problems), kind: 'fault' };
}

/**
 * The one answer in SOAP 1.1 (SOAP 1.2 part 1 appendix A): a VersionMismatch fault to a SOAP 1.1
 * request, with the Upgrade header naming the SOAP 1.2 envelope.
 */
function readSoap11Fault(status: number, bytes: Buffer, problems: string[]): Answer {
  const text = decodeReply(bytes, 'UTF-8', problems);
  if (status !== 500) problems.push(`a SOAP 1.1 answer with HTTP ${status}`);
  let root: XmlElement | undefined;
  try {
    root = parseXml(text.replace(/^<\?xml[^>]*\?>/, ''));
  } catch (err) {
    problems.push(`the answer is not well-formed XML: ${err instanceof Error ? err.message : String(err)}`);
    return { status, kind: 'fault', text, problems };
  }
  const el = (parent: XmlElement | undefined, ns: string, name: string): XmlElement | undefined => parent?.children.find((c) => c.ns === ns && c.name === name);
  if (root.ns !== URI.SOAP11 || root.name !== 'Envelope') problems.push(`a text/xml answer whose root is {${root.ns}}${root.name}, not a SOAP 1.1 Envelope`);
  const supported = el(el(el(root, URI.SOAP11, 'Header'), URI.S, 'Upgrade'), URI.S, 'SupportedEnvelope')?.attrs.find((a) => a.name === 'qname' && a.ns === '')?.value;
  const named = supported === undefined ? undefined : resolveQName(supported, text, problems);
  if (named?.ns !== URI.S || named.local !== 'Envelope') problems.push('a SOAP 1.1 fault without an Upgrade header naming the SOAP 1.2 Envelope');
  const fault = el(el(root, URI.SOAP11, 'Body'), URI.SOAP11, 'Fault');
  const faultcode = el(fault, '', 'faultcode')?.text.trim() ?? '';
  const code = resolveQName(faultcode, text, problems);
  if (code?.ns !== URI.SOAP11 || code.local !== 'VersionMismatch') problems.push(`a SOAP 1.1 answer that is not a VersionMismatch fault (${JSON.stringify(faultcode.slice(0, 80))})`);
  const reason = el(fault, '', 'faultstring')?.text ?? '';
  if (reason.trim() === '') problems.push('a SOAP 1.1 fault without a faultstring');
  return { status, kind: 'fault', code: 'VersionMismatch', reason, text, problems };
}

function decodeReply(body: Buffer, charset: string | undefined, problems: string[]): string {
  if (charset === 'UTF-16') {
    if (body[0] === 0xff && body[1] === 0xfe) return new TextDecoder('utf-16le').decode(body.subarray(2));
    if (body[0] === 0xfe && body[1] === 0xff) return new TextDecoder('utf-16be').decode(body.subarray(2));
    problems.push('a UTF-16 answer without a byte order mark');
    return new TextDecoder('utf-16le').decode(body);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    problems.push('the answer is not valid UTF-8');
    return body.toString('latin1');
  }
}

function checkAddressing(header: XmlElement | undefined, action: string | undefined, problems: string[]): void {
  const to = header?.children.find((c) => c.ns === URI.WSA && c.name === 'To')?.text.trim();
  const id = header?.children.find((c) => c.ns === URI.WSA && c.name === 'MessageID')?.text.trim();
  if (to !== ANONYMOUS) problems.push(`wsa:To is ${JSON.stringify(to)}, not the anonymous role`);
  if (!action) problems.push('no wsa:Action header');
  if (!id || !/^uuid:[0-9a-f-]{36}$/i.test(id)) problems.push(`wsa:MessageID ${JSON.stringify(id)} is not a fresh uuid: URI`);
}

const FAULT_ELEMENTS = new Set([
  `${URI.S} Envelope`, `${URI.S} Header`, `${URI.S} Body`, `${URI.S} Fault`, `${URI.S} Code`, `${URI.S} Value`, `${URI.S} Subcode`,
  `${URI.S} Reason`, `${URI.S} Text`, `${URI.S} Detail`, `${URI.S} NotUnderstood`, `${URI.S} Upgrade`, `${URI.S} SupportedEnvelope`, `${URI.WSEN} SupportedDialect`, `${URI.WSMAN} FaultDetail`,
  `${URI.WSA} To`, `${URI.WSA} Action`, `${URI.WSA} MessageID`, `${URI.WSA} RelatesTo`,
]);

function readFault(root: XmlElement, header: XmlElement | undefined, body: XmlElement | undefined, action: string | undefined, text: string, problems: string[]):
  Pick<Answer, 'code' | 'subcode' | 'detail' | 'reason' | 'notUnderstood'> {
  const walk = (e: XmlElement): void => {
    if (!FAULT_ELEMENTS.has(`${e.ns} ${e.name}`)) problems.push(`unexpected element {${e.ns}}${e.name} in a fault`);
    e.children.forEach(walk);
  };
  walk(root);
  checkAddressing(header, action, problems);
  const fault = body?.children[0];
  if (!fault || fault.ns !== URI.S || fault.name !== 'Fault' || (body?.children.length ?? 0) !== 1) {
    problems.push('HTTP 500 whose Body is not exactly one s:Fault');
    return {};
  }
  const el = (parent: XmlElement | undefined, name: string, ns: string = URI.S): XmlElement | undefined => parent?.children.find((c) => c.ns === ns && c.name === name);
  const codeEl = el(fault, 'Code');
  const codeQName = el(codeEl, 'Value')?.text.trim() ?? '';
  const code = resolveQName(codeQName, text, problems);
  const subQName = el(el(codeEl, 'Subcode'), 'Value')?.text.trim();
  const sub = subQName !== undefined ? resolveQName(subQName, text, problems) : undefined;
  const out: { -readonly [K in 'code' | 'subcode' | 'detail' | 'reason' | 'notUnderstood']?: string } = {};
  if (code?.ns !== URI.S || !['Sender', 'Receiver', 'MustUnderstand', 'VersionMismatch'].includes(code.local)) {
    problems.push(`the fault Code ${JSON.stringify(codeQName)} is not a SOAP 1.2 code`);
  }
  if (code) out.code = code.local;
  if (sub) {
    const prefix = SUBCODE_PREFIX[sub.ns];
    if (!prefix) problems.push(`the subcode ${subQName} is in namespace ${sub.ns}, not a WS-Management one`);
    out.subcode = `${prefix ?? sub.ns}:${sub.local}`;
  }
  if (out.code === 'Sender' || out.code === 'Receiver') {
    if (out.subcode === undefined) problems.push('a Sender/Receiver fault without a Subcode');
    else {
      const expected = DSP0226_FAULTS[out.subcode];
      if (expected === undefined) problems.push(`${out.subcode} is not in the DSP0226 fault table`);
      else if (expected !== out.code) problems.push(`${out.subcode} is a ${expected} fault, sent as ${out.code}`);
      const actions = FAULT_ACTIONS[out.subcode.split(':')[0] ?? ''] ?? [];
      if (!actions.includes(action ?? '')) problems.push(`fault action ${JSON.stringify(action)} for ${out.subcode}`);
    }
  } else if (out.subcode !== undefined) {
    problems.push(`a ${out.code} fault with a Subcode`);
  }
  const reasonText = el(el(fault, 'Reason'), 'Text');
  if (!reasonText || reasonText.text.trim() === '') problems.push('no s:Reason/s:Text');
  else if (!reasonText.attrs.some((a) => a.ns === URI.XML && a.name === 'lang' && a.value !== '')) problems.push('s:Text without xml:lang');
  if (reasonText) out.reason = reasonText.text;
  const detail = el(el(fault, 'Detail'), 'FaultDetail', URI.WSMAN)?.text.trim();
  if (detail !== undefined) {
    if (!detail.startsWith(FAULT_DETAIL_BASE)) problems.push(`fault detail ${JSON.stringify(detail)} is not a DSP0226 faultDetail URI`);
    out.detail = detail.slice(FAULT_DETAIL_BASE.length);
  }
  const nu = el(header, 'NotUnderstood');
  if (out.code === 'MustUnderstand') {
    const q = nu?.attrs.find((a) => a.name === 'qname' && a.ns === '')?.value;
    if (!q) problems.push('a MustUnderstand fault without an s:NotUnderstood header naming the block');
    else {
      const r = resolveQName(q, text, problems);
      if (r) out.notUnderstood = `{${r.ns}}${r.local}`;
    }
  } else if (nu) problems.push('s:NotUnderstood on a fault that is not MustUnderstand');
  return out;
}

/** A QName written in the answer, resolved through an xmlns declaration of its prefix in the answer. */
function resolveQName(qname: string, text: string, problems: string[]): { ns: string; local: string } | undefined {
  const m = /^([A-Za-z_][\w.-]*):([A-Za-z_][\w.-]*)$/.exec(qname);
  if (!m?.[1] || !m[2]) {
    problems.push(`${JSON.stringify(qname.slice(0, 80))} is not a prefixed QName`);
    return undefined;
  }
  // Declarations inside start tags only: character data may quote 'xmlns:p="…"' harmlessly.
  const decl = new RegExp(`\\sxmlns:${m[1]}="([^"]*)"`, 'g');
  const decls = new Set([...text.matchAll(/<[A-Za-z_][^<>]*>/g)].flatMap((tag) => [...tag[0].matchAll(decl)].map((d) => d[1] ?? '')));
  if (decls.size !== 1) {
    problems.push(`the prefix ${m[1]} of ${qname} is declared ${decls.size} times`);
    return undefined;
  }
  return { ns: decodeXmlText([...decls][0] ?? ''), local: m[2] };
}
