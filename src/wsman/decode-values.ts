// DSP0230 XML → typed CIM values: the properties of an instance (Put bodies, embedded
// instances) and the parameters of a method (Invoke bodies). Values are typed by the schema;
// a value that does not fit its type is a CimError naming it.
import { CimError, type ValueProblem } from '../cim/errors.js';
import { parseMof } from '../cim/mof-parser.js';
import type { ParameterDecl, PropertyDecl } from '../cim/class.js';
import { findQualifier } from '../cim/class.js';
import type { SchemaView } from '../cim/schema-view.js';
import { CimDateTime, isIntegerType, type CimScalar, type CimType, type CimValue, type InstanceLike } from '../cim/types.js';
import { parseDurationMs } from '../soap/headers.js';
import { NS } from '../soap/namespaces.js';
import { attr, parseXml, XmlSyntaxError, type XmlElement } from '../soap/xml.js';
import { eprToPath } from './epr.js';

type Typed = Pick<PropertyDecl, 'name' | 'type' | 'isArray' | 'qualifiers'> & { readonly refClass?: string | undefined };

const INT_RANGE: Readonly<Record<string, readonly [bigint, bigint]>> = {
  uint8: [0n, 255n], sint8: [-128n, 127n], uint16: [0n, 65535n], sint16: [-32768n, 32767n],
  uint32: [0n, 4294967295n], sint32: [-2147483648n, 2147483647n], uint64: [0n, 18446744073709551615n],
  sint64: [-9223372036854775808n, 9223372036854775807n],
};

function bad(what: string, problem: ValueProblem, message: string): CimError {
  return new CimError(problem === 'type-mismatch' ? 'TYPE_MISMATCH' : 'INVALID_PARAMETER', `${what}: ${message}`, { subject: 'property', valueProblem: problem });
}

function isNil(el: XmlElement): boolean {
  const v = attr(el, 'nil', NS.XSI) ?? attr(el, 'nil', NS.XS);
  return v === 'true' || v === '1';
}

/** The elements of `parent` grouped by local name (a repeated element is an array value). */
export function groupChildren(parent: XmlElement): Map<string, XmlElement[]> {
  const out = new Map<string, XmlElement[]>();
  for (const c of parent.children) {
    const list = out.get(c.name.toLowerCase()) ?? [];
    list.push(c);
    out.set(c.name.toLowerCase(), list);
  }
  return out;
}

/** One property or parameter value from its element(s). */
export function decodeValue(decl: Typed, els: readonly XmlElement[], schema: SchemaView): CimValue {
  const first = els[0];
  if (!first || (els.length === 1 && isNil(first))) return null;
  if (!decl.isArray && els.length > 1) throw bad(decl.name, 'invalid-value', 'a single value is expected, several were given');
  const values = els.filter((e) => !isNil(e)).map((e) => decodeScalar(decl, e, schema));
  return decl.isArray ? values : (values[0] ?? null);
}

function decodeScalar(decl: Typed, el: XmlElement, schema: SchemaView): CimScalar {
  const embedded = findQualifier(decl.qualifiers, 'EmbeddedInstance')?.value;
  if (typeof embedded === 'string') return decodeEmbedded(decl.name, embedded, el, schema);
  return scalarFromText(decl.name, decl.type, el, schema);
}

function scalarFromText(name: string, type: CimType, el: XmlElement, schema: SchemaView): CimScalar {
  if (type === 'reference') {
    const epr = el.children.find((c) => c.ns === NS.WSA && c.name === 'EndpointReference') ?? el;
    return eprToPath(epr, schema);
  }
  if (type === 'datetime') return decodeDatetime(name, el);
  if (el.children.length > 0) throw bad(name, 'type-mismatch', `expected a ${type} value, found elements`);
  const text = el.text.trim();
  if (type === 'string') return el.text;
  if (type === 'char16') {
    if ([...el.text].length !== 1) throw bad(name, 'type-mismatch', 'a char16 value is one character');
    return el.text;
  }
  if (type === 'boolean') {
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
    throw bad(name, 'type-mismatch', `"${text.slice(0, 40)}" is not a boolean`);
  }
  if (isIntegerType(type)) {
    if (!/^[-+]?\d{1,20}$/.test(text)) throw bad(name, 'type-mismatch', `"${text.slice(0, 40)}" is not an integer`);
    const n = BigInt(text);
    const [lo, hi] = INT_RANGE[type] ?? [0n, 0n];
    if (n < lo || n > hi) throw bad(name, 'invalid-value', `${text} is out of range for ${type}`);
    return Number.isSafeInteger(Number(n)) ? Number(n) : n;
  }
  // real32 / real64
  const special: Readonly<Record<string, number>> = { NaN: NaN, INF: Infinity, '-INF': -Infinity };
  const r = special[text] ?? (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : undefined);
  if (r === undefined) throw bad(name, 'type-mismatch', `"${text.slice(0, 40)}" is not a number`);
  return r;
}

