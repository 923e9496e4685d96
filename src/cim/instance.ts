// Immutable CIM instances. Providers build them once per model generation and share them
// between requests and enumeration contexts, so nothing may mutate one after creation.
import type { ObjectPath } from './object-path.js';
import type { CimValue, InstanceLike } from './types.js';

// Property names folded to lower case, one copy per name (a schema declares a few hundred):
// instances keep no index of their own, which cost two strings and a Map entry per property.
const FOLDED_MAX = 4096;
const folded = new Map<string, string>();

function fold(name: string): string {
  const known = folded.get(name);
  if (known !== undefined) return known;
  const lower = name.toLowerCase();
  if (folded.size < FOLDED_MAX) folded.set(name, lower);
  return lower;
}

export class CimInstance implements InstanceLike {
  readonly properties: ReadonlyMap<string, CimValue>;

  constructor(readonly className: string, readonly path: ObjectPath, properties: Iterable<readonly [string, CimValue]>) {
    this.properties = new Map(properties);
  }

  /** Case-insensitive property lookup; undefined when the instance has no such property. */
  get(name: string): CimValue | undefined {
    // Names usually arrive spelled as declared: try that before folding case.
    const exact = this.properties.get(name);
    if (exact !== undefined || this.properties.has(name)) return exact;
    const want = fold(name);
    for (const [k, v] of this.properties) if (fold(k) === want) return v;
    return undefined;
  }
}
