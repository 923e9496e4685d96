// The CIM object manager: routes operations to the providers registered for a class and
// its subclasses, in the namespace asked for. Enumerations, associators and references are
// all cursors over provider ids, so an open enumeration holds ids, never instances.
import { CimError } from './errors.js';
import { foldCase, sameName } from './fold-case.js';
import type { CimInstance } from './instance.js';
import { normalizeNamespace, ObjectPath, type KeyBinding } from './object-path.js';
import type { OperationContext } from './operation-context.js';
import { isAssociationProvider, type AssociationProvider, type InstanceProvider, type MethodResult, type ProviderLookup } from './provider.js';
import type { ClassView, SchemaView } from './schema-view.js';
import { CimDateTime, type CimKeyValue, type CimScalar, type CimValue, type ObjectPathLike } from './types.js';

/** DSP0227 §7.2 polymorphism: which subclass instances an enumeration returns. */
export type Polymorphism = 'IncludeSubClassProperties' | 'ExcludeSubClassProperties' | 'None';

export interface EnumerateOptions {
  readonly namespace: string;
  readonly className: string;
  readonly polymorphism: Polymorphism;
  /** only instances for which this holds (a compiled query or selector filter) */
  readonly filter?: (inst: CimInstance) => boolean;
  /** a string property every instance the filter lets through equals (ignoring case): providers that can look it up give only those */
  readonly lookup?: { readonly property: string; readonly value: string };
  /** key values every instance the filter lets through has (a selector filter's): a class whose instance they name gives only it */
  readonly keys?: readonly KeyBinding[];
}

export interface AssociatorsOptions {
  readonly assocClass?: string | undefined;
  readonly resultClass?: string | undefined;
  readonly role?: string | undefined;
  readonly resultRole?: string | undefined;
}

interface Segment {
  readonly className: string;
  readonly provider: InstanceProvider;
  readonly ids: readonly string[];
}

/**
 * Where an enumeration stands. Small: the ids arrays of plain enumerations are shared with
 * every other cursor over the same model generation.
 */
export interface EnumerationCursor {
  readonly namespace: string;
  /** the class the request named (its properties only, under ExcludeSubClassProperties) */
  readonly className: string;
  readonly segments: readonly Segment[];
  readonly filter: ((inst: CimInstance) => boolean) | undefined;
  segment: number;
  position: number;
}

interface LinkPlan {
  readonly assocClass: string;
  readonly provider: AssociationProvider;
  readonly roles: readonly string[];
}

export class Cimom implements ProviderLookup {
  private readonly byNamespace = new Map<string, Map<string, InstanceProvider>>();
  private readonly keyNames = new WeakMap<ClassView, readonly string[]>();
  private readonly providerLists = new Map<string, readonly { className: string; provider: InstanceProvider }[]>();
  private readonly linkPlans = new Map<string, readonly LinkPlan[]>();

  /** called after every write so that reads see it (the model catching up with XenAPI) */
  private afterWrite: () => Promise<void> = async () => {};

  constructor(readonly schema: SchemaView, providers: readonly InstanceProvider[], extraNamespaces: readonly string[] = []) {
    for (const ns of extraNamespaces) this.byNamespace.set(normalizeNamespace(ns), new Map());
    for (const p of providers) {
      for (const r of p.registrations) {
        const ns = normalizeNamespace(r.namespace);
        const table = this.byNamespace.get(ns) ?? new Map<string, InstanceProvider>();
        this.byNamespace.set(ns, table);
        const cls = r.className.toLowerCase();
        const prior = table.get(cls);
        if (prior) throw new Error(`class ${r.className} in ${r.namespace} is registered by both ${prior.name} and ${p.name}`);
        if (!schema.getClass(r.className)) throw new Error(`provider ${p.name} registers unknown class ${r.className}`);
        table.set(cls, p);
      }
    }
    for (const p of providers) p.bind?.(this);
  }

  namespaces(): string[] {
    return [...this.byNamespace.keys()];
  }

  providerFor(namespace: string, className: string): InstanceProvider | undefined {
    return this.byNamespace.get(normalizeNamespace(namespace))?.get(className.toLowerCase());
  }

  /** The class, or INVALID_NAMESPACE / INVALID_CLASS. */
  resolveClass(namespace: string, className: string): ClassView {
    if (!this.byNamespace.has(normalizeNamespace(namespace))) {
      throw new CimError('INVALID_NAMESPACE', `The namespace ${namespace} does not exist.`, { subject: 'namespace' });
    }
    const cls = this.schema.getClass(className);
    if (!cls) throw new CimError('INVALID_CLASS', `The class ${className} does not exist.`);
    return cls;
  }

