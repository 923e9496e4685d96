// Resource settings (RASDs) as the management methods read them (DSP1041): what kind of
// resource each one describes, amounts in their AllocationUnits, and the checked plans for
// processors and memory. Every check here runs before the first XenAPI write.
import type { InstanceLike } from '../../cim/types.js';
import type { XenModel } from '../../xenapi/model.js';
import { int, map, str, type XenRecord } from '../../xenapi/values.js';
import { DEFAULT_WEIGHT } from '../processor-memory/processor-settings.js';
import { boolOf, invalidParameter, numberOf, textOf } from './management-methods-common.js';

export type RasdKind = 'processor' | 'memory' | 'disk' | 'cd' | 'nic';

export interface Rasd {
  readonly kind: RasdKind;
  readonly inst: InstanceLike;
  /** how messages name it: "ResourceSettings[2] (Xen_DiskSettingData)" */
  readonly label: string;
}

/** CIM ResourceType → what the host allocates for it. */
const KIND_OF_TYPE: Readonly<Record<number, RasdKind>> = {
  3: 'processor',
  4: 'memory',
  15: 'cd', // CD drive
  16: 'cd', // DVD drive
  17: 'disk', // Disk drive
  19: 'disk', // Storage extent (Xen-CIM's disks)
  31: 'disk', // Logical disk (what Xen_DiskSettingData reports)
  10: 'nic', // Ethernet adapter
  33: 'nic', // Ethernet connection (what Xen_NetworkPortSettingData reports)
};

/** RASD classes that say by themselves what they describe (the first kind is the default). */
const KINDS_OF_CLASS: Readonly<Record<string, readonly RasdKind[]>> = {
  xen_processorsettingdata: ['processor'],
  xen_memorysettingdata: ['memory'],
  xen_disksettingdata: ['disk', 'cd'],
  cim_storageallocationsettingdata: ['disk', 'cd'],
  xen_networkportsettingdata: ['nic'],
  cim_ethernetportallocationsettingdata: ['nic'],
};

/**
 * What a RASD describes: its ResourceType, which its class must allow; without one, what its
 * class says, or `implied` (the kind of the setting its InstanceID names, for modifications).
 */
export function classifyRasd(inst: InstanceLike, index: number, implied?: RasdKind): Rasd {
  const label = `ResourceSettings[${index}] (${inst.className})`;
  const type = numberOf(inst, 'ResourceType');
  const allowed = KINDS_OF_CLASS[inst.className.toLowerCase()];
  if (type === undefined) {
    const kind = implied !== undefined && (!allowed || allowed.includes(implied)) ? implied : allowed?.[0];
    if (kind === undefined) throw invalidParameter(`${label} needs a ResourceType.`);
    return { kind, inst, label };
  }
  const kind = KIND_OF_TYPE[type];
  if (kind === undefined) throw invalidParameter(`${label}: ResourceType ${type} is not one this host allocates (3, 4, 15, 16, 17, 19, 31, 10, 33).`);
  if (allowed && !allowed.includes(kind)) throw invalidParameter(`${label}: ${inst.className} cannot describe ResourceType ${type}.`);
  return { kind, inst, label };
}

// ---- units -------------------------------------------------------------------------------

const POWERS: Readonly<Record<string, number>> = {
  byte: 0, bytes: 0, kb: 10, kib: 10, kilobytes: 10, mb: 20, mib: 20, megabytes: 20, gb: 30, gib: 30, gigabytes: 30, tb: 40, tib: 40, terabytes: 40,
};

/** Bytes per unit of a DSP0004 programmatic unit ("byte*2^20") or a common name ("MB"); `fallback` when absent. */
export function bytesPerUnit(units: string | undefined, fallback: number, label: string): number {
  if (units === undefined) return fallback;
  const s = units.replace(/\s+/g, '').toLowerCase();
  const power = /^bytes?\*2\^(\d{1,2})$/.exec(s)?.[1];
  const p = power !== undefined ? Number(power) : POWERS[s];
  if (p === undefined || p > 50) throw invalidParameter(`${label}: AllocationUnits "${units}" is not an amount of bytes.`);
  return 2 ** p;
}

/**
 * An amount property in bytes, or undefined when absent. `current` (bytes) is kept when the
 * value is the one this gateway shows for it: the current amount rounded up in the unit it is
 * shown in (`shownUnit`), as a client sends back what it read. In any other unit the value is
 * taken as it is: 2 GiB asked of a 1.5 GiB VM is 2 GiB, not "about the same".
 */
export function bytesOf(inst: InstanceLike, name: string, unit: number, label: string, current?: number, shownUnit = unit): number | undefined {
  const n = numberOf(inst, name);
  if (n === undefined) return undefined;
  if (n < 0) throw invalidParameter(`${label}: ${name} cannot be negative.`);
  if (current !== undefined && Number.isFinite(current) && unit === shownUnit && Math.ceil(current / unit) === n) return current;
  const bytes = n * unit;
  if (!Number.isSafeInteger(bytes)) throw invalidParameter(`${label}: ${name} is too large.`);
  return bytes;
}

// ---- processors ----------------------------------------------------------------------------

export interface VcpuSettings {
  readonly max: number;
  readonly atStartup: number;
  /** VCPUs_params: weight and cap (absent keys are not set) */
  readonly params: Readonly<Record<string, string>>;
}

export function vcpusOf(vm: XenRecord): VcpuSettings {
  return { max: int(vm, 'VCPUs_max'), atStartup: int(vm, 'VCPUs_at_startup'), params: map(vm, 'VCPUs_params') };
}

/** How many physical CPUs the host has (a VM cannot start with more vCPUs: HOST_NOT_ENOUGH_PCPUS). */
export function hostCpuCount(model: XenModel, hostRef: string | undefined): number {
  let n = 0;
  for (const cpu of model.all('host_cpu').values()) if (hostRef === undefined || str(cpu, 'host') === hostRef) n++;
  return n;
}

