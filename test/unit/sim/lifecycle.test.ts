import t from 'tap';
import { powerOperation } from '../../../src/sim/lifecycle.js';
import { seedFixture } from '../../../src/sim/seed.js';
import { Store } from '../../../src/sim/store.js';
import { XenFailure } from '../../../src/sim/errors.js';

t.test('starting a VM that does not fit fails with HOST_NOT_ENOUGH_FREE_MEMORY and changes nothing', async (t) => {
  const store = new Store();
  const world = seedFixture(store, 5);
  const ref = world.guests[2] ?? '';
  t.equal(store.get('VM', ref)?.name_label, 'build-agent');
  const free = store.get('host_metrics', world.hostMetrics)?.memory_free ?? '';
  store.updateSilently('VM', ref, { memory_target: String(512 * 1024 ** 3) });
  const gen = store.generation;
  let caught: unknown;
  try {
    powerOperation(world, ref, 'start');
  } catch (err) {
    caught = err;
  }
  t.ok(caught instanceof XenFailure);
  t.equal((caught as XenFailure).code, 'HOST_NOT_ENOUGH_FREE_MEMORY');
  t.same((caught as XenFailure).params, [String(512 * 1024 ** 3 + Number(store.get('VM', ref)?.memory_overhead)), free]);
  t.equal(store.get('VM', ref)?.power_state, 'Halted');
  t.equal(store.generation, gen, 'no commit');
});

t.test('memory_free follows starts and stops', async (t) => {
  const store = new Store();
  const world = seedFixture(store, 5);
  const hm = (): number => Number(store.get('host_metrics', world.hostMetrics)?.memory_free);
  const ref = world.guests[0] ?? '';
  const vm = store.get('VM', ref);
  const footprint = Number(vm?.memory_target) + Number(vm?.memory_overhead);
  const before = hm();
  powerOperation(world, ref, 'hard_shutdown');
  t.equal(hm(), before + footprint);
  powerOperation(world, ref, 'start', { startPaused: false });
  t.equal(hm(), before);
});