  openEnumeration(ctx: OperationContext, opts: EnumerateOptions): EnumerationCursor {
    const cls = this.resolveClass(opts.namespace, opts.className);
    const segments: Segment[] = [];
    for (const { className, provider } of this.providersFor(opts.namespace, cls.name, opts.polymorphism !== 'None')) {
      const found = opts.keys ? this.idsByKeys(ctx, provider, className, opts.keys)
        : opts.lookup ? provider.idsWhere?.(ctx, className, opts.lookup.property, opts.lookup.value) : undefined;
      segments.push({ className, provider, ids: found ?? provider.instanceIds(ctx, className) });
    }
    return { namespace: opts.namespace, className: cls.name, segments, filter: opts.filter, segment: 0, position: 0 };
  }

  /** The next instance, skipping those deleted since the enumeration began and those filtered out. */
  next(ctx: OperationContext, cursor: EnumerationCursor): CimInstance | undefined {
    for (;;) {
      const seg = cursor.segments[cursor.segment];
      if (!seg) return undefined;
      const id = seg.ids[cursor.position];
      if (id === undefined) {
        cursor.segment++;
        cursor.position = 0;
        continue;
      }
      cursor.position++;
      const inst = seg.provider.instanceById(ctx, seg.className, id);
      if (inst && (!cursor.filter || cursor.filter(inst))) return inst;
    }
  }

  isDone(cursor: EnumerationCursor): boolean {
    return this.remaining(cursor) === 0;
  }

  /** Items not yet returned (an estimate: deleted and filtered-out objects are still counted). */
  remaining(cursor: EnumerationCursor): number {
    let n = 0;
    cursor.segments.forEach((s, i) => {
      if (i > cursor.segment) n += s.ids.length;
      else if (i === cursor.segment) n += Math.max(0, s.ids.length - cursor.position);
    });
    return n;
  }

  /**
   * GetInstance by key bindings. The bindings may omit keys when the rest still name one
   * instance (wsmancli's `get CIM_ComputerSystem -k Name=…`), as openwsman resolves them.
   */
  getInstance(ctx: OperationContext, namespace: string, className: string, keys: readonly KeyBinding[]): CimInstance {
    const cls = this.resolveClass(namespace, className);
    if (keys.length === 0) throw new CimError('INVALID_PARAMETER', `No keys were given for ${cls.name}.`, { subject: 'keys', keyProblem: 'insufficient' });
    const classKeys = this.lowerKeys(cls);
    for (const k of keys) {
      if (!classKeys.includes(foldCase(k.name))) throw new CimError('INVALID_PARAMETER', `${k.name} is not a key of ${cls.name}.`, { subject: 'keys', keyProblem: 'unexpected' });
    }
    const given = givenKeys(classKeys, keys);
    const { complete } = given;
    let only: CimInstance | undefined;
    let second = false;
    for (const { className: concrete, provider } of this.providersFor(namespace, cls.name, true)) {
      // The usual case, a Get with every key: the provider's id, and that instance, without a search.
      const target = keyTarget(ctx, provider, concrete, keys, given);
      const candidates = target === 'none' ? [] : target === 'every' ? this.allOf(ctx, provider, concrete) : [provider.instanceById(ctx, concrete, target.id)];
      for (const inst of candidates) {
        if (inst === undefined || !keys.every((k) => keyMatches(keyValueOf(inst, k.name), k.value, k.name))) continue;
        if (only !== undefined) {
          second = true;
          break;
        }
        only = inst;
      }
      if (second) break;
    }
    if (!only) throw new CimError('NOT_FOUND', `No ${cls.name} instance has these keys.`);
    if (second) {
      // DSP0226 §7.3: keys left out that would have told the instances apart are insufficient.
      throw complete
        ? new CimError('INVALID_PARAMETER', `The keys given name more than one ${cls.name} instance.`, { subject: 'keys', keyProblem: 'ambiguous' })
        : new CimError('INVALID_PARAMETER', `The keys given name more than one ${cls.name} instance; give all of ${cls.keys.join(', ')}.`, { subject: 'keys', keyProblem: 'insufficient' });
    }
    return only;
  }

  /** The instance an object path names, or NOT_FOUND. */
  resolvePath(ctx: OperationContext, path: ObjectPathLike): CimInstance {
    return this.getInstance(ctx, path.namespace, path.className, path.keys);
  }

