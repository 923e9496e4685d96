// DSP0230 serialization of CIM instances and references as XML fragments. Fragments use
// the prefixes every response envelope declares (wsa, wsman, xsi, cim) and declare their
// own class namespace, so each instance's text can be cached and reused as it is.
import { CimDateTime, type CimScalar, type CimValue, type ObjectPathLike } from '../cim/types.js';
import { foldCase } from '../cim/fold-case.js';
import type { CimInstance } from '../cim/instance.js';
import type { ClassView } from '../cim/schema-view.js';
import type { PropertyDecl } from '../cim/class.js';
import { NS, WSA_ANONYMOUS } from '../soap/namespaces.js';
import { escapeAttr, escapeText } from '../soap/xml-writer.js';
import { NAMESPACE_SELECTOR, resourceUriOf } from './resource-uri.js';

const cache = new WeakMap<CimInstance, string>();

/**
 * The instance as its class element. `asClass` (ExcludeSubClassProperties) names the
 * element after that class and keeps only its properties; `only` keeps the properties named
 * (a query's select list).
 */
export function encodeInstance(inst: CimInstance, cls: ClassView, asClass?: ClassView, only?: readonly string[]): string {
  const plain = !asClass && !only;
  if (plain) {
    const hit = cache.get(inst);
    if (hit !== undefined) return hit;
  }
  const view = asClass ?? cls;
  const name = view.name;
  const wanted = only ? new Set(only.map(foldCase)) : undefined;
  let out = `<p:${name} xmlns:p="${escapeAttr(resourceUriOf(name))}">`;
  for (const prop of view.properties) {
    if (!wanted || wanted.has(foldCase(prop.name))) out += encodeProperty(prop, inst.get(prop.name) ?? null);
  }
  out += `</p:${name}>`;
  if (plain) cache.set(inst, out);
  return out;
}

function encodeProperty(prop: PropertyDecl, value: CimValue): string {
  return encodeNamedValue(`p:${prop.name}`, value);
}

/** `<tag>value</tag>` per DSP0230: nil for NULL, one element per array item, EPR content for references. */
export function encodeNamedValue(tag: string, value: CimValue): string {
  if (value === null || (Array.isArray(value) && value.length === 0)) return `<${tag} xsi:nil="true"/>`;
  if (Array.isArray(value)) {
    let out = '';
    for (const v of value as readonly CimScalar[]) out += `<${tag}>${encodeScalar(v)}</${tag}>`;
    return out;
  }
  return `<${tag}>${encodeScalar(value as CimScalar)}</${tag}>`;
}

function encodeScalar(v: CimScalar): string {
  switch (typeof v) {
    case 'string': return escapeText(v);
    case 'boolean': return v ? 'true' : 'false';
    case 'bigint': return v.toString();
    case 'number':
      if (Number.isNaN(v)) return 'NaN';
      if (v === Infinity) return 'INF';
      if (v === -Infinity) return '-INF';
      return String(v);
    default:
      if (v instanceof CimDateTime) {
        return v.kind === 'interval' ? `<cim:Interval>${v.toXsd()}</cim:Interval>` : `<cim:Datetime>${v.toXsd()}</cim:Datetime>`;
      }
      if ('keys' in v) return encodeReferenceParameters(v);
      return encodeEmbedded(v);
  }
}

/** wsa:Address + wsa:ReferenceParameters: the content of an EPR or of a reference property. */
export function encodeReferenceParameters(path: ObjectPathLike): string {
  let out = `<wsa:Address>${WSA_ANONYMOUS}</wsa:Address><wsa:ReferenceParameters>`;
  out += `<wsman:ResourceURI>${escapeText(resourceUriOf(path.className))}</wsman:ResourceURI><wsman:SelectorSet>`;
  for (const k of path.keys) {
    const v = k.value;
    const inner = typeof v === 'object' ? `<wsa:EndpointReference>${encodeReferenceParameters(v)}</wsa:EndpointReference>` : escapeText(String(v));
    out += `<wsman:Selector Name="${escapeAttr(k.name)}">${inner}</wsman:Selector>`;
  }
  out += `<wsman:Selector Name="${NAMESPACE_SELECTOR}">${escapeText(path.namespace)}</wsman:Selector>`;
  return `${out}</wsman:SelectorSet></wsa:ReferenceParameters>`;
}

export function encodeEpr(path: ObjectPathLike): string {
  return `<wsa:EndpointReference>${encodeReferenceParameters(path)}</wsa:EndpointReference>`;
}

/** An embedded instance as the text of a DSP0230 instance element (escaped, so any client can read it as a string). */
function encodeEmbedded(inst: { readonly className: string; readonly properties: ReadonlyMap<string, CimValue> }): string {
  let inner = '';
  for (const [name, value] of inst.properties) inner += encodeNamedValue(`p:${name}`, value);
  // The text stands alone once a client reads it, so it declares every prefix it uses.
  const decls = `xmlns:p="${resourceUriOf(inst.className)}" xmlns:xsi="${NS.XSI}" xmlns:cim="${NS.CIM}" xmlns:wsa="${NS.WSA}" xmlns:wsman="${NS.WSMAN}"`;
  return escapeText(`<p:${inst.className} ${decls}>${inner}</p:${inst.className}>`);
}
