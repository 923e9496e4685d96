// DSP1044/DSP1045 pools (CIM_ResourcePool per DSP1041): one Xen_ProcessorPool and one
// Xen_MemoryPool per host, primordial, and their allocation capabilities (DSP1043) as pool
// kinds for the resource-allocation part (pools.ts).
import type { XenModel } from '../../xenapi/model.js';
import { int, str, type XenRecord } from '../../xenapi/values.js';
import { classSpec } from '../class-spec.js';
import { hosts, instanceId, localId } from '../ids.js';
import { CIMV2 } from '../instances.js';
import { AllocationState, RequestTypes, SharingMode, type PoolAllocation, type PoolKind } from '../pools.js';
import { hostOfPool, MEMORY_POOL, poolId, PROCESSOR_POOL, type ResourceIndex } from './resources.js';
import { COUNT_UNITS, MEMORY_UNITS, mibDown, mibUp } from './units.js';

export const PROCESSOR_POOL_CLASS = 'Xen_ProcessorPool';
export const MEMORY_POOL_CLASS = 'Xen_MemoryPool';

/** CIM ResourceType values (DSP1041) */
export const ResourceType = { Processor: 3, Memory: 4 } as const;

// XenAPI changes VCPUs_max / VCPUs_at_startup and memory_static_* only on a Halted VM (the
// running domain's vCPU count and balloon range are modified in place, not added or removed):
// VM_BAD_POWER_STATE otherwise. DSP1043 state 3 (Disabled) is a Halted VM.
const HALTED_ONLY = [AllocationState.Disabled] as const;

const PROCESSOR_ALLOCATION: PoolAllocation = {
  elementName: 'Processor allocation',
  description: 'Virtual CPUs are added or removed (VCPUs_max) on a Halted VM only; a running VM\'s vCPU count changes within VCPUs_max.',
  resourceType: ResourceType.Processor,
  requestTypesSupported: RequestTypes.AllocationSettingsOnly,
  // Physical CPUs are time-shared between the virtual CPUs of all domains.
  sharingMode: SharingMode.Shared,
  supportedAddStates: HALTED_ONLY,
  supportedRemoveStates: HALTED_ONLY,
};

const MEMORY_ALLOCATION: PoolAllocation = {
  elementName: 'Memory allocation',
  description: 'Memory is added or removed (memory_static_max) on a Halted VM only; the dynamic range changes while it runs.',
  resourceType: ResourceType.Memory,
  requestTypesSupported: RequestTypes.AllocationSettingsOnly,
  // Xen gives each page of host memory to one domain at a time.
  sharingMode: SharingMode.Dedicated,
  supportedAddStates: HALTED_ONLY,
  supportedRemoveStates: HALTED_ONLY,
};

type Kind = typeof PROCESSOR_POOL | typeof MEMORY_POOL;

/** The host record a pool id of this kind stands for. */
function poolHost(model: XenModel, kind: Kind, id: string): XenRecord | undefined {
  const host = hostOfPool(kind, id);
  return host === undefined ? undefined : model.byUuid('host', host);
}

function poolKind(model: XenModel, kind: Kind, poolClass: string, allocation: PoolAllocation): PoolKind {
  return {
    poolClass,
    dependsOn: ['host'],
    ids: () => hosts(model).map(([uuid]) => poolId(kind, uuid)),
    source: (id) => poolHost(model, kind, id),
    allocation: () => allocation,
  };
}

export function processorPoolKind(model: XenModel): PoolKind {
  return poolKind(model, PROCESSOR_POOL, PROCESSOR_POOL_CLASS, PROCESSOR_ALLOCATION);
}

export function memoryPoolKind(model: XenModel): PoolKind {
  return poolKind(model, MEMORY_POOL, MEMORY_POOL_CLASS, MEMORY_ALLOCATION);
}

export function processorPoolSpec(model: XenModel, index: ResourceIndex) {
  const kind = processorPoolKind(model);
  return classSpec<XenRecord>({
    className: PROCESSOR_POOL_CLASS,
    namespace: CIMV2,
    dependsOn: kind.dependsOn,
    ids: kind.ids,
    source: (id) => poolHost(model, PROCESSOR_POOL, id),
    extraDeps: () => [index.cpusByHost(), index.vcpusByHost()],
    keys: (id) => [{ name: 'InstanceID', value: instanceId(id) }],
    idFromKeys: (k) => localId(k.get('instanceid')),
    properties: (id, host) => {
      const uuid = str(host, 'uuid');
      const cpus = index.cpusByHost().get(model.refByUuid('host', uuid) ?? '') ?? [];
      return {
        ElementName: `Processors of ${str(host, 'name_label')}`,
        Caption: 'Processor pool',
        PoolID: id,
        Primordial: true,
        ResourceType: ResourceType.Processor,
        AllocationUnits: COUNT_UNITS,
        Capacity: cpus.length,
        Reserved: index.vcpusByHost().get(uuid) ?? 0,
      };
    },
  });
}

export function memoryPoolSpec(model: XenModel) {
  const kind = memoryPoolKind(model);
  return classSpec<XenRecord>({
    className: MEMORY_POOL_CLASS,
    namespace: CIMV2,
    dependsOn: kind.dependsOn,
    ids: kind.ids,
    source: (id) => poolHost(model, MEMORY_POOL, id),
    extraDeps: (host) => [model.get('host_metrics', str(host, 'metrics'))],
    keys: (id) => [{ name: 'InstanceID', value: instanceId(id) }],
    idFromKeys: (k) => localId(k.get('instanceid')),
    properties: (id, host) => {
      const metrics = model.get('host_metrics', str(host, 'metrics'));
      const total = metrics ? int(metrics, 'memory_total') : NaN;
      const free = metrics ? int(metrics, 'memory_free') : NaN;
      return {
        ElementName: `Memory of ${str(host, 'name_label')}`,
        Caption: 'Memory pool',
        PoolID: id,
        Primordial: true,
        ResourceType: ResourceType.Memory,
        AllocationUnits: MEMORY_UNITS,
        Capacity: mibDown(total),
        Reserved: mibUp(total - free),
      };
    },
  });
}