  /** Associators (DSP0200 §4.4.8): objects associated with `source`, as a cursor. */
  openAssociators(ctx: OperationContext, source: ObjectPathLike, opts: AssociatorsOptions): EnumerationCursor {
    return this.openLinks(ctx, source, opts, 'associators');
  }

  /** References (DSP0200 §4.4.10): association instances that refer to `source`, as a cursor. */
  openReferences(ctx: OperationContext, source: ObjectPathLike, opts: Omit<AssociatorsOptions, 'assocClass' | 'resultRole'>): EnumerationCursor {
    // For References the ResultClass names the association class.
    return this.openLinks(ctx, source, { assocClass: opts.resultClass, role: opts.role }, 'references');
  }

  private openLinks(ctx: OperationContext, source: ObjectPathLike, opts: AssociatorsOptions, kind: 'associators' | 'references'): EnumerationCursor {
    const inst = this.resolvePath(ctx, source);
    const ns = source.namespace;
    for (const c of [opts.assocClass, opts.resultClass]) if (c !== undefined) this.resolveClass(ns, c);
    const sourceProvider = this.providerFor(ns, inst.className);
    const id = sourceProvider?.idOf(ctx, inst.className, inst.path.keys);
    const groups = new Map<string, { className: string; provider: InstanceProvider; ids: string[]; seen: Set<string> }>();
    const add = (namespace: string, className: string, provider: InstanceProvider, itemId: string): void => {
      const key = `${normalizeNamespace(namespace)}:${foldCase(className)}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { className, provider, ids: [], seen: new Set() }));
      if (!g.seen.has(itemId)) {
        g.seen.add(itemId);
        g.ids.push(itemId);
      }
    };
    if (id !== undefined) {
      for (const { assocClass, provider, roles } of this.linkPlan(ns, inst.path.namespace, inst.className)) {
        if (opts.assocClass !== undefined && !this.schema.isA(assocClass, opts.assocClass)) continue;
        for (const role of roles) {
          if (opts.role !== undefined && opts.role.toLowerCase() !== role.toLowerCase()) continue;
          for (const link of provider.follow(ctx, assocClass, { role, namespace: inst.path.namespace, className: inst.className }, id)) {
            if (kind === 'references') {
              add(ns, assocClass, provider, link.associationId);
              continue;
            }
            if (opts.resultRole !== undefined && opts.resultRole.toLowerCase() !== link.other.role.toLowerCase()) continue;
            if (opts.resultClass !== undefined && !this.schema.isA(link.other.className, opts.resultClass)) continue;
            const other = this.providerFor(link.other.namespace, link.other.className);
            if (other) add(link.other.namespace, link.other.className, other, link.otherId);
          }
        }
      }
    }
    const segments = [...groups.values()].map(({ className, provider, ids }) => ({ className, provider, ids }));
    return { namespace: ns, className: opts.resultClass ?? opts.assocClass ?? inst.className, segments, filter: undefined, segment: 0, position: 0 };
  }

  /**
   * The associations an object of this class can be found in, served in `namespace`, with the
   * roles it can play in each (each followed once). Schema and registrations only: worked out
   * once per class instead of on every associators or references request.
   */
  private linkPlan(namespace: string, objectNamespace: string, className: string): readonly LinkPlan[] {
    const key = `${normalizeNamespace(namespace)}|${normalizeNamespace(objectNamespace)}|${className.toLowerCase()}`;
    const known = this.linkPlans.get(key);
    if (known) return known;
    const plans: LinkPlan[] = [];
    for (const [assocClass, provider] of this.associationProviders(namespace)) {
      const roles = new Set<string>();
      for (const pair of provider.ends(assocClass)) {
        for (const end of pair) {
          if (this.schema.isA(className, end.className) && normalizeNamespace(end.namespace) === normalizeNamespace(objectNamespace)) roles.add(end.role);
        }
      }
      if (roles.size > 0) plans.push({ assocClass, provider, roles: [...roles] });
    }
    // Keys are namespaces and classes that exist (the object was found), so the table stays small.
    this.linkPlans.set(key, plans);
    return plans;
  }

  /** Each association class served in the namespace, once, with its provider. */
  private *associationProviders(namespace: string): Generator<[string, AssociationProvider]> {
    const table = this.byNamespace.get(normalizeNamespace(namespace));
    if (!table) return;
    // The table holds a provider once per class it serves: visit each provider once.
    const visited = new Set<InstanceProvider>();
    for (const [, provider] of table) {
      if (!isAssociationProvider(provider) || visited.has(provider)) continue;
      visited.add(provider);
      for (const r of provider.registrations) {
        if (normalizeNamespace(r.namespace) === normalizeNamespace(namespace)) yield [r.className, provider];
      }
    }
  }

  /** Every instance of one class, for keys that leave out some of its keys to be matched against. */
  private *allOf(ctx: OperationContext, provider: InstanceProvider, className: string): Generator<CimInstance> {
    for (const each of provider.instanceIds(ctx, className)) {
      const inst = provider.instanceById(ctx, className, each);
      if (inst) yield inst;
    }
  }

  /**
   * The ids key values leave in one class, as GetInstance finds them: the instance they name, none
   * when they give every key and name none, or undefined (every instance is a candidate).
   */
  private idsByKeys(ctx: OperationContext, provider: InstanceProvider, className: string, keys: readonly KeyBinding[]): readonly string[] | undefined {
    const cls = this.schema.getClass(className);
    const target = keyTarget(ctx, provider, className, keys, givenKeys(cls ? this.lowerKeys(cls) : undefined, keys));
    if (target === 'every') return undefined;
    return target !== 'none' && provider.instanceById(ctx, className, target.id) ? [target.id] : [];
  }

  /** A class's key names in lower case, once per class. */
  private lowerKeys(cls: ClassView): readonly string[] {
    let names = this.keyNames.get(cls);
    if (!names) this.keyNames.set(cls, (names = cls.keys.map((k) => k.toLowerCase())));
    return names;
  }

  /** The concrete classes (with their providers) that serve `className` in a namespace; worked out once per class. */
  private providersFor(namespace: string, className: string, deep: boolean): readonly { className: string; provider: InstanceProvider }[] {
    const ns = normalizeNamespace(namespace);
    const table = this.byNamespace.get(ns);
    if (!table) return [];
    // Keys are namespaces and classes that exist (callers resolved them), so the table stays small.
    const key = `${ns}|${className.toLowerCase()}|${deep}`;
    const known = this.providerLists.get(key);
    if (known) return known;
    const names = deep ? this.schema.subclassesOf(className, { deep: true, includeSelf: true }) : [className];
    const list: { className: string; provider: InstanceProvider }[] = [];
    for (const name of names) {
      const provider = table.get(name.toLowerCase());
      if (provider) list.push({ className: name, provider });
    }
    this.providerLists.set(key, list);
    return list;
  }

  /** Sets what runs after each write before its answer (app.ts: wait until the model has the change). */
  onAfterWrite(fn: () => Promise<void>): void {
    this.afterWrite = fn;
  }

  /**
   * ModifyInstance (WS-Transfer Put): applies the properties that differ from the instance now.
   * Changing a key or a property the provider does not let clients write is refused, with
   * nothing changed. Returns the instance as it is after the change.
   */
  async modifyInstance(ctx: OperationContext, path: ObjectPathLike, values: ReadonlyMap<string, CimValue>): Promise<CimInstance> {
    const inst = this.resolvePath(ctx, path);
    const cls = this.resolveClass(inst.path.namespace, inst.className);
    const provider = this.providerFor(inst.path.namespace, inst.className);
    const id = provider?.idOf(ctx, inst.className, inst.path.keys);
    if (!provider || id === undefined) throw new CimError('NOT_FOUND', `No ${cls.name} instance has these keys.`);
    const writable = provider.writableProperties?.(inst.className) ?? new Set<string>();
    // DSP0226 §7.4: a resource that takes no Put at all says so, whatever the representation holds.
    if (!provider.modifyInstance || writable.size === 0) throw new CimError('NOT_SUPPORTED', `${cls.name} instances cannot be modified: Put is not supported for this class.`);
    const changes = new Map<string, CimValue>();
    const kept = new Map<string, CimValue>();
    for (const [name, value] of values) {
      const prop = cls.property(name);
      if (!prop) throw new CimError('NO_SUCH_PROPERTY', `${cls.name} has no property ${name}.`, { subject: 'property', valueProblem: 'unknown-name' });
      if (sameValue(inst.get(prop.name) ?? null, value)) {
        if (writable.has(prop.name.toLowerCase())) kept.set(prop.name, value);
        continue;
      }
      if (!writable.has(prop.name.toLowerCase())) {
        throw new CimError('NOT_SUPPORTED', `${cls.name}.${prop.name} cannot be changed.`, { subject: 'property', valueProblem: 'read-only' });
      }
      changes.set(prop.name, value);
    }
    if (changes.size === 0) return inst;
    await provider.modifyInstance(ctx, inst.className, id, changes, kept);
    await this.afterWrite();
    return this.resolvePath(ctx, inst.path);
  }

  /** InvokeMethod: an extrinsic method of the instance `path`, with typed IN parameters. */
  async invokeMethod(ctx: OperationContext, path: ObjectPathLike, method: string, params: ReadonlyMap<string, CimValue>): Promise<MethodResult> {
    const inst = this.resolvePath(ctx, path);
    const cls = this.resolveClass(inst.path.namespace, inst.className);
    const decl = cls.methods.find((m) => m.name.toLowerCase() === method.toLowerCase());
    if (!decl) throw new CimError('METHOD_NOT_FOUND', `${cls.name} has no method ${method}.`);
    const provider = this.providerFor(inst.path.namespace, inst.className);
    const id = provider?.idOf(ctx, inst.className, inst.path.keys);
    if (!provider?.invokeMethod || id === undefined) throw new CimError('METHOD_NOT_AVAILABLE', `${cls.name}.${decl.name} is not available.`);
    const result = await provider.invokeMethod(ctx, inst.className, id, decl.name, params);
    await this.afterWrite();
    return result;
  }

  async terminate(): Promise<void> {
    const all = new Set<InstanceProvider>();
    for (const t of this.byNamespace.values()) for (const p of t.values()) all.add(p);
    for (const p of all) await p.terminate?.();
  }
}

/** What key bindings say before any instance is looked at: their CreationClassName, and whether they give every key of the class. */
interface GivenKeys {
  readonly ccn: KeyBinding | undefined;
  readonly complete: boolean;
}

/** `classKeys` in lower case; undefined when the class is not known (the keys are then taken as incomplete). */
function givenKeys(classKeys: readonly string[] | undefined, keys: readonly KeyBinding[]): GivenKeys {
  return {
    ccn: keys.find((k) => foldCase(k.name) === 'creationclassname'),
    complete: classKeys !== undefined && classKeys.every((name) => keys.some((k) => foldCase(k.name) === name)),
  };
}

/**
 * Where key bindings point in one concrete class, as GetInstance and enumeration by keys both
 * find it: nowhere (another class's CreationClassName, or every key given and no id for them),
 * the id the provider finds, or every instance (keys left out, to be matched one by one).
 */
function keyTarget(ctx: OperationContext, provider: InstanceProvider, className: string, keys: readonly KeyBinding[], given: GivenKeys): { readonly id: string } | 'none' | 'every' {
  if (given.ccn && !sameName(String(given.ccn.value), className)) return 'none';
  const id = provider.idOf(ctx, className, keys);
  return id !== undefined ? { id } : given.complete ? 'none' : 'every';
}

/** A key's value in the instance's own path (its properties only for a key the path lacks). */
function keyValueOf(inst: CimInstance, name: string): unknown {
  for (const k of inst.path.keys) if (k.name === name) return k.value;
  return inst.get(name);
}

function keyMatches(actual: unknown, wanted: CimKeyValue, name: string): boolean {
  if (actual === undefined || actual === null) return false;
  if (typeof wanted === 'object') {
    return typeof actual === 'object' && 'keys' in (actual as object) && samePath(actual as ObjectPathLike, wanted);
  }
  if (typeof actual === 'string' && typeof wanted === 'string' && actual === wanted) return true;
  // Class names are case-insensitive in CIM; other key strings compare exactly.
  const lower = foldCase(name);
  if (lower === 'creationclassname' || lower === 'systemcreationclassname') return sameName(String(actual), String(wanted));
  return String(actual) === String(wanted);
}

/** Whether two property values are the same CIM value (a Put that repeats a value changes nothing). */
export function sameValue(a: CimValue, b: CimValue): boolean {
  if (a === null || b === null) return a === b || (Array.isArray(a) && a.length === 0) || (Array.isArray(b) && b.length === 0);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameValue(x as CimValue, b[i] as CimValue));
  }
  return scalarText(a as CimScalar) === scalarText(b as CimScalar);
}

function scalarText(v: CimScalar): string {
  if (v instanceof CimDateTime) return v.toXsd();
  if (typeof v === 'object') return 'keys' in v ? new ObjectPath(v.namespace, v.className, v.keys).toString() : JSON.stringify([...v.properties]);
  return String(v);
}

function samePath(a: ObjectPathLike, b: ObjectPathLike): boolean {
  if (a.className.toLowerCase() !== b.className.toLowerCase()) return false;
  return b.keys.every((k) => {
    const v = a.keys.find((x) => x.name.toLowerCase() === k.name.toLowerCase())?.value;
    return v !== undefined && keyMatches(v, k.value, k.name);
  });
}
