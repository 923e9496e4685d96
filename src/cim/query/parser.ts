// Recursive-descent parser for the filtering subset of WQL (WMI) and CQL (DMTF DSP0202):
//   SELECT * | prop[, prop…] FROM class [[AS] alias]  [WHERE condition]
// Conditions: comparisons of a property with a literal (either side), IS [NOT] NULL, [NOT] LIKE, ISA,
// AND/OR/NOT and parentheses; CQL adds ANY/EVERY in front of an array property. Everything else SQL-like
// (joins, GROUP BY, ORDER BY, functions, arithmetic, subqueries, ASSOCIATORS OF) is rejected by name.
import { CimError } from '../errors.js';
import type { CompareOp, Expr, Literal, LiteralOperand, Offset, Operand, PropertyRef, Quantifier, Query, QueryDialect }
  from './ast.js';
import { describeToken, Lexer, type Token } from './lexer.js';
import { describeOffset, invalidQuery, QuerySyntaxError } from './query-error.js';

/** Longest query text accepted (characters); a filter is a line or two, not a program. */
export const MAX_QUERY_LENGTH = 16 * 1024;
/** Deepest nesting of parentheses and NOTs accepted; keeps parsing and evaluation off deep recursion. */
export const MAX_QUERY_DEPTH = 64;

const COMPARE_OPS: ReadonlySet<string> = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);

/** Words that cannot be property names where an operand is expected. */
const RESERVED = new Set([
  'select', 'from', 'where', 'and', 'or', 'not', 'is', 'isa', 'like', 'as', 'any', 'every', 'in', 'satisfies',
  'between', 'exists', 'group', 'order', 'having', 'union', 'join',
]);

/** Clauses and statements that may follow a complete query in SQL but are not part of the filtering subset. */
const UNSUPPORTED_CLAUSES: ReadonlyMap<string, string> = new Map([
  ['group', 'GROUP BY'], ['order', 'ORDER BY'], ['having', 'HAVING'], ['within', 'WITHIN (event queries)'],
  ['union', 'UNION'], ['limit', 'LIMIT'], ['first', 'FIRST'], ['join', 'joins'], ['inner', 'joins'],
  ['left', 'joins'], ['right', 'joins'], ['full', 'joins'], ['cross', 'joins'], ['natural', 'joins'],
]);

const UNSUPPORTED_OPERATORS: ReadonlyMap<string, string> = new Map([
  ['+', 'arithmetic'], ['-', 'arithmetic'], ['*', 'arithmetic'], ['/', 'arithmetic'], ['||', 'string concatenation'],
  ['#', "symbolic constants (Prop#'Value')"], ['::', 'scoped property names (Class::Prop)'], ['[', 'array indexes'],
]);

export function parseQuery(text: string, dialect: QueryDialect): Query {
  if (dialect !== 'wql' && dialect !== 'cql') {
    throw new CimError('QUERY_LANGUAGE_NOT_SUPPORTED', `query language ${String(dialect)} is not supported (WQL, CQL)`,
      { subject: 'query' });
  }
  if (text.length > MAX_QUERY_LENGTH) {
    throw invalidQuery(text, undefined,
      `the query is ${text.length} characters long; at most ${MAX_QUERY_LENGTH} are accepted`);
  }
  return new Parser(text, dialect).query();
}

class Parser {
  private readonly lexer: Lexer;
  private tok: Token;
  private depth = 0;

  constructor(private readonly text: string, private readonly dialect: QueryDialect) {
    this.lexer = new Lexer(text, dialect);
    this.tok = this.lexer.next();
  }

  // ---- token helpers ----

  private advance(): Token {
    const t = this.tok;
    this.tok = this.lexer.next();
    return t;
  }

  private isWord(word: string, t: Token = this.tok): boolean {
    return t.kind === 'identifier' && t.text.toLowerCase() === word;
  }

  private isOp(op: string): boolean {
    return this.tok.kind === 'op' && this.tok.text === op;
  }

