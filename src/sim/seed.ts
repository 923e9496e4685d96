// Seeds a store with the default fixture in one transaction (generation 1), so a token ""
// event.from returns exactly one `add` per object.
import { HOST_MEMORY_OVERHEAD, seedInfra } from './seed-infra.js';
import { bytes, GiB, linkAll, newSeedContext } from './seed-context.js';
import { seedDom0, seedGuests, seedSnapshot, seedTemplates } from './seed-vms.js';
import type { Store } from './store.js';

export interface World {
  readonly store: Store;
  readonly pool: string;
  readonly host: string;
  readonly hostMetrics: string;
  readonly srLocal: string;
  readonly dom0: string;
  /** Guests in seed order: the named five first, then generated ones. */
  readonly guests: readonly string[];
  nextDomid: number;
}

const MIN_HOST_MEMORY = 128 * GiB;

/** Seeds `store` (which must be empty) with dom0, templates, a snapshot and `vms` guests. */
export function seedFixture(store: Store, vms: number): World {
  return store.load((tx) => {
    const infra = seedInfra(tx, MIN_HOST_MEMORY);
    const ctx = newSeedContext(store, tx, infra);
    const dom0 = seedDom0(ctx);
    seedTemplates(ctx);
    const guests = seedGuests(ctx, vms);
    const web01 = guests[0];
    if (web01 !== undefined) seedSnapshot(ctx, web01);
    linkAll(ctx);
    // A host with thousands of running guests gets enough RAM for them (rounded up to 64 GiB).
    const needed = (ctx.liveMemory + HOST_MEMORY_OVERHEAD) * 1.25;
    const total = Math.max(MIN_HOST_MEMORY, Math.ceil(needed / (64 * GiB)) * 64 * GiB);
    tx.update('host_metrics', infra.hostMetrics, {
      memory_total: bytes(total),
      memory_free: bytes(total - HOST_MEMORY_OVERHEAD - ctx.liveMemory),
    });
    return { store, pool: infra.pool, host: infra.host, hostMetrics: infra.hostMetrics, srLocal: infra.srLocal, dom0, guests, nextDomid: ctx.nextDomid };
  });
}
