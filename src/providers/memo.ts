// Memoization keyed by model generation: derived data (id lists, instances) is computed
// once per change of the classes it depends on and then shared by every request.
import type { XenClass, XenModel } from '../xenapi/model.js';

/** A value recomputed only when one of `classes` has changed in the model. */
export function perGeneration<T>(model: XenModel, classes: readonly XenClass[], compute: () => T): () => T {
  let stamp = -1;
  let value: T | undefined;
  return () => {
    let s = 0;
    for (const c of classes) s = Math.max(s, model.classGeneration(c));
    if (value === undefined || s !== stamp) {
      value = compute();
      stamp = s;
    }
    return value;
  };
}

/**
 * Values memoized per source object and id: a changed XenAPI record is a new object, so the
 * value is rebuilt exactly when its record (or one of its other dependencies) changed.
 */
export class RecordMemo<V> {
  private readonly memo = new WeakMap<object, Map<string, { deps: readonly unknown[]; value: V }>>();

  get(source: object, id: string, deps: readonly unknown[], compute: () => V): V {
    let byId = this.memo.get(source);
    const hit = byId?.get(id);
    if (hit && hit.deps.length === deps.length && hit.deps.every((d, i) => d === deps[i])) return hit.value;
    const value = compute();
    if (!byId) this.memo.set(source, (byId = new Map()));
    byId.set(id, { deps, value });
    return value;
  }
}
