// Flattens one class over its resolved superclass (DSP0004 5.1.2: inheritance and override) and checks
// what the parser cannot see alone: overrides, reference targets, keys, qualifier use.
import {
  findQualifier, hasQualifier, type ClassDecl, type MethodDecl, type ParameterDecl, type PropertyDecl, type Qualifier,
} from './class.js';
import { SchemaError, type MofScope } from './mof-types.js';
import type { QualifierTypes } from './schema-qualifiers.js';
import { buildValueMap, type ValueMapLookup } from './schema-value-map.js';

interface Origin {
  /** the class that first declared the member (DSP0004 CLASSORIGIN) */
  readonly classOrigin: string;
  /** the class whose declaration is in effect: classOrigin or the latest override */
  readonly declaredIn: string;
  /** true when inherited unchanged from a superclass */
  readonly propagated: boolean;
}
export type ResolvedProperty = PropertyDecl & Origin;
export type ResolvedMethod = MethodDecl & Origin;

export interface ResolvedClass {
  readonly name: string;
  readonly superclass?: string;
  /** this class first, then each superclass up to the root */
  readonly ancestry: readonly string[];
  /** inherited first, in declaration order; an override keeps its ancestor's place */
  readonly properties: readonly ResolvedProperty[];
  readonly methods: readonly ResolvedMethod[];
  /** key property names, in property order */
  readonly keys: readonly string[];
  /** the class's own qualifiers plus those it inherits (Restricted ones such as Abstract are not inherited) */
  readonly qualifiers: readonly Qualifier[];
  readonly isAbstract: boolean;
  readonly isAssociation: boolean;
  /** the class as declared in MOF */
  readonly declaration: ClassDecl;
  property(name: string): ResolvedProperty | undefined;
  method(name: string): ResolvedMethod | undefined;
  /** ValueMap/Values of a property, a method (return values) or a method parameter */
  valueMap(member: string, parameter?: string): ValueMapLookup | undefined;
}

/** What resolving one class needs to know about all the others (declared, not necessarily resolved yet). */
export interface ClassLookup {
  /** canonical spelling of a class name, or undefined when no such class is declared */
  canonical(name: string): string | undefined;
  isA(className: string, ancestorName: string): boolean;
}

