// A concrete CIM class served from the model, declared as data: where its objects come
// from, how an id maps to keys and back, and which properties an object has. One generic
// provider (SpecProvider) serves any number of such classes.
import type { CimInstance } from '../cim/instance.js';
import type { KeyBinding } from '../cim/object-path.js';
import { CimError } from '../cim/errors.js';
import { foldCase } from '../cim/fold-case.js';
import type { OperationContext } from '../cim/operation-context.js';
import type { ClassRegistration, InstanceProvider, MethodResult } from '../cim/provider.js';
import type { CimValue } from '../cim/types.js';
import type { XenClass, XenModel } from '../xenapi/model.js';
import { makeInstance } from './instances.js';
import { perGeneration, RecordMemo } from './memo.js';

export interface ClassSpec<S extends object> {
  readonly className: string;
  readonly namespace: string;
  /** the XenAPI classes the instances are derived from: ids are recomputed when one changes */
  readonly dependsOn: readonly XenClass[];
  /** every object's id, in a stable order */
  ids(): Iterable<string>;
  /** the source of one object (a record, or a small tuple of records), or undefined when gone */
  source(id: string): S | undefined;
  /** further objects the instance reads, so that a change to one of them rebuilds it */
  extraDeps?(source: S): readonly unknown[];
  /**
   * Instances that change with the clock, not only with the model (a running job's elapsed
   * time): not kept for the model's generation, so `extraDeps` is asked on every read.
   */
  readonly volatile?: boolean;
  keys(id: string, source: S): KeyBinding[];
  /** the id the key bindings name, or undefined; `keys` maps lower-cased key names to values */
  idFromKeys(keys: ReadonlyMap<string, string>): string | undefined;
  properties(id: string, source: S): Record<string, CimValue>;
  /** properties a client may change with Put, as the class declares them */
  readonly writable?: readonly string[];
  /** applies changed writable properties through XenAPI (with the caller's session) */
  modify?(ctx: OperationContext, id: string, source: S, changes: ReadonlyMap<string, CimValue>, kept?: ReadonlyMap<string, CimValue>): Promise<void>;
  /** the extrinsic methods `invoke` implements */
  readonly methodNames?: readonly string[];
  invoke?(ctx: OperationContext, method: string, id: string, source: S, params: ReadonlyMap<string, CimValue>): Promise<MethodResult>;
}

/** Declares a class spec with its source type inferred. */
export function classSpec<S extends object>(spec: ClassSpec<S>): ClassSpec<S> {
  return spec;
}

interface Entry {
  // The source type is erased here; each spec only ever sees its own sources.
  readonly spec: ClassSpec<object>;
  readonly ids: () => readonly string[];
  readonly memo: RecordMemo<CimInstance>;
  /** what was derived at one model generation, dropped whole when the model changes */
  now: Derived;
}

interface Derived {
  readonly generation: number;
  /**
   * The instances already asked for. While nothing in the model changes, an instance is found
   * by its id alone, without looking at its records again: an enumeration or query over
   * thousands of VMs then costs one lookup per VM, not a dozen.
   */
  readonly byId: Map<string, CimInstance>;
  /** ids by the lower-cased value of a string property, per property asked for */
  readonly byProperty: Map<string, ReadonlyMap<string, readonly string[]>>;
}

export class SpecProvider implements InstanceProvider {
  readonly registrations: readonly ClassRegistration[];
  private readonly entries = new Map<string, Entry>();

  constructor(readonly name: string, private readonly model: XenModel, specs: readonly ClassSpec<object>[]) {
    for (const spec of specs) {
      this.entries.set(spec.className.toLowerCase(), {
        spec,
        ids: perGeneration(model, spec.dependsOn, () => [...spec.ids()]),
        memo: new RecordMemo<CimInstance>(),
        now: { generation: -1, byId: new Map(), byProperty: new Map() },
      });
    }
    this.registrations = specs.map((s) => ({ namespace: s.namespace, className: s.className }));
  }

  instanceIds(_ctx: unknown, className: string): readonly string[] {
    return this.entry(className)?.ids() ?? [];
  }

  instanceById(_ctx: unknown, className: string, id: string): CimInstance | undefined {
    const e = this.entry(className);
    if (!e) return undefined;
    const now = this.derived(e);
    const known = now.byId.get(id);
    if (known) return known;
    const source = e.spec.source(id);
    if (source === undefined) return undefined;
    const deps = e.spec.extraDeps?.(source) ?? [];
    const inst = e.memo.get(source, id, deps, () => makeInstance(e.spec.namespace, e.spec.className, e.spec.keys(id, source), e.spec.properties(id, source)));
    if (e.spec.volatile !== true) now.byId.set(id, inst);
    return inst;
  }

  /**
   * Built on the first query of a generation that asks (one pass over the instances, the cost
   * of one scanning query); later queries on that property until the model changes look up.
   */
  idsWhere(ctx: unknown, className: string, property: string, value: string): readonly string[] | undefined {
    const e = this.entry(className);
    if (!e) return undefined;
    const now = this.derived(e);
    const name = property.toLowerCase();
    let index = now.byProperty.get(name);
    if (index === undefined) {
      const built = new Map<string, string[]>();
      for (const id of e.ids()) {
        const v = this.instanceById(ctx, className, id)?.get(property);
        if (typeof v !== 'string') continue;
        const key = v.toLowerCase();
        const ids = built.get(key);
        if (ids) ids.push(id);
        else built.set(key, [id]);
      }
      index = built;
      now.byProperty.set(name, index);
    }
    return index.get(value.toLowerCase()) ?? [];
  }

  idOf(_ctx: unknown, className: string, keys: readonly KeyBinding[]): string | undefined {
    const e = this.entry(className);
    if (!e) return undefined;
    const map = new Map<string, string>();
    for (const k of keys) if (typeof k.value !== 'object') map.set(foldCase(k.name), String(k.value));
    return e.spec.idFromKeys(map);
  }

  writableProperties(className: string): ReadonlySet<string> | undefined {
    const w = this.entry(className)?.spec.writable;
    return w ? new Set(w.map((p) => p.toLowerCase())) : undefined;
  }

  async modifyInstance(ctx: OperationContext, className: string, id: string, changes: ReadonlyMap<string, CimValue>, kept?: ReadonlyMap<string, CimValue>): Promise<void> {
    const e = this.entry(className);
    const source = e?.spec.source(id);
    if (!e?.spec.modify || source === undefined) throw new CimError('NOT_SUPPORTED', `${className} instances cannot be modified.`);
    await e.spec.modify(ctx, id, source, changes, kept);
  }

  async invokeMethod(ctx: OperationContext, className: string, id: string, method: string, params: ReadonlyMap<string, CimValue>): Promise<MethodResult> {
    const e = this.entry(className);
    const source = e?.spec.source(id);
    if (!e?.spec.invoke || !e.spec.methodNames?.some((m) => m.toLowerCase() === method.toLowerCase())) {
      throw new CimError('METHOD_NOT_AVAILABLE', `${className}.${method} is not available.`);
    }
    if (source === undefined) throw new CimError('NOT_FOUND', `The ${className} instance has gone.`);
    return e.spec.invoke(ctx, method, id, source, params);
  }

  private derived(e: Entry): Derived {
    const generation = this.model.generation;
    if (e.now.generation !== generation) e.now = { generation, byId: new Map(), byProperty: new Map() };
    return e.now;
  }

  private entry(className: string): Entry | undefined {
    return this.entries.get(foldCase(className));
  }
}
