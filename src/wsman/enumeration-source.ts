// What an Enumerate enumerates: the class of its ResourceURI, narrowed by a selector or
// query filter, or the objects associated with one object (DSP0227 §8 association filter).
// A filter the service cannot apply is a fault, never a silently unfiltered answer.
import type { EnumerationCursor } from '../cim/cimom.js';
import { CimError } from '../cim/errors.js';
import type { CimInstance } from '../cim/instance.js';
import { normalizeNamespace } from '../cim/object-path.js';
import type { OperationContext } from '../cim/operation-context.js';
import { compileQuery } from '../cim/query/compile.js';
import { parseQuery } from '../cim/query/parser.js';
import type { ClassView } from '../cim/schema-view.js';
import type { CimKeyValue } from '../cim/types.js';
import type { KeyBinding } from '../cim/object-path.js';
import { WsmanFault } from '../soap/faults.js';
import type { Selector } from '../soap/headers.js';
import type { WsmanDeps } from './deps.js';
import { eprToPath } from './epr.js';
import type { EnumerateRequest } from './request.js';
import { NAMESPACE_SELECTOR } from './resource-uri.js';
import { typedKey } from './selectors.js';

export interface EnumerationSource {
  readonly cursor: EnumerationCursor;
  /** the properties to return (a query's select list, IncludeResultProperty); undefined for all */
  readonly properties: readonly string[] | undefined;
}

export function openSource(req: EnumerateRequest, ctx: OperationContext, deps: WsmanDeps): EnumerationSource {
  const { cimom } = deps;
  const { resource, filter } = req;
  const uriClass = resource.className !== undefined ? cimom.resolveClass(resource.namespace, resource.className) : undefined;
  if (!filter) {
    // decode-request refuses the all-classes URI without a filter
    const cursor = cimom.openEnumeration(ctx, { namespace: resource.namespace, className: uriClass?.name ?? '', polymorphism: req.polymorphism });
    return { cursor, properties: undefined };
  }
  switch (filter.kind) {
    case 'selector': {
      if (!uriClass) throw cannot('A selector filter needs a class ResourceURI.');
      // The namespace is part of an object's path: __cimnamespace in the filter compares with it.
      const nsSelector = filter.selectors.find((x) => x.name.toLowerCase() === NAMESPACE_SELECTOR);
      const inNamespace = nsSelector === undefined || normalizeNamespace(nsSelector.value.trim()) === normalizeNamespace(resource.namespace);
      const { matches, keys } = selectorMatcher(uriClass, filter.selectors.filter((x) => x !== nsSelector));
      const match = (inst: CimInstance): boolean => inNamespace && matches(inst);
      // The values also find the instance they name directly, as a Get does (and the estimate counts only it).
      return { cursor: cimom.openEnumeration(ctx, { namespace: resource.namespace, className: uriClass.name, polymorphism: req.polymorphism, filter: match, keys }), properties: undefined };
    }
    case 'query': {
      const compiled = asFilterFault(() => compileQuery(parseQuery(filter.text, filter.dialect), cimom.schema));
      // openwsman#26: the FROM class must agree with the ResourceURI, never be ignored.
      if (uriClass && !cimom.schema.isA(compiled.fromClass, uriClass.name)) {
        throw cannot(`The query selects from ${compiled.fromClass}, which is not ${uriClass.name} or one of its subclasses.`);
      }
      const cursor = cimom.openEnumeration(ctx, {
        namespace: resource.namespace,
        className: compiled.fromClass,
        polymorphism: req.polymorphism,
        filter: (inst) => compiled.matches(inst),
        ...(compiled.lookup ? { lookup: compiled.lookup } : {}),
      });
      return { cursor, properties: compiled.properties };
    }
    case 'associators':
    case 'references': {
      const object = asFilterFault(() => eprToPath(filter.object, cimom.schema));
      const cursor = asFilterFault(() =>
        filter.kind === 'associators'
          ? cimom.openAssociators(ctx, object, { assocClass: filter.assocClass, resultClass: filter.resultClass, role: filter.role, resultRole: filter.resultRole })
          : cimom.openReferences(ctx, object, { resultClass: filter.resultClass, role: filter.role }),
      );
      // IncludeResultProperty names properties of the results: when their class is known, unknown names are refused, as in a query.
      const resultClassName = filter.resultClass ?? uriClass?.name;
      const resultClass = resultClassName !== undefined ? cimom.schema.getClass(resultClassName) : undefined;
      const unknown = resultClass ? filter.includeResultProperty.find((p) => !resultClass.property(p)) : undefined;
      if (resultClass && unknown !== undefined) throw cannot(`${resultClass.name} has no property ${unknown.slice(0, 100)}.`);
      // A class ResourceURI narrows the results further (the all-classes URI leaves them as they are).
      const narrowed = uriClass ? { ...cursor, filter: (inst: CimInstance) => cimom.schema.isA(inst.className, uriClass.name) } : cursor;
      return { cursor: narrowed, properties: filter.includeResultProperty.length > 0 ? filter.includeResultProperty : undefined };
    }
  }
}

/** DSP0226 §8.2: a filter that names things that do not exist cannot be processed. */
function asFilterFault<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CimError && err.status !== 'FAILED') {
      if (err.status === 'QUERY_LANGUAGE_NOT_SUPPORTED') throw new WsmanFault('wsen:FilterDialectRequestedUnavailable', { reason: err.message });
      throw cannot(err.message);
    }
    throw err;
  }
}

function cannot(reason: string): WsmanFault {
  return new WsmanFault('wsen:CannotProcessFilter', { reason });
}

/** Selector filter: every named property equals the given value (class names case-insensitively); and the values as key bindings. */
function selectorMatcher(cls: ClassView, selectors: readonly Selector[]): { matches: (inst: CimInstance) => boolean; keys: KeyBinding[] } {
  const keys: KeyBinding[] = [];
  const tests = selectors.map((s) => {
    const prop = cls.property(s.name);
    if (!prop) throw cannot(`${cls.name} has no property ${s.name}.`);
    if (prop.isArray || prop.type === 'reference' || prop.type === 'datetime') throw cannot(`The selector filter cannot compare ${prop.name}.`);
    const wanted = asFilterFault(() => typedKey(prop.type, s));
    keys.push({ name: prop.name, value: wanted });
    const caseless = /creationclassname$/i.test(prop.name);
    return (inst: CimInstance): boolean => equal(inst.get(prop.name), wanted, caseless);
  });
  return { matches: (inst) => tests.every((t) => t(inst)), keys };
}

function equal(actual: unknown, wanted: CimKeyValue, caseless: boolean): boolean {
  if (actual === null || actual === undefined) return false;
  if (typeof wanted === 'bigint') {
    if (typeof actual === 'bigint') return actual === wanted;
    return typeof actual === 'number' && Number.isInteger(actual) && BigInt(actual) === wanted;
  }
  if (typeof wanted === 'boolean') return actual === wanted;
  return caseless ? String(actual).toLowerCase() === String(wanted).toLowerCase() : String(actual) === String(wanted);
}
