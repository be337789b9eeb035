/**
 * `GET /api/v1/health`: liveness plus a one-row database round trip (the trivial endpoint the
 * benchmark's wrk baseline hits).
 * @module
 */
import type { Route } from '../http.ts';

export const healthRoute: Route = {
  method: 'GET',
  path: '/api/v1/health',
  operationId: 'health',
  summary: 'Liveness: the service answers and its database does',
  auth: 'public',
  responses: {
    200: {
      description: 'up',
      schema: { type: 'object', required: ['status', 'store', 'telemetry'], properties: { status: { type: 'string', enum: ['ok'] }, store: { type: 'string', enum: ['postgres', 'pglite'] }, telemetry: { type: 'boolean' } } },
    },
  },
  async handle(ctx) {
    await ctx.deps.engine.query('SELECT 1');
    return { status: 200, body: { status: 'ok', store: ctx.deps.engine.kind, telemetry: ctx.deps.influx !== null } };
  },
};
