// Typed comparisons of one property value (one array element) with one literal. The literal is checked and
// converted once, when the query is compiled; the returned test only converts the instance's value.
// Results are three-valued: null (unknown) when the value cannot be compared (wrong kind of value, a
// timestamp against an interval), which the caller treats like SQL's UNKNOWN.
import type { PropertyDecl } from '../class.js';
import { CimDateTime, isIntegerType, type CimScalar, type ObjectPathLike } from '../types.js';
import type { CompareOp, Literal } from './ast.js';
import { parseDateTime, parsePath, pathMatches } from './literals.js';

export type Tri = boolean | null;
export type ScalarTest = (v: CimScalar) => Tri;

/** What the literal does not fit, for the compiler's INVALID_QUERY message. */
export class LiteralTypeError extends Error {
  override readonly name = 'LiteralTypeError';
}

type Num = bigint | number;

/** How a comparison with a string property treats case: WQL and class names fold it, CQL does not. */
export interface StringRules {
  readonly caseInsensitive: boolean;
  /** WQL reads 'TRUE'/'FALSE' strings as booleans (WMI examples write Local="TRUE") */
  readonly booleanStrings: boolean;
  /** a quoted literal may stand for a number (WQL, as WMI takes it; CQL is strongly typed, DSP0202) */
  readonly numericStrings: boolean;
}

export function scalarTest(decl: PropertyDecl, op: CompareOp, lit: Literal, rules: StringRules): ScalarTest {
  const t = decl.type;
  if (isIntegerType(t) || t === 'real32' || t === 'real64') return numericTest(decl, op, lit, rules);
  switch (t) {
    case 'boolean': return booleanTest(decl, op, lit, rules);
    case 'string':
    case 'char16': return stringTest(decl, op, lit, rules.caseInsensitive);
    case 'datetime': return dateTimeTest(decl, op, lit);
    default: return referenceTest(decl, op, lit);
  }
}

function outcome(op: CompareOp, c: number): boolean {
  switch (op) {
    case '=': return c === 0;
    case '<>': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
  }
}

function describe(lit: Literal): string {
  switch (lit.type) {
    case 'string': return `'${lit.value}'`;
    case 'boolean': return lit.value ? 'TRUE' : 'FALSE';
    case 'null': return 'NULL';
    default: return String(lit.value);
  }
}

function mismatch(decl: PropertyDecl, lit: Literal, wanted: string): LiteralTypeError {
  return new LiteralTypeError(`${decl.name} is ${decl.type}${decl.isArray ? '[]' : ''}; ${describe(lit)} is not ${wanted}`);
}

function equalityOnly(decl: PropertyDecl, op: CompareOp): void {
  if (op !== '=' && op !== '<>') {
    throw new LiteralTypeError(`${decl.name} is ${decl.type}: only = and <> (or !=) compare it, not ${op}`);
  }
}

// ---- numbers ----

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const REAL_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** Numeric text (from a provider or a quoted literal) as an exact integer or a double; undefined otherwise. */
export function parseNumber(s: string): Num | undefined {
  if (INTEGER_TEXT.test(s)) return BigInt(s.trim());
  if (REAL_TEXT.test(s)) return Number(s);
  return undefined;
}

/** Compares without losing precision: integers (including uint64 beyond 2^53) as bigints, the rest as doubles. */
export function compareNumbers(a: Num, b: Num): number | undefined {
  const x = typeof a === 'number' && Number.isInteger(a) ? BigInt(a) : a;
  const y = typeof b === 'number' && Number.isInteger(b) ? BigInt(b) : b;
  if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : x > y ? 1 : 0;
  const [p, q] = [Number(x), Number(y)];
  if (Number.isNaN(p) || Number.isNaN(q)) return undefined;
  return p < q ? -1 : p > q ? 1 : 0;
}

function numericTest(decl: PropertyDecl, op: CompareOp, lit: Literal, rules: StringRules): ScalarTest {
  let target: Num | undefined;
  if (lit.type === 'integer' || lit.type === 'real') target = lit.value;
  else if (lit.type === 'string' && rules.numericStrings) target = parseNumber(lit.value);
  if (target === undefined) throw mismatch(decl, lit, 'a number');
  const want = target;
  return (v) => {
    const n = typeof v === 'number' || typeof v === 'bigint' ? v : typeof v === 'string' ? parseNumber(v) : undefined;
    if (n === undefined) return null;
    const c = compareNumbers(n, want);
    return c === undefined ? null : outcome(op, c);
  };
}

// ---- booleans ----

function booleanTest(decl: PropertyDecl, op: CompareOp, lit: Literal, rules: StringRules): ScalarTest {
  let want: boolean | undefined;
  if (lit.type === 'boolean') want = lit.value;
  else if (lit.type === 'string' && rules.booleanStrings && /^(true|false)$/i.test(lit.value)) {
    want = lit.value.toLowerCase() === 'true';
  }
  if (want === undefined) throw mismatch(decl, lit, 'TRUE or FALSE');
  equalityOnly(decl, op);
  const w = want;
  return (v) => {
    const b = typeof v === 'boolean' ? v : typeof v === 'string' && /^(true|false)$/i.test(v) ? v.toLowerCase() === 'true' : undefined;
    return b === undefined ? null : outcome(op, b === w ? 0 : 1);
  };
}

// ---- strings ----

/** Orders strings by UTF-16 code unit, after folding case when the rules say so. */
export function stringComparison(op: CompareOp, literal: string, caseInsensitive: boolean): (s: string) => boolean {
  const want = caseInsensitive ? literal.toLowerCase() : literal;
  return (s) => {
    const have = caseInsensitive ? s.toLowerCase() : s;
    return outcome(op, have < want ? -1 : have > want ? 1 : 0);
  };
}

function stringTest(decl: PropertyDecl, op: CompareOp, lit: Literal, caseInsensitive: boolean): ScalarTest {
  if (lit.type !== 'string') throw mismatch(decl, lit, 'a quoted string');
  const cmp = stringComparison(op, lit.value, caseInsensitive);
  return (v) => (typeof v === 'string' ? cmp(v) : null);
}

// ---- datetimes ----

function dateTimeTest(decl: PropertyDecl, op: CompareOp, lit: Literal): ScalarTest {
  const want = lit.type === 'string' ? parseDateTime(lit.value) : undefined;
  if (want === undefined) {
    throw mismatch(decl, lit, 'a datetime (DMTF yyyymmddhhmmss.mmmmmmsutc, ddddddddhhmmss.mmmmmm:000, or ISO 8601)');
  }
  return (v) => {
    const have = v instanceof CimDateTime ? v : typeof v === 'string' ? parseDateTime(v) : undefined;
    if (have === undefined || have.kind !== want.kind) return null;
    return outcome(op, have.millis < want.millis ? -1 : have.millis > want.millis ? 1 : 0);
  };
}

// ---- references ----

export function isObjectPath(v: CimScalar): v is ObjectPathLike {
  return typeof v === 'object' && 'keys' in v && 'namespace' in v && Array.isArray(v.keys);
}

function referenceTest(decl: PropertyDecl, op: CompareOp, lit: Literal): ScalarTest {
  const want = lit.type === 'string' ? parsePath(lit.value) : undefined;
  if (want === undefined) throw mismatch(decl, lit, 'an object path (Class.Key="value",…)');
  equalityOnly(decl, op);
  return (v) => {
    const have = isObjectPath(v) ? v : undefined;
    return have === undefined ? null : outcome(op, pathMatches(want, have) ? 0 : 1);
  };
}
