// CIM_EnabledLogicalElement.RequestedState and TransitioningToState of a VM. While a power
// operation is in progress (xapi lists it in VM.current_operations, whoever started it), both
// are the state it leads to. Otherwise RequestedState is the last state asked through
// RequestStateChange, for as long as the VM stays where that request led it; 12 (Not
// Applicable) before any request, after a restart of the gateway, and once the VM has been moved
// by other means (xe, XenCenter) or the request's task failed, since then the last request is no
// longer what the VM shows.
import type { Change, XenModel } from '../../xenapi/model.js';
import { map, str } from '../../xenapi/values.js';
import { NO_TRANSITION, REQUEST_TRANSITIONS, RequestedState, STATE_OF_OPERATION } from '../power-state.js';

interface Requested {
  readonly state: number;
  /** the power_state the request leads to */
  readonly powerState: string;
  /** the XenAPI task carrying it out; undefined until known, and for a request that needed no change */
  task: string | undefined;
  /** whether a task is still to be named (an operation seen meanwhile may be ours) */
  awaitingTask: boolean;
  /** the power_state last seen: a change to anywhere but `powerState` is someone else's doing */
  seenPower: string;
}

interface Notes {
  readonly table: Map<string, Requested>;
  /** task ref → the VM whose request it carries (a task of a note replaced since may linger until the next prune) */
  readonly byTask: Map<string, string>;
  pruneAt: number;
}

// Kept beside the model it describes (one gateway, one model), not in the XenAPI records.
const byModel = new WeakMap<XenModel, Notes>();

function notesOf(model: XenModel): Notes {
  const known = byModel.get(model);
  if (known) return known;
  const notes: Notes = { table: new Map(), byTask: new Map(), pruneAt: 1024 };
  byModel.set(model, notes);
  model.onChange((classes, changes) => {
    if (!classes.has('VM') && !classes.has('task')) return;
    // A batch of events names what changed: only the notes it concerns are looked at, so a
    // pool with a note for each of thousands of VMs pays per change, not per note.
    forgetOutdated(model, notes, changes === undefined ? undefined : concerned(notes, changes));
  });
  return notes;
}

/**
 * The VMs (uuids) whose notes a batch of changes may concern: VMs changed, and those whose
 * request's task changed. A VM removed needs nothing: its note shows nowhere, and goes when the
 * table is pruned.
 */
function concerned(notes: Notes, changes: readonly Change[]): Set<string> {
  const uuids = new Set<string>();
  for (const c of changes) {
    if (c.cls === 'VM') {
      const uuid = c.record?.['uuid'];
      if (typeof uuid === 'string') uuids.add(uuid);
    } else if (c.cls === 'task') {
      const uuid = notes.byTask.get(c.ref);
      if (uuid !== undefined) uuids.add(uuid);
    }
  }
  return uuids;
}

/** Drops the notes the VM's records no longer bear out (of `only` these VMs, when given). */
function forgetOutdated(model: XenModel, notes: Notes, only?: ReadonlySet<string>): void {
  const table = notes.table;
  const forget = (uuid: string, r: Requested): void => {
    table.delete(uuid);
    if (r.task !== undefined) notes.byTask.delete(r.task);
  };
  const entries: Iterable<[string, Requested | undefined]> = only === undefined ? table : [...only].map((u) => [u, table.get(u)]);
  for (const [uuid, r] of entries) {
    if (r === undefined) continue;
    const vm = model.byUuid('VM', uuid);
    if (!vm) {
      forget(uuid, r);
      continue;
    }
    const power = str(vm, 'power_state');
    const someoneElse = !r.awaitingTask && Object.entries(map(vm, 'current_operations')).some(([task, op]) => task !== r.task && STATE_OF_OPERATION[op] !== undefined);
    const task = r.task === undefined ? undefined : model.get('task', r.task);
    const failed = task !== undefined && (str(task, 'status') === 'failure' || str(task, 'status') === 'cancelled');
    if (someoneElse || failed || (power !== r.seenPower && power !== r.powerState)) {
      forget(uuid, r);
      continue;
    }
    r.seenPower = power;
  }
}

/** What RequestStateChange does with its note once it knows how the request went. */
export interface RequestNote {
  /** the XenAPI task that carries the request out */
  carriedBy(task: string): void;
  /** the request was refused: the note before it stands again */
  takeBack(): void;
}

/**
 * Notes a request (before it is sent to xapi, so the VM's next record already shows it) of a
 * VM now in `powerNow`.
 */
export function noteRequest(model: XenModel, vmUuid: string, state: number, powerNow: string, opts: { readonly needsTask: boolean } = { needsTask: true }): RequestNote {
  const powerState = REQUEST_TRANSITIONS[state]?.leadsTo;
  const notes = notesOf(model);
  const table = notes.table;
  // Notes of VMs destroyed since are dropped when the table has doubled, so it stays as large as the host.
  if (table.size >= notes.pruneAt || notes.byTask.size >= notes.pruneAt) {
    for (const uuid of [...table.keys()]) if (model.refByUuid('VM', uuid) === undefined) table.delete(uuid);
    for (const [task, uuid] of notes.byTask) if (table.get(uuid)?.task !== task) notes.byTask.delete(task);
    notes.pruneAt = Math.max(1024, table.size * 2);
  }
  const before = table.get(vmUuid);
  if (powerState === undefined) return { carriedBy: () => undefined, takeBack: () => undefined };
  const mine: Requested = { state, powerState, task: undefined, awaitingTask: opts.needsTask, seenPower: powerNow };
  table.set(vmUuid, mine);
  return {
    carriedBy: (task) => {
      mine.task = task;
      mine.awaitingTask = false;
      notes.byTask.set(task, vmUuid);
    },
    takeBack: () => {
      // Unless a later request has replaced it (dropped meanwhile, it was still the latest).
      const current = table.get(vmUuid);
      if (current !== undefined && current !== mine) return;
      if (before) table.set(vmUuid, before);
      else table.delete(vmUuid);
    },
  };
}

/** The note kept for a VM (its identity changes with every request): a dependency of the VM's instance. */
export function requestNoteOf(model: XenModel, vmUuid: string): object | undefined {
  return byModel.get(model)?.table.get(vmUuid);
}

/** The RequestedState to show for a VM now in `powerState`; undefined when not known. */
export function lastRequested(model: XenModel, vmUuid: string, powerState: string): number | undefined {
  const r = byModel.get(model)?.table.get(vmUuid);
  return r !== undefined && r.powerState === powerState ? r.state : undefined;
}

/** The state a power operation in progress leads to; undefined when none is. */
function inProgress(model: XenModel, vmUuid: string, powerState: string, currentOperations: Readonly<Record<string, string>>): number | undefined {
  for (const [task, op] of Object.entries(currentOperations)) {
    const state = STATE_OF_OPERATION[op];
    if (state === undefined) continue;
    // Our own request names the state asked for: Shut Down (4) of a paused VM runs as hard_shutdown.
    const noted = byModel.get(model)?.table.get(vmUuid);
    const ours = noted !== undefined && (noted.task === task || noted.awaitingTask);
    if (ours && REQUEST_TRANSITIONS[noted.state]?.from[powerState] === op) return noted.state;
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
