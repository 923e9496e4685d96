// The requests the benchmark sends, as a WS-Man client writes them (wsmancli's shape: every
// addressing header, a fresh MessageID, MaxEnvelopeSize as WinRM sends it).
import { randomUUID } from 'node:crypto';
// Plain constants and escaping from the product: the benchmark speaks the protocol it names.
import { ACTION, DIALECT, NS, WSA_ANONYMOUS } from '../src/soap/namespaces.js';
import { escapeAttr as esc } from '../src/soap/xml-writer.js';
import { ALL_CLASSES_URI } from '../src/wsman/resource-uri.js';

export const XEN_CS = 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/Xen_ComputerSystem';
/** Every computer system of the host, polymorphically: the host, each guest VM, each virtual switch (DSP1097). */
export const CIM_CS = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem';
export const ALL_CLASSES = ALL_CLASSES_URI;
export const MAX_ENVELOPE = 512_000;

function envelope(action: string | undefined, resourceUri: string | undefined, selectors: Readonly<Record<string, string>>, body: string): string {
  const sels = Object.keys(selectors).length === 0
    ? ''
    : `<wsman:SelectorSet>${Object.entries(selectors).map(([k, v]) => `<wsman:Selector Name="${esc(k)}">${esc(v)}</wsman:Selector>`).join('')}</wsman:SelectorSet>`;
  const headers = action === undefined
    ? ''
    : `<wsa:To s:mustUnderstand="true">http://127.0.0.1/wsman</wsa:To>` +
      (resourceUri ? `<wsman:ResourceURI s:mustUnderstand="true">${resourceUri}</wsman:ResourceURI>` : '') +
      `<wsa:ReplyTo><wsa:Address s:mustUnderstand="true">${WSA_ANONYMOUS}</wsa:Address></wsa:ReplyTo>` +
      `<wsa:Action s:mustUnderstand="true">${action}</wsa:Action>` +
      `<wsman:MaxEnvelopeSize s:mustUnderstand="true">${MAX_ENVELOPE}</wsman:MaxEnvelopeSize>` +
      `<wsa:MessageID>uuid:${randomUUID()}</wsa:MessageID><wsman:OperationTimeout>PT60.000S</wsman:OperationTimeout>${sels}`;
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${NS.S}" xmlns:wsa="${NS.WSA}" xmlns:wsman="${NS.WSMAN}" ` +
    `xmlns:wsen="${NS.WSEN}" xmlns:wsmid="${NS.WSMID}" xmlns:wsmb="${NS.WSMB}"><s:Header>${headers}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

export const identify = (): string => envelope(undefined, undefined, {}, '<wsmid:Identify/>');

export const getVm = (name: string): string => envelope(ACTION.GET, XEN_CS, { Name: name, CreationClassName: 'Xen_ComputerSystem' }, '');

/** An optimized Enumerate (DSP0226 §8.2.3) returning up to maxElements items at once. */
export const enumerate = (resourceUri: string, maxElements: number, filter = '', mode = ''): string =>
  envelope(ACTION.ENUMERATE, resourceUri, {}, `<wsen:Enumerate>${mode}<wsman:OptimizeEnumeration/><wsman:MaxElements>${maxElements}</wsman:MaxElements>${filter}</wsen:Enumerate>`);

/** A plain Enumerate: a context and no items, as a client that pulls later opens it. */
export const enumerateContextOnly = (resourceUri: string): string => envelope(ACTION.ENUMERATE, resourceUri, {}, '<wsen:Enumerate/>');

export const pull = (resourceUri: string, context: string, maxElements: number): string =>
  envelope(ACTION.PULL, resourceUri, {}, `<wsen:Pull><wsen:EnumerationContext>${esc(context)}</wsen:EnumerationContext><wsen:MaxElements>${maxElements}</wsen:MaxElements></wsen:Pull>`);

export const release = (resourceUri: string, context: string): string =>
  envelope(ACTION.RELEASE, resourceUri, {}, `<wsen:Release><wsen:EnumerationContext>${esc(context)}</wsen:EnumerationContext></wsen:Release>`);

/** Everything associated with one VM (its settings, devices, host, pools …). */
export const associatedWithVm = (name: string, maxElements: number): string =>
  enumerate(ALL_CLASSES, maxElements,
    `<wsman:Filter Dialect="${DIALECT.ASSOCIATION}"><wsmb:AssociatedInstances><wsmb:Object><wsa:Address>${WSA_ANONYMOUS}</wsa:Address>` +
    `<wsa:ReferenceParameters><wsman:ResourceURI>${XEN_CS}</wsman:ResourceURI><wsman:SelectorSet>` +
    `<wsman:Selector Name="CreationClassName">Xen_ComputerSystem</wsman:Selector><wsman:Selector Name="Name">${esc(name)}</wsman:Selector>` +
    `</wsman:SelectorSet></wsa:ReferenceParameters></wsmb:Object></wsmb:AssociatedInstances></wsman:Filter>`);

/** A WQL query an operator runs to find a VM by its name (answered from a per-generation lookup by ElementName). */
export const wqlByName = (elementName: string, maxElements: number): string =>
  enumerate(XEN_CS, maxElements, `<wsman:Filter Dialect="${DIALECT.WQL_MS}">${esc(`SELECT Name, ElementName, EnabledState FROM Xen_ComputerSystem WHERE ElementName = '${elementName.replace(/'/g, "''")}'`)}</wsman:Filter>`);

export const contextOf = (xml: string): string | undefined => /<wsen:EnumerationContext>([^<]+)</.exec(xml)?.[1];
export const ended = (xml: string): boolean => xml.includes('EndOfSequence');
