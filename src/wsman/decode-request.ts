// Envelope → WsmanRequest: required headers, the body element each action expects, and the
// enumeration options. Class existence is checked later, against the CIM object manager.
import type { Polymorphism } from '../cim/cimom.js';
import type { Envelope } from '../soap/decode-envelope.js';
import { WsmanFault } from '../soap/faults.js';
import { decodeHeaders, parseDurationMs, type Headers, type Selector } from '../soap/headers.js';
import { ACTION, NS, WSA_ANONYMOUS } from '../soap/namespaces.js';
import { child, trimmedText, type XmlElement } from '../soap/xml.js';
import type { EnumerationMode, ResourceRef, WsmanRequest } from './request.js';
import { ALL_CLASSES_URI, DEFAULT_NAMESPACE, NAMESPACE_SELECTOR, parseResourceUri } from './resource-uri.js';

export interface DecodeLimits {
  /** the largest MaxElements honoured; larger requests get this many */
  readonly maxElementsCap: number;
}

const KNOWN_UNSUPPORTED = new Set<string>([ACTION.PUT, ACTION.CREATE, ACTION.DELETE, ACTION.RENEW, ACTION.GET_STATUS]);

export function decodeRequest(env: Envelope, limits: DecodeLimits): WsmanRequest {
  const headers = decodeHeaders(env.headers);
  // Identify carries no addressing headers at all (DSP0226 §11); recognise it by its body first.
  if (env.body?.ns === NS.WSMID && env.body.name === 'Identify') {
    return { kind: 'identify', messageId: headers.messageId };
  }
  const action = required(headers.action, 'Action');
  required(headers.to, 'To');
  const messageId = required(headers.messageId, 'MessageID');
  if (headers.replyTo !== undefined && headers.replyTo !== WSA_ANONYMOUS) {
    throw new WsmanFault('wsman:UnsupportedFeature', { detail: 'AddressingMode', reason: 'Only the anonymous ReplyTo address is supported.' });
  }
  if (headers.fragmentTransfer !== undefined) {
    // DSP0226 R7.7-1: a service without fragment-level access says so rather than answer in full.
    throw new WsmanFault('wsman:UnsupportedFeature', { detail: 'FragmentLevelAccess', reason: 'Fragment-level access is not supported yet.' });
  }
  const base = { action, messageId, headers };
  switch (action) {
    case ACTION.GET:
      return { kind: 'get', ...base, resource: resource(headers, 'get') };
    case ACTION.ENUMERATE:
      return decodeEnumerate(base, expectBody(env, NS.WSEN, 'Enumerate'), limits);
    case ACTION.PULL: {
      const body = expectBody(env, NS.WSEN, 'Pull');
      return { kind: 'pull', ...base, context: contextOf(body), maxElements: maxElements(child(body, NS.WSEN, 'MaxElements'), 1, limits) };
    }
    case ACTION.RELEASE:
      return { kind: 'release', ...base, context: contextOf(expectBody(env, NS.WSEN, 'Release')) };
    default:
      throw new WsmanFault('wsa:ActionNotSupported', {
        detail: 'ActionMismatch',
        reason: KNOWN_UNSUPPORTED.has(action)
          ? `The action ${action} is not supported yet by this service.`
          : `The action ${action} is not supported by this service.`,
      });
  }
}

function required(value: string | undefined, name: string): string {
  if (value === undefined) {
    throw new WsmanFault('wsa:MessageInformationHeaderRequired', { reason: `The required header ${name} is missing.` });
  }
  if (value === '') {
    throw new WsmanFault('wsa:InvalidMessageInformationHeader', { reason: `The header ${name} is empty.` });
  }
  return value;
}

function expectBody(env: Envelope, ns: string, name: string): XmlElement {
  const body = env.body;
  if (!body || body.ns !== ns || body.name !== name || env.bodyElements.length !== 1) {
    throw new WsmanFault('wsman:SchemaValidationError', { reason: `The SOAP Body must hold exactly one ${name} element.` });
  }
  return body;
}

