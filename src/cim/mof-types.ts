// The parsed form of a MOF file (DSP0004 annex A), shared by the parser, the writer and the schema registry.
import type { ClassDecl, Qualifier, QualifierScalar, QualifierValue, SourcePosition } from './class.js';
import type { CimType } from './types.js';

/** DSP0004 scopes, in canonical (lower-case) spelling. */
export const MOF_SCOPES = [
  'class', 'association', 'indication', 'qualifier', 'property', 'reference', 'method', 'parameter', 'any',
] as const;
export type MofScope = (typeof MOF_SCOPES)[number];

/** DSP0004 flavors, in canonical spelling. */
export const MOF_FLAVORS = ['EnableOverride', 'DisableOverride', 'Restricted', 'ToSubclass', 'Translatable'] as const;
export type MofFlavor = (typeof MOF_FLAVORS)[number];

/** `Qualifier Key : boolean = false, Scope(property, reference), Flavor(DisableOverride);` */
export interface QualifierTypeDecl {
  readonly name: string;
  /** never 'reference': qualifiers hold data values only */
  readonly type: CimType;
  readonly isArray: boolean;
  readonly arraySize?: number;
  /** null when the declaration gives no default */
  readonly defaultValue: QualifierValue;
  readonly scopes: readonly MofScope[];
  readonly flavors: readonly MofFlavor[];
  readonly position?: SourcePosition;
}

/** `$Alias` inside an instance declaration: a reference to another instance of the same compilation. */
export interface AliasRef {
  readonly alias: string;
}

export type InstanceScalar = QualifierScalar | AliasRef;
export type InstanceValue = InstanceScalar | readonly InstanceScalar[] | null;

export interface InstancePropertyValue {
  readonly name: string;
  readonly value: InstanceValue;
  readonly qualifiers: readonly Qualifier[];
  readonly position?: SourcePosition;
}

/** `instance of Class as $Alias { Prop = value; };` */
export interface InstanceDecl {
  readonly className: string;
  /** without the leading '$' */
  readonly alias?: string;
  readonly qualifiers: readonly Qualifier[];
  readonly properties: readonly InstancePropertyValue[];
  readonly position?: SourcePosition;
}

export interface MofPragma {
  /** lower case: pragma names are case-insensitive */
  readonly name: string;
  readonly value: string;
  readonly position: SourcePosition;
}

export interface MofDocument {
  readonly file: string;
  readonly pragmas: readonly MofPragma[];
  readonly qualifierTypes: readonly QualifierTypeDecl[];
  readonly classes: readonly ClassDecl[];
  readonly instances: readonly InstanceDecl[];
}

export function isAliasRef(v: unknown): v is AliasRef {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { alias?: unknown }).alias === 'string';
}

/** `file:line:column: expected X, found Y` — the one shape of every MOF syntax error. */
export class MofSyntaxError extends Error {
  override readonly name = 'MofSyntaxError';
  readonly file: string;
  readonly line: number;
  readonly column: number;

  constructor(position: SourcePosition, expected: string, found: string) {
    super(`${position.file}:${position.line}:${position.column}: expected ${expected}, found ${found}`);
    this.file = position.file;
    this.line = position.line;
    this.column = position.column;
  }
}

/** A schema that parses but does not hold together (unknown class, bad override, bad key …). */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  readonly file: string;
  readonly line: number;
  readonly column: number;

  constructor(position: SourcePosition | undefined, message: string) {
    super(position === undefined ? message : `${position.file}:${position.line}:${position.column}: ${message}`);
    this.file = position?.file ?? '';
    this.line = position?.line ?? 0;
    this.column = position?.column ?? 0;
  }
}
