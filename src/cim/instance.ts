// Immutable CIM instances. Providers build them once per model generation and share them
// between requests and enumeration contexts, so nothing may mutate one after creation.
import type { ObjectPath } from './object-path.js';
import type { CimValue, InstanceLike } from './types.js';

export class CimInstance implements InstanceLike {
  readonly properties: ReadonlyMap<string, CimValue>;
  private readonly lower: ReadonlyMap<string, string>;

  constructor(readonly className: string, readonly path: ObjectPath, properties: Iterable<readonly [string, CimValue]>) {
    const props = new Map<string, CimValue>();
    const lower = new Map<string, string>();
    for (const [k, v] of properties) {
      props.set(k, v);
      lower.set(k.toLowerCase(), k);
    }
    this.properties = props;
    this.lower = lower;
  }

  /** Case-insensitive property lookup; undefined when the instance has no such property. */
  get(name: string): CimValue | undefined {
    // Names usually arrive spelled as declared: try that before folding case.
    if (this.properties.has(name)) return this.properties.get(name);
    const k = this.lower.get(name.toLowerCase());
    return k === undefined ? undefined : this.properties.get(k);
  }
}