/**
 * The vCPU settings after a processor RASD: VirtualQuantity is VCPUs_max, Reservation
 * VCPUs_at_startup (when not given, it moves with VirtualQuantity if it was equal to it), Weight the scheduler
 * weight and Limit its cap (0: uncapped). Checked against xapi's rules and the host's CPUs.
 */
export function applyProcessor(base: VcpuSettings, rasd: Rasd, pcpus: number): VcpuSettings {
  const { inst, label } = rasd;
  const units = textOf(inst, 'AllocationUnits');
  if (units !== undefined && !/^(count|processors?|cpus?)$/i.test(units.trim())) throw invalidParameter(`${label}: AllocationUnits of processors is "count".`);
  const quantity = numberOf(inst, 'VirtualQuantity');
  const reservation = numberOf(inst, 'Reservation');
  const weight = numberOf(inst, 'Weight');
  const limit = numberOf(inst, 'Limit');
  const max = quantity ?? base.max;
  // vCPUs present at start-up follow VCPUs_max when they were all of them.
  const atStartup = reservation ?? (base.atStartup === base.max ? max : Math.min(base.atStartup, max));
  if (!(max >= 1)) throw invalidParameter(`${label}: VirtualQuantity must be at least 1.`);
  if (pcpus > 0 && max > pcpus) throw invalidParameter(`${label}: VirtualQuantity ${max} is more than the host's ${pcpus} CPUs.`);
  if (!(atStartup >= 1 && atStartup <= max)) throw invalidParameter(`${label}: Reservation must be between 1 and VirtualQuantity (${max}).`);
  const params: Record<string, string> = { ...base.params };
  // The weight shown when none is set is the scheduler's default: sending it back changes nothing.
  if (weight !== undefined && !(weight === DEFAULT_WEIGHT && base.params['weight'] === undefined)) {
    if (weight < 1 || weight > 65535) throw invalidParameter(`${label}: Weight must be between 1 and 65535.`);
    params['weight'] = String(weight);
  }
  if (limit !== undefined) {
    if (limit > 100 * max) throw invalidParameter(`${label}: Limit is a percentage of one CPU, at most ${100 * max} for ${max} vCPUs.`);
    if (limit === 0) delete params['cap'];
    else params['cap'] = String(limit);
  }
  return { max, atStartup, params };
}

// ---- memory --------------------------------------------------------------------------------

export interface MemoryLimits {
  readonly staticMin: number;
  readonly staticMax: number;
  readonly dynamicMin: number;
  readonly dynamicMax: number;
}

export function memoryOf(vm: XenRecord): MemoryLimits {
  return {
    staticMin: int(vm, 'memory_static_min'),
    staticMax: int(vm, 'memory_static_max'),
    dynamicMin: int(vm, 'memory_dynamic_min'),
    dynamicMax: int(vm, 'memory_dynamic_max'),
  };
}

const MIB = 2 ** 20;

/**
 * The memory limits after a memory RASD (MiB unless AllocationUnits says otherwise):
 * VirtualQuantity is static_max, Limit dynamic_max, Reservation dynamic_min, and (on
 * Xen_MemorySettingData) StaticMinimum static_min. A value not given keeps its current one,
 * except that a dynamic limit that was equal to the one above it moves with it, so "give the
 * VM 2048 MiB" moves a fixed-size VM as a whole. The result must keep xapi's order
 * static_min <= dynamic_min <= dynamic_max <= static_max.
 */
export function applyMemory(base: MemoryLimits, rasd: Rasd): MemoryLimits {
  const { inst, label } = rasd;
  const unit = bytesPerUnit(textOf(inst, 'AllocationUnits'), MIB, label);
  // Memory is shown in MiB (Xen_MemorySettingData AllocationUnits byte*2^20).
  const staticMax = bytesOf(inst, 'VirtualQuantity', unit, label, base.staticMax, MIB) ?? base.staticMax;
  const dynamicMax = bytesOf(inst, 'Limit', unit, label, base.dynamicMax, MIB) ?? (base.dynamicMax === base.staticMax ? staticMax : base.dynamicMax);
  const dynamicMin = bytesOf(inst, 'Reservation', unit, label, base.dynamicMin, MIB) ?? (base.dynamicMin === base.dynamicMax ? dynamicMax : base.dynamicMin);
  const staticMin = bytesOf(inst, 'StaticMinimum', unit, label, base.staticMin, MIB) ?? Math.min(base.staticMin, dynamicMin);
  if (!(staticMax > 0)) throw invalidParameter(`${label}: VirtualQuantity must be more than 0.`);
  if (!(staticMin <= dynamicMin && dynamicMin <= dynamicMax && dynamicMax <= staticMax)) {
    throw invalidParameter(`${label}: memory must satisfy StaticMinimum <= Reservation <= Limit <= VirtualQuantity.`);
  }
  return { staticMin, staticMax, dynamicMin, dynamicMax };
}

export function sameLimits(a: MemoryLimits, b: MemoryLimits): boolean {
  return a.staticMin === b.staticMin && a.staticMax === b.staticMax && a.dynamicMin === b.dynamicMin && a.dynamicMax === b.dynamicMax;
}

/** The four limits as set_memory_limits takes them (ints travel as decimal strings). */
export function limitParams(l: MemoryLimits): string[] {
  return [String(l.staticMin), String(l.staticMax), String(l.dynamicMin), String(l.dynamicMax)];
}

/** Bootable as given, else `fallback`. */
export function bootableOf(rasd: Rasd, fallback: boolean): boolean {
  return boolOf(rasd.inst, 'Bootable') ?? fallback;
}