export function resolveClass(
  decl: ClassDecl, parent: ResolvedClass | undefined, quals: QualifierTypes, classes: ClassLookup,
): ResolvedClass {
  const cls = decl.name;
  const inheritedQs = parent !== undefined ? quals.propagated(parent.qualifiers) : [];
  const isAssociation = hasQualifier([...inheritedQs, ...decl.qualifiers], 'Association');
  const isIndication = hasQualifier([...inheritedQs, ...decl.qualifiers], 'Indication');
  const classScope: MofScope = isAssociation ? 'association' : isIndication ? 'indication' : 'class';
  quals.check(decl.qualifiers, classScope, decl.position, `class ${cls}`);
  const qualifiers = quals.merge(inheritedQs, decl.qualifiers, decl.position, `class ${cls}`);

  const refTarget = (refClass: string | undefined, owner: string, pos: PropertyDecl['position']): { refClass?: string } => {
    if (refClass === undefined) return {};
    const found = classes.canonical(refClass);
    if (found === undefined) throw new SchemaError(pos, `${owner} refers to unknown class ${refClass}`);
    return { refClass: found };
  };

  const properties = flatten(parent?.properties ?? [], decl.properties, quals, cls, (p, prev) => {
    const owner = `property ${cls}.${p.name}`;
    quals.check(p.qualifiers, p.type === 'reference' ? 'reference' : 'property', p.position, owner);
    if (p.type === 'reference' && !isAssociation) {
      throw new SchemaError(p.position, `${owner} is a reference, but ${cls} is not an association`);
    }
    const ref = refTarget(p.refClass, owner, p.position);
    if (prev !== undefined && (prev.type !== p.type || prev.isArray !== p.isArray)) {
      throw new SchemaError(p.position, `${owner} overrides ${prev.declaredIn}.${prev.name} with a different type`);
    }
    // an overriding reference may narrow its class, never widen or change it
    if (prev?.refClass !== undefined && ref.refClass !== undefined && !classes.isA(ref.refClass, prev.refClass)) {
      throw new SchemaError(p.position, `${owner} refers to ${ref.refClass}, which is not a ${prev.refClass} as in ${prev.declaredIn}`);
    }
    return { ...p, ...ref };
  });

  const methods = flatten(parent?.methods ?? [], decl.methods, quals, cls, (m, prev) => {
    const owner = `method ${cls}.${m.name}`;
    quals.check(m.qualifiers, 'method', m.position, owner);
    const parameters = m.parameters.map((p): ParameterDecl => {
      quals.check(p.qualifiers, 'parameter', p.position ?? m.position, `parameter ${p.name} of ${owner}`);
      const inherited = prev?.parameters.find((q) => q.name.toLowerCase() === p.name.toLowerCase());
      const merged = inherited !== undefined
        ? quals.merge(quals.propagated(inherited.qualifiers), p.qualifiers, p.position, `parameter ${p.name} of ${owner}`)
        : p.qualifiers;
      return { ...p, ...refTarget(p.refClass, `parameter ${p.name} of ${owner}`, p.position ?? m.position), qualifiers: merged };
    });
    if (prev !== undefined && !sameSignature(prev, m)) {
      throw new SchemaError(m.position, `${owner} overrides ${prev.declaredIn}.${prev.name} with a different signature`);
    }
    return { ...m, parameters };
  });

  checkKeys(decl, parent, properties, qualifiers);
  // Keys keep the order of the declarations that made them keys (CIM_System: CreationClassName, Name), not the
  // flattened property order, where an overridden Name sits at its ancestor's place.
  const keys = parent !== undefined && parent.keys.length > 0 ? parent.keys
    : properties.filter((p) => !p.propagated && hasQualifier(p.qualifiers, 'Key'))
      .sort((a, b) => ownIndex(decl, a.name) - ownIndex(decl, b.name)).map((p) => p.name);

  const propIndex = new Map(properties.map((p) => [p.name.toLowerCase(), p]));
  const methodIndex = new Map(methods.map((m) => [m.name.toLowerCase(), m]));
  const valueMaps = new Map<string, ValueMapLookup>();
  for (const p of properties) {
    const vm = buildValueMap(p.qualifiers, p.type, p.position, `property ${cls}.${p.name}`);
    if (vm !== undefined) valueMaps.set(p.name.toLowerCase(), vm);
  }
  for (const m of methods) {
    const vm = buildValueMap(m.qualifiers, m.returnType, m.position, `method ${cls}.${m.name}`);
    if (vm !== undefined) valueMaps.set(m.name.toLowerCase(), vm);
    for (const p of m.parameters) {
      const pvm = buildValueMap(p.qualifiers, p.type, p.position ?? m.position, `parameter ${p.name} of ${cls}.${m.name}`);
      if (pvm !== undefined) valueMaps.set(`${m.name}.${p.name}`.toLowerCase(), pvm);
    }
  }

  return {
    name: cls,
    ...(parent !== undefined ? { superclass: parent.name } : {}),
    ancestry: [cls, ...(parent?.ancestry ?? [])],
    properties, methods, keys, qualifiers,
    isAbstract: hasQualifier(decl.qualifiers, 'Abstract'),
    isAssociation,
    declaration: decl,
    property: (name) => propIndex.get(name.toLowerCase()),
    method: (name) => methodIndex.get(name.toLowerCase()),
    valueMap: (member, parameter) =>
      valueMaps.get((parameter === undefined ? member : `${member}.${parameter}`).toLowerCase()),
  };
}

type Member = PropertyDecl | MethodDecl;

/**
 * Inherited members (with Restricted qualifiers dropped) followed by new ones; a member carrying Override
 * replaces its ancestor in place and merges qualifiers with it.
 */
