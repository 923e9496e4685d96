// XenAPI values as the XML-RPC decoder gives them. xapi sends 64-bit ints as strings and
// bare strings for refs, enums and uuids; these helpers read them back into typed values.

export type XenValue = string | number | boolean | Date | readonly XenValue[] | XenStruct;
export interface XenStruct {
  readonly [key: string]: XenValue;
}
export type XenRecord = XenStruct;

export const NULL_REF = 'OpaqueRef:NULL';

export function str(r: XenStruct, field: string): string {
  const v = r[field];
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

/** An int field (sent as a decimal string); NaN when absent or not a number. */
export function int(r: XenStruct, field: string): number {
  const v = r[field];
  return typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
}

export function bool(r: XenStruct, field: string): boolean {
  const v = r[field];
  return v === true || v === 1 || v === '1' || v === 'true';
}

export function date(r: XenStruct, field: string): Date | undefined {
  const v = r[field];
  if (!(v instanceof Date) || Number.isNaN(v.getTime()) || v.getTime() <= 0) return undefined; // 19700101T00:00:00Z = never
  return v;
}

export function map(r: XenStruct, field: string): Readonly<Record<string, string>> {
  const v = r[field];
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as XenStruct)) out[k] = typeof x === 'string' ? x : String(x);
  return out;
}

export function refs(r: XenStruct, field: string): readonly string[] {
  const v = r[field];
  return Array.isArray(v) ? (v as readonly XenValue[]).map(String) : [];
}

export function isNullRef(ref: string): boolean {
  return ref === '' || ref === NULL_REF;
}
