// A small WS-Man client for tests: builds envelopes the way wsmancli and pywinrm do and
// posts them over a real socket with Basic auth.
import { randomUUID } from 'node:crypto';
import { parseXml, type XmlElement } from '../../src/soap/xml.js';

export const NS = {
  S: 'http://www.w3.org/2003/05/soap-envelope',
  WSA: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  WSMAN: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
  WSEN: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration',
  WSMID: 'http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd',
  WSMB: 'http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd',
  XSI: 'http://www.w3.org/2001/XMLSchema-instance',
  CIM: 'http://schemas.dmtf.org/wbem/wscim/1/common',
};
export const CS_URI = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem';
export const XEN_CS_URI = 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/Xen_ComputerSystem';
export const XEN_HOST_URI = 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/Xen_HostComputerSystem';
export const ACTIONS = {
  get: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get',
  enumerate: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate',
  pull: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull',
  release: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release',
};

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface EnvelopeInput {
  readonly action?: string;
  readonly resourceUri?: string;
  readonly selectors?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly messageId?: string;
  readonly extraHeaders?: string;
}

export function envelope(e: EnvelopeInput): string {
  const sel = e.selectors
    ? `<wsman:SelectorSet>${Object.entries(e.selectors).map(([k, v]) => `<wsman:Selector Name="${xmlEscape(k)}">${xmlEscape(v)}</wsman:Selector>`).join('')}</wsman:SelectorSet>`
    : '';
  const headers = e.action
    ? `<wsa:To s:mustUnderstand="true">http://127.0.0.1/wsman</wsa:To>` +
      (e.resourceUri ? `<wsman:ResourceURI s:mustUnderstand="true">${xmlEscape(e.resourceUri)}</wsman:ResourceURI>` : '') +
      `<wsa:ReplyTo><wsa:Address s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:Address></wsa:ReplyTo>` +
      `<wsa:Action s:mustUnderstand="true">${xmlEscape(e.action)}</wsa:Action>` +
      `<wsa:MessageID s:mustUnderstand="true">${e.messageId ?? `uuid:${randomUUID()}`}</wsa:MessageID>${sel}${e.extraHeaders ?? ''}`
    : e.extraHeaders ?? '';
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${NS.S}" xmlns:wsa="${NS.WSA}" xmlns:wsman="${NS.WSMAN}" ` +
    `xmlns:wsen="${NS.WSEN}" xmlns:wsmid="${NS.WSMID}" xmlns:wsmb="${NS.WSMB}"><s:Header>${headers}</s:Header><s:Body>${e.body ?? ''}</s:Body></s:Envelope>`;
}

export const identifyEnvelope = (): string => envelope({ body: '<wsmid:Identify/>' });

export interface Credentials {
  readonly user: string;
  readonly password: string;
}
export const ROOT: Credentials = { user: 'root', password: 'xenroot' };
export const MONITOR: Credentials = { user: 'monitor', password: 'monitor' };

export interface WsmanReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** the parsed envelope, when the body is XML */
  readonly xml: XmlElement | undefined;
}

export async function post(endpoint: string, body: string | Buffer, creds: Credentials | undefined, contentType = 'application/soap+xml;charset=UTF-8', extra: Record<string, string> = {}): Promise<WsmanReply> {
  const headers: Record<string, string> = { 'Content-Type': contentType, ...extra };
  if (creds) headers['Authorization'] = `Basic ${Buffer.from(`${creds.user}:${creds.password}`).toString('base64')}`;
  const res = await fetch(endpoint, { method: 'POST', headers, body });
  const text = await res.text();
  let xml: XmlElement | undefined;
  try {
    xml = text.startsWith('<') ? parseXml(text.replace(/^<\?xml[^>]*\?>/, '')) : undefined;
  } catch {
    xml = undefined;
  }
  return { status: res.status, headers: res.headers, text, xml };
}

