// Object paths (namespace, class, keys). CIM names compare case-insensitively; key order
// is not significant, so the canonical form sorts keys by lower-cased name.
import type { CimKeyValue, ObjectPathLike } from './types.js';

export interface KeyBinding {
  readonly name: string;
  readonly value: CimKeyValue;
}

export class ObjectPath implements ObjectPathLike {
  readonly keys: readonly KeyBinding[];

  constructor(readonly namespace: string, readonly className: string, keys: readonly KeyBinding[] = []) {
    this.keys = keys;
  }

  key(name: string): CimKeyValue | undefined {
    const lower = name.toLowerCase();
    return this.keys.find((k) => k.name.toLowerCase() === lower)?.value;
  }

  /** Canonical text form, usable as a map key (not a DSP0207 URI). */
  toString(): string {
    const ks = [...this.keys]
      .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()))
      .map((k) => `${k.name.toLowerCase()}=${keyText(k.value)}`);
    return `${normalizeNamespace(this.namespace)}:${this.className.toLowerCase()}.${ks.join(',')}`;
  }

  equals(other: ObjectPathLike): boolean {
    return this.toString() === new ObjectPath(other.namespace, other.className, other.keys).toString();
  }
}

function keyText(v: CimKeyValue): string {
  if (typeof v === 'object') return `{${new ObjectPath(v.namespace, v.className, v.keys).toString()}}`;
  return JSON.stringify(String(v));
}

// Called several times per request with the same few spellings; requests may bring others, so
// only the first NORMALIZED_MAX short spellings seen are remembered.
const normalized = new Map<string, string>();
const NORMALIZED_MAX = 256;

/** root\cimv2, /root/cimv2 and ROOT/CIMV2 name the same namespace. */
export function normalizeNamespace(ns: string): string {
  const known = normalized.get(ns);
  if (known !== undefined) return known;
  const out = ns.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '').toLowerCase();
  if (normalized.size < NORMALIZED_MAX && ns.length <= 128) normalized.set(ns, out);
  return out;
}
