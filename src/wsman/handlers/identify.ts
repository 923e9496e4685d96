// DSP0226 §11 Identify. An unauthenticated caller learns only what the protocol needs.
import { el } from '../../soap/encode-envelope.js';
import { NS } from '../../soap/namespaces.js';
import { escapeText } from '../../soap/xml-writer.js';
import type { ProductInfo } from '../deps.js';
import type { WsmanResponse } from '../response.js';

export function handleIdentify(product: ProductInfo, authenticated: boolean): WsmanResponse {
  const details = authenticated && product.details ? ` (${product.details()})` : '';
  const profiles = authenticated && product.securityProfiles.length > 0
    ? el('wsmid:SecurityProfiles', product.securityProfiles.map((p) => el('wsmid:SecurityProfileName', escapeText(p))).join(''))
    : '';
  return {
    action: '',
    bareHeader: true,
    bodyXml: el('wsmid:IdentifyResponse',
      el('wsmid:ProtocolVersion', NS.WSMAN) +
      el('wsmid:ProductVendor', escapeText(product.vendor)) +
      el('wsmid:ProductVersion', escapeText(`${product.version}${details}`)) +
      profiles),
  };
}
