// Small helpers for building instances from XenAPI records.
import { CimInstance } from '../cim/instance.js';
import { ObjectPath, type KeyBinding } from '../cim/object-path.js';
import { CimDateTime, type CimValue } from '../cim/types.js';

export const CIMV2 = 'root/cimv2';
export const INTEROP = 'root/interop';

export function makeInstance(namespace: string, className: string, keys: readonly KeyBinding[], props: Record<string, CimValue>): CimInstance {
  const path = new ObjectPath(namespace, className, keys);
  const entries: [string, CimValue][] = keys.map((k) => [k.name, k.value]);
  for (const [name, value] of Object.entries(props)) entries.push([name, value]);
  return new CimInstance(className, path, entries);
}

export function timestamp(d: Date | undefined): CimDateTime | null {
  return d ? CimDateTime.timestamp(d) : null;
}

/** An empty string from XenAPI means "not set" for descriptive properties. */
export function orNull(s: string): string | null {
  return s === '' ? null : s;
}
