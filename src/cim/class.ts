// Class declarations as compiled from MOF (schema/*.mof) into the schema registry.
import type { CimType } from './types.js';

/** A qualifier value as written in MOF: scalar, array, or null. */
export type QualifierScalar = string | number | boolean;
export type QualifierValue = QualifierScalar | readonly QualifierScalar[] | null;

export interface Qualifier {
  readonly name: string;
  readonly value: QualifierValue;
}

/** Where a declaration came from, so errors and tools can point at it. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface PropertyDecl {
  readonly name: string;
  readonly type: CimType;
  readonly isArray: boolean;
  /** fixed array size, when the MOF gives one */
  readonly arraySize?: number;
  /** for type 'reference': the referenced class */
  readonly refClass?: string;
  /** default value from MOF, if any */
  readonly defaultValue?: QualifierValue;
  readonly qualifiers: readonly Qualifier[];
  readonly position?: SourcePosition;
}

export interface ParameterDecl {
  readonly name: string;
  readonly type: CimType;
  readonly isArray: boolean;
  /** fixed array size, when the MOF gives one */
  readonly arraySize?: number;
  readonly refClass?: string;
  readonly qualifiers: readonly Qualifier[];
  readonly position?: SourcePosition;
}

export interface MethodDecl {
  readonly name: string;
  readonly returnType: CimType;
  readonly parameters: readonly ParameterDecl[];
  readonly qualifiers: readonly Qualifier[];
  readonly position?: SourcePosition;
}

export interface ClassDecl {
  readonly name: string;
  readonly superclass?: string;
  readonly qualifiers: readonly Qualifier[];
  readonly properties: readonly PropertyDecl[];
  readonly methods: readonly MethodDecl[];
  readonly position?: SourcePosition;
}

/** Case-insensitive qualifier lookup (CIM names are case-insensitive). */
export function findQualifier(qs: readonly Qualifier[], name: string): Qualifier | undefined {
  const lower = name.toLowerCase();
  return qs.find((q) => q.name.toLowerCase() === lower);
}

export function hasQualifier(qs: readonly Qualifier[], name: string): boolean {
  const q = findQualifier(qs, name);
  // A boolean qualifier written bare (e.g. [Key]) means true; [Key(false)] means absent.
  return q !== undefined && q.value !== false;
}
