// DSP1045 device: the memory of each guest with a domain (Xen_Memory, a CIM_Memory extent of
// 1-byte blocks). Like virtual CPUs, it exists while the VM has a domain (Running or Paused).
import type { XenModel } from '../../xenapi/model.js';
import { int, str, type XenRecord } from '../../xenapi/values.js';
import { classSpec } from '../class-spec.js';
import { deviceKeys, guestByUuid, instanceId, localId, VM_CLASS } from '../ids.js';
import { CIMV2 } from '../instances.js';
import { powerStateProperties } from '../power-state.js';
import { isActive, metricsOf, type ResourceIndex } from './resources.js';

export const MEMORY_CLASS = 'Xen_Memory';
const SUFFIX = '/Memory';

/** Bytes the domain has: memory_actual, or memory_static_max until xapi reports it. */
export function domainBytes(model: XenModel, vm: XenRecord): number | null {
  const metrics = metricsOf(model, vm);
  const actual = metrics ? int(metrics, 'memory_actual') : NaN;
  if (Number.isFinite(actual) && actual > 0) return actual;
  const max = int(vm, 'memory_static_max');
  return Number.isFinite(max) && max >= 0 ? max : null;
}

export function memorySpec(model: XenModel, index: ResourceIndex) {
  return classSpec<XenRecord>({
    className: MEMORY_CLASS,
    namespace: CIMV2,
    dependsOn: ['VM'],
    ids: () => index.activeGuests().map(([uuid]) => uuid),
    source: (uuid) => {
      const vm = guestByUuid(model, uuid);
      return vm && isActive(vm) ? vm : undefined;
    },
    extraDeps: (vm) => [metricsOf(model, vm)],
    keys: (uuid) => deviceKeys(VM_CLASS, uuid, MEMORY_CLASS, instanceId(uuid + SUFFIX)),
    idFromKeys: (k) => {
      const local = localId(k.get('deviceid'));
      const uuid = local?.endsWith(SUFFIX) ? local.slice(0, -SUFFIX.length) : undefined;
      return uuid !== undefined && uuid !== '' && !uuid.includes('/') ? uuid : undefined;
    },
    properties: (_uuid, vm) => {
      const power = str(vm, 'power_state');
      const bytes = domainBytes(model, vm);
      return {
        ElementName: 'Memory',
        Caption: 'Virtual machine memory',
        ...powerStateProperties(power),
        BlockSize: 1,
        NumberOfBlocks: bytes,
        ConsumableBlocks: bytes,
        Volatile: true,
      };
    },
  });
}