/** Finds descendants by namespace and local name, depth first. */
export function find(el: XmlElement | undefined, ns: string, name: string): XmlElement[] {
  if (!el) return [];
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    for (const c of e.children) {
      if (c.ns === ns && c.name === name) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}

export function findOne(el: XmlElement | undefined, ns: string, name: string): XmlElement | undefined {
  return find(el, ns, name)[0];
}

export function bodyOf(reply: WsmanReply): XmlElement | undefined {
  return reply.xml?.children.find((c) => c.ns === NS.S && c.name === 'Body')?.children[0];
}

/** The fault's subcode QName text (e.g. "wsman:InvalidSelectors") and detail, or undefined. */
export function faultOf(reply: WsmanReply): { code: string; subcode: string | undefined; detail: string | undefined; reason: string } | undefined {
  const fault = findOne(reply.xml, NS.S, 'Fault');
  if (!fault) return undefined;
  const code = findOne(fault, NS.S, 'Code');
  const values = find(code, NS.S, 'Value');
  return {
    code: values[0]?.text.trim() ?? '',
    subcode: values[1]?.text.trim(),
    detail: findOne(fault, NS.WSMAN, 'FaultDetail')?.text.trim(),
    reason: findOne(fault, NS.S, 'Text')?.text ?? '',
  };
}

export function enumerateBody(opts: { optimize?: boolean; maxElements?: number; mode?: string; polymorphism?: string; filter?: string } = {}): string {
  return `<wsen:Enumerate>${opts.filter ?? ''}${opts.optimize ? '<wsman:OptimizeEnumeration/>' : ''}${opts.maxElements !== undefined ? `<wsman:MaxElements>${opts.maxElements}</wsman:MaxElements>` : ''}` +
    `${opts.mode ? `<wsman:EnumerationMode>${opts.mode}</wsman:EnumerationMode>` : ''}${opts.polymorphism ? `<wsmb:PolymorphismMode>${opts.polymorphism}</wsmb:PolymorphismMode>` : ''}</wsen:Enumerate>`;
}

export function pullBody(context: string, maxElements?: number): string {
  return `<wsen:Pull><wsen:EnumerationContext>${context}</wsen:EnumerationContext>${maxElements !== undefined ? `<wsen:MaxElements>${maxElements}</wsen:MaxElements>` : ''}</wsen:Pull>`;
}

/** Runs Enumerate then Pull until the end; returns every item element and the replies. */
export async function enumerateAll(endpoint: string, creds: Credentials, resourceUri: string, opts: { optimize?: boolean; maxElements?: number; mode?: string; selectors?: Record<string, string>; polymorphism?: string; filter?: string } = {}): Promise<{ items: XmlElement[]; replies: WsmanReply[] }> {
  const replies: WsmanReply[] = [];
  const items: XmlElement[] = [];
  const first = await post(endpoint, envelope({ action: ACTIONS.enumerate, resourceUri, ...(opts.selectors ? { selectors: opts.selectors } : {}), body: enumerateBody(opts) }), creds);
  replies.push(first);
  if (first.status !== 200) throw new Error(`Enumerate failed: ${first.status} ${first.text}`);
  const resp = bodyOf(first);
  items.push(...(findOne(resp, NS.WSMAN, 'Items')?.children ?? []));
  let context = findOne(resp, NS.WSEN, 'EnumerationContext')?.text.trim() ?? '';
  let guard = 0;
  while (context !== '' && guard++ < 100_000) {
    const r = await post(endpoint, envelope({ action: ACTIONS.pull, resourceUri, ...(opts.selectors ? { selectors: opts.selectors } : {}), body: pullBody(context, opts.maxElements) }), creds);
    replies.push(r);
    if (r.status !== 200) throw new Error(`Pull failed: ${r.status} ${r.text}`);
    const pr = bodyOf(r);
    items.push(...(findOne(pr, NS.WSEN, 'Items')?.children ?? []));
    context = findOne(pr, NS.WSEN, 'EnumerationContext')?.text.trim() ?? '';
  }
  return { items, replies };
}

/** A property's text inside an instance element (first occurrence), or undefined. */
export function prop(instance: XmlElement, name: string): string | undefined {
  return instance.children.find((c) => c.name === name)?.text;
}
