/**
 * The OpenAPI 3.1 document, generated from the route table: paths, operations, roles (as the
 * bearer scheme plus `x-roles`), path/query parameters and request/response schemas are the same
 * objects the dispatcher validates with, so the document is the service by construction.
 * @module
 */
import type { Route } from './http.ts';
import type { Schema } from './schema.ts';

export const API_VERSION = '1.0.0';

export function openApiDocument(routes: readonly Route[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const parameters = [
      ...Object.entries(r.params ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
      ...Object.entries(r.query?.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: (r.query?.required ?? []).includes(name), schema })),
    ];
    const responses: Record<string, unknown> = Object.fromEntries(Object.entries(r.responses).map(([code, d]) => [code, {
      description: d.description,
      ...(d.schema ? { content: { 'application/json': { schema: d.schema } } } : {}),
    }]));
    if (r.auth !== 'public') {
      responses['401'] ??= { description: 'missing, malformed, expired or forged bearer token', content: { 'application/json': { schema: errorRef } } };
      responses['403'] ??= { description: `the token's role is not ${r.auth.join(' or ')}`, content: { 'application/json': { schema: errorRef } } };
    }
    responses['429'] = { description: 'rate limited (token bucket per principal, and per device); see Retry-After', content: { 'application/json': { schema: errorRef } } };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = {
      operationId: r.operationId,
      summary: r.summary,
      ...(r.auth === 'public' ? { security: [] } : { security: [{ bearer: [] }], 'x-roles': [...r.auth] }),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
      responses,
    };
  }
  paths['/api/v1/openapi.json'] = {
    get: { operationId: 'openApi', summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } } },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'keytwin reference cloud API',
      version: API_VERSION,
      description: 'Provisioning, attestation, telemetry, OTA and policy for quantum-resilient keychains. Tokens: short-lived HS256 JWTs (role user: the app; role admin: operators).',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}

const errorRef = { $ref: '#/components/schemas/Error' };
const errorSchema: Schema = {
  type: 'object',
  required: ['error', 'message', 'request_id'],
  properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, instance: { type: 'string' }, error: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' }, expected: { type: 'string' }, got: { type: 'string' }, request_id: { type: 'string' } },
};
