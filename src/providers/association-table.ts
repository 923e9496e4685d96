// Associations as data (model.md): each row names its two ends and lists the pairs of ids
// it links; one generic provider answers Enumerate, Get, Associators and References for
// every row, from per-generation indexes in both directions.
import type { CimInstance } from '../cim/instance.js';
import { normalizeNamespace, type KeyBinding } from '../cim/object-path.js';
import type { OperationContext } from '../cim/operation-context.js';
import type { AssociationEnd, AssociationLink, AssociationProvider, ClassRegistration, ProviderLookup } from '../cim/provider.js';
import type { CimValue, ObjectPathLike } from '../cim/types.js';
import type { XenClass, XenModel } from '../xenapi/model.js';
import { foldCase, sameName } from '../cim/fold-case.js';
import { makeInstance } from './instances.js';
import { perGeneration } from './memo.js';

export type Pair = readonly [string, string];

export interface AssociationRow {
  /** the two ends, each with the concrete class found there */
  readonly ends: readonly [AssociationEnd, AssociationEnd];
  readonly dependsOn: readonly XenClass[];
  /** every linked pair: [id at ends[0], id at ends[1]] */
  pairs(): Iterable<Pair>;
  /** non-key properties of one association instance (IsDefault, ValueRole…) */
  properties?(a: string, b: string): Record<string, CimValue>;
}

export interface AssociationSpec {
  readonly className: string;
  /** where the association is served; cross-namespace ones (DSP1033) are served on both sides */
  readonly namespaces: readonly string[];
  readonly rows: readonly AssociationRow[];
}

interface RowIndex {
  readonly ids: readonly string[];
  /** `${a}${SEP}${b}` of every pair, for constant-time membership */
  readonly pairs: ReadonlySet<string>;
  readonly fromA: ReadonlyMap<string, readonly string[]>;
  readonly fromB: ReadonlyMap<string, readonly string[]>;
}

const SEP = '\u001f';

export class AssociationTableProvider implements AssociationProvider {
  readonly isAssociationProvider = true as const;
  readonly registrations: readonly ClassRegistration[];
  private readonly specs = new Map<string, { spec: AssociationSpec; index: (() => RowIndex)[]; ids: () => readonly string[] }>();
  private lookup: ProviderLookup | undefined;
  private readonly sides = new Map<string, { readonly from: AssociationEnd; readonly sides: readonly { r: number; side: 0 | 1; other: AssociationEnd }[] }[]>();

  constructor(readonly name: string, model: XenModel, specs: readonly AssociationSpec[]) {
    for (const spec of specs) {
      const index = spec.rows.map((row, r) => perGeneration(model, row.dependsOn, () => buildIndex(row, r)));
      const deps = [...new Set(spec.rows.flatMap((row) => row.dependsOn))];
      const ids = perGeneration(model, deps, () => index.flatMap((ix) => ix().ids));
      this.specs.set(foldCase(spec.className), { spec, index, ids });
    }
    this.registrations = specs.flatMap((s) => s.namespaces.map((namespace) => ({ namespace, className: s.className })));
  }

  bind(lookup: ProviderLookup): void {
    this.lookup = lookup;
  }

  ends(className: string): readonly (readonly [AssociationEnd, AssociationEnd])[] {
    return this.specs.get(foldCase(className))?.spec.rows.map((r) => r.ends) ?? [];
  }

  instanceIds(_ctx: OperationContext, className: string): readonly string[] {
    return this.specs.get(foldCase(className))?.ids() ?? [];
  }

  instanceById(ctx: OperationContext, className: string, id: string): CimInstance | undefined {
    const entry = this.specs.get(foldCase(className));
    const [r, a, b] = id.split(SEP);
    const row = entry?.spec.rows[Number(r)];
    if (!entry || !row || a === undefined || b === undefined) return undefined;
    if (!entry.index[Number(r)]?.().pairs.has(a + SEP + b)) return undefined;
    const pa = this.pathOf(ctx, row.ends[0], a);
    const pb = this.pathOf(ctx, row.ends[1], b);
    if (!pa || !pb) return undefined;
    const keys: KeyBinding[] = [{ name: row.ends[0].role, value: pa }, { name: row.ends[1].role, value: pb }];
    // The association instance lives in the namespace asked for; its references say where the ends are.
    const ns = entry.spec.namespaces.length === 1 ? entry.spec.namespaces[0]! : row.ends[0].namespace;
    return makeInstance(ns, entry.spec.className, keys, row.properties?.(a, b) ?? {});
  }

