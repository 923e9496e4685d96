// MOF tokenizer (DSP0004 annex A). Keywords are not reserved here: the parser matches identifiers
// case-insensitively where the grammar expects a keyword, so `class`, `ref` etc. stay usable as names.
import type { SourcePosition } from './class.js';
import { MofSyntaxError } from './mof-types.js';

export type TokenKind = 'identifier' | 'alias' | 'string' | 'char' | 'integer' | 'real' | 'pragma' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** the source text of the token */
  readonly text: string;
  /** decoded value: the name for identifier/alias, the text for string/char, the number for integer/real */
  readonly value: string | number;
  readonly pos: SourcePosition;
}

const PUNCT = new Set(['{', '}', '(', ')', '[', ']', ';', ',', ':', '=']);
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', "'": "'", '\\': '\\',
};

const HEX = /[+-]?0[xX][0-9a-fA-F]+/y;
const REAL = /[+-]?[0-9]*\.[0-9]+(?:[eE][+-]?[0-9]+)?/y;
const BINARY = /[+-]?[01]+[bB]/y;
const DECIMAL = /[+-]?[0-9]+/y;
const WORD_TAIL = /[\w.+-]*/y;

function isIdentStart(c: string): boolean {
  return /[A-Za-z_]/.test(c) || c.charCodeAt(0) >= 0x80;
}
function isIdentPart(c: string): boolean {
  return /[A-Za-z0-9_]/.test(c) || c.charCodeAt(0) >= 0x80;
}

/** How a token is named in "found …" messages. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'eof': return 'end of input';
    case 'identifier': return `identifier '${t.text}'`;
    case 'string': return `string ${t.text}`;
    default: return `'${t.text}'`;
  }
}

export function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  let line = 1;
  let lineStart = 0;
  const posAt = (index: number): SourcePosition => ({ file, line, column: index - lineStart + 1 });
  const fail = (at: SourcePosition, expected: string, found: string): never => {
    throw new MofSyntaxError(at, expected, found);
  };
  const newline = (at: number): number => {
    // \r\n, \r and \n each end one line
    const next = text[at] === '\r' && text[at + 1] === '\n' ? at + 2 : at + 1;
    line++;
    lineStart = next;
    return next;
  };
  const push = (kind: TokenKind, start: number, end: number, value: string | number, pos: SourcePosition): void => {
    tokens.push({ kind, text: text.slice(start, end), value, pos });
  };

  while (i < text.length) {
    const c = text.charAt(i);
    if (c === '\n' || c === '\r') { i = newline(i); continue; }
    if (c === ' ' || c === '\t' || c === '\f' || c === '\v') { i++; continue; }
    const pos = posAt(i);

    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      i += 2;
      for (;;) {
        if (i >= text.length) fail(pos, "'*/' to close the comment", 'end of input');
        if (text[i] === '*' && text[i + 1] === '/') { i += 2; break; }
        if (text[i] === '\n' || text[i] === '\r') i = newline(i); else i++;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      const start = i;
      const { value, end } = readQuoted(text, i, pos, fail);
      i = end;
      if (c === "'" && value.length !== 1) fail(pos, 'exactly one character in a char16 literal', `'${text.slice(start, i)}'`);
      push(c === '"' ? 'string' : 'char', start, i, value, pos);
      continue;
    }
    if (c === '#') {
      const m = /#[A-Za-z]*/y;
      m.lastIndex = i;
      const word = m.exec(text)?.[0] ?? '#';
      if (word.toLowerCase() !== '#pragma') fail(pos, "'#pragma'", `'${word}'`);
      push('pragma', i, i + word.length, '#pragma', pos);
      i += word.length;
      continue;
    }
    if (c === '$') {
      let j = i + 1;
      if (j >= text.length || !isIdentStart(text.charAt(j))) fail(pos, "an alias name after '$'", `'${text.slice(i, j + 1)}'`);
      while (j < text.length && isIdentPart(text.charAt(j))) j++;
      push('alias', i, j, text.slice(i + 1, j), pos);
      i = j;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < text.length && isIdentPart(text.charAt(j))) j++;
      push('identifier', i, j, text.slice(i, j), pos);
      i = j;
      continue;
    }
    if (/[0-9.+-]/.test(c)) {
      const n = readNumber(text, i, pos, fail);
      push(n.kind, i, n.end, n.value, pos);
      i = n.end;
      continue;
    }
    if (PUNCT.has(c)) {
      push('punct', i, i + 1, c, pos);
      i++;
      continue;
    }
    fail(pos, 'a MOF token', `'${c}'`);
  }
  tokens.push({ kind: 'eof', text: '', value: '', pos: posAt(i) });
  return tokens;
}

