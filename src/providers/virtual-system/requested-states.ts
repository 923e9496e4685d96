// CIM_EnabledLogicalElement.RequestedState and TransitioningToState of a VM. While a power
// operation is in progress (xapi lists it in VM.current_operations, whoever started it), both
// are the state it leads to. Otherwise RequestedState is the last state asked through
// RequestStateChange, for as long as the VM stays in the power state that request led to; 12
// (Not Applicable) before any request, after a restart of the gateway, and once the VM has been
// moved by other means (xe, XenCenter), since then the last request is no longer known.
import type { XenModel } from '../../xenapi/model.js';
import { NO_TRANSITION, REQUEST_TRANSITIONS, RequestedState, STATE_OF_OPERATION } from '../power-state.js';

interface Requested {
  readonly state: number;
  /** the power_state the request leads to */
  readonly powerState: string;
}

// Kept beside the model it describes (one gateway, one model), not in the XenAPI records.
const byModel = new WeakMap<XenModel, { readonly table: Map<string, Requested>; pruneAt: number }>();

/**
 * Notes a request about to be sent to xapi (before it, so the VM's next record already shows
 * it); the function returned takes the note back when the request fails.
 */
export function noteRequest(model: XenModel, vmUuid: string, state: number): () => void {
  const powerState = REQUEST_TRANSITIONS[state]?.leadsTo;
  let notes = byModel.get(model);
  if (!notes) {
    notes = { table: new Map(), pruneAt: 1024 };
    byModel.set(model, notes);
  }
  const table = notes.table;
  // Notes of VMs destroyed since are dropped when the table has doubled, so it stays as large as the host.
  if (table.size >= notes.pruneAt) {
    for (const uuid of [...table.keys()]) if (model.refByUuid('VM', uuid) === undefined) table.delete(uuid);
    notes.pruneAt = Math.max(1024, table.size * 2);
  }
  const before = table.get(vmUuid);
  if (powerState === undefined) return () => undefined;
  const mine: Requested = { state, powerState };
  table.set(vmUuid, mine);
  return () => {
    if (table.get(vmUuid) !== mine) return; // a later request has replaced it
    if (before) table.set(vmUuid, before);
    else table.delete(vmUuid);
  };
}

/** The RequestedState to show for a VM now in `powerState`; undefined when not known. */
export function lastRequested(model: XenModel, vmUuid: string, powerState: string): number | undefined {
  const r = byModel.get(model)?.table.get(vmUuid);
  return r !== undefined && r.powerState === powerState ? r.state : undefined;
}

/** The state a power operation in progress leads to; undefined when none is. */
function inProgress(model: XenModel, vmUuid: string, powerState: string, currentOperations: Readonly<Record<string, string>>): number | undefined {
  for (const op of Object.values(currentOperations)) {
    const state = STATE_OF_OPERATION[op];
    if (state === undefined) continue;
    // Our own request names the state asked for: Shut Down (4) of a paused VM runs as hard_shutdown.
    const noted = byModel.get(model)?.table.get(vmUuid);
    if (noted !== undefined && REQUEST_TRANSITIONS[noted.state]?.from[powerState] === op) return noted.state;
    return state;
  }
  return undefined;
}

/** RequestedState and TransitioningToState of a VM in `powerState` with these operations under way. */
export function requestedStates(model: XenModel, vmUuid: string, powerState: string, currentOperations: Readonly<Record<string, string>>): { RequestedState: number; TransitioningToState: number } {
  const moving = inProgress(model, vmUuid, powerState, currentOperations);
  if (moving !== undefined) return { RequestedState: moving, TransitioningToState: moving };
  return { RequestedState: lastRequested(model, vmUuid, powerState) ?? RequestedState.NotApplicable, TransitioningToState: NO_TRANSITION };
}
