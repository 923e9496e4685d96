// The CIM object manager: routes operations to the providers registered for a class and
// its subclasses, in the namespace asked for. Enumerations are cursors over provider ids.
import { CimError } from './errors.js';
import type { CimInstance } from './instance.js';
import { normalizeNamespace, type KeyBinding } from './object-path.js';
import type { OperationContext } from './operation-context.js';
import type { InstanceProvider } from './provider.js';
import type { ClassView, SchemaView } from './schema-view.js';
import type { CimKeyValue } from './types.js';

/** DSP0227 §7.2 polymorphism: which subclass instances an enumeration returns. */
export type Polymorphism = 'IncludeSubClassProperties' | 'ExcludeSubClassProperties' | 'None';

export interface EnumerateOptions {
  readonly namespace: string;
  readonly className: string;
  readonly polymorphism: Polymorphism;
}

interface Segment {
  readonly className: string;
  readonly provider: InstanceProvider;
  readonly ids: readonly string[];
}

/**
 * Where an enumeration stands. Small and plain: the ids arrays are shared with every other
 * cursor over the same model generation.
 */
export interface EnumerationCursor {
  readonly namespace: string;
  readonly className: string;
  readonly segments: readonly Segment[];
  segment: number;
  position: number;
}

export class Cimom {
  private readonly byNamespace = new Map<string, Map<string, InstanceProvider>>();

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
  }

  namespaces(): string[] {
    return [...this.byNamespace.keys()];
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
      segments.push({ className, provider, ids: provider.instanceIds(ctx, className) });
    }
    return { namespace: opts.namespace, className: cls.name, segments, segment: 0, position: 0 };
  }

  /** The next instance, skipping those deleted since the enumeration began; undefined at the end. */
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
      if (inst) return inst;
    }
  }

  isDone(cursor: EnumerationCursor): boolean {
    return this.remaining(cursor) === 0;
  }

  /** Items not yet returned (an estimate: deleted objects are still counted). */
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
    for (const k of keys) {
      if (!cls.keys.some((name) => name.toLowerCase() === k.name.toLowerCase())) {
        throw new CimError('INVALID_PARAMETER', `${k.name} is not a key of ${cls.name}.`, { subject: 'keys', keyProblem: 'unexpected' });
      }
    }
    const ccn = keys.find((k) => k.name.toLowerCase() === 'creationclassname');
    const found: CimInstance[] = [];
    for (const { className: concrete, provider } of this.providersFor(namespace, cls.name, true)) {
      if (ccn && String(ccn.value).toLowerCase() !== concrete.toLowerCase()) continue;
      const inst = provider.findInstance(ctx, concrete, keys);
      if (inst && keys.every((k) => keyMatches(inst.get(k.name), k.value, k.name))) found.push(inst);
    }
    const [only, second] = found;
    if (!only) throw new CimError('NOT_FOUND', `No ${cls.name} instance has these keys.`);
    if (second) throw new CimError('INVALID_PARAMETER', `The keys given name more than one ${cls.name} instance.`, { subject: 'keys', keyProblem: 'ambiguous' });
    return only;
  }

  private *providersFor(namespace: string, className: string, deep: boolean): Generator<{ className: string; provider: InstanceProvider }> {
    const table = this.byNamespace.get(normalizeNamespace(namespace));
    if (!table) return;
    const names = deep ? this.schema.subclassesOf(className, { deep: true, includeSelf: true }) : [className];
    for (const name of names) {
      const provider = table.get(name.toLowerCase());
      if (provider) yield { className: name, provider };
    }
  }

  async terminate(): Promise<void> {
    const all = new Set<InstanceProvider>();
    for (const t of this.byNamespace.values()) for (const p of t.values()) all.add(p);
    for (const p of all) await p.terminate?.();
  }
}

function keyMatches(actual: unknown, wanted: CimKeyValue, name: string): boolean {
  if (actual === undefined || actual === null) return false;
  // Class names are case-insensitive in CIM; other key strings compare exactly.
  if (name.toLowerCase() === 'creationclassname' || name.toLowerCase() === 'systemcreationclassname') {
    return String(actual).toLowerCase() === String(wanted).toLowerCase();
  }
  return String(actual) === String(wanted);
}
