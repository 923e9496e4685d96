// The classes the simulator serves, their record types and their field lists.
import {
  hostCpuDefaults,
  hostDefaults,
  hostMetricsDefaults,
  networkDefaults,
  pbdDefaults,
  pifDefaults,
  poolDefaults,
  srDefaults,
  taskDefaults,
  type HostCpuRecord,
  type HostMetricsRecord,
  type HostRecord,
  type NetworkRecord,
  type PbdRecord,
  type PifRecord,
  type PoolRecord,
  type SrRecord,
  type TaskRecord,
} from './records-infra.js';
import {
  vbdDefaults,
  vdiDefaults,
  vifDefaults,
  vmDefaults,
  vmMetricsDefaults,
  type VbdRecord,
  type VdiRecord,
  type VifRecord,
  type VmMetricsRecord,
  type VmRecord,
} from './records-vm.js';

export interface ClassRecords {
  pool: PoolRecord;
  host: HostRecord;
  host_cpu: HostCpuRecord;
  host_metrics: HostMetricsRecord;
  VM: VmRecord;
  VM_metrics: VmMetricsRecord;
  VBD: VbdRecord;
  VDI: VdiRecord;
  SR: SrRecord;
  PBD: PbdRecord;
  VIF: VifRecord;
  network: NetworkRecord;
  PIF: PifRecord;
  task: TaskRecord;
}

/** A class name exactly as the datamodel spells it (and as method names use it). */
export type XenClass = keyof ClassRecords;

const DEFAULTS: { readonly [C in XenClass]: () => ClassRecords[C] } = {
  pool: poolDefaults,
  host: hostDefaults,
  host_cpu: hostCpuDefaults,
  host_metrics: hostMetricsDefaults,
  VM: vmDefaults,
  VM_metrics: vmMetricsDefaults,
  VBD: vbdDefaults,
  VDI: vdiDefaults,
  SR: srDefaults,
  PBD: pbdDefaults,
  VIF: vifDefaults,
  network: networkDefaults,
  PIF: pifDefaults,
  task: taskDefaults,
};

export const XEN_CLASSES = Object.keys(DEFAULTS) as readonly XenClass[];

/** Classes whose routine updates raise no events in xapi (their rows change silently). */
export const METRICS_CLASSES: ReadonlySet<XenClass> = new Set<XenClass>(['VM_metrics', 'host_metrics']);

/** A fresh record of `cls`: every field at its default, then `fields` over them (field order kept). */
export function makeRecord<C extends XenClass>(cls: C, fields: Partial<ClassRecords[C]>): ClassRecords[C] {
  return Object.assign(DEFAULTS[cls](), fields);
}

/** The wire field names of `cls`, in datamodel-like order. */
export function fieldsOf(cls: XenClass): readonly string[] {
  return Object.keys(DEFAULTS[cls]());
}

const BY_LOWER = new Map<string, XenClass>(XEN_CLASSES.map((c) => [c.toLowerCase(), c]));

/** Resolves a class name case-insensitively ("vm" → "VM"), as event subscriptions do. */
export function classByName(name: string): XenClass | undefined {
  return BY_LOWER.get(name.toLowerCase());
}
