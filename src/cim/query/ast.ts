// The parsed form of a WQL or CQL query (the SELECT subset that filters one class). Pure data: the parser
// builds it, compile.ts checks it against the schema and turns it into closures.

export type QueryDialect = 'wql' | 'cql';

/** Offsets are 0-based indexes into Query.text; error messages turn them into columns. */
export type Offset = number;

export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Literal =
  | { readonly type: 'string'; readonly value: string }
  /** integers stay exact: uint64/sint64 values do not fit a double */
  | { readonly type: 'integer'; readonly value: bigint }
  | { readonly type: 'real'; readonly value: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'null' };

/** `Name`, `alias.Name` or `Class.Name` (CQL), `__CLASS` (WQL); names as written, resolved by the compiler. */
export interface PropertyRef {
  readonly kind: 'property';
  readonly name: string;
  /** the class or alias before the dot, when there is one */
  readonly qualifier?: string;
  readonly pos: Offset;
}

export interface LiteralOperand {
  readonly kind: 'literal';
  readonly literal: Literal;
  readonly pos: Offset;
}

export type Operand = PropertyRef | LiteralOperand;

/** CQL's ANY/EVERY in front of an array property; without one, an array matches when any element does. */
export type Quantifier = 'any' | 'every';

export type Expr =
  | { readonly kind: 'and'; readonly operands: readonly Expr[] }
  | { readonly kind: 'or'; readonly operands: readonly Expr[] }
  | { readonly kind: 'not'; readonly operand: Expr }
  | {
    readonly kind: 'compare';
    readonly op: CompareOp;
    readonly left: Operand;
    readonly right: Operand;
    readonly quantifier?: Quantifier;
    /** where the operator is */
    readonly pos: Offset;
  }
  | { readonly kind: 'isNull'; readonly negated: boolean; readonly operand: PropertyRef; readonly pos: Offset }
  | {
    readonly kind: 'like';
    readonly negated: boolean;
    readonly operand: PropertyRef;
    readonly pattern: LiteralOperand;
    readonly quantifier?: Quantifier;
    readonly pos: Offset;
  }
  | {
    readonly kind: 'isa';
    /** the FROM class or its alias (or WQL `__THIS`): the instance itself; any other name: a reference property */
    readonly subject: PropertyRef;
    readonly className: string;
    readonly classPos: Offset;
    readonly pos: Offset;
  };

export interface Query {
  readonly dialect: QueryDialect;
  readonly text: string;
  /** `*`, or the property names as written (possibly qualified, see selectRefs) */
  readonly select: '*' | readonly string[];
  /** the select list with positions, for the compiler's messages; empty for `*` */
  readonly selectRefs: readonly PropertyRef[];
  readonly from: string;
  readonly fromPos: Offset;
  readonly alias?: string;
  readonly where?: Expr;
}
