// Child process: the ceiling for this stack on this machine. A bare Fastify route that reads
// the SOAP body as a string and answers a stored response, set by the parent before each
// measurement to the exact bytes the gateway answered for that operation.
import Fastify from 'fastify';
import { ready, serve } from './ipc.js';

const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024, keepAliveTimeout: 65_000 });
app.addContentTypeParser(['application/soap+xml', 'text/xml'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
let stored = '';
app.post('/wsman', async (_req, reply) => reply.header('Content-Type', 'application/soap+xml;charset=UTF-8').send(stored));
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
serve({
  store: (body) => {
    stored = String(body);
    return Buffer.byteLength(stored);
  },
  close: async () => {
    await app.close();
    setImmediate(() => process.exit(0));
  },
});
ready({ endpoint: `http://127.0.0.1:${port}/wsman` });
