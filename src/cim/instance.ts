// Immutable CIM instances. Providers build them once per model generation and share them
// between requests and enumeration contexts, so nothing may mutate one after creation.
import { foldCase } from './fold-case.js';
import type { ObjectPath } from './object-path.js';
import type { CimValue, InstanceLike } from './types.js';

// Case-insensitive lookup needs each property's name in lower case. Instances of a class are
// built by the same code, with the same names in the same order, so they share one index (the
// last one built for their class) instead of keeping two strings and a Map entry per property.
interface FoldedNames {
  readonly names: readonly string[];
  /** lower-case name → the name as spelled */
  readonly byLower: ReadonlyMap<string, string>;
}

const MAX_CLASSES = 4096;
const foldedByClass = new Map<string, FoldedNames>();

function foldedNames(className: string, properties: ReadonlyMap<string, unknown>): FoldedNames {
  const known = foldedByClass.get(className);
  if (known !== undefined && sameNames(known.names, properties)) return known;
  const names = [...properties.keys()];
  const folded = { names, byLower: new Map(names.map((n) => [n.toLowerCase(), n])) };
  if (known !== undefined || foldedByClass.size < MAX_CLASSES) foldedByClass.set(className, folded);
  return folded;
}

function sameNames(names: readonly string[], properties: ReadonlyMap<string, unknown>): boolean {
  if (names.length !== properties.size) return false;
  let i = 0;
  for (const k of properties.keys()) if (k !== names[i++]) return false;
  return true;
}

export class CimInstance implements InstanceLike {
  readonly properties: ReadonlyMap<string, CimValue>;
  private readonly names: FoldedNames;

  constructor(readonly className: string, readonly path: ObjectPath, properties: Iterable<readonly [string, CimValue]>) {
    const props = new Map(properties);
    this.properties = props;
    this.names = foldedNames(className, props);
  }

  /** Case-insensitive property lookup; undefined when the instance has no such property. */
  get(name: string): CimValue | undefined {
    // Names usually arrive spelled as declared: try that before folding case.
    const exact = this.properties.get(name);
    if (exact !== undefined || this.properties.has(name)) return exact;
    const k = this.names.byLower.get(foldCase(name));
    return k === undefined ? undefined : this.properties.get(k);
  }
}
