// DSP0227 §5: ResourceURI ⇄ CIM class. DMTF classes live under the DMTF prefix and Xen_
// classes under the prefix XenServer's own CIM interface used; either is accepted on input.
import type { Selector } from '../soap/headers.js';

export const DMTF_CLASS_PREFIX = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/';
export const CITRIX_CLASS_PREFIX = 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/';
export const ALL_CLASSES_URI = 'http://schemas.dmtf.org/wbem/wscim/1/*';
export const DEFAULT_NAMESPACE = 'root/cimv2';
export const NAMESPACE_SELECTOR = '__cimnamespace';

const PREFIXES = [DMTF_CLASS_PREFIX, CITRIX_CLASS_PREFIX];

/** The ResourceURI a class is emitted under: its own vendor prefix. */
export function resourceUriOf(className: string): string {
  return (className.toLowerCase().startsWith('xen_') ? CITRIX_CLASS_PREFIX : DMTF_CLASS_PREFIX) + className;
}

export interface ParsedResourceUri {
  /** the URI without a query part */
  readonly uri: string;
  /** class named by the URI, or undefined for the all-classes URI */
  readonly className: string | undefined;
  /** selectors written into the URI as a query (`?K=V&K2=V2`, or winrm's `?K=V+K2=V2`) */
  readonly querySelectors: readonly Selector[];
}

/** undefined when the URI is not one this service serves. */
export function parseResourceUri(raw: string): ParsedResourceUri | undefined {
  const q = raw.indexOf('?');
  const uri = q < 0 ? raw : raw.slice(0, q);
  const querySelectors = q < 0 ? [] : parseQuery(raw.slice(q + 1));
  if (uri === ALL_CLASSES_URI) return { uri, className: undefined, querySelectors };
  for (const prefix of PREFIXES) {
    if (uri.startsWith(prefix)) {
      const name = uri.slice(prefix.length);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return { uri, className: name, querySelectors };
    }
  }
  return undefined;
}

function parseQuery(query: string): Selector[] {
  const out: Selector[] = [];
  // winrm joins pairs with '+'; a '+' inside a value must then be written %2B.
  for (const pair of query.split(/[&+]/)) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    out.push({ name, value });
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
