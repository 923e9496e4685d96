// Envelope builders for filtered enumerations: association, selector and query filters.
import { ACTIONS, envelope, enumerateAll, type Credentials, type WsmanReply, post } from './wsman-client.js';
import type { XmlElement } from '../../src/soap/xml.js';

export const ALL_CLASSES = 'http://schemas.dmtf.org/wbem/wscim/1/*';
export const DMTF = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/';
export const CITRIX = 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/';
export const ASSOCIATION_DIALECT = 'http://schemas.dmtf.org/wbem/wsman/1/cimbinding/associationFilter';
export const WQL = 'http://schemas.microsoft.com/wbem/wsman/1/WQL';
export const WQL_DMTF = 'http://schemas.dmtf.org/wbem/wsman/1/WQL';
export const CQL = 'http://schemas.dmtf.org/wbem/cql/1/dsp0202.pdf';
export const SELECTOR_DIALECT = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface ObjectRef {
  readonly className: string;
  readonly keys: Readonly<Record<string, string>>;
  readonly namespace?: string;
}

export function eprXml(o: ObjectRef): string {
  const uri = (o.className.startsWith('Xen_') ? CITRIX : DMTF) + o.className;
  const sels = Object.entries(o.keys).map(([k, v]) => `<wsman:Selector Name="${esc(k)}">${esc(v)}</wsman:Selector>`).join('');
  const ns = o.namespace ? `<wsman:Selector Name="__cimnamespace">${esc(o.namespace)}</wsman:Selector>` : '';
  return `<wsa:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:Address><wsa:ReferenceParameters><wsman:ResourceURI>${uri}</wsman:ResourceURI><wsman:SelectorSet>${sels}${ns}</wsman:SelectorSet></wsa:ReferenceParameters>`;
}

export interface AssocOptions {
  readonly assocClass?: string;
  readonly resultClass?: string;
  readonly role?: string;
  readonly resultRole?: string;
  readonly includeResultProperty?: readonly string[];
}

export function associationFilter(kind: 'associated' | 'association', object: ObjectRef, o: AssocOptions = {}): string {
  const el = kind === 'associated' ? 'AssociatedInstances' : 'AssociationInstances';
  const opt = (name: string, v: string | undefined): string => (v === undefined ? '' : `<wsmb:${name}>${esc(v)}</wsmb:${name}>`);
  const inner = `<wsmb:Object>${eprXml(object)}</wsmb:Object>${opt('AssociationClassName', o.assocClass)}${opt('ResultClassName', o.resultClass)}` +
    `${opt('Role', o.role)}${opt('ResultRole', o.resultRole)}${(o.includeResultProperty ?? []).map((p) => opt('IncludeResultProperty', p)).join('')}`;
  return `<wsman:Filter Dialect="${ASSOCIATION_DIALECT}"><wsmb:${el}>${inner}</wsmb:${el}></wsman:Filter>`;
}

export function queryFilter(text: string, dialect = WQL): string {
  return `<wsman:Filter Dialect="${dialect}">${esc(text)}</wsman:Filter>`;
}

export function selectorFilter(sels: Readonly<Record<string, string>>): string {
  return `<wsman:Filter Dialect="${SELECTOR_DIALECT}"><wsman:SelectorSet>${Object.entries(sels).map(([k, v]) => `<wsman:Selector Name="${esc(k)}">${esc(v)}</wsman:Selector>`).join('')}</wsman:SelectorSet></wsman:Filter>`;
}

/** One optimized Enumerate with this filter, then Pulls to the end. */
export async function filtered(endpoint: string, creds: Credentials, resourceUri: string, filterXml: string, opts: { mode?: string; namespace?: string; polymorphism?: string } = {}): Promise<XmlElement[]> {
  const { items } = await enumerateAll(endpoint, creds, resourceUri, {
    optimize: true,
    maxElements: 20,
    ...(opts.mode ? { mode: opts.mode } : {}),
    ...(opts.polymorphism ? { polymorphism: opts.polymorphism } : {}),
    ...(opts.namespace ? { selectors: { __cimnamespace: opts.namespace } } : {}),
    filter: filterXml,
  });
  return items;
}

/** The first reply of a filtered Enumerate (for faults). */
export function enumerateWith(endpoint: string, creds: Credentials, resourceUri: string, bodyInner: string, extraHeaders = ''): Promise<WsmanReply> {
  return post(endpoint, envelope({ action: ACTIONS.enumerate, resourceUri, body: `<wsen:Enumerate>${bodyInner}</wsen:Enumerate>`, extraHeaders }), creds);
}

/** A key or property value of an item (instance element, EPR or wsman:Item). */
export function valueOf(item: XmlElement, name: string): string | undefined {
  const inst = item.name === 'Item' ? item.children[0] : item;
  if (inst?.name === 'EndpointReference') return selectorOf(inst, name);
  return inst?.children.find((c) => c.name === name)?.text;
}

export function selectorOf(epr: XmlElement, name: string): string | undefined {
  const walk = (e: XmlElement): string | undefined => {
    for (const c of e.children) {
      if (c.name === 'Selector' && c.attrs.some((a) => a.name === 'Name' && a.value === name) && c.children.length === 0) return c.text;
      const r = walk(c);
      if (r !== undefined) return r;
    }
    return undefined;
  };
  return walk(epr);
}
