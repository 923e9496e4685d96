// GET /health: liveness and readiness for load balancers and container health checks.
// 200 {status: "ok"} while the model follows XenAPI; 503 {status: "degraded"} with the reason
// while it is stale or not loaded yet (reads may still be served from last-known data: the
// report's `reads` says which). Unauthenticated, so it names no hosts and no error details.
import type { FastifyInstance } from 'fastify';
import { DEFAULT_STALE_SERVE_MS, ModelHealth, type ModelStatusView } from '../xenapi/model-health.js';

export function registerHealthRoute(app: FastifyInstance, source: ModelHealth | ModelStatusView): void {
  const health = source instanceof ModelHealth ? source : new ModelHealth(source, { staleServeMs: DEFAULT_STALE_SERVE_MS });
  app.get('/health', async (_req, reply) => {
    const report = health.report();
    return reply
      .code(report.status === 'ok' ? 200 : 503)
      .header('Cache-Control', 'no-store')
      .send(report);
  });
}
