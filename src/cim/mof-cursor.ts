// A cursor over MOF tokens with the small vocabulary the parser is written in: peek, accept, expect, fail.
import type { SourcePosition } from './class.js';
import { describeToken, type Token } from './mof-lexer.js';
import { MofSyntaxError } from './mof-types.js';

export class MofCursor {
  private i = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  protected peek(): Token {
    // tokenize() always ends with an eof token, and we never advance past it
    return this.tokens[this.i] ?? (this.tokens[this.tokens.length - 1] as Token);
  }
  protected next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  protected isWord(word: string): boolean {
    const t = this.peek();
    return t.kind === 'identifier' && t.text.toLowerCase() === word;
  }
  protected isPunct(c: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === c;
  }
  protected acceptPunct(c: string): boolean {
    if (!this.isPunct(c)) return false;
    this.next();
    return true;
  }
  protected punct(c: string): void {
    if (!this.acceptPunct(c)) this.fail(`'${c}'`);
  }
  protected keyword(word: string): void {
    if (!this.isWord(word)) this.fail(`'${word}'`);
    this.next();
  }
  protected identifier(what: string): Token {
    if (this.peek().kind !== 'identifier') this.fail(what);
    return this.next();
  }
  protected fail(expected: string): never {
    return this.failAt(this.peek(), expected, describeToken(this.peek()));
  }
  protected failAt(t: Token | { pos: SourcePosition }, expected: string, found: string): never {
    throw new MofSyntaxError(t.pos, expected, found);
  }
}