  private fail(message: string, at: Offset = this.tok.pos): never {
    throw new QuerySyntaxError(this.text, at, message);
  }

  private expected(what: string): never {
    return this.fail(`expected ${what}; found ${describeToken(this.tok)}`);
  }

  private unsupported(what: string, at: Offset = this.tok.pos): never {
    return this.fail(`not supported: ${what}`, at);
  }

  private expectWord(word: string): Token {
    if (!this.isWord(word)) this.expected(word.toUpperCase());
    return this.advance();
  }

  private identifier(what: string): Token {
    if (this.tok.kind !== 'identifier') this.expected(what);
    return this.advance();
  }

  private enter(at: Offset): void {
    if (++this.depth > MAX_QUERY_DEPTH) this.fail(`the condition nests deeper than ${MAX_QUERY_DEPTH} levels`, at);
  }

  // ---- statement ----

  query(): Query {
    if (this.isWord('associators') || this.isWord('references')) {
      this.unsupported(`${this.tok.text.toUpperCase()} OF queries (use the association filter dialect)`);
    }
    this.expectWord('select');
    for (const w of ['distinct', 'first', 'top']) {
      if (this.isWord(w)) this.unsupported(`SELECT ${w.toUpperCase()}`);
    }
    const selectRefs: PropertyRef[] = [];
    if (this.isOp('*')) {
      this.advance();
    } else {
      do {
        if (selectRefs.length > 0) this.advance();
        selectRefs.push(this.propertyRef('a property name or *'));
      } while (this.isOp(','));
    }
    this.expectWord('from');
    if (this.isOp('(')) this.unsupported('subqueries');
    const fromTok = this.identifier('a class name');
    if (this.isOp('.')) this.unsupported('namespace-qualified class names');
    const alias = this.alias();
    if (this.isOp(',')) this.unsupported('several FROM classes (joins)');
    let where: Expr | undefined;
    if (this.isWord('where')) {
      this.advance();
      where = this.orExpr();
    }
    this.end(where === undefined ? 'WHERE or end of query' : 'AND, OR or end of query');
    return {
      dialect: this.dialect,
      text: this.text,
      select: selectRefs.length === 0 ? '*' : selectRefs.map((r) => r.name),
      selectRefs,
      from: fromTok.text,
      fromPos: fromTok.pos,
      ...(alias !== undefined ? { alias } : {}),
      ...(where !== undefined ? { where } : {}),
    };
  }

  private alias(): string | undefined {
    const explicit = this.isWord('as');
    if (explicit && this.dialect === 'wql') this.unsupported('class aliases (AS) in WQL');
    if (explicit) this.advance();
    if (this.tok.kind !== 'identifier' || (!explicit && (this.isWord('where') || this.clauseName() !== undefined))) {
      return explicit ? this.expected('an alias name') : undefined;
    }
    if (this.dialect === 'wql') this.expected('WHERE or end of query');
    if (RESERVED.has(this.tok.text.toLowerCase())) this.expected('an alias name');
    return this.advance().text;
  }

  private clauseName(): string | undefined {
    return this.tok.kind === 'identifier' ? UNSUPPORTED_CLAUSES.get(this.tok.text.toLowerCase()) : undefined;
  }

  private end(expected: string): void {
    if (this.tok.kind === 'eof') return;
    const clause = this.clauseName();
    if (clause !== undefined) this.unsupported(clause);
    this.afterOperand(expected);
  }

  // ---- conditions ----

  private orExpr(): Expr {
    const operands = [this.andExpr()];
    while (this.isWord('or')) {
      this.advance();
      operands.push(this.andExpr());
    }
    return operands.length === 1 && operands[0] !== undefined ? operands[0] : { kind: 'or', operands };
  }

  private andExpr(): Expr {
    const operands = [this.notExpr()];
    while (this.isWord('and')) {
      this.advance();
      operands.push(this.notExpr());
    }
    return operands.length === 1 && operands[0] !== undefined ? operands[0] : { kind: 'and', operands };
  }

