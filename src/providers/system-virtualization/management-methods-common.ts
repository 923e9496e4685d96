// What the methods of the virtual system management service share (DSP1042 §8, DSP1041 §8):
// their return codes, how a refusal becomes one, how XenAPI failures map to them, and the
// XenAPI writer that records how to undo each step so that a failed method leaves nothing
// half-done.
import { CimError } from '../../cim/errors.js';
import type { OperationContext } from '../../cim/operation-context.js';
import type { MethodResult } from '../../cim/provider.js';
import type { CimScalar, CimValue, InstanceLike, ObjectPathLike } from '../../cim/types.js';
import type { XenParam } from '../../xenapi/client.js';
import { XenApiError, XenTransportError } from '../../xenapi/errors.js';
import type { XenValue } from '../../xenapi/values.js';
import { callerOf, type ProviderServices } from '../services.js';
import { xenToCim } from '../xen-errors.js';

/** Return codes of the CIM_VirtualSystemManagementService methods (the ValueMap in the MOF). */
export const VSMS_RC = {
  Completed: 0,
  NotSupported: 1,
  Failed: 2,
  Timeout: 3,
  InvalidParameter: 4,
  InvalidState: 5,
  IncompatibleParameters: 6,
  JobStarted: 4096,
} as const;

/** A method that ends with a return code other than 0 (never a fault). */
export class MethodRefusal extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'MethodRefusal';
  }
}

export const invalidParameter = (message: string): MethodRefusal => new MethodRefusal(VSMS_RC.InvalidParameter, message);
export const invalidState = (message: string): MethodRefusal => new MethodRefusal(VSMS_RC.InvalidState, message);
export const incompatible = (message: string): MethodRefusal => new MethodRefusal(VSMS_RC.IncompatibleParameters, message);
export const notSupported = (message: string): MethodRefusal => new MethodRefusal(VSMS_RC.NotSupported, message);

// xapi's refusals by what they say about the request (xenapi-cim.md §1, datamodel_errors.ml).
const DENIED = new Set(['RBAC_PERMISSION_DENIED', 'SESSION_INVALID', 'SESSION_AUTHENTICATION_FAILED', 'SESSION_AUTHORIZATION_FAILED', 'PERMISSION_DENIED']);
const WRONG_STATE = new Set([
  'VM_BAD_POWER_STATE', 'OPERATION_NOT_ALLOWED', 'OPERATION_BLOCKED', 'OTHER_OPERATION_IN_PROGRESS', 'VDI_IN_USE', 'VM_IS_TEMPLATE',
  'DEVICE_ALREADY_ATTACHED', 'DEVICE_ALREADY_DETACHED', 'VBD_NOT_UNPLUGGABLE', 'VM_MISSING_PV_DRIVERS', 'VM_LACKS_FEATURE',
  'VBD_NOT_EMPTY', 'VBD_IS_EMPTY',
]);
const BAD_VALUE = new Set([
  'MEMORY_CONSTRAINT_VIOLATION', 'MEMORY_CONSTRAINT_VIOLATION_ORDER', 'MEMORY_CONSTRAINT_VIOLATION_MAXPIN', 'VALUE_NOT_SUPPORTED',
  'INVALID_VALUE', 'FIELD_TYPE_ERROR', 'MAC_INVALID', 'INVALID_DEVICE', 'DEVICE_ALREADY_EXISTS', 'VCPU_MAX_TOO_LARGE', 'VM_TOO_MANY_VCPUS',
  'HANDLE_INVALID', 'UUID_INVALID', 'SR_OPERATION_NOT_SUPPORTED', 'VDI_IS_NOT_ISO', 'VDI_INCOMPATIBLE_TYPE', 'VDI_READONLY',
  'VBD_CDS_MUST_BE_READONLY', 'VBD_NOT_REMOVABLE_MEDIA', 'MAP_DUPLICATE_KEY', 'VDI_IS_A_PHYSICAL_DEVICE', 'HOST_NOT_ENOUGH_PCPUS',
  'ONLY_PROVISION_TEMPLATE', 'VM_IS_SNAPSHOT',
  // SR_BACKEND_FAILURE_79: "VDI Invalid size"
  'SR_BACKEND_FAILURE_79',
]);

/** The return code a XenAPI failure code stands for (access denials are faults, not codes). */
export function returnCodeOf(code: string): number {
  if (WRONG_STATE.has(code)) return VSMS_RC.InvalidState;
  if (BAD_VALUE.has(code)) return VSMS_RC.InvalidParameter;
  if (code === 'MESSAGE_METHOD_UNKNOWN') return VSMS_RC.NotSupported;
  return VSMS_RC.Failed;
}

/**
 * A failed XenAPI call as what the method answers: a refusal with its return code, or the
 * wsman:AccessDenied fault when xapi's role check said no.
 */
