// Checks a parsed query against the schema and compiles its condition into closures, once per Enumerate:
// a Pull then runs `matches` per instance with no parsing and no schema lookups.
//
// Semantics (the facts behind the LIKE and string rules are cited in like.ts and lexer.ts):
// - Three-valued logic: a comparison involving NULL (or a value that cannot be compared) is UNKNOWN; NOT UNKNOWN
//   stays UNKNOWN; an instance matches only when the whole condition is TRUE. IS [NOT] NULL is never UNKNOWN.
// - An array property compares true when any element does (CQL `ANY`); CQL `EVERY` wants every element to.
//   An empty array: ANY is false, EVERY is true. NOT LIKE negates the whole LIKE, array included.
// - Strings: WQL compares case-insensitively (as WMI does), CQL case-sensitively (DSP0202); class names in
//   ISA and WQL's __CLASS always case-insensitively (DSP0004: CIM names are case-insensitive).
import type { PropertyDecl } from '../class.js';
import { CimInstance } from '../instance.js';
import type { ClassView, SchemaView } from '../schema-view.js';
import type { CimScalar, CimValue, InstanceLike } from '../types.js';
import type { CompareOp, Expr, LiteralOperand, Offset, PropertyRef, Quantifier, Query } from './ast.js';
import { isObjectPath, LiteralTypeError, scalarTest, stringComparison, type ScalarTest, type Tri } from './compare.js';
import { compileLike, LikePatternError } from './like.js';
import { invalidQuery } from './query-error.js';

export interface CompiledQuery {
  readonly query: Query;
  /** the FROM class, spelled as the schema declares it */
  readonly fromClass: string;
  /** the select list in declared spelling, without duplicates; undefined for `*` */
  readonly properties: readonly string[] | undefined;
  /** whether the instance is of the FROM class (or a subclass) and the WHERE condition is TRUE for it */
  matches(instance: InstanceLike): boolean;
  /**
   * A string property every match equals (ignoring case): a top-level `Property = 'text'`
   * conjunct. The object manager may look candidates up by it instead of reading every
   * instance; `matches` still decides.
   */
  readonly lookup?: { readonly property: string; readonly value: string };
}

type Pred = (inst: InstanceLike) => Tri;
type Reader = (inst: InstanceLike) => CimValue | undefined;

/** What a name in the query stands for. */
type Target =
  | { readonly kind: 'property'; readonly decl: PropertyDecl; readonly read: Reader }
  /** WQL's __CLASS system property: the instance's class name */
  | { readonly kind: 'class' };

interface Context {
  readonly query: Query;
  readonly schema: SchemaView;
  readonly cls: ClassView;
}

const FLIPPED: Readonly<Record<CompareOp, CompareOp>> = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/**
 * An unknown FROM class is INVALID_QUERY, not INVALID_CLASS: the name comes from the filter text, and the
 * WS-Man layer answers INVALID_CLASS as a bad ResourceURI, which would point the operator at the wrong thing.
 */
export function compileQuery(query: Query, schema: SchemaView): CompiledQuery {
  const cls = schema.getClass(query.from);
  if (cls === undefined) throw invalidQuery(query.text, query.fromPos, `class ${query.from} does not exist`);
  const ctx: Context = { query, schema, cls };
  let properties: string[] | undefined;
  if (query.select !== '*') {
    properties = [];
    for (const ref of query.selectRefs) {
      const target = resolve(ctx, ref);
      if (target.kind === 'class') throw fail(ctx, ref.pos, `${ref.name} is a system property and cannot be selected`);
      if (!properties.includes(target.decl.name)) properties.push(target.decl.name);
    }
  }
  const pred = query.where === undefined ? undefined : compileExpr(ctx, query.where);
  // FROM selects the class and its subclasses (WMI data queries; DSP0202's basic query): an instance of any other
  // class, say a CIM_ComputerSystem enumeration filtered FROM Xen_HostComputerSystem, does not match
  const members = classAndSubclasses(schema, cls.name);
  const lookup = query.where === undefined ? undefined : lookupOf(ctx, query.where);
  return {
    query,
    fromClass: cls.name,
    properties,
    matches: (inst) => members.has(inst.className.toLowerCase()) && (pred === undefined || pred(inst) === true),
    ...(lookup ? { lookup } : {}),
  };
}