  private notExpr(): Expr {
    if (!this.isWord('not')) return this.predicate();
    this.enter(this.advance().pos);
    const operand = this.notExpr();
    this.depth--;
    return { kind: 'not', operand };
  }

  private predicate(): Expr {
    if (this.isOp('(')) {
      const open = this.advance();
      if (this.isWord('select')) this.unsupported('subqueries');
      this.enter(open.pos);
      const inner = this.orExpr();
      this.depth--;
      if (!this.isOp(')')) this.expected(`')' to close the '(' at ${describeOffset(this.text, open.pos)}`);
      this.advance();
      return inner;
    }
    let quantifier: Quantifier | undefined;
    if (this.isWord('any') || this.isWord('every')) {
      const q = this.advance();
      if (this.dialect === 'wql') this.unsupported('ANY and EVERY quantifiers in WQL', q.pos);
      quantifier = q.text.toLowerCase() === 'any' ? 'any' : 'every';
      const ref = this.propertyRef('an array property after ' + q.text.toUpperCase());
      if (this.isWord('in')) this.unsupported('ANY/EVERY … IN … SATISFIES (write ANY Prop = value)');
      return this.tail(ref, quantifier);
    }
    return this.tail(this.operand(), undefined);
  }

  private tail(left: Operand, quantifier: Quantifier | undefined): Expr {
    const at = this.tok.pos;
    const q = quantifier !== undefined ? { quantifier } : {};
    if (this.tok.kind === 'op' && COMPARE_OPS.has(this.tok.text)) {
      const opTok = this.advance();
      if (opTok.text === '!=' && this.dialect === 'cql') this.fail("'!=' is WQL; CQL writes '<>'", opTok.pos);
      const op: CompareOp = opTok.text === '!=' ? '<>' : (opTok.text as CompareOp);
      const right = this.operand();
      if (quantifier !== undefined && right.kind === 'property') this.fail('expected a literal', right.pos);
      this.checkComparison(left, right, opTok.pos);
      return { kind: 'compare', op, left, right, pos: opTok.pos, ...q };
    }
    if (this.isWord('is')) {
      this.advance();
      let negated = false;
      if (this.isWord('not')) {
        this.advance();
        negated = true;
      }
      if (!this.isWord('null')) this.expected('NULL after IS' + (negated ? ' NOT' : ''));
      this.advance();
      const operand = this.asProperty(left, 'IS NULL');
      if (quantifier !== undefined) this.fail('ANY/EVERY cannot be combined with IS NULL', at);
      return { kind: 'isNull', negated, operand, pos: at };
    }
    if (this.isWord('not') || this.isWord('like')) {
      const negated = this.isWord('not');
      if (negated) {
        this.advance();
        if (!this.isWord('like')) this.expected('LIKE after NOT');
      }
      this.advance();
      const operand = this.asProperty(left, 'LIKE');
      const pattern = this.operand();
      if (pattern.kind !== 'literal' || pattern.literal.type !== 'string') {
        return this.fail('expected a quoted pattern after LIKE', pattern.pos);
      }
      return { kind: 'like', negated, operand, pattern, pos: at, ...q };
    }
    if (this.isWord('isa')) {
      this.advance();
      if (left.kind !== 'property') this.fail('ISA needs the FROM class, its alias or a reference property on its left', left.pos);
      if (quantifier !== undefined) this.fail('ANY/EVERY cannot be combined with ISA', at);
      const cls = this.tok;
      if (cls.kind !== 'identifier' && cls.kind !== 'string') this.expected('a class name after ISA');
      this.advance();
      return { kind: 'isa', subject: left, className: String(cls.value), classPos: cls.pos, pos: at };
    }
    return this.afterOperand('a comparison operator, IS, LIKE or ISA');
  }

