// string → SOAP 1.2 envelope (header blocks + body element). Malformed XML and wrong
// envelopes become WsmanFaults here; nothing above this file sees raw XML text.
import { WsmanFault } from './faults.js';
import { NS } from './namespaces.js';
import { DEFAULT_XML_LIMITS, parseXml, XmlLimitError, XmlSyntaxError, type XmlElement, type XmlLimits } from './xml.js';

export interface Envelope {
  readonly headers: readonly XmlElement[];
  /** the first element child of s:Body, if any */
  readonly body: XmlElement | undefined;
  readonly bodyElements: readonly XmlElement[];
}

const XML_WHITESPACE = /^[ \t\r\n]*$/;

export function decodeEnvelope(xml: string, limits: XmlLimits = DEFAULT_XML_LIMITS): Envelope {
  let root: XmlElement;
  try {
    // SOAP 1.2 part 1 §5: a receiver of a message holding processing instructions should fault (env:Sender).
    root = parseXml(xml, limits, { refuseProcessingInstructions: true });
  } catch (err) {
    if (err instanceof XmlLimitError) {
      // Well-formed, but beyond what this service parses: an encoding limit of the request (DSP0226 §14).
      throw new WsmanFault('wsman:EncodingLimit', { reason: `The request exceeds a limit of this service: ${err.message}.` });
    }
    if (err instanceof XmlSyntaxError) {
      const where = err.line !== undefined ? ` (line ${err.line}, column ${err.column ?? 0})` : '';
      throw new WsmanFault('wsman:SchemaValidationError', { reason: `The request is not well-formed XML: ${quoted(err.message)}${where}` });
    }
    throw err;
  }
  if (root.name !== 'Envelope' || root.ns !== NS.S) {
    // SOAP 1.2 part 1 §5.4.7: an envelope in another namespace is a version mismatch.
    if (root.name === 'Envelope') throw new WsmanFault('VersionMismatch', { soap11: root.ns === NS.SOAP11 });
    throw new WsmanFault('wsman:SchemaValidationError', { reason: 'The root element is not a SOAP 1.2 Envelope.' });
  }
  let header: XmlElement | undefined;
  let body: XmlElement | undefined;
  for (const c of root.children) {
    if (c.ns === NS.S && c.name === 'Header' && header === undefined && body === undefined) header = c;
    else if (c.ns === NS.S && c.name === 'Body' && body === undefined) body = c;
    else throw new WsmanFault('wsman:SchemaValidationError', { reason: `Unexpected element ${c.name.slice(0, 60)} in the SOAP Envelope.` });
  }
  if (body === undefined) throw new WsmanFault('wsman:SchemaValidationError', { reason: 'The SOAP Envelope has no Body.' });
  // SOAP 1.2 part 1 §5.1-§5.3: Envelope, Header and Body hold elements, and only whitespace between them.
  for (const el of [root, header, body]) {
    if (el && !XML_WHITESPACE.test(el.text)) {
      throw new WsmanFault('wsman:SchemaValidationError', { reason: `The SOAP ${el.name} holds character data; only elements are allowed in it.` });
    }
  }
  // SOAP 1.2 part 1 §5.2.1: every header block is namespace-qualified.
  const unqualified = header?.children.find((h) => h.ns === '');
  if (unqualified) throw new WsmanFault('wsman:SchemaValidationError', { reason: `The header block ${unqualified.name.slice(0, 60)} is not namespace-qualified.` });
  return { headers: header?.children ?? [], body: body.children[0], bodyElements: body.children };
}

/**
 * A parser message, which may quote the request (tag and attribute names), made safe to quote
 * back: bounded, and with no "&" that a writer could take for the start of an entity reference.
 */
function quoted(message: string): string {
  const short = message.length > 300 ? `${message.slice(0, 300)}…` : message;
  return short.replace(/&/g, '\uff06');
}
