// WsmanFault → SOAP 1.2 fault envelope (DSP0226 §14).
import { encodeEnvelope } from './encode-envelope.js';
import { FAULT_TABLE, WsmanFault } from './faults.js';
import { FAULT_DETAIL_BASE, NS, SUPPORTED_FILTER_DIALECTS } from './namespaces.js';
import { xmlSafe } from './xml-writer.js';

/**
 * SOAP 1.2 part 1 appendix A: a SOAP 1.1 message is answered with a SOAP 1.1 fault (a 1.1
 * client could not read a 1.2 one), with the Upgrade header naming the envelope supported.
 */
const SOAP11_VERSION_MISMATCH =
  `<env:Envelope xmlns:env="${NS.SOAP11}"><env:Header><upg:Upgrade xmlns:upg="${NS.S}"><upg:SupportedEnvelope qname="ns1:Envelope" xmlns:ns1="${NS.S}"/></upg:Upgrade></env:Header>` +
  '<env:Body><env:Fault><faultcode>env:VersionMismatch</faultcode><faultstring>Version Mismatch: this service speaks SOAP 1.2 only.</faultstring></env:Fault></env:Body></env:Envelope>';

export function encodeFault(fault: WsmanFault, relatesTo?: string, lang = 'en-US'): string {
  const sub = fault.subcode;
  if (sub === 'VersionMismatch' && fault.soap11) return SOAP11_VERSION_MISMATCH;
  return encodeEnvelope({
    action: fault.action,
    relatesTo,
    headers: (h) => {
      const nu = fault.notUnderstood;
      if (nu) h.ele(NS.S, 's:NotUnderstood').att(NS.XMLNS, 'xmlns:nu', xmlSafe(nu.ns)).att('qname', `nu:${nu.name}`);
      // SOAP 1.2 part 1 §5.4.7: a version mismatch names the envelope this node supports.
      if (sub === 'VersionMismatch') h.ele(NS.S, 's:Upgrade').ele(NS.S, 's:SupportedEnvelope').att('qname', 's:Envelope');
    },
    body: (b) => {
      const f = b.ele(NS.S, 's:Fault');
      const code = f.ele(NS.S, 's:Code');
      if (sub === 'VersionMismatch' || sub === 'MustUnderstand') {
        code.ele(NS.S, 's:Value').txt(`s:${sub}`);
      } else {
        code.ele(NS.S, 's:Value').txt(`s:${FAULT_TABLE[sub].code}`);
        // The subcode QName's prefix is declared on the envelope root (wsa, wsman, wsen, wxf, wsmb).
        code.ele(NS.S, 's:Subcode').ele(NS.S, 's:Value').txt(sub);
      }
      f.ele(NS.S, 's:Reason').ele(NS.S, 's:Text').att(NS.XML, 'xml:lang', lang).txt(xmlSafe(fault.message));
      if (fault.detail) {
        f.ele(NS.S, 's:Detail').ele(NS.WSMAN, 'wsman:FaultDetail').txt(FAULT_DETAIL_BASE + fault.detail);
      } else if (sub === 'wsen:FilterDialectRequestedUnavailable') {
        // WS-Enumeration: the fault lists the dialects that would have been understood.
        const detail = f.ele(NS.S, 's:Detail');
        for (const d of SUPPORTED_FILTER_DIALECTS) detail.ele(NS.WSEN, 'wsen:SupportedDialect').txt(d);
      }
    },
  });
}
