// Provider interfaces in the manner of the OpenPegasus provider API: every call carries the
// OperationContext first. Collections are addressed by stable ids so that an enumeration
// context can hold a cursor (ids array shared per model generation + position), not copies.
import type { CimInstance } from './instance.js';
import type { KeyBinding } from './object-path.js';
import type { OperationContext } from './operation-context.js';

export interface ClassRegistration {
  readonly namespace: string;
  /** a concrete class this provider serves instances of */
  readonly className: string;
}

export interface InstanceProvider {
  readonly name: string;
  readonly registrations: readonly ClassRegistration[];
  initialize?(): Promise<void>;
  terminate?(): Promise<void>;
  /**
   * Ids of every instance of `className` now, in a stable order. The array is shared
   * (typically memoized per model generation) and must never be mutated by the caller.
   */
  instanceIds(ctx: OperationContext, className: string): readonly string[];
  /** The instance with this id, or undefined when it has gone since the ids were taken. */
  instanceById(ctx: OperationContext, className: string, id: string): CimInstance | undefined;
  /**
   * A candidate instance for these key bindings (possibly a subset of the keys), or
   * undefined. The CIM layer checks that every given key matches the returned instance.
   */
  findInstance(ctx: OperationContext, className: string, keys: readonly KeyBinding[]): CimInstance | undefined;
}
