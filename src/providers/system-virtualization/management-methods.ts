// The extrinsic methods of Xen_VirtualSystemManagementService (CIM_VirtualSystemManagementService,
// DSP1042 §8 and DSP1041 §8), reached through the service's class spec. Every XenAPI write goes
// out with the caller's own session, so xapi's role check decides: a read-only user gets the
// wsman:AccessDenied fault. Every other outcome is a return code of the MOF's ValueMap
// (management-methods-common.ts); a missing required parameter is a malformed request and gets
// wsman:InvalidParameter. Requests are checked in full before the first write, and a method
// that fails part way undoes what it did.
import type { OperationContext } from '../../cim/operation-context.js';
import type { MethodResult } from '../../cim/provider.js';
import type { CimValue } from '../../cim/types.js';
import type { XenModel } from '../../xenapi/model.js';
import type { ProviderServices } from '../services.js';
import { answer } from './management-methods-common.js';
import { defineSystem, destroySystem, type MethodEnv } from './management-methods-define.js';
import { modifyResourceSettings, modifySystemSettings } from './management-methods-modify.js';
import { addResourceSettings, removeResourceSettings } from './management-methods-resources.js';

type Method = (env: MethodEnv, params: ReadonlyMap<string, CimValue>) => Promise<MethodResult>;

const METHODS: Readonly<Record<string, Method>> = {
  DefineSystem: defineSystem,
  DestroySystem: destroySystem,
  AddResourceSettings: addResourceSettings,
  ModifyResourceSettings: modifyResourceSettings,
  ModifySystemSettings: modifySystemSettings,
  RemoveResourceSettings: removeResourceSettings,
};

export const MANAGEMENT_METHODS: readonly string[] = Object.keys(METHODS);

/** CIM_VirtualSystemManagementCapabilities method numbers (the ValueMap of *MethodsSupported). */
export const METHOD_NUMBERS = {
  DefineSystem: 2, DestroySystem: 3, ModifyResourceSettings: 5, ModifySystemSettings: 6, RemoveResourceSettings: 7, AddResourceSettings: 10,
} as const;

export function invokeManagementMethod(
  model: XenModel,
  services: ProviderServices,
  ctx: OperationContext,
  hostUuid: string,
  method: string,
  params: ReadonlyMap<string, CimValue>,
): Promise<MethodResult> {
  const name = MANAGEMENT_METHODS.find((m) => m.toLowerCase() === method.toLowerCase());
  const run = name === undefined ? undefined : METHODS[name];
  if (!run) return Promise.resolve({ returnValue: 1, out: new Map() });
  return answer(() => run({ model, services, ctx, hostUuid }, params));
}
