// Provider interfaces in the manner of the OpenPegasus provider API: every call carries the
// OperationContext first. Collections are addressed by stable ids so that an enumeration
// context can hold a cursor (ids array shared per model generation + position), not copies.
import type { CimInstance } from './instance.js';
import type { KeyBinding } from './object-path.js';
import type { OperationContext } from './operation-context.js';
import type { CimValue } from './types.js';

export interface ClassRegistration {
  readonly namespace: string;
  /** a concrete class this provider serves instances of */
  readonly className: string;
}

/** How providers find each other (association ends live in other providers). */
export interface ProviderLookup {
  providerFor(namespace: string, className: string): InstanceProvider | undefined;
}

export interface InstanceProvider {
  readonly name: string;
  readonly registrations: readonly ClassRegistration[];
  /** called once by the object manager, with the way to reach other providers */
  bind?(lookup: ProviderLookup): void;
  terminate?(): Promise<void>;
  /**
   * Ids of every instance of `className` now, in a stable order. The array is shared
   * (typically memoized per model generation) and must never be mutated by the caller.
   */
  instanceIds(ctx: OperationContext, className: string): readonly string[];
  /** The instance with this id, or undefined when it has gone since the ids were taken. */
  instanceById(ctx: OperationContext, className: string, id: string): CimInstance | undefined;
  /**
   * Ids of the instances whose string property equals `value` ignoring case (a superset is
   * fine: the caller still tests each instance), in the order of instanceIds; undefined when
   * the provider cannot tell without reading every instance.
   */
  idsWhere?(ctx: OperationContext, className: string, property: string, value: string): readonly string[] | undefined;
  /** The id named by these key bindings (all keys or a subset), or undefined when none matches. */
  idOf(ctx: OperationContext, className: string, keys: readonly KeyBinding[]): string | undefined;
  /**
   * Properties a client may change with ModifyInstance (Put), lower-cased; absent when the
   * class takes no changes.
   */
  writableProperties?(className: string): ReadonlySet<string> | undefined;
  /** Applies changed properties (only writable ones, already typed) to the object `id`. */
  /** `kept`: writable properties the new representation gives with the value they already have. */
  modifyInstance?(ctx: OperationContext, className: string, id: string, changes: ReadonlyMap<string, CimValue>, kept?: ReadonlyMap<string, CimValue>): Promise<void>;
  /** Runs an extrinsic method on the object `id`; providers return method-specific codes, throw CimError for faults. */
  invokeMethod?(ctx: OperationContext, className: string, id: string, method: string, params: ReadonlyMap<string, CimValue>): Promise<MethodResult>;
}

/** What an extrinsic method answers: its return code and its OUT parameters. */
export interface MethodResult {
  readonly returnValue: number;
  readonly out: ReadonlyMap<string, CimValue>;
}

/** One end of an association: the role (reference property) and the concrete class there. */
export interface AssociationEnd {
  readonly role: string;
  readonly namespace: string;
  readonly className: string;
}

/** An association reached from one object: the association instance and the object at the other end. */
export interface AssociationLink {
  readonly associationId: string;
  readonly other: AssociationEnd;
  readonly otherId: string;
}

export interface AssociationProvider extends InstanceProvider {
  readonly isAssociationProvider: true;
  /** Links from the object `id` of class `from.className`, standing in role `from.role`. */
  follow(ctx: OperationContext, className: string, from: AssociationEnd, id: string): readonly AssociationLink[];
  /** The ends this association class can have (for choosing which roles a class can play). */
  ends(className: string): readonly (readonly [AssociationEnd, AssociationEnd])[];
}

export function isAssociationProvider(p: InstanceProvider): p is AssociationProvider {
  return (p as Partial<AssociationProvider>).isAssociationProvider === true;
}
