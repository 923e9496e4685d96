// Child process: the embedded XenAPI simulator with N VMs, counting the calls it serves.
import { ready, serve } from './ipc.js';
import { loadSimulator } from './product.js';

const vms = Number(process.argv[2] ?? 10_000);
const { startSimulator } = await loadSimulator();
const sim = await startSimulator({ vms, port: 0 });
serve({
  calls: () => sim.callCounts(),
  resetCalls: () => sim.resetCallCounts(),
  close: async () => {
    await sim.close();
    setImmediate(() => process.exit(0));
  },
});
ready({ url: sim.url });
