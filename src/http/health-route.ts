// GET /health: liveness and readiness for load balancers and container health checks.
// Ready means the model is current; a stale model still serves last-known data.
import type { FastifyInstance } from 'fastify';

export interface ModelStatus {
  readonly state: 'loading' | 'live' | 'stale';
  readonly generation: number;
  readonly lastSync: number;
}

export function registerHealthRoute(app: FastifyInstance, model: ModelStatus): void {
  app.get('/health', async (_req, reply) => {
    const ready = model.state === 'live';
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ok' : 'degraded',
      model: model.state,
      generation: model.generation,
      lastSync: model.lastSync ? new Date(model.lastSync).toISOString() : null,
    });
  });
}