export function fromXen(err: unknown, what: string): MethodRefusal | CimError {
  if (err instanceof MethodRefusal || err instanceof CimError) return err;
  if (err instanceof XenApiError) {
    if (DENIED.has(err.code)) return xenToCim(err, what);
    return new MethodRefusal(returnCodeOf(err.code), `${what}: XenAPI ${err.code} [${err.params.join(', ')}]`);
  }
  if (err instanceof XenTransportError) return new MethodRefusal(err.timedOut ? VSMS_RC.Timeout : VSMS_RC.Failed, err.message);
  return new MethodRefusal(VSMS_RC.Failed, `${what}: ${err instanceof Error ? err.message : String(err)}`);
}

export function result(returnValue: number, out: ReadonlyMap<string, CimValue> = new Map()): MethodResult {
  return { returnValue, out };
}

/** Runs a method body: a refusal becomes its return code; faults pass through. */
export async function answer(body: () => Promise<MethodResult>): Promise<MethodResult> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof MethodRefusal) return result(err.code);
    throw err;
  }
}

/** A required parameter that is absent: a malformed request, answered with a fault. */
export function missingParameter(method: string, name: string): CimError {
  return new CimError('INVALID_PARAMETER', `${method} needs ${name}.`, { subject: 'parameter', valueProblem: 'missing' });
}

/**
 * XenAPI writes with the caller's session. Each step may register its inverse; `rollback`
 * runs them newest first and keeps going past failures, so a failed method undoes what it did.
 */
export class XenSteps {
  private readonly undo: { what: string; run: () => Promise<unknown> }[] = [];

  constructor(private readonly services: ProviderServices, private readonly ctx: OperationContext) {}

  /** One XenAPI call; a failure is thrown as the method's refusal (or an access-denied fault). */
  async call(method: string, params: readonly XenParam[]): Promise<XenValue> {
    try {
      return await this.services.xen.call(callerOf(this.ctx), method, params);
    } catch (err) {
      throw fromXen(err, method);
    }
  }

  async ref(method: string, params: readonly XenParam[]): Promise<string> {
    return String(await this.call(method, params));
  }

  /** Registers how to undo the step just done. */
  onUndo(what: string, run: () => Promise<unknown>): void {
    this.undo.push({ what, run });
  }

  /** Undoes every registered step, newest first; returns the steps that could not be undone. */
  async rollback(): Promise<string[]> {
    const failed: string[] = [];
    while (this.undo.length > 0) {
      const step = this.undo.pop();
      if (!step) break;
      try {
        await step.run();
      } catch {
        failed.push(step.what);
      }
    }
    return failed;
  }

  /** Forgets the undo steps (the method succeeded). */
  commit(): void {
    this.undo.length = 0;
  }

  /** Runs `body`; on any failure undoes its steps, then rethrows. */
  async atomically<T>(body: () => Promise<T>): Promise<T> {
    try {
      const out = await body();
      this.commit();
      return out;
    } catch (err) {
      await this.rollback();
      throw err;
    }
  }
}

// ---- reading embedded instances and references -------------------------------------------

export function isInstance(v: CimValue | CimScalar | undefined): v is InstanceLike {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'properties' in v;
}

export function isPath(v: CimValue | CimScalar | undefined): v is ObjectPathLike {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'keys' in v;
}

/** A property of an embedded instance, case-insensitively; undefined when absent or null. */
export function propOf(inst: InstanceLike, name: string): CimValue | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of inst.properties) if (k.toLowerCase() === lower) return v === null ? undefined : v;
  return undefined;
}

export function textOf(inst: InstanceLike, name: string): string | undefined {
  const v = propOf(inst, name);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidParameter(`${inst.className}.${name} must be a string.`);
  return v;
}

/** An integer property as a JS number (uint64 may arrive as bigint); undefined when absent. */
export function numberOf(inst: InstanceLike, name: string): number | undefined {
  const v = propOf(inst, name);
  if (v === undefined) return undefined;
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw invalidParameter(`${inst.className}.${name} must be an integer within 2^53.`);
  return n;
}

export function boolOf(inst: InstanceLike, name: string): boolean | undefined {
  const v = propOf(inst, name);
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw invalidParameter(`${inst.className}.${name} must be a boolean.`);
  return v;
}

export function textsOf(inst: InstanceLike, name: string): string[] | undefined {
  const v = propOf(inst, name);
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? v : [v];
  if (!list.every((x): x is string => typeof x === 'string')) throw invalidParameter(`${inst.className}.${name} must hold strings.`);
  return list;
}

/** A key of a reference, case-insensitively, as text. */
export function keyOf(path: ObjectPathLike, name: string): string | undefined {
  const lower = name.toLowerCase();
  const v = path.keys.find((k) => k.name.toLowerCase() === lower)?.value;
  return v === undefined || typeof v === 'object' ? undefined : String(v);
}
