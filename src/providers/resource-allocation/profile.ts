// DSP1041 Resource Allocation and DSP1043 Allocation Capabilities, over the pools every
// profile contributes (pools.ts): the allocation capabilities of each pool, the
// ElementCapabilities row that ties them, and the central instances of both profiles
// (DSP1041: the pools; DSP1043: the capabilities). Built by the catalog after the other
// profiles, from their `pools`.
import { CIMV2 } from '../instances.js';
import type { AssociationContribution, CentralInstances, ProfileParts } from '../profile.js';
import { ALLOCATION_CAPABILITIES_CLASS, capabilitiesIdOf, poolNamespace, type PoolKind } from '../pools.js';
import { allocationCapabilitiesSpec } from './allocation-capabilities.js';

export function resourceAllocation(kinds: readonly PoolKind[]): ProfileParts {
  const capabilitiesEnd = (role: string) => ({ role, namespace: CIMV2, className: ALLOCATION_CAPABILITIES_CLASS });
  const links: AssociationContribution[] = kinds.map((kind) => ({
    association: 'Xen_ElementCapabilities',
    row: {
      ends: [{ role: 'ManagedElement', namespace: poolNamespace(kind), className: kind.poolClass }, capabilitiesEnd('Capabilities')],
      dependsOn: kind.dependsOn,
      pairs: function* () {
        for (const id of kind.ids()) yield [id, capabilitiesIdOf(id)] as const;
      },
    },
  }));
  const central: CentralInstances[] = kinds.map((kind) => ({
    profile: 'DSP1041',
    end: { role: 'ManagedElement', namespace: poolNamespace(kind), className: kind.poolClass },
    dependsOn: kind.dependsOn,
    ids: () => kind.ids(),
  }));
  if (kinds.length > 0) {
    central.push({
      profile: 'DSP1043',
      end: capabilitiesEnd('ManagedElement'),
      dependsOn: [...new Set(kinds.flatMap((k) => k.dependsOn))],
      ids: function* () {
        for (const kind of kinds) for (const id of kind.ids()) yield capabilitiesIdOf(id);
      },
    });
  }
  return {
    name: 'resource-allocation',
    specs: kinds.length > 0 ? [allocationCapabilitiesSpec(kinds)] : [],
    links,
    central,
  };
}
