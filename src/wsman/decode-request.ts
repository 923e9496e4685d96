// Envelope → WsmanRequest: required headers, the body element each action expects, and the
// enumeration options. Class existence is checked later, against the CIM object manager.
import type { Polymorphism } from '../cim/cimom.js';
import type { Envelope } from '../soap/decode-envelope.js';
import { WsmanFault } from '../soap/faults.js';
import { decodeHeaders, decodeSelectorSet, parseDurationMs, type Headers, type Selector } from '../soap/headers.js';
import { ACTION, DIALECT, NS, WSA_ANONYMOUS } from '../soap/namespaces.js';
import { attr, child, childrenNamed, trimmedText, type XmlElement } from '../soap/xml.js';
import type { EnumerateResource, EnumerationFilter, EnumerationMode, Fragment, ResourceRef, WsmanRequest } from './request.js';
import { ALL_CLASSES_URI, DEFAULT_NAMESPACE, NAMESPACE_SELECTOR, parseResourceUri } from './resource-uri.js';

export interface DecodeLimits {
  /** the largest MaxElements honoured; larger requests get this many */
  readonly maxElementsCap: number;
}

const KNOWN_UNSUPPORTED = new Set<string>();

export function decodeRequest(env: Envelope, limits: DecodeLimits): WsmanRequest {
  const headers = decodeHeaders(env.headers);
  // Identify carries no addressing headers at all (DSP0226 §11); recognise it by its body first.
  if (env.body?.ns === NS.WSMID && env.body.name === 'Identify') {
    if (env.bodyElements.length !== 1) throw new WsmanFault('wsman:SchemaValidationError', { reason: 'The SOAP Body of Identify must hold the one wsmid:Identify element.' });
    return { kind: 'identify', messageId: headers.messageId };
  }
  const action = required(headers.action, 'Action');
  required(headers.to, 'To');
  const messageId = required(headers.messageId, 'MessageID');
  for (const [name, address] of [['ReplyTo', headers.replyTo], ['FaultTo', headers.faultTo]] as const) {
    // Answers and faults go back on the request's own connection only (never fetched elsewhere).
    if (address !== undefined && address !== WSA_ANONYMOUS) {
      throw new WsmanFault('wsman:UnsupportedFeature', { detail: 'AddressingMode', reason: `Only the anonymous ${name} address is supported.` });
    }
  }
  if (headers.fragmentTransfer !== undefined && action !== ACTION.GET && action !== ACTION.PUT) {
    // DSP0226 R7.7-1: fragments are for Get and Put; elsewhere say so rather than ignore the header.
    throw new WsmanFault('wsman:UnsupportedFeature', { detail: 'FragmentLevelAccess', reason: 'Fragment-level access applies to Get and Put only.' });
  }
  const base = { action, messageId, headers };
  switch (action) {
    case ACTION.GET:
      // WS-Transfer Get has an empty Body; anything there is a request meant for something else.
      if (env.bodyElements.length > 0) throw new WsmanFault('wsman:SchemaValidationError', { reason: 'The SOAP Body of a Get must be empty.' });
      return { kind: 'get', ...base, resource: classResource(headers), fragment: fragmentOf(headers) };
    case ACTION.ENUMERATE:
      return decodeEnumerate(base, expectBody(env, NS.WSEN, 'Enumerate'), limits);
    case ACTION.PULL: {
      const body = expectBody(env, NS.WSEN, 'Pull');
      const maxTime = child(body, NS.WSEN, 'MaxTime');
      const maxChars = child(body, NS.WSEN, 'MaxCharacters');
      return {
        kind: 'pull',
        ...base,
        context: contextOf(body),
        maxElements: maxElements(child(body, NS.WSEN, 'MaxElements'), 1, limits),
        ...(maxTime ? { maxTimeMs: pullMaxTime(trimmedText(maxTime)) } : {}),
        ...(maxChars ? { maxCharacters: maxElements(maxChars, 1, { maxElementsCap: Number.MAX_SAFE_INTEGER }) } : {}),
      };
    }
    case ACTION.RENEW: {
      const body = expectBody(env, NS.WSEN, 'Renew');
      const expires = child(body, NS.WSEN, 'Expires');
      return { kind: 'renew', ...base, context: contextOf(body), ...(expires ? { expiresMs: expiresMs(trimmedText(expires)) } : {}) };
    }
    case ACTION.GET_STATUS:
      return { kind: 'getstatus', ...base, context: contextOf(expectBody(env, NS.WSEN, 'GetStatus')) };
    case ACTION.RELEASE:
      return { kind: 'release', ...base, context: contextOf(expectBody(env, NS.WSEN, 'Release')) };
    case ACTION.PUT: {
      const resource = classResource(headers);
      const body = env.body;
      if (!body || env.bodyElements.length !== 1) {
        throw new WsmanFault('wxf:InvalidRepresentation', { detail: 'MissingValues', reason: 'A Put carries the new representation of the resource in its Body.' });
      }
      return { kind: 'put', ...base, resource, body, fragment: fragmentOf(headers) };
    }
    case ACTION.CREATE:
    case ACTION.DELETE:
      // A resource this service does not serve at all (a WinRM shell, say) is unreachable, whatever the action.
      if (headers.resourceUri !== undefined && !parseResourceUri(headers.resourceUri)) {
        throw new WsmanFault('wsa:DestinationUnreachable', { detail: 'InvalidResourceURI', reason: `The resource URI ${headers.resourceUri} is not served here.` });
      }
      // The SVPC profiles create and destroy virtual systems and resources through the management
      // service's methods (DefineSystem, DestroySystem, AddResourceSettings …), not WS-Transfer.
      throw new WsmanFault('wsa:ActionNotSupported', {
        detail: 'ActionMismatch',
        reason: `${action.endsWith('Create') ? 'Create' : 'Delete'} is not supported for CIM classes here; use the methods of Xen_VirtualSystemManagementService (DefineSystem, DestroySystem, AddResourceSettings, RemoveResourceSettings).`,
      });
    default:
      if (!KNOWN_UNSUPPORTED.has(action) && headers.resourceUri !== undefined) {
        const invoke = decodeInvoke(base, env);
        if (invoke) return invoke;
      }
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

function resource(headers: Headers, op: 'get' | 'enumerate'): EnumerateResource {
  const raw = required(headers.resourceUri, 'ResourceURI');
  const parsed = parseResourceUri(raw);
  if (!parsed) {
    throw new WsmanFault('wsa:DestinationUnreachable', { detail: 'InvalidResourceURI', reason: `The resource URI ${raw} is not served here.` });
  }
  if (parsed.className === undefined && op === 'get') {
    // DSP0227 R6-1: the all-classes URI is for filtered enumerations only.
    throw new WsmanFault('wsa:ActionNotSupported', { detail: 'ActionMismatch', reason: `${ALL_CLASSES_URI} cannot be used with Get.` });
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

function classResource(headers: Headers): ResourceRef {
  const r = resource(headers, 'get');
  // resource() has refused the all-classes URI for Get.
  return { ...r, className: r.className ?? '' };
}

const ENUMERATION_MODES: readonly EnumerationMode[] = ['EnumerateEPR', 'EnumerateObjectAndEPR'];
const POLYMORPHISM: readonly Polymorphism[] = ['IncludeSubClassProperties', 'ExcludeSubClassProperties', 'None'];

function decodeEnumerate(base: { action: string; messageId: string; headers: Headers }, body: XmlElement, limits: DecodeLimits): WsmanRequest {
  if (child(body, NS.WSEN, 'EndTo')) {
    throw new WsmanFault('wsman:UnsupportedFeature', { detail: 'AddressingMode', reason: 'EndTo is not supported.' });
  }
  let filter = decodeFilter(body);
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
  const enumResource = resource(base.headers, 'enumerate');
  // Selectors in the header (or written into the ResourceURI, as `wsman enumerate 'URI?Name=x'`
  // does) narrow the enumeration as a selector filter would, rather than being ignored.
  if (enumResource.selectors.length > 0) {
    if (filter) throw new WsmanFault('wsen:CannotProcessFilter', { reason: 'Give either a filter or selectors with the Enumerate, not both.' });
    filter = { kind: 'selector', selectors: enumResource.selectors };
  }
  if (enumResource.className === undefined) {
    if (!filter || filter.kind === 'selector') {
      throw new WsmanFault('wsman:UnsupportedFeature', { detail: 'FilteringRequired', reason: `Enumerating ${ALL_CLASSES_URI} needs a query or association filter.` });
    }
    // DSP0227 R8.1-6: across all classes only the default polymorphism makes sense.
    if (polymorphism !== 'IncludeSubClassProperties') {
      throw new WsmanFault('wsmb:PolymorphismModeNotSupported', { reason: `PolymorphismMode ${polymorphism} cannot be used with ${ALL_CLASSES_URI}.` });
    }
  }
  return {
    kind: 'enumerate',
    ...base,
    resource: enumResource,
    filter,
    optimize: child(body, NS.WSMAN, 'OptimizeEnumeration') !== undefined,
    maxElements: maxElements(child(body, NS.WSMAN, 'MaxElements'), 1, limits),
    mode,
    polymorphism,
    ...(expires ? { expiresMs: expiresMs(trimmedText(expires)) } : {}),
  };
}

const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** wsen:Expires: a positive xs:duration; an xs:dateTime is valid but not supported; anything else is invalid. */
function expiresMs(text: string): number {
  if (DATE_TIME.test(text)) throw new WsmanFault('wsen:UnsupportedExpirationType', { reason: 'Only an xs:duration is supported for Expires.' });
  const ms = parseDurationMs(text);
  if (ms === undefined || ms === 0) throw new WsmanFault('wsen:InvalidExpirationTime', { reason: `Expires ${text.slice(0, 40)} is not a positive xs:duration.` });
  return ms;
}

const FRAGMENT_DIALECTS = new Set(['http://www.w3.org/TR/1999/REC-xpath-19991116', 'http://schemas.dmtf.org/wbem/wsman/1/wsman/XPath']);

/** wsman:FragmentTransfer (DSP0226 §7.7): one property, as `Name`, `p:Name`, `…/Name` or `Name/text()`. */
function fragmentOf(headers: Headers): Fragment | undefined {
  const expr = headers.fragmentTransfer;
  if (expr === undefined) return undefined;
  if (headers.fragmentDialect !== undefined && !FRAGMENT_DIALECTS.has(headers.fragmentDialect)) {
    throw new WsmanFault('wsman:FragmentDialectNotSupported', { reason: `The fragment dialect ${headers.fragmentDialect.slice(0, 120)} is not supported; use XPath level 1.` });
  }
  const m = /^(?:\/?(?:[A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*\/)*(?:[A-Za-z_][\w.-]*:)?([A-Za-z_]\w*)(\/text\(\))?$/.exec(expr.trim());
  if (!m?.[1]) throw new WsmanFault('wxf:InvalidRepresentation', { detail: 'InvalidFragment', reason: `The fragment ${expr.slice(0, 120)} does not name one property.` });
  return { property: m[1], text: m[2] !== undefined, expression: expr.trim() };
}

function pullMaxTime(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined) throw new WsmanFault('wsman:UnsupportedFeature', { detail: 'MaxTime', reason: `MaxTime ${text.slice(0, 40)} is not an xs:duration.` });
  return ms;
}

/** A positive count (MaxElements, MaxCharacters), capped; the element's own name in the fault. */
function maxElements(el: XmlElement | undefined, dflt: number, limits: DecodeLimits): number {
  if (!el) return dflt;
  const t = trimmedText(el);
  if (!/^\+?\d+$/.test(t) || /^\+?0+$/.test(t)) {
    throw new WsmanFault('wsman:SchemaValidationError', { reason: `${el.name} "${t.slice(0, 40)}" is not a positive integer.` });
  }
  // Any xs:positiveInteger is valid; more than the service sends at once is capped.
  return Math.min(Number(t), limits.maxElementsCap);
}

function contextOf(body: XmlElement): string {
  const el = child(body, NS.WSEN, 'EnumerationContext');
  const ctx = trimmedText(el);
  if (!el || ctx === '') throw new WsmanFault('wsen:InvalidEnumerationContext', { reason: 'The request carries no enumeration context.' });
  return ctx;
}

const QUERY_DIALECTS: Readonly<Record<string, 'wql' | 'cql'>> = {
  [DIALECT.WQL_MS]: 'wql',
  [DIALECT.WQL_DMTF]: 'wql',
  [DIALECT.CQL]: 'cql',
};

/** wsman:Filter or wsen:Filter (DSP0226 §8.2.1; DSP0227 §8 for the association dialect). */
function decodeFilter(body: XmlElement): EnumerationFilter | undefined {
  const wsmanFilter = child(body, NS.WSMAN, 'Filter');
  const wsenFilter = child(body, NS.WSEN, 'Filter');
  if (wsmanFilter && wsenFilter) throw new WsmanFault('wsen:CannotProcessFilter', { reason: 'Give either wsman:Filter or wsen:Filter, not both.' });
  const filter = wsmanFilter ?? wsenFilter;
  if (!filter) return undefined;
  // WS-Enumeration: without a Dialect the filter is XPath 1.0, which this service does not evaluate.
  const dialect = attr(filter, 'Dialect') ?? DIALECT.XPATH;
  const query = QUERY_DIALECTS[dialect];
  if (query) {
    const text = trimmedText(filter);
    if (filter.children.length > 0) throw new WsmanFault('wsen:CannotProcessFilter', { reason: 'A query filter must be its text alone, without elements.' });
    if (text === '') throw new WsmanFault('wsen:CannotProcessFilter', { reason: 'The query filter is empty.' });
    return { kind: 'query', dialect: query, text };
  }
  if (dialect === DIALECT.SELECTOR) {
    const set = child(filter, NS.WSMAN, 'SelectorSet');
    if (!set) throw new WsmanFault('wsen:CannotProcessFilter', { reason: 'A selector filter holds a wsman:SelectorSet.' });
    const selectors = decodeSelectorSet(set);
    const names = new Set<string>();
    for (const s of selectors) {
      // As in the header's SelectorSet (DSP0226 R5.1.2.2-4): one value per selector.
      if (names.has(s.name.toLowerCase())) throw new WsmanFault('wsman:InvalidSelectors', { detail: 'DuplicateSelectors', reason: `The selector filter gives ${s.name} twice.` });
      names.add(s.name.toLowerCase());
    }
    return { kind: 'selector', selectors };
  }
  if (dialect === DIALECT.ASSOCIATION) return decodeAssociationFilter(filter);
  throw new WsmanFault('wsen:FilterDialectRequestedUnavailable', { reason: `The filter dialect ${dialect.slice(0, 200)} is not supported; use WQL, CQL, the selector filter or the association filter.` });
}

function decodeAssociationFilter(filter: XmlElement): EnumerationFilter {
  const associated = child(filter, NS.WSMB, 'AssociatedInstances');
  const association = child(filter, NS.WSMB, 'AssociationInstances');
  const el = associated ?? association;
  if (!el || (associated && association)) {
    throw new WsmanFault('wsen:CannotProcessFilter', { reason: 'An association filter holds one wsmb:AssociatedInstances or wsmb:AssociationInstances.' });
  }
  const object = child(el, NS.WSMB, 'Object');
  if (!object) throw new WsmanFault('wsen:CannotProcessFilter', { reason: 'The association filter names no wsmb:Object.' });
  const opt = (name: string): string | undefined => {
    const e = child(el, NS.WSMB, name);
    return e ? trimmedText(e) : undefined;
  };
  const includeResultProperty = childrenNamed(el, NS.WSMB, 'IncludeResultProperty').map(trimmedText);
  if (associated) {
    return {
      kind: 'associators',
      object,
      assocClass: opt('AssociationClassName'),
      resultClass: opt('ResultClassName'),
      role: opt('Role'),
      resultRole: opt('ResultRole'),
      includeResultProperty,
    };
  }
  return { kind: 'references', object, resultClass: opt('ResultClassName') ?? opt('AssociationClassName'), role: opt('Role'), includeResultProperty };
}

/** A custom action (DSP0227 §9): Action = <class ResourceURI>/<MethodName>, body <MethodName>_INPUT. */
function decodeInvoke(base: { action: string; messageId: string; headers: Headers }, env: Envelope): WsmanRequest | undefined {
  const slash = base.action.lastIndexOf('/');
  const method = base.action.slice(slash + 1);
  const actionClass = parseResourceUri(base.action.slice(0, slash));
  if (slash < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(method) || !actionClass?.className) return undefined;
  const resource = classResource(base.headers);
  // openwsman faults an action that does not start with the ResourceURI; either class prefix is fine here.
  if (actionClass.className.toLowerCase() !== resource.className.toLowerCase()) {
    throw new WsmanFault('wsa:ActionNotSupported', { detail: 'ActionMismatch', reason: `The action ${base.action} does not belong to the resource ${resource.resourceUri}.` });
  }
  const input = env.body;
  if (input && (input.name.toLowerCase() !== `${method}_input`.toLowerCase() || env.bodyElements.length !== 1)) {
    throw new WsmanFault('wsman:SchemaValidationError', { reason: `The Body of ${method} must be one ${method}_INPUT element.` });
  }
  // DSP0227: the input element is in the namespace of the class's ResourceURI (any prefix form of it).
  if (input && parseResourceUri(input.ns)?.className?.toLowerCase() !== resource.className.toLowerCase()) {
    throw new WsmanFault('wsman:SchemaValidationError', { reason: `${method}_INPUT must be in the namespace of the ResourceURI (${resource.resourceUri}), not "${input.ns.slice(0, 200)}".` });
  }
  return { kind: 'invoke', ...base, resource, method, input };
}
