// DSP0226 §11 Identify. An unauthenticated caller learns only what the protocol needs.
import { el } from '../../soap/encode-envelope.js';
import { NS } from '../../soap/namespaces.js';
import { escapeText } from '../../soap/xml-writer.js';
import type { ProductInfo } from '../deps.js';
import type { WsmanResponse } from '../response.js';

// The answer changes only with the back end's version text: written once per text, not per request.
const written = new WeakMap<ProductInfo, { readonly anonymous: string; details?: string | undefined; authenticated?: string }>();

export function handleIdentify(product: ProductInfo, authenticated: boolean): WsmanResponse {
  let memo = written.get(product);
  if (!memo) {
    memo = { anonymous: identifyBody(product, undefined, false) };
    written.set(product, memo);
  }
  if (!authenticated) return { action: '', bareHeader: true, bodyXml: memo.anonymous };
  const details = product.details?.();
  if (memo.authenticated === undefined || memo.details !== details) {
    memo.details = details;
    memo.authenticated = identifyBody(product, details, true);
  }
  return { action: '', bareHeader: true, bodyXml: memo.authenticated };
}

function identifyBody(product: ProductInfo, backEnd: string | undefined, authenticated: boolean): string {
  const details = authenticated && backEnd !== undefined ? ` (${backEnd})` : '';
  const profiles = authenticated && product.securityProfiles.length > 0
    ? el('wsmid:SecurityProfiles', product.securityProfiles.map((p) => el('wsmid:SecurityProfileName', escapeText(p))).join(''))
    : '';
  return el('wsmid:IdentifyResponse',
    el('wsmid:ProtocolVersion', NS.WSMAN) +
    el('wsmid:ProductVendor', escapeText(product.vendor)) +
    el('wsmid:ProductVersion', escapeText(`${product.version}${details}`)) +
    profiles);
}