  idOf(ctx: OperationContext, className: string, keys: readonly KeyBinding[]): string | undefined {
    const entry = this.specs.get(foldCase(className));
    if (!entry) return undefined;
    for (const [r, row] of entry.spec.rows.entries()) {
      const a = this.endId(ctx, row.ends[0], keys);
      const b = this.endId(ctx, row.ends[1], keys);
      if (a !== undefined && b !== undefined && entry.index[r]?.().pairs.has(a + SEP + b)) return [r, a, b].join(SEP);
    }
    return undefined;
  }

  follow(_ctx: OperationContext, className: string, from: AssociationEnd, id: string): readonly AssociationLink[] {
    const entry = this.specs.get(foldCase(className));
    if (!entry) return [];
    const out: AssociationLink[] = [];
    for (const { r, side, other } of this.sidesOf(className, entry.spec, from)) {
      const ix = entry.index[r]!();
      const others = (side === 0 ? ix.fromA : ix.fromB).get(id);
      if (others === undefined) continue;
      for (const o of others) out.push({ associationId: side === 0 ? `${r}${SEP}${id}${SEP}${o}` : `${r}${SEP}${o}${SEP}${id}`, other, otherId: o });
    }
    return out;
  }

  /**
   * The rows and sides where `from` stands in an association, worked out once: ends come from
   * the schema and the providers (roles, classes, namespaces), so there are few distinct ones.
   */
  private sidesOf(className: string, spec: AssociationSpec, from: AssociationEnd): readonly { r: number; side: 0 | 1; other: AssociationEnd }[] {
    // Per association class, the ends seen so far, compared name by name: the same few strings
    // come back on every call, where a joined key would be a new string to hash each time.
    let seen = this.sides.get(className);
    if (seen === undefined) this.sides.set(className, (seen = []));
    const known = seen.find((k) => k.from.role === from.role && k.from.className === from.className && k.from.namespace === from.namespace);
    if (known !== undefined) return known.sides;
    const sides: { r: number; side: 0 | 1; other: AssociationEnd }[] = [];
    for (const [r, row] of spec.rows.entries()) {
      for (const side of [0, 1] as const) {
        if (sameEnd(row.ends[side], from)) sides.push({ r, side, other: row.ends[side === 0 ? 1 : 0] });
      }
    }
    // Ends are few (schema and providers); a caller spelling them in ever new ways is not kept.
    if (seen.length < 64) seen.push({ from: { role: from.role, className: from.className, namespace: from.namespace }, sides });
    return sides;
  }

  private pathOf(ctx: OperationContext, end: AssociationEnd, id: string): ObjectPathLike | undefined {
    return this.lookup?.providerFor(end.namespace, end.className)?.instanceById(ctx, end.className, id)?.path;
  }

  private endId(ctx: OperationContext, end: AssociationEnd, keys: readonly KeyBinding[]): string | undefined {
    const ref = keys.find((k) => sameName(k.name, end.role))?.value;
    if (typeof ref !== 'object' || !sameName(ref.className, end.className)) return undefined;
    return this.lookup?.providerFor(end.namespace, end.className)?.idOf(ctx, end.className, ref.keys);
  }
}

function sameEnd(end: AssociationEnd, from: AssociationEnd): boolean {
  return sameName(end.role, from.role)
    && sameName(end.className, from.className)
    && normalizeNamespace(end.namespace) === normalizeNamespace(from.namespace);
}

function buildIndex(row: AssociationRow, r: number): RowIndex {
  const ids: string[] = [];
  const pairs = new Set<string>();
  const fromA = new Map<string, string[]>();
  const fromB = new Map<string, string[]>();
  for (const [a, b] of row.pairs()) {
    ids.push([r, a, b].join(SEP));
    pairs.add(a + SEP + b);
    push(fromA, a, b);
    push(fromB, b, a);
  }
  return { ids, pairs, fromA, fromB };
}

function push(m: Map<string, string[]>, k: string, v: string): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
