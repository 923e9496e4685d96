// DSP1044: the processor settings of each guest (Xen_ProcessorSettingData, a RASD with
// ResourceType 3), and the processor pool's range settings (capability-points.ts).
import type { CimValue } from '../../cim/types.js';
import type { XenModel } from '../../xenapi/model.js';
import { int, map, str, type XenRecord } from '../../xenapi/values.js';
import type { ProviderServices } from '../services.js';
import { PROCESSOR_WRITABLE, putResourceSetting } from '../system-virtualization/rasd-put.js';
import { classSpec } from '../class-spec.js';
import { guestByUuid, guests, hostOfVm, instanceId, localId } from '../ids.js';
import { CIMV2 } from '../instances.js';
import { parsePoint, pointIds, pointProperties, type PointName } from './capability-points.js';
import { ResourceType } from './pool-specs.js';
import { poolId, PROCESSOR_POOL, type ResourceIndex } from './resources.js';
import { COUNT_UNITS, count } from './units.js';

export const PROCESSOR_RASD_CLASS = 'Xen_ProcessorSettingData';
export const PROCESSOR_POINTS: readonly PointName[] = ['Default', 'Minimum', 'Maximum', 'Increment'];

const SUFFIX = '/Processor';
/** The credit scheduler's weight when VCPUs_params has none, and its range. */
export const DEFAULT_WEIGHT = 256;
// Xen's credit scheduler: weight 1–65535, 256 unless set.
const WEIGHT_RANGE = { Default: 256, Minimum: 1, Maximum: 65535, Increment: 1 } as const;

export function processorSettingsId(vmUuid: string): string {
  return vmUuid + SUFFIX;
}

function vmOf(id: string): string | undefined {
  const uuid = id.endsWith(SUFFIX) ? id.slice(0, -SUFFIX.length) : undefined;
  return uuid !== undefined && uuid !== '' && !uuid.includes('/') ? uuid : undefined;
}

export function processorSettingsSpec(model: XenModel, index: ResourceIndex, services: ProviderServices) {
  return classSpec<XenRecord>({
    className: PROCESSOR_RASD_CLASS,
    namespace: CIMV2,
    dependsOn: ['VM', 'host'],
    ids: function* () {
      for (const [uuid] of guests(model)) yield processorSettingsId(uuid);
      yield* pointIds(model, PROCESSOR_POOL, PROCESSOR_POINTS);
    },
    source: (id) => {
      const vm = vmOf(id);
      if (vm !== undefined) return guestByUuid(model, vm);
      const p = parsePoint(PROCESSOR_POOL, PROCESSOR_POINTS, id);
      return p === undefined ? undefined : model.byUuid('host', p.host);
    },
    extraDeps: () => [index.cpusByHost()],
    keys: (id) => [{ name: 'InstanceID', value: instanceId(id) }],
    idFromKeys: (k) => localId(k.get('instanceid')),
    writable: PROCESSOR_WRITABLE,
    // No Limit is no cap (0), no Weight the scheduler's default.
    modify: putResourceSetting(model, services, PROCESSOR_RASD_CLASS, undefined, ['Reservation'], { Limit: 0, Weight: DEFAULT_WEIGHT }),
    properties: (id, record) => {
      const p = parsePoint(PROCESSOR_POOL, PROCESSOR_POINTS, id);
      return p === undefined ? guestProperties(model, record) : pointValues(model, index, p.pool, p.point, record);
    },
  });
}

function guestProperties(model: XenModel, vm: XenRecord): Record<string, CimValue> {
  const params = map(vm, 'VCPUs_params');
  const weight = Number(params['weight']);
  const cap = Number(params['cap']);
  const host = hostOfVm(model, vm);
  return {
    ElementName: 'Processor',
    Caption: 'Virtual CPUs',
    ResourceType: ResourceType.Processor,
    PoolID: host === undefined ? null : poolId(PROCESSOR_POOL, host),
    ConsumerVisibility: 3 /* Virtualized */,
    AllocationUnits: COUNT_UNITS,
    VirtualQuantity: count(int(vm, 'VCPUs_max')),
    Reservation: count(int(vm, 'VCPUs_at_startup')),
    // cap 0 (or none) means uncapped: no limit.
    Limit: Number.isInteger(cap) && cap > 0 ? cap : null,
    Weight: Number.isInteger(weight) && weight > 0 ? weight : DEFAULT_WEIGHT,
    AutomaticAllocation: true,
    AutomaticDeallocation: true,
  };
}

function pointValues(model: XenModel, index: ResourceIndex, pool: string, point: PointName, host: XenRecord): Record<string, CimValue> {
  // xapi refuses to start a VM with more vCPUs than its host has CPUs (HOST_NOT_ENOUGH_PCPUS).
  const pcpus = index.cpusByHost().get(model.refByUuid('host', str(host, 'uuid')) ?? '')?.length ?? 0;
  // DefineSystem gives a new VM one vCPU unless its settings say otherwise.
  const vcpus = point === 'Maximum' ? pcpus : 1;
  return {
    ...pointProperties(pool, point, 'Processor'),
    ResourceType: ResourceType.Processor,
    AllocationUnits: COUNT_UNITS,
    VirtualQuantity: vcpus,
    Reservation: vcpus,
    Weight: WEIGHT_RANGE[point],
  };
}
