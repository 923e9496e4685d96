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

/** Instances memoized per source record objects: a changed record is a new object. */
export class RecordMemo<V> {
  private readonly memo = new WeakMap<object, { deps: readonly unknown[]; value: V }>();

  get(primary: object, deps: readonly unknown[], compute: () => V): V {
    const hit = this.memo.get(primary);
    if (hit && hit.deps.length === deps.length && hit.deps.every((d, i) => d === deps[i])) return hit.value;
    const value = compute();
    this.memo.set(primary, { deps, value });
    return value;
  }
}
