// DSP1043: one Xen_AllocationCapabilities per resource pool, for every pool kind any profile
// contributes (pools.ts). The capabilities' id is the pool's id with "/Capabilities" appended.
import { classSpec } from '../class-spec.js';
import { instanceId, localId } from '../ids.js';
import { CIMV2 } from '../instances.js';
import { ALLOCATION_CAPABILITIES_CLASS, capabilitiesIdOf, poolIdOfCapabilities, type PoolKind } from '../pools.js';

interface Located {
  readonly kind: PoolKind;
  readonly poolId: string;
  readonly source: object;
}

/** The kind serving a pool id, with the pool's source; kinds have disjoint ids (pools.ts). */
export function locatePool(kinds: readonly PoolKind[], poolId: string): Located | undefined {
  for (const kind of kinds) {
    const source = kind.source(poolId);
    if (source !== undefined) return { kind, poolId, source };
  }
  return undefined;
}

export function allocationCapabilitiesSpec(kinds: readonly PoolKind[]) {
  const locate = (id: string): Located | undefined => {
    const poolId = poolIdOfCapabilities(id);
    return poolId === undefined ? undefined : locatePool(kinds, poolId);
  };
  return classSpec<object>({
    className: ALLOCATION_CAPABILITIES_CLASS,
    namespace: CIMV2,
    dependsOn: [...new Set(kinds.flatMap((k) => k.dependsOn))],
    ids: function* () {
      for (const kind of kinds) for (const poolId of kind.ids()) yield capabilitiesIdOf(poolId);
    },
    // The pool's own source record: the capabilities change exactly when the pool does.
    source: (id) => locate(id)?.source,
    keys: (id) => [{ name: 'InstanceID', value: instanceId(id) }],
    idFromKeys: (k) => localId(k.get('instanceid')),
    properties: (id, source) => {
      const found = locate(id);
      // source() just found it; a pool that vanished in between has no properties to show
      if (found === undefined) return {};
      const a = found.kind.allocation(found.poolId, source);
      return {
        ElementName: a.elementName,
        Description: a.description ?? null,
        ResourceType: a.resourceType,
        ResourceSubType: a.resourceSubType ?? null,
        RequestTypesSupported: a.requestTypesSupported,
        SharingMode: a.sharingMode,
        SupportedAddStates: [...a.supportedAddStates],
        SupportedRemoveStates: [...a.supportedRemoveStates],
      };
    },
  });
}
