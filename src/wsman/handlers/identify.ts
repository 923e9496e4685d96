// DSP0226 §11 Identify. An unauthenticated caller learns only what the protocol needs.
import { NS } from '../../soap/namespaces.js';
import type { ProductInfo } from '../deps.js';
import type { WsmanResponse } from '../response.js';

export function handleIdentify(product: ProductInfo, authenticated: boolean): WsmanResponse {
  return {
    action: '',
    bareHeader: true,
    body: (b) => {
      const r = b.ele(NS.WSMID, 'wsmid:IdentifyResponse');
      r.ele(NS.WSMID, 'wsmid:ProtocolVersion').txt(NS.WSMAN);
      r.ele(NS.WSMID, 'wsmid:ProductVendor').txt(product.vendor);
      const details = authenticated && product.details ? ` (${product.details()})` : '';
      r.ele(NS.WSMID, 'wsmid:ProductVersion').txt(`${product.version}${details}`);
      if (authenticated && product.securityProfiles.length > 0) {
        const sp = r.ele(NS.WSMID, 'wsmid:SecurityProfiles');
        for (const p of product.securityProfiles) sp.ele(NS.WSMID, 'wsmid:SecurityProfileName').txt(p);
      }
    },
  };
}