type Fail = (at: SourcePosition, expected: string, found: string) => never;

function readQuoted(text: string, start: number, pos: SourcePosition, fail: Fail): { value: string; end: number } {
  const quote = text.charAt(start);
  const closing = quote === '"' ? `'"' to close the string literal` : `"'" to close the char16 literal`;
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length) fail(pos, closing, 'end of input');
    const c = text.charAt(i);
    if (c === quote) return { value, end: i + 1 };
    if (c === '\n' || c === '\r') fail(pos, closing, 'end of line');
    if (c !== '\\') { value += c; i++; continue; }
    const e = text.charAt(i + 1);
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) { value += simple; i += 2; continue; }
    if (e === 'x' || e === 'X') {
      const m = /[0-9a-fA-F]{1,4}/y;
      m.lastIndex = i + 2;
      const hex = m.exec(text)?.[0];
      if (hex === undefined) fail(pos, 'hex digits after \\x', `'\\${e}${text.charAt(i + 2)}'`);
      value += String.fromCharCode(parseInt(hex, 16));
      i += 2 + hex.length;
      continue;
    }
    fail(pos, "an escape sequence (\\b \\t \\n \\f \\r \\\" \\' \\\\ \\xHHHH)", `'\\${e}'`);
  }
}

function readNumber(
  text: string, start: number, pos: SourcePosition, fail: Fail,
): { kind: 'integer' | 'real'; value: number; end: number } {
  const at = (re: RegExp): string | undefined => {
    re.lastIndex = start;
    return re.exec(text)?.[0];
  };
  const bad = (): never => fail(pos, 'a number', `'${at(WORD_TAIL) ?? text.charAt(start)}'`);
  let kind: 'integer' | 'real' = 'integer';
  let lit: string | undefined;
  let value = 0;
  if ((lit = at(HEX)) !== undefined) {
    value = signed(lit, parseInt(lit.replace(/^[+-]?0[xX]/, ''), 16));
  } else if ((lit = at(REAL)) !== undefined) {
    kind = 'real';
    value = Number(lit);
    if (!Number.isFinite(value)) fail(pos, 'a real value within range', `'${lit}'`);
  } else if ((lit = at(BINARY)) !== undefined) {
    value = signed(lit, parseInt(lit.replace(/^[+-]/, '').slice(0, -1), 2));
  } else if ((lit = at(DECIMAL)) !== undefined) {
    const digits = lit.replace(/^[+-]/, '');
    // DSP0004: a leading 0 followed by more digits is octal
    if (digits.length > 1 && digits.startsWith('0')) {
      if (!/^[0-7]+$/.test(digits)) bad();
      value = signed(lit, parseInt(digits, 8));
    } else {
      value = signed(lit, Number(digits));
    }
  } else {
    return bad();
  }
  const end = start + lit.length;
  const next = text.charAt(end);
  if (next !== '' && (isIdentPart(next) || next === '.')) bad();
  if (kind === 'integer' && !Number.isSafeInteger(value)) {
    // QualifierValue holds JS numbers; refuse what would silently lose precision
    fail(pos, 'an integer within ±(2^53-1)', `'${lit}'`);
  }
  return { kind, value: value === 0 ? 0 : value, end };
}

function signed(lit: string, magnitude: number): number {
  return lit.startsWith('-') ? -magnitude : magnitude;
}