const DMTF_TIMESTAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-])(\d{3})$/;
const DMTF_INTERVAL = /^(\d{8})(\d{2})(\d{2})(\d{2})\.(\d{6}):000$/;

function decodeDatetime(name: string, el: XmlElement): CimDateTime {
  // DSP0230: cim:Datetime / cim:Interval / cim:CIM_DateTime children; bare text is accepted too.
  const inner = el.children.find((c) => c.ns === NS.CIM);
  const text = (inner ?? el).text.trim();
  const kind = inner?.name;
  if (kind === 'Interval' || (!inner && text.startsWith('P'))) {
    const ms = parseDurationMs(text);
    if (ms === undefined) throw bad(name, 'type-mismatch', `"${text.slice(0, 40)}" is not an xs:duration`);
    return CimDateTime.interval(ms);
  }
  const dmtfI = DMTF_INTERVAL.exec(text);
  if (dmtfI) {
    const [, d, h, m, s, us] = dmtfI;
    return CimDateTime.interval((((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(us) / 1000);
  }
  const dmtfT = DMTF_TIMESTAMP.exec(text);
  if (dmtfT) {
    const [, y, mo, d, h, mi, s, us, sign, off] = dmtfT;
    const offset = (sign === '-' ? -1 : 1) * Number(off);
    const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(us) / 1000) - offset * 60_000;
    return CimDateTime.timestamp(new Date(utc), offset);
  }
  const t = Date.parse(text);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) throw bad(name, 'type-mismatch', `"${text.slice(0, 40)}" is not an xs:dateTime`);
  return CimDateTime.timestamp(new Date(t));
}

/**
 * An embedded instance parameter or property (DSP0230 §7.2.5.2), in any form clients send:
 * a nested class element, the element itself typed with xsi:type, or text holding a DSP0230
 * element, a CIM-XML INSTANCE, or MOF `instance of` (what Xen-CIM scripts passed).
 */
function decodeEmbedded(name: string, declaredClass: string, el: XmlElement, schema: SchemaView): InstanceLike {
  const check = (cls: string): string => {
    const c = schema.getClass(cls);
    if (!c) throw bad(name, 'invalid-value', `the embedded class ${cls} does not exist`);
    if (!schema.isA(c.name, declaredClass)) throw bad(name, 'invalid-value', `the embedded class must be a ${declaredClass}, not ${c.name}`);
    return c.name;
  };
  const xsiType = attr(el, 'type', NS.XSI);
  if (xsiType !== undefined) {
    const cls = check(xsiType.replace(/^.*:/, '').replace(/_Type$/, ''));
    return decodeInstanceElement(el, cls, schema);
  }
  const nested = el.children[0];
  if (nested && el.children.length === 1) return decodeInstanceElement(nested, check(nested.name), schema);
  const text = el.text.trim();
  if (text.startsWith('<')) {
    let root: XmlElement;
    try {
      root = parseXml(text.replace(/^<\?xml[^>]*\?>/, ''));
    } catch (err) {
      throw bad(name, 'invalid-value', `the embedded instance is not well-formed XML (${err instanceof XmlSyntaxError ? err.message : 'parse error'})`);
    }
    if (root.name === 'INSTANCE' && root.ns === '') return decodeCimXmlInstance(name, root, check, schema);
    return decodeInstanceElement(root, check(root.name), schema);
  }
  // MOF may open with comments, pragmas or qualifiers; the parser tells whether an instance follows.
  if (/\binstance\s+of\s/i.test(text)) return decodeMofInstance(name, text, check, schema);
  throw bad(name, 'invalid-value', 'an embedded instance is expected');
}

/** The properties of an instance element, typed by its class; unknown properties are errors. */
export function decodeInstanceElement(el: XmlElement, className: string, schema: SchemaView): InstanceLike {
  const cls = schema.getClass(className);
  if (!cls) throw bad(className, 'invalid-value', 'unknown class');
  const props = new Map<string, CimValue>();
  for (const [lower, els] of groupChildren(el)) {
    const decl = cls.property(lower);
    if (!decl) throw new CimError('NO_SUCH_PROPERTY', `${cls.name} has no property ${els[0]?.name ?? lower}.`, { subject: 'property', valueProblem: 'unknown-name' });
    props.set(decl.name, decodeValue(decl, els, schema));
  }
  return { className: cls.name, properties: props };
}

function decodeCimXmlInstance(name: string, root: XmlElement, check: (c: string) => string, schema: SchemaView): InstanceLike {
  const cls = schema.getClass(check(attr(root, 'CLASSNAME') ?? ''));
  const props = new Map<string, CimValue>();
  for (const p of root.children) {
    const pname = attr(p, 'NAME') ?? '';
    const decl = cls?.property(pname);
    if (!decl) throw bad(name, 'invalid-value', `${cls?.name ?? '?'} has no property ${pname}`);
    const holder: XmlElement[] = p.name === 'PROPERTY.ARRAY'
      ? (p.children.find((c) => c.name === 'VALUE.ARRAY')?.children ?? []).filter((c) => c.name === 'VALUE')
      : p.children.filter((c) => c.name === 'VALUE');
    props.set(decl.name, decl.isArray ? holder.map((v) => scalarFromText(pname, decl.type, v, schema)) : holder[0] ? scalarFromText(pname, decl.type, holder[0], schema) : null);
  }
  return { className: cls?.name ?? '', properties: props };
}

function decodeMofInstance(name: string, text: string, check: (c: string) => string, schema: SchemaView): InstanceLike {
  let doc;
  try {
    doc = parseMof(text, name);
  } catch (err) {
    throw bad(name, 'invalid-value', `the embedded MOF instance does not parse: ${err instanceof Error ? err.message : String(err)}`);
  }
  const inst = doc.instances[0];
  if (!inst || doc.instances.length !== 1 || doc.classes.length > 0 || doc.qualifierTypes.length > 0) throw bad(name, 'invalid-value', 'one MOF instance (and nothing else) is expected');
  const cls = schema.getClass(check(inst.className));
  const props = new Map<string, CimValue>();
  for (const p of inst.properties) {
    const decl = cls?.property(p.name);
    if (!decl) throw bad(name, 'invalid-value', `${cls?.name ?? '?'} has no property ${p.name}`);
    const fake = (v: unknown): XmlElement => ({ ns: '', name: p.name, attrs: [], children: [], text: v === null || v === undefined ? '' : String(v) });
    const v = p.value;
    props.set(decl.name, v === null ? null : Array.isArray(v) ? v.map((x) => scalarFromText(p.name, decl.type, fake(x), schema)) : scalarFromText(p.name, decl.type, fake(v), schema));
  }
  return { className: cls?.name ?? '', properties: props };
}

/** The IN parameters of a method call, typed by the method's declaration. */
export function decodeParameters(input: XmlElement, params: readonly ParameterDecl[], methodName: string, schema: SchemaView): Map<string, CimValue> {
  const out = new Map<string, CimValue>();
  for (const [lower, els] of groupChildren(input)) {
    const decl = params.find((p) => p.name.toLowerCase() === lower);
    const isIn = decl ? findQualifier(decl.qualifiers, 'In')?.value !== false : false;
    if (!decl || !isIn) {
      throw new CimError('INVALID_PARAMETER', `${els[0]?.name ?? lower} is not an input parameter of ${methodName}.`, { subject: 'parameter', valueProblem: 'unknown-name' });
    }
    try {
      out.set(decl.name, decodeValue(decl, els, schema));
    } catch (err) {
      if (err instanceof CimError && err.subject === 'property') {
        throw new CimError(err.status === 'NO_SUCH_PROPERTY' ? 'INVALID_PARAMETER' : err.status, err.message, { subject: 'parameter', valueProblem: err.valueProblem ?? 'invalid-value' });
      }
      throw err;
    }
  }
  return out;
}
