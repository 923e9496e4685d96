// DSP1045: the memory settings of each guest (Xen_MemorySettingData, a RASD with ResourceType
// 4, in MiB), and the memory pool's range settings (capability-points.ts).
import type { CimValue } from '../../cim/types.js';
import type { XenModel } from '../../xenapi/model.js';
import { int, str, type XenRecord } from '../../xenapi/values.js';
import type { ProviderServices } from '../services.js';
import { MEMORY_WRITABLE, putResourceSetting } from '../system-virtualization/rasd-put.js';
import { classSpec } from '../class-spec.js';
import { guestByUuid, guests, hostOfVm, instanceId, localId } from '../ids.js';
import { CIMV2 } from '../instances.js';
import { parsePoint, pointIds, pointProperties, type PointName } from './capability-points.js';
import { ResourceType } from './pool-specs.js';
import { isActive, MEMORY_POOL, metricsOf, poolId } from './resources.js';
import { MEMORY_UNITS, mibDown, mibUp } from './units.js';

export const MEMORY_RASD_CLASS = 'Xen_MemorySettingData';
/** No lower bound is given: xapi enforces only the order of the four memory limits. */
export const MEMORY_POINTS: readonly PointName[] = ['Default', 'Maximum', 'Increment'];
/** What DefineSystem gives a new VM that names no memory. */
const DEFAULT_MIB = 1024;

const SUFFIX = '/Memory';

export function memorySettingsId(vmUuid: string): string {
  return vmUuid + SUFFIX;
}

function vmOf(id: string): string | undefined {
  const uuid = id.endsWith(SUFFIX) ? id.slice(0, -SUFFIX.length) : undefined;
  return uuid !== undefined && uuid !== '' && !uuid.includes('/') ? uuid : undefined;
}

export function memorySettingsSpec(model: XenModel, services: ProviderServices) {
  return classSpec<XenRecord>({
    className: MEMORY_RASD_CLASS,
    namespace: CIMV2,
    dependsOn: ['VM', 'host'],
    ids: function* () {
      for (const [uuid] of guests(model)) yield memorySettingsId(uuid);
      yield* pointIds(model, MEMORY_POOL, MEMORY_POINTS);
    },
    source: (id) => {
      const vm = vmOf(id);
      if (vm !== undefined) return guestByUuid(model, vm);
      const p = parsePoint(MEMORY_POOL, MEMORY_POINTS, id);
      return p === undefined ? undefined : model.byUuid('host', p.host);
    },
    // a guest's Actual comes from its metrics, a pool maximum from the host's
    extraDeps: (r) => [model.get('VM_metrics', str(r, 'metrics')), model.get('host_metrics', str(r, 'metrics'))],
    keys: (id) => [{ name: 'InstanceID', value: instanceId(id) }],
    idFromKeys: (k) => localId(k.get('instanceid')),
    writable: MEMORY_WRITABLE,
    modify: putResourceSetting(model, services, MEMORY_RASD_CLASS, undefined, ['Reservation', 'Limit']),
    properties: (id, record) => {
      const p = parsePoint(MEMORY_POOL, MEMORY_POINTS, id);
      return p === undefined ? guestProperties(model, record) : pointValues(model, p.pool, p.point, record);
    },
  });
}

function guestProperties(model: XenModel, vm: XenRecord): Record<string, CimValue> {
  const host = hostOfVm(model, vm);
  const metrics = isActive(vm) ? metricsOf(model, vm) : undefined;
  const actual = metrics ? int(metrics, 'memory_actual') : NaN;
  return {
    ElementName: 'Memory',
    Caption: 'Memory',
    ResourceType: ResourceType.Memory,
    PoolID: host === undefined ? null : poolId(MEMORY_POOL, host),
    ConsumerVisibility: 3 /* Virtualized */,
    AllocationUnits: MEMORY_UNITS,
    VirtualQuantity: mibUp(int(vm, 'memory_static_max')),
    Reservation: mibUp(int(vm, 'memory_dynamic_min')),
    Limit: mibUp(int(vm, 'memory_dynamic_max')),
    AutomaticAllocation: true,
    AutomaticDeallocation: true,
    StaticMinimum: mibUp(int(vm, 'memory_static_min')),
    Target: mibUp(int(vm, 'memory_target')),
    // 0 while xapi has not reported the new domain's memory yet: unknown rather than none
    Actual: actual > 0 ? mibUp(actual) : null,
  };
}

function pointValues(model: XenModel, pool: string, point: PointName, host: XenRecord): Record<string, CimValue> {
  // A VM larger than the host's memory can never start (HOST_NOT_ENOUGH_FREE_MEMORY).
  const metrics = model.get('host_metrics', str(host, 'metrics'));
  const mib = point === 'Maximum' ? (metrics ? mibDown(int(metrics, 'memory_total')) : null) : point === 'Default' ? DEFAULT_MIB : 1;
  return {
    ...pointProperties(pool, point, 'Memory'),
    ResourceType: ResourceType.Memory,
    AllocationUnits: MEMORY_UNITS,
    VirtualQuantity: mib,
    Reservation: mib,
    Limit: mib,
  };
}
