// What the processor and memory classes share: pool ids, which guests have a domain, how many
// virtual CPUs a domain has now, and per-generation indexes of CPUs and vCPUs per host.
import type { XenModel } from '../../xenapi/model.js';
import { int, map, str, type XenRecord } from '../../xenapi/values.js';
import { guests, hostOfVm, hosts } from '../ids.js';
import { perGeneration } from '../memo.js';

export const PROCESSOR_POOL = 'ProcessorPool';
export const MEMORY_POOL = 'MemoryPool';

/** The pool id (InstanceID local part and PoolID) of a host's processor or memory pool. */
export function poolId(kind: typeof PROCESSOR_POOL | typeof MEMORY_POOL, hostUuid: string): string {
  return `${kind}/${hostUuid}`;
}

/** The host uuid of a pool id of this kind, or undefined. */
export function hostOfPool(kind: typeof PROCESSOR_POOL | typeof MEMORY_POOL, id: string): string | undefined {
  const prefix = `${kind}/`;
  const rest = id.startsWith(prefix) ? id.slice(prefix.length) : undefined;
  return rest !== undefined && rest !== '' && !rest.includes('/') ? rest : undefined;
}

/** A guest with a domain (Running or Paused) holds virtual CPUs and memory; others hold none. */
export function isActive(vm: XenRecord): boolean {
  const power = str(vm, 'power_state');
  return power === 'Running' || power === 'Paused';
}

export function metricsOf(model: XenModel, vm: XenRecord): XenRecord | undefined {
  return model.get('VM_metrics', str(vm, 'metrics'));
}

/**
 * Virtual CPUs of an active guest: VM_metrics VCPUs_number, or VCPUs_at_startup while xapi has
 * not reported metrics for the new domain yet (metrics change without events); 0 when inactive.
 */
export function liveVcpus(model: XenModel, vm: XenRecord): number {
  if (!isActive(vm)) return 0;
  const metrics = metricsOf(model, vm);
  const live = metrics ? int(metrics, 'VCPUs_number') : NaN;
  if (Number.isInteger(live) && live > 0) return live;
  const atStartup = int(vm, 'VCPUs_at_startup');
  return Number.isInteger(atStartup) && atStartup > 0 ? atStartup : 0;
}

/** Load of virtual CPU n in percent, from VM_metrics VCPUs_utilisation (a fraction), or null. */
export function vcpuLoad(metrics: XenRecord | undefined, n: number): number | null {
  const raw = metrics ? map(metrics, 'VCPUs_utilisation')[String(n)] : undefined;
  const v = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(v) ? Math.min(100, Math.max(0, Math.round(v * 100))) : null;
}

export interface ResourceIndex {
  /** host_cpu records per host ref, ordered by number */
  readonly cpusByHost: () => ReadonlyMap<string, readonly XenRecord[]>;
  /** virtual CPUs of the active guests per host uuid */
  readonly vcpusByHost: () => ReadonlyMap<string, number>;
  /** [vm uuid, record] of guests with a domain, in uuid order */
  readonly activeGuests: () => readonly (readonly [string, XenRecord])[];
}

export function resourceIndex(model: XenModel): ResourceIndex {
  return {
    cpusByHost: perGeneration(model, ['host_cpu'], () => {
      const out = new Map<string, XenRecord[]>();
      for (const cpu of model.all('host_cpu').values()) {
        const host = str(cpu, 'host');
        const list = out.get(host);
        if (list) list.push(cpu);
        else out.set(host, [cpu]);
      }
      for (const list of out.values()) list.sort((a, b) => int(a, 'number') - int(b, 'number'));
      return out;
    }),
    vcpusByHost: perGeneration(model, ['VM', 'VM_metrics', 'host', 'pool'], () => {
      const out = new Map<string, number>(hosts(model).map(([uuid]) => [uuid, 0]));
      for (const [, vm] of guests(model)) {
        const host = hostOfVm(model, vm);
        const n = liveVcpus(model, vm);
        if (host !== undefined && n > 0) out.set(host, (out.get(host) ?? 0) + n);
      }
      return out;
    }),
    activeGuests: perGeneration(model, ['VM'], () => [...guests(model)].filter(([, vm]) => isActive(vm))),
  };
}
