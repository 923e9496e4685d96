// DSP1043 ranges as setting data: per pool, RASD instances that give the least, the most and
// the step of what the pool allocates, tied to the pool's allocation capabilities by
// Xen_SettingsDefineCapabilities (ValueRole 3 Supported, ValueRange 1/2/3). Their ids are
// `<pool id>/<point>`, e.g. `ProcessorPool/<host uuid>/Maximum`.
import type { CimValue } from '../../cim/types.js';
import type { XenModel } from '../../xenapi/model.js';
import type { AssociationContribution } from '../profile.js';
import { capabilitiesIdOf, settingsDefineCapabilitiesEnds } from '../pools.js';
import { hosts } from '../ids.js';
import { hostOfPool, poolId, type MEMORY_POOL, type PROCESSOR_POOL } from './resources.js';

/** ValueRange of each point; the Default is a point (0) whose ValueRole is Default (0), the others are Supported (3). */
export const POINTS = { Default: 0, Minimum: 1, Maximum: 2, Increment: 3 } as const;
export type PointName = keyof typeof POINTS;

type PoolKindName = typeof PROCESSOR_POOL | typeof MEMORY_POOL;

export interface PointId {
  readonly host: string;
  readonly point: PointName;
  readonly pool: string;
}

/** `<kind>/<host uuid>/<point>` → its parts, or undefined when not one of `points`. */
export function parsePoint(kind: PoolKindName, points: readonly PointName[], id: string): PointId | undefined {
  const cut = id.lastIndexOf('/');
  const pool = id.slice(0, cut);
  const point = points.find((p) => p === id.slice(cut + 1));
  const host = cut > 0 ? hostOfPool(kind, pool) : undefined;
  return host !== undefined && point !== undefined ? { host, point, pool } : undefined;
}

export function* pointIds(model: XenModel, kind: PoolKindName, points: readonly PointName[]): Generator<string> {
  for (const [uuid] of hosts(model)) for (const p of points) yield `${poolId(kind, uuid)}/${p}`;
}

/** Common properties of a range RASD. */
export function pointProperties(pool: string, point: PointName, what: string): Record<string, CimValue> {
  return {
    ElementName: `${what} ${point.toLowerCase()}`,
    Caption: point === 'Default' ? `The ${what.toLowerCase()} settings a new virtual system gets when it names none` : `${point} of the ${what.toLowerCase()} settings the pool allows`,
    PoolID: pool,
  };
}

/** Xen_SettingsDefineCapabilities from the pool's capabilities to each range RASD. */
export function pointLinks(model: XenModel, kind: PoolKindName, settingsClass: string, points: readonly PointName[]): AssociationContribution {
  return {
    association: 'Xen_SettingsDefineCapabilities',
    row: {
      ends: settingsDefineCapabilitiesEnds(settingsClass),
      dependsOn: ['host'],
      pairs: function* () {
        for (const [uuid] of hosts(model)) {
          const pool = poolId(kind, uuid);
          for (const p of points) yield [capabilitiesIdOf(pool), `${pool}/${p}`] as const;
        }
      },
      properties: (_a, b) => {
        const point = parsePoint(kind, points, b)?.point ?? 'Minimum';
        return {
          PropertyPolicy: 0 /* Independent */,
          ValueRole: point === 'Default' ? 0 /* Default */ : 3 /* Supported */,
          ValueRange: POINTS[point],
        };
      },
    },
  };
}