/** The first `StringProperty = 'text'` that the whole condition requires (through ANDs only). */
function lookupOf(ctx: Context, e: Expr): { property: string; value: string } | undefined {
  if (e.kind === 'and') {
    for (const o of e.operands) {
      const found = lookupOf(ctx, o);
      if (found) return found;
    }
    return undefined;
  }
  if (e.kind !== 'compare' || e.op !== '=' || e.quantifier !== undefined) return undefined;
  const [ref, lit] = e.left.kind === 'property' ? [e.left, e.right] : [e.right, e.left];
  if (ref.kind !== 'property' || lit.kind !== 'literal' || lit.literal.type !== 'string') return undefined;
  const target = resolve(ctx, ref);
  if (target.kind !== 'property' || target.decl.type !== 'string' || target.decl.isArray) return undefined;
  return { property: target.decl.name, value: lit.literal.value };
}

/** The class and every subclass, lower-cased, computed once so that a Pull only looks names up in a set. */
function classAndSubclasses(schema: SchemaView, className: string): ReadonlySet<string> {
  return new Set(schema.subclassesOf(className, { deep: true, includeSelf: true }).map((n) => n.toLowerCase()));
}

function fail(ctx: Context, at: Offset | undefined, message: string): Error {
  return invalidQuery(ctx.query.text, at, message);
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The FROM class (by the name in the query or the declared one) or its alias. */
function isSelf(ctx: Context, name: string): boolean {
  const { query, cls } = ctx;
  return sameName(name, query.from) || sameName(name, cls.name) || (query.alias !== undefined && sameName(name, query.alias));
}

function resolve(ctx: Context, ref: PropertyRef): Target {
  if (ref.qualifier !== undefined && !isSelf(ctx, ref.qualifier)) {
    throw fail(ctx, ref.pos, `${ref.qualifier} is neither the FROM class ${ctx.cls.name} nor its alias`);
  }
  if (ctx.query.dialect === 'wql' && sameName(ref.name, '__CLASS')) return { kind: 'class' };
  const decl = ctx.cls.property(ref.name);
  if (decl === undefined) {
    const hint = sameName(ref.name, '__CLASS') ? ' (__CLASS is WQL; CQL tests the class with ISA)' : '';
    throw fail(ctx, ref.pos, `class ${ctx.cls.name} has no property ${ref.name}${hint}`);
  }
  return { kind: 'property', decl, read: reader(decl.name) };
}

/** Case-insensitive property access without touching the schema: CimInstance has an index, others are scanned. */
function reader(name: string): Reader {
  const lower = name.toLowerCase();
  return (inst) => {
    if (inst instanceof CimInstance) return inst.get(name);
    const v = inst.properties.get(name);
    if (v !== undefined) return v;
    for (const [k, value] of inst.properties) if (k.toLowerCase() === lower) return value;
    return undefined;
  };
}

function isArrayValue(v: CimValue): v is readonly CimScalar[] {
  return Array.isArray(v);
}

/** Applies a per-element test to a property value: NULL is unknown, arrays per quantifier (default ANY). */
function overValue(read: Reader, test: ScalarTest, quantifier: Quantifier | undefined): Pred {
  return (inst) => {
    const v = read(inst);
    if (v === null || v === undefined) return null;
    if (!isArrayValue(v)) return test(v);
    const every = quantifier === 'every';
    let result: Tri = every;
    for (const e of v) {
      const r = test(e);
      if (r === !every) return r;
      if (r === null) result = null;
    }
    return result;
  };
}

function compileExpr(ctx: Context, e: Expr): Pred {
  switch (e.kind) {
    case 'and':
    case 'or': {
      const parts = e.operands.map((o) => compileExpr(ctx, o));
      // AND stops at the first FALSE, OR at the first TRUE; otherwise any UNKNOWN makes the result UNKNOWN
      const decisive = e.kind === 'or';
      return (inst) => {
        let result: Tri = !decisive;
        for (const p of parts) {
          const r = p(inst);
          if (r === decisive) return r;
          if (r === null) result = null;
        }
        return result;
      };
    }
    case 'not': {
      const p = compileExpr(ctx, e.operand);
      return (inst) => {
        const r = p(inst);
        return r === null ? null : !r;
      };
    }
    case 'isNull': {
      const target = resolve(ctx, e.operand);
      if (target.kind === 'class') return () => e.negated;
      const { read } = target;
      return (inst) => {
        const v = read(inst);
        return (v === null || v === undefined) !== e.negated;
      };
    }
    case 'compare': return compileCompare(ctx, e.op, e.left, e.right, e.quantifier);
    case 'like': return compileLikeExpr(ctx, e.operand, e.pattern, e.negated, e.quantifier);
    case 'isa': return compileIsa(ctx, e.subject, e.className, e.classPos);
  }
}

function checkQuantifier(ctx: Context, target: Target, quantifier: Quantifier | undefined, ref: PropertyRef): void {
  if (quantifier === undefined) return;
  if (target.kind === 'class' || !target.decl.isArray) {
    throw fail(ctx, ref.pos, `${quantifier.toUpperCase()} needs an array property; ${ref.name} is not an array`);
  }
}

function compileCompare(ctx: Context, op: CompareOp, left: PropertyRef | LiteralOperand,
  right: PropertyRef | LiteralOperand, quantifier: Quantifier | undefined): Pred {
  // the parser guarantees one property and one literal; put the property on the left
  const [ref, lit, realOp] = left.kind === 'property'
    ? [left, right as LiteralOperand, op]
    : [right as PropertyRef, left, FLIPPED[op]];
  const target = resolve(ctx, ref);
  checkQuantifier(ctx, target, quantifier, ref);
  if (target.kind === 'class') {
    if (lit.literal.type !== 'string') throw fail(ctx, lit.pos, '__CLASS is compared with a quoted class name');
    const cmp = stringComparison(realOp, lit.literal.value, true);
    return (inst) => cmp(inst.className);
  }
  const dialect = ctx.query.dialect;
  let test: ScalarTest;
  try {
    test = scalarTest(target.decl, realOp, lit.literal, {
      caseInsensitive: dialect === 'wql',
      booleanStrings: dialect === 'wql',
      numericStrings: dialect === 'wql',
    });
  } catch (err: unknown) {
    if (err instanceof LiteralTypeError) throw fail(ctx, lit.pos, err.message);
    throw err;
  }
  return overValue(target.read, test, quantifier);
}

function compileLikeExpr(ctx: Context, ref: PropertyRef, pattern: LiteralOperand, negated: boolean,
  quantifier: Quantifier | undefined): Pred {
  const target = resolve(ctx, ref);
  checkQuantifier(ctx, target, quantifier, ref);
  if (target.kind === 'property' && target.decl.type !== 'string' && target.decl.type !== 'char16') {
    throw fail(ctx, ref.pos, `LIKE needs a string property; ${target.decl.name} is ${target.decl.type}`);
  }
  const text = pattern.literal.type === 'string' ? pattern.literal.value : '';
  let match: (s: string) => boolean;
  try {
    match = compileLike(text, ctx.query.dialect, { caseInsensitive: ctx.query.dialect === 'wql' });
  } catch (err: unknown) {
    if (err instanceof LikePatternError) {
      throw fail(ctx, pattern.pos, `invalid LIKE pattern '${text}': ${err.message} (character ${err.index + 1} of the pattern)`);
    }
    throw err;
  }
  const positive: Pred = target.kind === 'class'
    ? (inst) => match(inst.className)
    : overValue(target.read, (v) => (typeof v === 'string' ? match(v) : null), quantifier);
  if (!negated) return positive;
  return (inst) => {
    const r = positive(inst);
    return r === null ? null : !r;
  };
}

function compileIsa(ctx: Context, subject: PropertyRef, className: string, classPos: Offset): Pred {
  const wqlThis = ctx.query.dialect === 'wql' && sameName(subject.name, '__THIS');
  const self = subject.qualifier === undefined && (wqlThis || isSelf(ctx, subject.name));
  const target = self ? undefined : resolve(ctx, subject);
  if (target?.kind === 'class') {
    throw fail(ctx, subject.pos, "WMI has no __CLASS ISA; write __THIS ISA 'Class' (or compare __CLASS = 'Class')");
  }
  if (target !== undefined && target.decl.type !== 'reference') {
    throw fail(ctx, subject.pos,
      `ISA needs the FROM class, its alias or a reference property; ${target.decl.name} is ${target.decl.type}`);
  }
  const cls = ctx.schema.getClass(className);
  if (cls === undefined) throw fail(ctx, classPos, `class ${className} does not exist`);
  const members = classAndSubclasses(ctx.schema, cls.name);
  if (target === undefined) return (inst) => members.has(inst.className.toLowerCase());
  return overValue(target.read, (v) => {
    // an object path (reference) or an embedded instance: both carry the class name
    if (isObjectPath(v) || (typeof v === 'object' && 'properties' in v)) return members.has(v.className.toLowerCase());
    return null;
  }, undefined);
}