  /** Names what is unsupported about the token after an operand, or says what was expected. */
  private afterOperand(expected: string): never {
    if (this.tok.kind === 'op') {
      const what = UNSUPPORTED_OPERATORS.get(this.tok.text);
      if (what !== undefined) this.unsupported(what);
    }
    if (this.isWord('in')) this.unsupported('IN lists');
    if (this.isWord('between')) this.unsupported('BETWEEN');
    return this.expected(expected);
  }

  private checkComparison(left: Operand, right: Operand, at: Offset): void {
    const isNull = (o: Operand): boolean => o.kind === 'literal' && o.literal.type === 'null';
    if (isNull(left) || isNull(right)) this.fail('comparisons with NULL are never true; use IS NULL or IS NOT NULL', at);
    if (left.kind === 'literal' && right.kind === 'literal') this.fail('a comparison needs a property on one side', at);
    if (left.kind === 'property' && right.kind === 'property') {
      // Named, since a literal form this reader does not know (X'2') reads as a property name.
      this.unsupported(`comparisons between two properties (${left.name.slice(0, 60)} and ${right.name.slice(0, 60)})`, at);
    }
  }

  private asProperty(o: Operand, what: string): PropertyRef {
    return o.kind === 'property' ? o : this.fail(`${what} needs a property on its left`, o.pos);
  }

  // ---- operands ----

  private operand(): Operand {
    const t = this.tok;
    if (t.kind === 'string') {
      this.advance();
      return literal({ type: 'string', value: String(t.value) }, t.pos);
    }
    if (t.kind === 'integer' || t.kind === 'real') return this.number(false, t.pos);
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      this.advance();
      const next = this.tok;
      if (next.kind !== 'integer' && next.kind !== 'real') this.unsupported('arithmetic', t.pos);
      return this.number(t.text === '-', t.pos);
    }
    if (t.kind === 'identifier') {
      const word = t.text.toLowerCase();
      if (word === 'true' || word === 'false') {
        this.advance();
        return literal({ type: 'boolean', value: word === 'true' }, t.pos);
      }
      if (word === 'null') {
        this.advance();
        return literal({ type: 'null' }, t.pos);
      }
      if (word === 'select') this.unsupported('subqueries');
      return this.propertyRef('a property or a literal');
    }
    if (t.kind === 'op' && t.text === '(') {
      this.advance();
      if (this.isWord('select')) this.unsupported('subqueries');
      this.fail('expected a property or a literal; parenthesised operands are not supported', t.pos);
    }
    return this.expected('a property or a literal');
  }

  private number(negative: boolean, pos: Offset): LiteralOperand {
    const t = this.advance();
    if (t.kind === 'integer') {
      const v = t.value as bigint;
      return literal({ type: 'integer', value: negative ? -v : v }, pos);
    }
    const v = t.value as number;
    return literal({ type: 'real', value: negative ? -v : v }, pos);
  }

  private propertyRef(what: string): PropertyRef {
    if (this.tok.kind !== 'identifier' || RESERVED.has(this.tok.text.toLowerCase())) this.expected(what);
    const first = this.advance();
    if (this.isOp('(')) this.unsupported(`functions (${first.text}(…))`, first.pos);
    if (!this.isOp('.')) return { kind: 'property', name: first.text, pos: first.pos };
    this.advance();
    if (this.isOp('*')) this.unsupported(`${first.text}.* (write *)`, first.pos);
    if (this.dialect === 'wql') this.unsupported(`embedded-object paths in WQL (${first.text}.…)`, first.pos);
    if (this.tok.kind !== 'identifier' || RESERVED.has(this.tok.text.toLowerCase())) {
      this.expected(`a property name after ${first.text}.`);
    }
    const second = this.advance();
    if (this.isOp('.')) this.unsupported('property chains (a.b.c)', first.pos);
    if (this.isOp('(')) this.unsupported(`functions (${second.text}(…))`, second.pos);
    return { kind: 'property', name: second.text, qualifier: first.text, pos: first.pos };
  }
}

function literal(l: Literal, pos: Offset): LiteralOperand {
  return { kind: 'literal', literal: l, pos };
}
