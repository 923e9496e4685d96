// Child process: the gateway as `npm start` builds it, reporting how long it took to become
// ready and, on request, its memory after a full collection (run with --expose-gc).
import { ready, serve } from './ipc.js';
import { loadApp, loadConfigModule } from './product.js';

const started = performance.now();
const { createGateway } = await loadApp();
const { loadConfig } = await loadConfigModule();
const xapiUrl = process.argv[2];
if (xapiUrl === undefined) throw new Error('usage: gateway-host <xapi-url>');
// Metrics polls are off so that the XenAPI calls counted during reads are the reads' own.
const config = loadConfig(['--http-port', '0', '--https-port', 'off', '--metrics-interval', '0', '--max-contexts-per-user', '100000', '--max-contexts', '100000'], {});
const gateway = await createGateway({ ...config, xapiUrl }, { logger: false });
await gateway.app.listen({ host: '127.0.0.1', port: 0 });
const startupMs = performance.now() - started;
const address = gateway.app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;

const gc = (globalThis as { gc?: () => void }).gc;
serve({
  memory: () => {
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    return { heapUsed: m.heapUsed, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers, maxRss: process.resourceUsage().maxRSS * 1024, gc: gc !== undefined };
  },
  contexts: () => gateway.contexts.size,
  close: async () => {
    await gateway.close();
    setImmediate(() => process.exit(0));
  },
});
ready({ endpoint: `http://127.0.0.1:${port}/wsman`, startupMs });
