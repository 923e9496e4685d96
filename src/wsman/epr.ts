// DSP0227 §7.3: an EPR (wsa:Address + wsa:ReferenceParameters{ResourceURI, SelectorSet})
// → the object path it names, with typed keys; reference selectors nest further EPRs.
import { CimError } from '../cim/errors.js';
import { ObjectPath } from '../cim/object-path.js';
import type { SchemaView } from '../cim/schema-view.js';
import { decodeSelectorSet } from '../soap/headers.js';
import { NS } from '../soap/namespaces.js';
import { child, trimmedText, type XmlElement } from '../soap/xml.js';
import { DEFAULT_NAMESPACE, NAMESPACE_SELECTOR, parseResourceUri } from './resource-uri.js';
import { selectorsToKeys } from './selectors.js';

/** Nesting of reference keys inside reference keys, far beyond any class we serve. */
const MAX_DEPTH = 4;

/** `el` is a wsa:EndpointReference, or any element holding wsa:Address/wsa:ReferenceParameters. */
export function eprToPath(el: XmlElement, schema: SchemaView, depth = 0): ObjectPath {
  if (depth > MAX_DEPTH) throw invalid('References are nested too deeply.');
  const params = child(el, NS.WSA, 'ReferenceParameters') ?? child(el, NS.WSA, 'ReferenceProperties');
  const uri = trimmedText(child(params, NS.WSMAN, 'ResourceURI'));
  if (!params || uri === '') throw invalid('The reference has no ResourceURI.');
  const parsed = parseResourceUri(uri);
  if (!parsed?.className) throw invalid(`The reference's ResourceURI ${uri} names no class served here.`);
  const cls = schema.getClass(parsed.className);
  if (!cls) throw new CimError('INVALID_CLASS', `The class ${parsed.className} does not exist.`);
  const setEl = child(params, NS.WSMAN, 'SelectorSet');
  const selectors = [...(setEl ? decodeSelectorSet(setEl) : []), ...parsed.querySelectors];
  const nsSel = selectors.find((s) => s.name.toLowerCase() === NAMESPACE_SELECTOR);
  const namespace = nsSel ? nsSel.value.trim().replace(/\\/g, '/') : DEFAULT_NAMESPACE;
  const keys = selectorsToKeys(cls, selectors.filter((s) => s !== nsSel), (epr) => eprToPath(epr, schema, depth + 1));
  return new ObjectPath(namespace, cls.name, keys);
}

function invalid(message: string): CimError {
  return new CimError('INVALID_PARAMETER', message, { subject: 'keys', keyProblem: 'invalid-value' });
}