function flatten<D extends Member>(
  inherited: readonly (D & Origin)[], own: readonly D[], quals: QualifierTypes, cls: string,
  prepare: (d: D, prev: (D & Origin) | undefined) => D,
): (D & Origin)[] {
  const out: (D & Origin)[] = inherited.map((m) => ({ ...m, qualifiers: quals.propagated(m.qualifiers), propagated: true }));
  const index = new Map(out.map((m, i) => [m.name.toLowerCase(), i]));
  for (const d of own) {
    const owner = `${cls}.${d.name}`;
    const i = index.get(d.name.toLowerCase());
    const prev = i === undefined ? undefined : out[i];
    const override = findQualifier(d.qualifiers, 'Override');
    if (override === undefined || override.value === null || override.value === false) {
      if (prev !== undefined) {
        throw new SchemaError(d.position, `${owner} redeclares ${prev.declaredIn}.${prev.name} without an Override qualifier`);
      }
      const added = prepare(d, undefined);
      index.set(d.name.toLowerCase(), out.length);
      out.push({ ...added, classOrigin: cls, declaredIn: cls, propagated: false });
      continue;
    }
    // Override("Name") or Override("Class.Name") must name the member it sits on; renaming is not supported
    const target = String(override.value).split('.').pop() ?? '';
    if (target.toLowerCase() !== d.name.toLowerCase()) {
      throw new SchemaError(d.position, `${owner} has Override("${String(override.value)}"), which must name ${d.name} itself`);
    }
    if (prev === undefined || i === undefined) {
      throw new SchemaError(d.position, `${owner} overrides ${d.name}, which no superclass of ${cls} declares`);
    }
    const added = prepare(d, prev);
    // the member keeps the spelling its ancestor gave it
    const merged: D = { ...added, name: prev.name, qualifiers: quals.merge(prev.qualifiers, added.qualifiers, d.position, owner) };
    out[i] = { ...merged, classOrigin: prev.classOrigin, declaredIn: cls, propagated: false };
  }
  return out;
}

function sameSignature(a: MethodDecl, b: MethodDecl): boolean {
  return a.returnType === b.returnType && a.parameters.length === b.parameters.length
    && a.parameters.every((p, i) => {
      const q = b.parameters[i];
      return q !== undefined && p.name.toLowerCase() === q.name.toLowerCase() && p.type === q.type && p.isArray === q.isArray;
    });
}

/** DSP0004 5.1.2.8: keys are scalar; a subclass may add keys only if no ancestor has any; concrete classes need one. */
function checkKeys(
  decl: ClassDecl, parent: ResolvedClass | undefined, properties: readonly (PropertyDecl & Origin)[],
  qualifiers: readonly Qualifier[],
): void {
  for (const p of properties) {
    if (p.propagated || !hasQualifier(p.qualifiers, 'Key')) continue;
    const pos = decl.properties.find((d) => d.name === p.name)?.position ?? decl.position;
    if (p.isArray) throw new SchemaError(pos, `key property ${decl.name}.${p.name} cannot be an array`);
    const parentKeys = parent?.keys ?? [];
    if (parentKeys.length > 0 && !parentKeys.some((k) => k.toLowerCase() === p.name.toLowerCase())) {
      throw new SchemaError(pos, `${decl.name}.${p.name} cannot become a key: superclass ${parent?.name ?? ''} already has keys (${parentKeys.join(', ')})`);
    }
  }
  const exempt = ['Abstract', 'Indication', 'Exception'].some((q) => hasQualifier(qualifiers, q));
  if (!properties.some((p) => hasQualifier(p.qualifiers, 'Key')) && !exempt) {
    throw new SchemaError(decl.position, `class ${decl.name} is not abstract but has no key property`);
  }
}

function ownIndex(decl: ClassDecl, name: string): number {
  return decl.properties.findIndex((p) => p.name.toLowerCase() === name.toLowerCase());
}
