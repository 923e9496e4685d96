// Tokenizer for WQL and CQL. Keywords are not reserved here: the parser matches identifiers case-insensitively
// where the grammar expects a keyword. Tokens are produced on demand, so the parser can name an unsupported
// statement (`ASSOCIATORS OF {…}`) before the lexer trips over characters it does not know.
import type { Offset, QueryDialect } from './ast.js';
import { QuerySyntaxError } from './query-error.js';

export type TokenKind = 'identifier' | 'string' | 'integer' | 'real' | 'op' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** the source text of the token */
  readonly text: string;
  /** decoded value: string contents, the integer, the real, or the text for identifiers and operators */
  readonly value: string | bigint | number;
  readonly pos: Offset;
}

// Longest first, so `<>` wins over `<`.
const OPERATORS = ['<>', '<=', '>=', '!=', '||', '::', '=', '<', '>', '(', ')', ',', '.', '*', '+', '-', '/', '#',
  '[', ']', '{', '}', ';', ':'];

/**
 * Backslash escapes inside string literals. WMI documents `\\`, `\'` and `\"` and calls any other backslash an
 * invalid query (about_WQL, "Using the escape character"); OpenPegasus's CQL conformance queries read
 * `\\` and `\'` in CQL literals and reject other escapes. No other escapes (no `\n`): both languages keep text literal.
 */
const ESCAPES: Readonly<Record<QueryDialect, ReadonlySet<string>>> = {
  wql: new Set(['\\', "'", '"']),
  cql: new Set(['\\', "'"]),
};

const IDENT_START = /[A-Za-z_\u0080-\uFFFF]/;
const IDENT_PART = /[A-Za-z0-9_\u0080-\uFFFF]/;
const HEX = /0[xX][0-9a-fA-F]+/y;
const REAL = /(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+/y;
const DECIMAL = /[0-9]+/y;

/** /\s/ by character code: ASCII answered at once, the rest by the expression. */
function isSpace(code: number, text: string, at: number): boolean {
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return /\s/.test(text.charAt(at));
}

/** IDENT_PART by character code (every code unit from U+0080 up is one). */
function isIdentPart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x5f || code >= 0x80;
}

/** How a token is named in "found …" messages. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'eof': return 'end of query';
    case 'identifier': return `'${t.text}'`;
    case 'string': return `string ${t.text}`;
    case 'integer':
    case 'real': return `number ${t.text}`;
    default: return `'${t.text}'`;
  }
}

export class Lexer {
  private i = 0;

  constructor(readonly text: string, readonly dialect: QueryDialect) {}

  private fail(at: Offset, message: string): never {
    throw new QuerySyntaxError(this.text, at, message);
  }

  next(): Token {
    const text = this.text;
    while (this.i < text.length && isSpace(text.charCodeAt(this.i), text, this.i)) this.i++;
    const start = this.i;
    if (start >= text.length) return { kind: 'eof', text: '', value: '', pos: start };
    const c = text.charAt(start);

    if (c === "'" || (c === '"' && this.dialect === 'wql')) return this.string(c);
    if (c === '"') {
      this.fail(start, 'CQL string literals take single quotes; found \'"\'');
    }
    if (IDENT_START.test(c)) {
      let j = start + 1;
      while (j < text.length && isIdentPart(text.charCodeAt(j))) j++;
      this.i = j;
      const word = text.slice(start, j);
      return { kind: 'identifier', text: word, value: word, pos: start };
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text.charAt(start + 1)))) return this.number(start);
    for (const op of OPERATORS) {
      if (text.startsWith(op, start)) {
        this.i = start + op.length;
        return { kind: 'op', text: op, value: op, pos: start };
      }
    }
    const cp = String.fromCodePoint(text.codePointAt(start) ?? 0);
    return this.fail(start, `unexpected character '${cp}'`);
  }

  private number(start: Offset): Token {
    let kind: 'integer' | 'real' = 'integer';
    let end = match(HEX, this.text, start);
    if (end === undefined) {
      end = match(REAL, this.text, start);
      if (end !== undefined) kind = 'real';
      else end = match(DECIMAL, this.text, start) ?? start + 1;
    }
    if (end < this.text.length && IDENT_PART.test(this.text.charAt(end))) {
      this.fail(start, `malformed number '${this.text.slice(start, end + 1)}'`);
    }
    this.i = end;
    const t = this.text.slice(start, end);
    return kind === 'integer'
      ? { kind, text: t, value: BigInt(t), pos: start }
      : { kind, text: t, value: Number(t), pos: start };
  }

  private string(quote: string): Token {
    const start = this.i;
    const text = this.text;
    let out = '';
    let j = start + 1;
    for (;;) {
      if (j >= text.length) this.fail(start, `unterminated string: no closing ${quote}`);
      const ch = text.charAt(j);
      if (ch === quote) break;
      if (ch === '\\') {
        if (j + 1 >= text.length) this.fail(start, `unterminated string: no closing ${quote}`);
        const next = text.charAt(j + 1);
        if (!ESCAPES[this.dialect].has(next)) {
          const allowed = [...ESCAPES[this.dialect]].map((e) => `\\${e}`).join(' ');
          this.fail(j, `invalid escape '\\${next}' in string (${this.dialect.toUpperCase()} allows ${allowed})`);
        }
        out += next;
        j += 2;
        continue;
      }
      out += ch;
      j++;
    }
    this.i = j + 1;
    return { kind: 'string', text: text.slice(start, j + 1), value: out, pos: start };
  }
}

function match(re: RegExp, text: string, at: number): number | undefined {
  re.lastIndex = at;
  return re.test(text) ? re.lastIndex : undefined;
}
