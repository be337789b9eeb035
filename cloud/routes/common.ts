/**
 * What the route modules share: ownership checks (a user reaches only their own devices; an
 * admin reaches all), the common schemas, and error bodies for the OpenAPI document.
 * @module
 */
import { ApiError, type Ctx } from '../http.ts';
import type { Principal } from '../jwt.ts';
import type { Schema } from '../schema.ts';

export const uuid: Schema = { type: 'string', format: 'uuid' };
export const deviceParam = { device_id: uuid } as const;

export const errorSchema: Schema = {
  type: 'object',
  description: 'RFC 7807 problem details (application/problem+json) with this API\'s members',
  properties: {
    type: { type: 'string', description: 'https://keytwin.dev/problems/<error>' },
    title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, instance: { type: 'string' },
    error: { type: 'string', description: 'stable error code: validation, unauthorized, forbidden, not_found, conflict, rate_limited, ...' },
    message: { type: 'string' },
    field: { type: 'string', description: 'path of the offending field, e.g. records[3].meta.rssi' },
    expected: { type: 'string' },
    got: { type: 'string' },
    request_id: { type: 'string' },
  },
  required: ['error', 'message', 'request_id'],
};

export function principal(ctx: Ctx): Principal {
  if (!ctx.principal) throw new ApiError(401, 'unauthorized', 'a bearer token is required');
  return ctx.principal;
}

/** 403 unless the caller is an admin or the device's owner. */
export function assertOwner(ctx: Ctx, deviceId: string, ownerId: string, field = 'device_id'): void {
  const p = principal(ctx);
  if (p.role === 'admin' || p.sub === ownerId) return;
  throw new ApiError(403, 'forbidden', `device ${deviceId} belongs to another user`, { field, expected: 'a device of the token\'s user', got: deviceId });
}

/** Database errors that are the client's fault, as 409; everything else propagates (500). */
export function conflictFrom(err: unknown): never {
  const e = err as Error & { cause?: { code?: string } };
  if (e.cause?.code === '23505' || /duplicate key/.test(e.message)) throw new ApiError(409, 'conflict', e.message);
  throw err;
}
