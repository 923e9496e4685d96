// LIKE patterns, compiled once into a list of elements and matched by simulating the pattern's automaton over
// the whole string: time O(|string| × |pattern|), no backtracking and no user-built RegExp, so no pattern can
// make a Pull slow (catastrophic backtracking) however it is written.
//
// WQL (WMI "LIKE Operator"): `%` any run of characters, `_` any one character, `[abc]` / `[a-f]` one character
// of a set or range, `[^…]` one character outside it; `[%]`, `[_]`, `[[]` match the character itself. WMI
// compares case-insensitively (about_WQL: `'[H-N]otepad.exe'` finds notepad.exe).
// CQL (DSP0202 1.0.0 annex C.1, basic LIKE regular expressions): `.` any one character, `*` zero or more of the
// preceding character (or of `.`), `\` escapes the next character, which must be `*`, `.` or `\`. Every other
// character, `[` and `%` included, stands for itself; CQL string comparison is case-sensitive.
// Both match the whole string, never a substring, and count characters by code point.
import type { QueryDialect } from './ast.js';

export class LikePatternError extends Error {
  override readonly name = 'LikePatternError';

  /** index (UTF-16) into the pattern string where the problem is */
  constructor(readonly index: number, message: string) {
    super(message);
  }
}

type Atom =
  | { readonly kind: 'char'; readonly cp: number }
  | { readonly kind: 'any' }
  | { readonly kind: 'set'; readonly negated: boolean; readonly ranges: readonly (readonly [number, number])[] };

interface Element {
  readonly atom: Atom;
  /** zero or more of atom; otherwise exactly one */
  repeat: boolean;
}

export interface LikeOptions {
  /** fold case on both sides (WQL) */
  readonly caseInsensitive: boolean;
}

export type LikeMatcher = (s: string) => boolean;

export function compileLike(pattern: string, dialect: QueryDialect, options: LikeOptions): LikeMatcher {
  const fold = options.caseInsensitive ? (s: string): string => s.toLowerCase() : (s: string): string => s;
  const elements = dialect === 'wql' ? parseWql(fold(pattern)) : parseCql(fold(pattern));
  if (elements.every((e) => e.atom.kind === 'char' && !e.repeat)) {
    // no wildcard at all: LIKE is equality (about_WQL, "Exact match")
    const literal = String.fromCodePoint(...elements.map((e) => (e.atom.kind === 'char' ? e.atom.cp : 0)));
    return (s) => fold(s) === literal;
  }
  return (s) => run(elements, fold(s));
}

function parseWql(p: string): Element[] {
  const out: Element[] = [];
  let i = 0;
  while (i < p.length) {
    const cp = p.codePointAt(i) ?? 0;
    const c = String.fromCodePoint(cp);
    if (c === '%') {
      // `%%` means the same as `%`; one element keeps the automaton small
      const last = out.at(-1);
      if (last === undefined || last.atom.kind !== 'any' || !last.repeat) out.push({ atom: { kind: 'any' }, repeat: true });
      i++;
    } else if (c === '_') {
      out.push({ atom: { kind: 'any' }, repeat: false });
      i++;
    } else if (c === '[') {
      const [atom, next] = parseSet(p, i);
      out.push({ atom, repeat: false });
      i = next;
    } else {
      out.push({ atom: { kind: 'char', cp }, repeat: false });
      i += c.length;
    }
  }
  return out;
}

/** `[` at index start: returns the set and the index after its `]`. A `]` right after `[` or `[^` is a member. */
function parseSet(p: string, start: number): [Atom, number] {
  let i = start + 1;
  let negated = false;
  if (p[i] === '^') {
    negated = true;
    i++;
  }
  const ranges: [number, number][] = [];
  let first = true;
  for (;;) {
    if (i >= p.length) throw new LikePatternError(start, "'[' without a closing ']'");
    const lo = p.codePointAt(i) ?? 0;
    const loChar = String.fromCodePoint(lo);
    if (loChar === ']' && !first) return [{ kind: 'set', negated, ranges }, i + 1];
    first = false;
    i += loChar.length;
    if (p[i] === '-' && i + 1 < p.length && p[i + 1] !== ']') {
      const hi = p.codePointAt(i + 1) ?? 0;
      if (hi < lo) throw new LikePatternError(i - loChar.length, `range ${loChar}-${String.fromCodePoint(hi)} is reversed`);
      ranges.push([lo, hi]);
      i += 1 + String.fromCodePoint(hi).length;
    } else {
      ranges.push([lo, lo]);
    }
  }
}

function parseCql(p: string): Element[] {
  const out: Element[] = [];
  let i = 0;
  while (i < p.length) {
    const cp = p.codePointAt(i) ?? 0;
    const c = String.fromCodePoint(cp);
    if (c === '*') {
      const last = out.at(-1);
      if (last === undefined || last.repeat) {
        throw new LikePatternError(i, "'*' must follow a character or '.' (write \\* for a literal star)");
      }
      last.repeat = true;
      i++;
    } else if (c === '.') {
      out.push({ atom: { kind: 'any' }, repeat: false });
      i++;
    } else if (c === '\\') {
      const next = p[i + 1];
      if (next !== '\\' && next !== '.' && next !== '*') {
        throw new LikePatternError(i, next === undefined
          ? 'the pattern ends with a lone \\'
          : `'\\${next}' is not an escape; \\ may only precede *, . or \\`);
      }
      out.push({ atom: { kind: 'char', cp: next.charCodeAt(0) }, repeat: false });
      i += 2;
    } else {
      out.push({ atom: { kind: 'char', cp }, repeat: false });
      i += c.length;
    }
  }
  return out;
}

function matches(atom: Atom, cp: number): boolean {
  switch (atom.kind) {
    case 'any': return true;
    case 'char': return atom.cp === cp;
    case 'set': return atom.ranges.some(([lo, hi]) => cp >= lo && cp <= hi) !== atom.negated;
  }
}

/** Simulates the automaton whose state i means "elements before i are matched" over every code point of s. */
function run(elements: readonly Element[], s: string): boolean {
  const n = elements.length;
  let cur = new Uint8Array(n + 1);
  let next = new Uint8Array(n + 1);
  const add = (set: Uint8Array, state: number): void => {
    // a repeated element may match zero times, so reaching it also reaches the state after it
    for (let i = state; set[i] !== 1; i++) {
      set[i] = 1;
      if (i >= n || elements[i]?.repeat !== true) return;
    }
  };
  add(cur, 0);
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    next.fill(0);
    let alive = false;
    for (let i = 0; i < n; i++) {
      const e = elements[i];
      if (cur[i] !== 1 || e === undefined || !matches(e.atom, cp)) continue;
      add(next, e.repeat ? i : i + 1);
      alive = true;
    }
    if (!alive) return false;
    [cur, next] = [next, cur];
  }
  return cur[n] === 1;
}
