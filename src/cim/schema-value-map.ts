// ValueMap/Values as a lookup (DSP0004 5.6.3.55): exact values, ranges such as "11..32767" or "0x8000..",
// and ".." for everything not otherwise listed.
import { findQualifier, type Qualifier, type SourcePosition } from './class.js';
import { SchemaError } from './mof-types.js';
import { isIntegerType, type CimType } from './types.js';

export interface ValueMapEntry {
  /** as written in ValueMap, e.g. "2", "11..32767", ".." */
  readonly value: string;
  /** the matching Values text, or the value itself when there is no Values qualifier */
  readonly text: string;
}

export interface ValueMapLookup {
  readonly entries: readonly ValueMapEntry[];
  /** Text for a value: an exact entry first, then a bounded range, then "..". */
  get(value: string | number | bigint): string | undefined;
  /** Whether the ValueMap admits the value; reserved ranges such as ".." count. */
  has(value: string | number | bigint): boolean;
  /** Whether the value has an entry of its own, not just a range: what a request may use with a known meaning. */
  listed(value: string | number | bigint): boolean;
}

interface Range {
  readonly min: bigint | undefined;
  readonly max: bigint | undefined;
  readonly text: string;
}

/** undefined when the element has neither ValueMap nor Values. */
export function buildValueMap(
  qs: readonly Qualifier[], type: CimType, position: SourcePosition | undefined, owner: string,
): ValueMapLookup | undefined {
  const valueMap = stringArray(findQualifier(qs, 'ValueMap')?.value);
  const values = stringArray(findQualifier(qs, 'Values')?.value);
  if (valueMap === undefined && values === undefined) return undefined;
  if (valueMap !== undefined && values !== undefined && valueMap.length !== values.length) {
    throw new SchemaError(position, `${owner} has ${valueMap.length} ValueMap entries but ${values.length} Values`);
  }
  // Values alone: the values are the indexes 0, 1, 2 …
  const keys = valueMap ?? (values ?? []).map((_, i) => String(i));
  const entries = keys.map((value, i) => ({ value, text: values?.[i] ?? value }));
  if (!isIntegerType(type)) return stringLookup(entries);

  const exact = new Map<bigint, string>();
  const ranges: Range[] = [];
  let rest: string | undefined;
  for (const e of entries) {
    const m = /^\s*([^.\s]*)\s*(\.\.)?\s*([^.\s]*)\s*$/.exec(e.value);
    const lo = m?.[1] === '' ? undefined : toBigInt(m?.[1]);
    const hi = m?.[3] === '' ? undefined : toBigInt(m?.[3]);
    const bad = m === null || (m[1] !== '' && lo === undefined) || (m[3] !== '' && hi === undefined)
      || (m[2] === undefined && (lo === undefined || m[3] !== ''));
    if (bad) throw new SchemaError(position, `${owner} has ValueMap entry "${e.value}", which is neither an integer nor a range`);
    if (m[2] === undefined && lo !== undefined) exact.set(lo, e.text);
    else if (lo === undefined && hi === undefined) rest = e.text;
    else ranges.push({ min: lo, max: hi, text: e.text });
  }
  const get = (value: string | number | bigint): string | undefined => {
    const v = toBigInt(value);
    if (v === undefined) return undefined;
    const hit = exact.get(v) ?? ranges.find((r) => (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max))?.text;
    return hit ?? rest;
  };
  const listed = (value: string | number | bigint): boolean => {
    const v = toBigInt(value);
    return v !== undefined && exact.has(v);
  };
  return { entries, get, has: (v) => get(v) !== undefined, listed };
}

function stringLookup(entries: readonly ValueMapEntry[]): ValueMapLookup {
  const map = new Map(entries.map((e) => [e.value, e.text]));
  const get = (v: string | number | bigint): string | undefined => map.get(String(v));
  const has = (v: string | number | bigint): boolean => map.has(String(v));
  return { entries, get, has, listed: has };
}

function stringArray(v: unknown): readonly string[] | undefined {
  return Array.isArray(v) ? v.map(String) : undefined;
}

/** Decimal or 0x-hex integer, as ValueMap strings and callers write them. */
function toBigInt(v: string | number | bigint | undefined): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : undefined;
  if (v === undefined || !/^\s*[+-]?(?:0[xX][0-9a-fA-F]+|[0-9]+)\s*$/.test(v)) return undefined;
  const s = v.trim();
  const neg = s.startsWith('-');
  const body = s.replace(/^[+-]/, '');
  const n = BigInt(body);
  return neg ? -n : n;
}
