// CIM_EnabledLogicalElement.RequestStateChange on a VM (DSP1057 §8.1.1): the requested state
// becomes a XenAPI power operation (xenapi-cim.md §3). An impossible transition is answered
// 4097 at once, never as a job that later fails; one asked while another change of state is
// under way, 4099 (Busy); a started operation is waited on briefly and answered 0, or answered
// 4096 with the job that tracks it.
import { CimError } from '../../cim/errors.js';
import type { OperationContext } from '../../cim/operation-context.js';
import { ObjectPath } from '../../cim/object-path.js';
import type { MethodResult } from '../../cim/provider.js';
import { CimDateTime, type CimValue } from '../../cim/types.js';
import { XenApiError } from '../../xenapi/errors.js';
import type { XenModel } from '../../xenapi/model.js';
import { map, str, type XenRecord } from '../../xenapi/values.js';
import { instanceId } from '../ids.js';
import { REQUEST_TRANSITIONS, STATE_OF_OPERATION, type PowerOp } from '../power-state.js';
import { noteRequest } from './requested-states.js';
import { CIMV2 } from '../instances.js';
import { JOB_CLASS } from '../jobs/job.js';
import { callerOf, type ProviderServices } from '../services.js';
import { xenToCim } from '../xen-errors.js';

/** RequestStateChange return codes (CIM_EnabledLogicalElement ValueMap). */
export const RSC = { Completed: 0, NotSupported: 1, Failed: 4, InvalidParameter: 5, JobStarted: 4096, InvalidTransition: 4097, TimeoutNotSupported: 4098, Busy: 4099 } as const;

/** xapi refuses a VM operation while another is in progress (VM.current_operations). */
const BUSY = 'OTHER_OPERATION_IN_PROGRESS';

/** In the method's ValueMap but not something a Xen VM can be asked for: Test, Defer. */
const NOT_SUPPORTED = new Set([7, 8]);

const EXTRA_PARAMS: Partial<Record<PowerOp, readonly boolean[]>> = { start: [false, false], resume: [false, false] };

export async function requestStateChange(
  model: XenModel,
  services: ProviderServices,
  ctx: OperationContext,
  vmUuid: string,
  vm: XenRecord,
  params: ReadonlyMap<string, CimValue>,
): Promise<MethodResult> {
  const requested = params.get('RequestedState');
  if (requested === undefined || requested === null) {
    throw new CimError('INVALID_PARAMETER', 'RequestStateChange needs RequestedState.', { subject: 'parameter', valueProblem: 'missing' });
  }
  const timeout = params.get('TimeoutPeriod');
  if (timeout instanceof CimDateTime && timeout.millis > 0) return result(RSC.TimeoutNotSupported);
  const state = Number(requested);
  if (NOT_SUPPORTED.has(state)) return result(RSC.NotSupported);
  const t = REQUEST_TRANSITIONS[state];
  if (!t) return result(RSC.InvalidParameter);
  const vmRef = model.refByUuid('VM', vmUuid) ?? '';
  const power = str(vm, 'power_state');
  const step = t.from[power];
  const caller = callerOf(ctx);
  if (step === undefined || step === 'none') {
    // Nothing to start: xapi judges synchronously, changing nothing. Its role check comes
    // first, so a read-only user learns that it may not; then the power state. If the model
    // lagged and the VM was elsewhere, xapi simply does what was asked.
    try {
      await services.xen.call(caller, `VM.${t.op}`, [vmRef, ...(EXTRA_PARAMS[t.op] ?? [])]);
      noteRequest(model, vmUuid, state, power, { needsTask: false });
      return result(RSC.Completed);
    } catch (err) {
      if (!(err instanceof XenApiError) || (err.code !== 'VM_BAD_POWER_STATE' && err.code !== BUSY)) throw xenToCim(err, `VM.${t.op}`);
      // Another change of state under way: whatever this one would do (even nothing, from a
      // state the VM is about to leave), it cannot be done now.
      if (err.code === BUSY || changing(model.byUuid('VM', vmUuid) ?? vm)) return result(RSC.Busy);
      if (step === undefined) return result(RSC.InvalidTransition);
      noteRequest(model, vmUuid, state, power, { needsTask: false });
      return result(RSC.Completed);
    }
  }
  const note = noteRequest(model, vmUuid, state, power);
  let taskRef: string;
  try {
    taskRef = String(await services.xen.call(caller, `Async.VM.${step}`, [vmRef, ...(EXTRA_PARAMS[step] ?? [])]));
  } catch (err) {
    note.takeBack();
    if (err instanceof XenApiError && err.code === 'VM_BAD_POWER_STATE') return result(RSC.InvalidTransition);
    if (err instanceof XenApiError && err.code === BUSY) return result(RSC.Busy);
    throw xenToCim(err, `VM.${step}`);
  }
  note.carriedBy(taskRef);
  services.jobs.add({ taskRef, name: 'RequestStateChange', owner: ctx.principal.user, vmUuid, submitted: new Date() });
  const o = await services.jobs.waitFor(taskRef, services.jobWaitMs);
  switch (o.status) {
    case 'success': return result(RSC.Completed);
    case 'cancelled':
      note.takeBack();
      return result(RSC.Failed);
    case 'failure':
      note.takeBack();
      if (o.error[0] === 'VM_BAD_POWER_STATE') return result(RSC.InvalidTransition);
      if (o.error[0] === BUSY) return result(RSC.Busy);
      // Worded as a synchronous refusal is (Put, the other methods): one text for one cause.
      if (o.error[0] === 'RBAC_PERMISSION_DENIED') throw xenToCim(new XenApiError(o.error[0], o.error.slice(1), `VM.${step}`), `VM.${step}`);
      return result(RSC.Failed);
    default: {
      const uuid = await taskUuid(model, services, ctx, taskRef);
      return result(RSC.JobStarted, new Map([['Job', new ObjectPath(CIMV2, JOB_CLASS, [{ name: 'InstanceID', value: instanceId(uuid) }])]]));
    }
  }
}

/** Whether xapi lists a change of the VM's power state under way. */
function changing(vm: XenRecord): boolean {
  return Object.values(map(vm, 'current_operations')).some((op) => STATE_OF_OPERATION[op] !== undefined);
}

function result(returnValue: number, out: ReadonlyMap<string, CimValue> = new Map()): MethodResult {
  return { returnValue, out };
}

/** The uuid of a task just created: from the model when its event has arrived, else from xapi. */
export async function taskUuid(model: XenModel, services: ProviderServices, ctx: OperationContext, taskRef: string): Promise<string> {
  const known = model.get('task', taskRef);
  if (known) return str(known, 'uuid');
  return String(await services.xen.call(callerOf(ctx), 'task.get_uuid', [taskRef]));
}
