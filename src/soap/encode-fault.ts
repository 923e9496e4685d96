// WsmanFault → SOAP 1.2 fault envelope (DSP0226 §14).
import { encodeEnvelope } from './encode-envelope.js';
import { FAULT_TABLE, WsmanFault } from './faults.js';
import { FAULT_DETAIL_BASE, NS } from './namespaces.js';
import { xmlSafe } from './xml-writer.js';

export function encodeFault(fault: WsmanFault, relatesTo?: string, lang = 'en-US'): string {
  const sub = fault.subcode;
  return encodeEnvelope({
    action: fault.action,
    relatesTo,
    headers: (h) => {
      const nu = fault.notUnderstood;
      if (nu) h.ele(NS.S, 's:NotUnderstood').att(NS.XMLNS, 'xmlns:nu', xmlSafe(nu.ns)).att('qname', `nu:${nu.name}`);
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
      }
    },
  });
}