function resource(headers: Headers, op: 'get' | 'enumerate'): ResourceRef {
  const raw = required(headers.resourceUri, 'ResourceURI');
  const parsed = parseResourceUri(raw);
  if (!parsed) {
    throw new WsmanFault('wsa:DestinationUnreachable', { detail: 'InvalidResourceURI', reason: `The resource URI ${raw} is not served here.` });
  }
  if (parsed.className === undefined) {
    // DSP0227 R6-1: the all-classes URI is for filtered enumerations only.
    if (op === 'get') throw new WsmanFault('wsa:ActionNotSupported', { detail: 'ActionMismatch', reason: `${ALL_CLASSES_URI} cannot be used with Get.` });
    throw new WsmanFault('wsman:UnsupportedFeature', { detail: 'FilteringRequired', reason: `Enumerating ${ALL_CLASSES_URI} needs a filter.` });
  }
  const all = [...(headers.selectors ?? []), ...parsed.querySelectors];
  const seen = new Set<string>();
  for (const s of all) {
    const lower = s.name.toLowerCase();
    // DSP0226 R5.1.2.2-4
    if (seen.has(lower)) throw new WsmanFault('wsman:InvalidSelectors', { detail: 'DuplicateSelectors', reason: `The selector ${s.name} is given twice.` });
    seen.add(lower);
  }
  const nsSel = all.find((s) => s.name.toLowerCase() === NAMESPACE_SELECTOR);
  const namespace = nsSel ? nsSel.value.trim().replace(/\\/g, '/') : DEFAULT_NAMESPACE;
  const selectors: Selector[] = all.filter((s) => s !== nsSel);
  return { resourceUri: parsed.uri, className: parsed.className, namespace, selectors };
}

const ENUMERATION_MODES: readonly EnumerationMode[] = ['EnumerateEPR', 'EnumerateObjectAndEPR'];
const POLYMORPHISM: readonly Polymorphism[] = ['IncludeSubClassProperties', 'ExcludeSubClassProperties', 'None'];

function decodeEnumerate(base: { action: string; messageId: string; headers: Headers }, body: XmlElement, limits: DecodeLimits): WsmanRequest {
  if (child(body, NS.WSEN, 'EndTo')) {
    throw new WsmanFault('wsman:UnsupportedFeature', { detail: 'AddressingMode', reason: 'EndTo is not supported.' });
  }
  const filter = child(body, NS.WSMAN, 'Filter') ?? child(body, NS.WSEN, 'Filter');
  if (filter) {
    throw new WsmanFault('wsen:FilterDialectRequestedUnavailable', { reason: 'Filtered enumeration is not available yet on this service.' });
  }
  const modeEl = child(body, NS.WSMAN, 'EnumerationMode');
  let mode: EnumerationMode = 'EnumerateObject';
  if (modeEl) {
    const m = trimmedText(modeEl);
    const found = ENUMERATION_MODES.find((x) => x === m);
    if (!found) throw new WsmanFault('wsman:UnsupportedFeature', { detail: 'EnumerationMode', reason: `EnumerationMode ${m} is not supported.` });
    mode = found;
  }
  const polyEl = child(body, NS.WSMB, 'PolymorphismMode');
  let polymorphism: Polymorphism = 'IncludeSubClassProperties';
  if (polyEl) {
    const p = trimmedText(polyEl);
    const found = POLYMORPHISM.find((x) => x === p);
    if (!found) throw new WsmanFault('wsmb:PolymorphismModeNotSupported', { reason: `PolymorphismMode ${p} is not supported.` });
    polymorphism = found;
  }
  const expires = child(body, NS.WSEN, 'Expires');
  return {
    kind: 'enumerate',
    ...base,
    resource: resource(base.headers, 'enumerate'),
    optimize: child(body, NS.WSMAN, 'OptimizeEnumeration') !== undefined,
    maxElements: maxElements(child(body, NS.WSMAN, 'MaxElements'), 1, limits),
    mode,
    polymorphism,
    ...(expires ? { expiresMs: expiresMs(trimmedText(expires)) } : {}),
  };
}

function expiresMs(text: string): number {
  if (text.startsWith('P') || text.startsWith('-P')) {
    const ms = parseDurationMs(text);
    if (ms === undefined || ms === 0) throw new WsmanFault('wsen:InvalidExpirationTime', { reason: `Expires ${text} is not a positive duration.` });
    return ms;
  }
  throw new WsmanFault('wsen:UnsupportedExpirationType', { reason: 'Only an xs:duration is supported for Expires.' });
}

function maxElements(el: XmlElement | undefined, dflt: number, limits: DecodeLimits): number {
  if (!el) return dflt;
  const t = trimmedText(el);
  if (!/^\d{1,10}$/.test(t) || Number(t) === 0) {
    throw new WsmanFault('wsman:SchemaValidationError', { reason: `MaxElements "${t.slice(0, 40)}" is not a positive integer.` });
  }
  return Math.min(Number(t), limits.maxElementsCap);
}

function contextOf(body: XmlElement): string {
  const el = child(body, NS.WSEN, 'EnumerationContext');
  const ctx = trimmedText(el);
  if (!el || ctx === '') throw new WsmanFault('wsen:InvalidEnumerationContext', { reason: 'The request carries no enumeration context.' });
  return ctx;
}
