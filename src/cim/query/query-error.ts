// Errors of the query layer. Every one is a CimError INVALID_QUERY with subject 'query', so the WS-Man layer
// answers it as a filter problem (wsen:CannotProcessFilter) and not as a bad ResourceURI or selector.
import { CimError } from '../errors.js';
import type { Offset } from './ast.js';

/** Where an offset sits in the query text: 1-based line and column. */
export function locate(text: string, offset: Offset): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** "column 7", or "line 2, column 7" for a query written over several lines. */
export function describeOffset(text: string, offset: Offset): string {
  const { line, column } = locate(text, offset);
  return text.includes('\n') ? `line ${line}, column ${column}` : `column ${column}`;
}

/** A query the parser cannot read: the message names the position and what was expected or found. */
export class QuerySyntaxError extends CimError {
  readonly offset: Offset;
  readonly line: number;
  readonly column: number;

  constructor(text: string, offset: Offset, message: string) {
    super('INVALID_QUERY', `${message} at ${describeOffset(text, offset)}`, { subject: 'query' });
    this.name = 'QuerySyntaxError';
    const { line, column } = locate(text, offset);
    this.offset = offset;
    this.line = line;
    this.column = column;
  }
}

/** A query that parses but does not fit the schema (unknown class or property, wrong literal type, …). */
export function invalidQuery(text: string, offset: Offset | undefined, message: string): CimError {
  const where = offset === undefined ? '' : ` (${describeOffset(text, offset)})`;
  return new CimError('INVALID_QUERY', `${message}${where}`, { subject: 'query' });
}
