// The resource pools contract (DSP1041, DSP1043). Every profile that serves a resource pool
// class declares its pools as a PoolKind in its ProfileParts (`pools`); the resource-allocation
// part, built once from all of them, then serves for every pool:
//   - one Xen_AllocationCapabilities instance (the only spec of that class), with
//     InstanceID `Xen:<pool id>/Capabilities`;
//   - the Xen_ElementCapabilities row pool (ManagedElement) → capabilities (Capabilities);
//   - the DSP1041 central instance (ElementConformsToProfile to the pool) and the DSP1043 one
//     (to the capabilities).
// A contributing profile therefore serves only its pool class itself, its HostedResourcePool,
// ResourceAllocationFromPool and ElementAllocatedFromPool rows and its own profile's central
// instances (DSP1047 / DSP1050 / …); it must not declare DSP1041 or DSP1043 central instances,
// nor another spec of Xen_AllocationCapabilities. To add Default/Minimum/Maximum/Increment
// settings (Xen_SettingsDefineCapabilities), it adds rows whose GroupComponent end is
// ALLOCATION_CAPABILITIES_CLASS with the id `capabilitiesIdOf(poolId)`.
import type { XenClass } from '../xenapi/model.js';
import type { AssociationEnd } from '../cim/provider.js';
import type { Pair } from './association-table.js';
import { CIMV2 } from './instances.js';
import type { AssociationContribution } from './profile.js';

export const ALLOCATION_CAPABILITIES_CLASS = 'Xen_AllocationCapabilities';

/** CIM_AllocationCapabilities.RequestTypesSupported */
export const RequestTypes = { AllocationSettingsOnly: 2, SpecificResourcesOnly: 3, Both: 4 } as const;
/** CIM_AllocationCapabilities.SharingMode */
export const SharingMode = { Dedicated: 2, Shared: 3 } as const;
/** CIM_AllocationCapabilities.SupportedAddStates / SupportedRemoveStates: states of the virtual system */
export const AllocationState = { Enabled: 2, Disabled: 3, Offline: 6 } as const;

/** What DSP1043 says about allocating from one pool. */
export interface PoolAllocation {
  readonly elementName: string;
  readonly resourceType: number;
  readonly resourceSubType?: string;
  readonly requestTypesSupported: number;
  readonly sharingMode: number;
  /** virtual system states in which a resource of this kind can be added / removed */
  readonly supportedAddStates: readonly number[];
  readonly supportedRemoveStates: readonly number[];
  /** why the states are what they are (XenAPI's power state rules), for operators */
  readonly description?: string;
}

/** The pools of one concrete Xen_ pool class, as a profile contributes them. */
export interface PoolKind {
  /** the concrete pool class, served by the contributing profile's own spec */
  readonly poolClass: string;
  /** defaults to root/cimv2 */
  readonly namespace?: string;
  readonly dependsOn: readonly XenClass[];
  /**
   * Ids of the pools, in a stable order: the ids the pool class spec uses. They must not
   * collide with another kind's ids (start them with the kind, e.g. `ProcessorPool/<host uuid>`),
   * and are best equal to the local part of the pool's InstanceID.
   */
  ids(): Iterable<string>;
  /** the record a pool is derived from (its instances are memoized on it), or undefined when gone */
  source(id: string): object | undefined;
  allocation(id: string, source: object): PoolAllocation;
}

const SUFFIX = '/Capabilities';

/** The Xen_AllocationCapabilities id (= InstanceID local part) of a pool. */
export function capabilitiesIdOf(poolId: string): string {
  return poolId + SUFFIX;
}

/** The pool id a capabilities id stands for, or undefined when it is not one. */
export function poolIdOfCapabilities(id: string): string | undefined {
  return id.endsWith(SUFFIX) && id.length > SUFFIX.length ? id.slice(0, -SUFFIX.length) : undefined;
}

/** The ends of Xen_SettingsDefineCapabilities: a pool's capabilities and a setting of `settingsClass`. */
export function settingsDefineCapabilitiesEnds(settingsClass: string): readonly [AssociationEnd, AssociationEnd] {
  return [
    { role: 'GroupComponent', namespace: CIMV2, className: ALLOCATION_CAPABILITIES_CLASS },
    { role: 'PartComponent', namespace: CIMV2, className: settingsClass },
  ];
}

/**
 * Xen_SettingsDefineCapabilities from each pool's capabilities to its Default setting (DSP1043:
 * ValueRole 0 Default, ValueRange 0 Point), for pools whose only point is the Default.
 * `defaults` lists [pool id, setting id].
 */
export function defaultSettingLinks(settingsClass: string, dependsOn: readonly XenClass[], defaults: () => readonly (readonly [string, string])[]): AssociationContribution {
  return {
    association: 'Xen_SettingsDefineCapabilities',
    row: {
      ends: settingsDefineCapabilitiesEnds(settingsClass),
      dependsOn,
      pairs: () => defaults().map(([pool, setting]): Pair => [capabilitiesIdOf(pool), setting]),
      properties: () => ({ PropertyPolicy: 0 /* Independent */, ValueRole: 0 /* Default */, ValueRange: 0 /* Point */ }),
    },
  };
}

export function poolNamespace(kind: PoolKind): string {
  return kind.namespace ?? CIMV2;
}
