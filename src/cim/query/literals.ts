// Reading string literals as the CIM values they are compared with: datetimes and object paths. Each function
// returns undefined for text it cannot read; the compiler turns that into INVALID_QUERY once, before any Pull.
import { normalizeNamespace } from '../object-path.js';
import type { CimKeyValue, ObjectPathLike } from '../types.js';

/** A datetime literal: UTC milliseconds since the epoch for a timestamp, a length for an interval. */
export interface DateTimeLiteral {
  readonly kind: 'timestamp' | 'interval';
  /** may carry a fraction: DMTF datetimes have microseconds */
  readonly millis: number;
}

const DMTF_TIMESTAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-])(\d{3})$/;
const DMTF_INTERVAL = /^(\d{8})(\d{2})(\d{2})(\d{2})\.(\d{6}):000$/;
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const XSD_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * DMTF datetimes (DSP0004 5.2.4): `yyyymmddhhmmss.mmmmmmsutc` timestamps and `ddddddddhhmmss.mmmmmm:000`
 * intervals; also ISO 8601 timestamps (`2024-05-01T10:00:00Z`; without a zone they are read as UTC, so a
 * filter means the same on every gateway) and xs:duration intervals in days, hours, minutes and seconds (the
 * form DSP0230 puts on the wire). Asterisk wildcards (DSP0004 5.2.4) are not accepted.
 */
export function parseDateTime(text: string): DateTimeLiteral | undefined {
  const s = text.trim();
  let m = DMTF_TIMESTAMP.exec(s);
  if (m !== null) {
    const [, y, mo, d, h, mi, sec, micro, sign, off] = m;
    const local = utc(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(sec));
    if (local === undefined) return undefined;
    const offset = Number(off) * (sign === '-' ? -1 : 1);
    // the fields are local time at UTC offset `offset` minutes
    return { kind: 'timestamp', millis: local - offset * 60_000 + Number(micro) / 1000 };
  }
  m = DMTF_INTERVAL.exec(s);
  if (m !== null) {
    const [, d, h, mi, sec, micro] = m;
    if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return undefined;
    return { kind: 'interval', millis: interval(Number(d), Number(h), Number(mi), Number(sec)) + Number(micro) / 1000 };
  }
  m = ISO_TIMESTAMP.exec(s);
  if (m !== null) {
    const [, y, mo, d, h, mi, sec, frac, zone] = m;
    const local = utc(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0));
    if (local === undefined) return undefined;
    let offset = 0;
    if (zone !== undefined && zone.toUpperCase() !== 'Z') {
      const digits = zone.replace(':', '');
      offset = (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * (digits.startsWith('-') ? -1 : 1);
    }
    const fraction = frac === undefined ? 0 : Number(`0.${frac}`) * 1000;
    return { kind: 'timestamp', millis: local - offset * 60_000 + fraction };
  }
  m = XSD_DURATION.exec(s);
  if (m !== null && s !== 'P' && !s.endsWith('T')) {
    const [, d, h, mi, sec] = m;
    return { kind: 'interval', millis: interval(Number(d ?? 0), Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0)) };
  }
  return undefined;
}

function interval(days: number, hours: number, minutes: number, seconds: number): number {
  return ((days * 24 + hours) * 60 + minutes) * 60_000 + seconds * 1000;
}

/** Date.UTC for calendar fields, or undefined when they do not name a real moment (2023-02-30, 25:00). */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(ms);
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear puts them back
  check.setUTCFullYear(y);
  return check.getUTCDate() === d && check.getUTCMonth() === mo - 1 ? check.getTime() : undefined;
}

/** An object path as written in a query, keys as scalars: `[ns:]Class.Key="v",Key2=2`. */
export interface PathLiteral {
  readonly namespace?: string;
  readonly className: string;
  readonly keys: ReadonlyArray<{ readonly name: string; readonly value: string | bigint | boolean }>;
}

