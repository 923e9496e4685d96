// The part of the schema registry the CIM operations need; the registry satisfies it.
import type { MethodDecl, PropertyDecl, Qualifier } from './class.js';

export interface ClassView {
  readonly name: string;
  readonly superclass?: string | undefined;
  /** self first, up to the root */
  readonly ancestry: readonly string[];
  /** flattened: inherited first, in declaration order */
  readonly properties: readonly PropertyDecl[];
  readonly keys: readonly string[];
  readonly methods: readonly MethodDecl[];
  readonly qualifiers: readonly Qualifier[];
  readonly isAbstract: boolean;
  property(name: string): PropertyDecl | undefined;
}

export interface SchemaView {
  getClass(name: string): ClassView | undefined;
  isA(className: string, ancestorName: string): boolean;
  subclassesOf(name: string, options: { deep: boolean; includeSelf: boolean }): readonly string[];
}
