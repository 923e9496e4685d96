// Small helpers shared by the state-changing messages: fresh refs, lookups that fail as xapi
// does, and the VM operation check (xapi_vm_lifecycle.assert_operation_valid).
import { randomUUID } from 'node:crypto';
import { handleInvalid, XenFailure } from './errors.js';
import { allowedOperations, operationError, type VmOperation } from './power.js';
import type { ClassRecords, XenClass } from './records.js';
import type { VmRecord } from './records-vm.js';
import type { Store, Transaction } from './store.js';
import { DateTime } from './values.js';

export const newRef = (): string => `OpaqueRef:${randomUUID()}`;

export const now = (): DateTime => DateTime.fromMillis(Date.now());

/** The record behind `ref`, or HANDLE_INVALID [class, ref] (a null or dangling ref alike). */
export function must<C extends XenClass>(store: Store, cls: C, ref: string): ClassRecords[C] {
  const r = store.get(cls, ref);
  if (r === undefined) throw handleInvalid(cls, ref);
  return r;
}

/** The VM, after checking that `op` is allowed on it now. */
export function vmForOperation(store: Store, ref: string, op: VmOperation): VmRecord {
  const vm = must(store, 'VM', ref);
  const failure = operationError(vm, ref, op);
  if (failure !== undefined) throw new XenFailure(failure[0], failure.slice(1));
  return vm;
}

/** Recomputes VM.allowed_operations after a change to the flags it depends on. */
export function refreshVmOperations(tx: Transaction, ref: string, vm: VmRecord): void {
  tx.update('VM', ref, { allowed_operations: allowedOperations(vm, ref) });
}

/** A set field with `ref` appended (copy on write, as records share frozen empties). */
export const withRef = (list: readonly string[], ref: string): readonly string[] => (list.includes(ref) ? list : [...list, ref]);

export const withoutRef = (list: readonly string[], ref: string): readonly string[] => list.filter((r) => r !== ref);