const CLASS_PATH = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.|$)/;
const KEY_NAME = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/**
 * Reads the WBEM object path forms operators copy from tools: DSP0207's untyped path
 * (`/root/cimv2:Xen_ComputerSystem.CreationClassName="Xen_ComputerSystem",Name="…"`, optionally after
 * `//authority`), the same without the leading slash, and WMI's `\\HOST\root\cimv2:Class.Key="…"`.
 * Quoted key values take `\"` and `\\` escapes; unquoted values are integers or TRUE/FALSE.
 */
export function parsePath(text: string): PathLiteral | undefined {
  let s = text.trim();
  const authority = /^(?:\/\/|\\\\)[^/\\]*[/\\]/.exec(s);
  if (authority !== null) s = s.slice(authority[0].length);
  // the namespace ends at the first ':' before any '.' or quote
  const colon = s.indexOf(':');
  const stop = s.search(/[."]/);
  let namespace: string | undefined;
  if (colon >= 0 && (stop < 0 || colon < stop)) {
    namespace = s.slice(0, colon);
    s = s.slice(colon + 1);
    if (namespace === '') return undefined;
  }
  const cls = CLASS_PATH.exec(s);
  if (cls === null || cls[1] === undefined) return undefined;
  s = s.slice(cls[0].length);
  const keys: { name: string; value: string | bigint | boolean }[] = [];
  while (s !== '') {
    const name = KEY_NAME.exec(s);
    if (name === null || name[1] === undefined) return undefined;
    s = s.slice(name[0].length);
    const value = readKeyValue(s);
    if (value === undefined) return undefined;
    keys.push({ name: name[1], value: value.value });
    s = s.slice(value.length);
    if (s.startsWith(',')) {
      s = s.slice(1);
      if (s === '') return undefined;
    } else if (s !== '') {
      return undefined;
    }
  }
  return { ...(namespace !== undefined ? { namespace } : {}), className: cls[1], keys };
}

function readKeyValue(s: string): { value: string | bigint | boolean; length: number } | undefined {
  if (s.startsWith('"')) {
    let out = '';
    for (let i = 1; i < s.length; i++) {
      const c = s.charAt(i);
      if (c === '"') return { value: out, length: i + 1 };
      if (c === '\\' && i + 1 < s.length) {
        out += s.charAt(++i);
      } else {
        out += c;
      }
    }
    return undefined;
  }
  const bare = /^[^,]*/.exec(s)?.[0] ?? '';
  if (/^[+-]?\d+$/.test(bare)) return { value: BigInt(bare), length: bare.length };
  if (/^(true|false)$/i.test(bare)) return { value: bare.toLowerCase() === 'true', length: bare.length };
  return undefined;
}

/** Whether an object path value names the object the literal names; a literal without namespace fits any. */
export function pathMatches(literal: PathLiteral, path: ObjectPathLike): boolean {
  if (literal.className.toLowerCase() !== path.className.toLowerCase()) return false;
  if (literal.namespace !== undefined && normalizeNamespace(literal.namespace) !== normalizeNamespace(path.namespace)) {
    return false;
  }
  if (literal.keys.length !== path.keys.length) return false;
  return literal.keys.every((k) => {
    const other = path.keys.find((p) => p.name.toLowerCase() === k.name.toLowerCase());
    return other !== undefined && keyEquals(k.value, other.value);
  });
}

function keyEquals(lit: string | bigint | boolean, value: CimKeyValue): boolean {
  // nested reference keys (a path inside a path) are not compared: no served class has one
  if (typeof value === 'object') return false;
  if (typeof lit === 'bigint') {
    if (typeof value === 'bigint') return value === lit;
    if (typeof value === 'number') return Number.isInteger(value) && BigInt(value) === lit;
    return typeof value === 'string' && /^[+-]?\d+$/.test(value.trim()) && BigInt(value.trim()) === lit;
  }
  if (typeof lit === 'boolean') return value === lit || (typeof value === 'string' && value.toLowerCase() === String(lit));
  return String(value) === lit;
}
