// A CIM object manager over the simulator with the caller sessions the management methods need
// (root and the read-only monitor), and helpers to call the methods and read the simulator's
// records back. Shared by the Xen_VirtualSystemManagementService method tests.
import { CimError } from '../../../../src/cim/errors.js';
import { ObjectPath } from '../../../../src/cim/object-path.js';
import type { OperationContext } from '../../../../src/cim/operation-context.js';
import type { MethodResult } from '../../../../src/cim/provider.js';
import type { CimValue, InstanceLike, ObjectPathLike } from '../../../../src/cim/types.js';
import { deviceKeys, HOST_CLASS } from '../../../../src/providers/ids.js';
import { CIMV2 } from '../../../../src/providers/instances.js';
import { VSMS_CLASS, VSMS_NAME } from '../../../../src/providers/system-virtualization/management-service.js';
import { refs, str, type XenRecord } from '../../../../src/xenapi/values.js';
import { providerModel, type ProviderModel } from '../../../helpers/provider-model.js';
import { xenSession } from '../../../helpers/xenapi.js';

export const MiB = 2 ** 20;
export const GiB = 2 ** 30;

export let pm: ProviderModel;
export let root: OperationContext;
export let monitor: OperationContext;
let vsms: ObjectPath;
const closers: (() => Promise<void>)[] = [];

function contextOf(user: string, sessionRef: string): OperationContext {
  return { principal: { user, authType: 'basic', remoteAddress: '127.0.0.1', xenSession: sessionRef }, locale: undefined, requestId: 'tap', signal: new AbortController().signal };
}

/** Starts the simulator and the CIM layer over it; call from t.before. */
export async function setup(): Promise<void> {
  pm = await providerModel({ sim: { taskDurationMs: 50 } });
  const r = await xenSession(pm.sim.url);
  const m = await xenSession(pm.sim.url, 'monitor', 'monitor');
  closers.push(r.close, m.close);
  root = contextOf('root', await r.session.ensure());
  monitor = contextOf('monitor', await m.session.ensure());
  const host = str([...pm.records('host').values()][0]!, 'uuid');
  vsms = new ObjectPath(CIMV2, VSMS_CLASS, deviceKeys(HOST_CLASS, host, VSMS_CLASS, VSMS_NAME, 'Name'));
}

export async function teardown(): Promise<void> {
  for (const c of closers) await c();
  await pm.close();
}

export const inst = (className: string, props: Record<string, CimValue>): InstanceLike => ({ className, properties: new Map(Object.entries(props)) });
export const path = (className: string, keys: Record<string, string>): ObjectPath => new ObjectPath(CIMV2, className, Object.entries(keys).map(([name, value]) => ({ name, value })));
export const vssdPath = (uuid: string): ObjectPath => path('Xen_VirtualSystemSettingData', { InstanceID: `Xen:${uuid}` });
export const systemPath = (uuid: string): ObjectPath => path('Xen_ComputerSystem', { CreationClassName: 'Xen_ComputerSystem', Name: uuid });

export async function call(method: string, params: Record<string, CimValue>, ctx = root): Promise<MethodResult> {
  const r = await pm.cimom.invokeMethod(ctx, vsms, method, new Map(Object.entries(params)));
  await pm.reload();
  return r;
}

/** The fault a call fails with (or undefined when it answers). */
export async function faultOf(method: string, params: Record<string, CimValue>, ctx = root): Promise<CimError | undefined> {
  try {
    await pm.cimom.invokeMethod(ctx, vsms, method, new Map(Object.entries(params)));
    return undefined;
  } catch (err) {
    if (err instanceof CimError) return err;
    throw err;
  }
}

export const records = (cls: 'VM' | 'VBD' | 'VDI' | 'VIF' | 'SR' | 'network' | 'task'): XenRecord[] => [...pm.records(cls).values()];
export const vmByUuid = (uuid: string): XenRecord | undefined => records('VM').find((v) => str(v, 'uuid') === uuid);
export const vmByName = (name: string): XenRecord | undefined => records('VM').find((v) => str(v, 'name_label') === name);
export const guest = (name: string): XenRecord => {
  const vm = vmByName(name);
  if (!vm) throw new Error(`no VM ${name}`);
  return vm;
};
export const uuidOf = (r: XenRecord): string => str(r, 'uuid');
export const refOf = (cls: 'VM' | 'VBD' | 'VDI' | 'VIF' | 'SR' | 'network', uuid: string): string => [...pm.records(cls)].find(([, r]) => str(r, 'uuid') === uuid)?.[0] ?? '';
export const vbdsOf = (vm: XenRecord): XenRecord[] => refs(vm, 'VBDs').map((r) => pm.records('VBD').get(r)).filter((x): x is XenRecord => x !== undefined);
export const vifsOf = (vm: XenRecord): XenRecord[] => refs(vm, 'VIFs').map((r) => pm.records('VIF').get(r)).filter((x): x is XenRecord => x !== undefined);
export const resulting = (r: MethodResult): string => String((r.out.get('ResultingSystem') as ObjectPathLike | undefined)?.keys.find((k) => k.name === 'Name')?.value);
export const srUuid = (name: string): string => uuidOf(records('SR').find((s) => str(s, 'name_label') === name)!);
export const netUuid = (name: string): string => uuidOf(records('network').find((n) => str(n, 'name_label') === name)!);
export const isoUuid = (): string => uuidOf(records('VDI').find((v) => str(v, 'name_label') === 'debian-12.9.0-amd64-netinst.iso')!);

/** What an illegal request must leave unchanged: every VM, VBD, VDI and VIF with its key fields. */
export function state(): string {
  const pick = (cls: 'VM' | 'VBD' | 'VDI' | 'VIF', fields: string[]) =>
    [...pm.records(cls)].map(([ref, r]) => [ref, ...fields.map((f) => JSON.stringify(r[f]))].join('|')).sort();
  return JSON.stringify([
    pick('VM', ['name_label', 'name_description', 'power_state', 'memory_static_max', 'memory_dynamic_min', 'memory_dynamic_max', 'VCPUs_max', 'VCPUs_at_startup', 'VCPUs_params', 'other_config', 'actions_after_crash', 'HVM_boot_params', 'HVM_boot_policy', 'is_a_template']),
    pick('VBD', ['VDI', 'userdevice', 'currently_attached', 'empty']),
    pick('VDI', ['virtual_size', 'name_label']),
    pick('VIF', ['MAC', 'network', 'currently_attached']),
  ]);
}

export const processor = (props: Record<string, CimValue>) => inst('Xen_ProcessorSettingData', { ResourceType: 3, ...props });
export const memory = (props: Record<string, CimValue>) => inst('Xen_MemorySettingData', { ResourceType: 4, ...props });
export const disk = (props: Record<string, CimValue>) => inst('Xen_DiskSettingData', { ResourceType: 31, ...props });
export const nic = (props: Record<string, CimValue>) => inst('Xen_NetworkPortSettingData', { ResourceType: 33, ...props });
export const settings = (props: Record<string, CimValue>) => inst('Xen_VirtualSystemSettingData', props);
