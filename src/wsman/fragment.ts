// Property-level fragments (DSP0226 §7.7, wsman:FragmentTransfer): Get answers and Put
// takes one property inside wsman:XmlFragment, as the element or, with `/text()`, its value.
import type { CimInstance } from '../cim/instance.js';
import type { ClassView, SchemaView } from '../cim/schema-view.js';
import type { CimValue } from '../cim/types.js';
import { WsmanFault } from '../soap/faults.js';
import { NS } from '../soap/namespaces.js';
import { escapeAttr } from '../soap/xml-writer.js';
import type { XmlElement } from '../soap/xml.js';
import { decodeValue } from './decode-values.js';
import { encodeNamedValue } from './encode-instance.js';
import type { Fragment } from './request.js';
import { parseResourceUri, resourceUriOf } from './resource-uri.js';

function propertyOf(cls: ClassView, f: Fragment) {
  const prop = cls.property(f.property);
  if (!prop) throw new WsmanFault('wxf:InvalidRepresentation', { detail: 'InvalidFragment', reason: `${cls.name} has no property ${f.property}.` });
  return prop;
}

export function encodeFragment(inst: CimInstance, cls: ClassView, f: Fragment): string {
  const prop = propertyOf(cls, f);
  const value = inst.get(prop.name) ?? null;
  if (f.text) {
    // The value alone: for an array, each value as its own element would need a name; give the first.
    const first = Array.isArray(value) ? (value[0] ?? null) : value;
    const element = encodeNamedValue('p:x', first as CimValue);
    const text = /^<p:x>([\s\S]*)<\/p:x>$/.exec(element)?.[1] ?? '';
    return `<wsman:XmlFragment>${text}</wsman:XmlFragment>`;
  }
  return `<wsman:XmlFragment xmlns:p="${escapeAttr(resourceUriOf(cls.name))}">${encodeNamedValue(`p:${prop.name}`, value)}</wsman:XmlFragment>`;
}

/** The one property a fragment Put sets, typed by the class. */
export function decodeFragment(body: XmlElement, cls: ClassView, f: Fragment, schema: SchemaView): Map<string, CimValue> {
  if (body.ns !== NS.WSMAN || body.name !== 'XmlFragment') {
    throw new WsmanFault('wxf:InvalidRepresentation', { detail: 'InvalidFragment', reason: 'A fragment Put carries a wsman:XmlFragment.' });
  }
  const prop = propertyOf(cls, f);
  // As in a whole Put: the property's element is in the namespace of its class's ResourceURI
  // (or of a class it is); DSP0226's own examples leave it unqualified, which is taken too.
  for (const c of body.children) {
    const owner = c.ns === '' ? cls.name : parseResourceUri(c.ns)?.className;
    if (owner === undefined || !schema.getClass(owner) || !schema.isA(cls.name, owner)) {
      throw new WsmanFault('wxf:InvalidRepresentation', { detail: 'InvalidNamespace', reason: `The fragment's ${c.name} must be in the namespace of ${cls.name}'s ResourceURI, not "${c.ns.slice(0, 200)}".` });
    }
  }
  const els = f.text ? [{ ...body, name: prop.name, children: [] }] : body.children.filter((c) => c.name.toLowerCase() === prop.name.toLowerCase());
  if (!f.text && els.length !== body.children.length) {
    throw new WsmanFault('wxf:InvalidRepresentation', { detail: 'InvalidFragment', reason: `The fragment holds elements other than ${prop.name}.` });
  }
  return new Map([[prop.name, decodeValue(prop, els, schema)]]);
}
