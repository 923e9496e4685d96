// VM.current_operations as xapi keeps it (xapi_vm_lifecycle, message forwarding): an Async call
// of a VM operation is checked when its task is created; once it may begin, the operation is
// listed under the task's ref and allowed_operations shrinks to what may run beside it, until
// the task ends, however it ends (done, failed or cancelled).
import { XenFailure } from './errors.js';
import { refreshVmOperations } from './objects.js';
import { allowedOperations, operationError, type VmOperation } from './power.js';
import type { Store } from './store.js';

export interface VmOperationTarget {
  readonly vm: string;
  readonly op: VmOperation;
}

/** The failure xapi raises before the operation begins; undefined when it may begin (or the VM is unknown: the runner says so). */
export function refusalAtStart(store: Store, target: VmOperationTarget): XenFailure | undefined {
  const vm = store.get('VM', target.vm);
  if (vm === undefined) return undefined;
  const failure = operationError(vm, target.vm, target.op);
  return failure === undefined ? undefined : new XenFailure(failure[0], failure.slice(1));
}

/** Lists the operation as in progress under `task`. */
export function begin(store: Store, target: VmOperationTarget, task: string): void {
  const vm = store.get('VM', target.vm);
  if (vm === undefined) return;
  store.transact((tx) => {
    tx.update('VM', target.vm, { current_operations: { ...vm.current_operations, [task]: target.op } });
    refreshVmOperations(tx, target.vm, vm);
  });
}

/**
 * Takes the operation off the list. `silently` when the operation's own effect follows at once
 * in a transaction of its own, so clients see one change: the VM in its new state, idle.
 */
export function end(store: Store, target: VmOperationTarget, task: string, silently: boolean): void {
  const vm = store.get('VM', target.vm);
  if (vm === undefined || !Object.hasOwn(vm.current_operations, task)) return;
  const rest = Object.fromEntries(Object.entries(vm.current_operations).filter(([t]) => t !== task));
  if (silently) {
    store.updateSilently('VM', target.vm, { current_operations: rest });
    store.updateSilently('VM', target.vm, { allowed_operations: allowedOperations(vm, target.vm) });
    return;
  }
  store.transact((tx) => {
    tx.update('VM', target.vm, { current_operations: rest });
    refreshVmOperations(tx, target.vm, vm);
  });
}
