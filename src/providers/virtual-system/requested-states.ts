// CIM_EnabledLogicalElement.RequestedState of a VM: the last state asked of it through
// RequestStateChange, for as long as the VM stays in the power state that request leads to;
// 12 (Not Applicable) before any request, after a restart of the gateway, and once the VM has
// been moved by other means (xe, XenCenter), since then the last request is no longer known.
import type { XenModel } from '../../xenapi/model.js';
import { REQUEST_TRANSITIONS } from '../power-state.js';

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
