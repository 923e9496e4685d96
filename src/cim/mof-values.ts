// Literal values of MOF and the data types they may initialise (DSP0004 5.2 and annex A).
import type { QualifierScalar } from './class.js';
import type { Token } from './mof-lexer.js';
import type { AliasRef } from './mof-types.js';
import { CIM_TYPES, type CimType } from './types.js';

/** The data types MOF can name; 'reference' is spelled `Class REF` instead. */
export type MofDataType = Exclude<CimType, 'reference'>;
export const MOF_DATA_TYPES: readonly MofDataType[] = CIM_TYPES.filter((t): t is MofDataType => t !== 'reference');

export interface Literal {
  readonly kind: 'string' | 'char' | 'integer' | 'real' | 'boolean' | 'null' | 'alias';
  readonly value: QualifierScalar | AliasRef | null;
  readonly token: Token;
}

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  uint8: [0, 0xff], sint8: [-0x80, 0x7f],
  uint16: [0, 0xffff], sint16: [-0x8000, 0x7fff],
  uint32: [0, 0xffffffff], sint32: [-0x80000000, 0x7fffffff],
  // 64-bit ranges are clipped to what a JS number holds exactly; the lexer refuses anything wider
  uint64: [0, Number.MAX_SAFE_INTEGER], sint64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** undefined when `lit` may initialise a value of `type`; otherwise what was expected instead. */
export function checkLiteral(type: CimType, lit: Literal): string | undefined {
  const v = lit.value;
  switch (type) {
    case 'boolean':
      return lit.kind === 'boolean' ? undefined : 'a boolean value (true or false)';
    case 'string':
    case 'datetime':
      return lit.kind === 'string' ? undefined : `a ${type} value (a string literal)`;
    case 'char16':
      return lit.kind === 'char' || (lit.kind === 'string' && typeof v === 'string' && v.length === 1)
        ? undefined : 'a char16 value (one character)';
    case 'real32':
    case 'real64':
      return lit.kind === 'real' || lit.kind === 'integer' ? undefined : `a ${type} value`;
    case 'reference':
      return lit.kind === 'string' || lit.kind === 'alias' ? undefined : 'a reference (object path string or alias)';
    default: {
      const [min, max] = INTEGER_RANGES[type] ?? [0, 0];
      if (lit.kind === 'integer' && typeof v === 'number' && v >= min && v <= max) return undefined;
      return `a ${type} value (an integer from ${min} to ${max})`;
    }
  }
}
