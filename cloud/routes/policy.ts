/**
 * Policies. `POST /api/v1/policy/{device_id}` (admins only) publishes a new version: the
 * statechart must fire `pushPolicy` (it does only for an active device), then the registry's
 * `changePolicy` closes the current row and inserts the next version — one transaction with the
 * snapshot and the audit row. `GET` reads the current version; `POST .../ack` is the device
 * (through its owner's app) acknowledging the version it applied.
 * @module
 */
import { changePolicy } from '../../store/index.ts';
import { audit } from '../audit.ts';
import { ApiError, type Ctx, type Reply, type Route } from '../http.ts';
import { lockDevice, refused, region, saveRecord, step } from '../lifecycle.ts';
import type { Queryable } from '../../store/index.ts';
import type { Schema } from '../schema.ts';
import { engineOf } from '../tx-engine.ts';
import { assertOwner, deviceParam, errorSchema, principal, uuid } from './common.ts';

interface Current {
  policy_id: string;
  policy_json: Record<string, unknown>;
  effective_from: Date;
  version: number;
}

async function current(q: Queryable, deviceId: string): Promise<Current | null> {
  const r = await q.query<Current>(
    `SELECT policy_id, policy_json, effective_from, (SELECT count(*)::int FROM policies WHERE device_id = $1) AS version
     FROM policies WHERE device_id = $1 AND effective_to IS NULL`, [deviceId]);
  return r.rows[0] ?? null;
}

async function push(ctx: Ctx): Promise<Reply> {
  const deviceId = ctx.params.device_id!;
  const { policy } = ctx.body as { policy: Record<string, unknown> };
  const { engine, now } = ctx.deps;
  return engine.transaction(async (tx) => {
    const dev = await lockDevice(tx, deviceId);
    ctx.limitDevices([deviceId]);
    const s = step(dev.record, { type: 'policy.published' });
    if (!s.actions.includes('pushPolicy')) throw refused(deviceId, s.state, 'a policy');
    const at = now();
    const v = await changePolicy(engineOf(tx, engine), deviceId, policy, new Date(at));
    await saveRecord(tx, deviceId, s, at);
    await audit(tx, { requestId: ctx.requestId, principal: principal(ctx), action: 'policy.push', outcome: 'ok', deviceId, atMs: at, detail: { version: v.version, policy_id: v.policyId } });
    return { status: 200, body: { device_id: deviceId, policy_id: v.policyId, version: v.version, delivery: region(s.record, 'policy') } };
  });
}

async function read(ctx: Ctx): Promise<Reply> {
  const deviceId = ctx.params.device_id!;
  const { engine } = ctx.deps;
  return engine.transaction(async (tx) => {
    const dev = await lockDevice(tx, deviceId);
    assertOwner(ctx, deviceId, dev.userId);
    const c = await current(tx, deviceId);
    if (!c) throw new ApiError(404, 'not_found', `device ${deviceId} has no current policy`);
    return { status: 200, body: { device_id: deviceId, policy_id: c.policy_id, version: c.version, policy: c.policy_json, effective_from: c.effective_from.toISOString(), delivery: region(dev.record, 'policy') } };
  });
}

async function ack(ctx: Ctx): Promise<Reply> {
  const deviceId = ctx.params.device_id!;
  const { version } = ctx.body as { version: number };
  const { engine, now } = ctx.deps;
  return engine.transaction(async (tx) => {
    const dev = await lockDevice(tx, deviceId);
    assertOwner(ctx, deviceId, dev.userId);
    ctx.limitDevices([deviceId]);
    const c = await current(tx, deviceId);
    if (!c || c.version !== version) {
      throw new ApiError(409, 'conflict', `version ${version} is not the current policy of device ${deviceId} (current: ${c?.version ?? 'none'})`, { field: 'version', expected: String(c?.version ?? 'none'), got: String(version) });
    }
    const s = step(dev.record, { type: 'policy.acked' });
    if (!s.actions.includes('recordPolicyAcked')) throw refused(deviceId, `${s.state} with no policy pending`, 'a policy acknowledgement');
    const at = now();
    await saveRecord(tx, deviceId, s, at);
    await audit(tx, { requestId: ctx.requestId, principal: principal(ctx), action: 'policy.ack', outcome: 'ok', deviceId, atMs: at, detail: { version } });
    return { status: 200, body: { device_id: deviceId, version, delivery: region(s.record, 'policy') } };
  });
}

const delivery: Schema = { anyOf: [{ type: 'string', enum: ['current', 'pending'] }, { type: 'null' }], description: 'the statechart\'s policy region: pending until the device acknowledges' };
const pushed: Schema = { type: 'object', required: ['device_id', 'policy_id', 'version', 'delivery'], properties: { device_id: uuid, policy_id: uuid, version: { type: 'integer', minimum: 1 }, delivery } };

export const pushPolicyRoute: Route = {
  method: 'POST',
  path: '/api/v1/policy/{device_id}',
  operationId: 'pushPolicy',
  summary: 'Publish the next policy version of a device (admins only; transactional, versioned, audited)',
  auth: ['admin'],
  params: deviceParam,
  body: { type: 'object', additionalProperties: false, required: ['policy'], properties: { policy: { type: 'object', properties: {}, description: 'the policy document (JSON object)' } } },
  responses: {
    200: { description: 'published; delivery is pending until acknowledged', schema: pushed },
    404: { description: 'unknown device', schema: errorSchema },
    409: { description: 'the device is suspended or revoked: the statechart does not accept a policy', schema: errorSchema },
  },
  handle: push,
};

export const getPolicyRoute: Route = {
  method: 'GET',
  path: '/api/v1/policy/{device_id}',
  operationId: 'getPolicy',
  summary: 'The device\'s current policy and its version',
  auth: ['user', 'admin'],
  params: deviceParam,
  responses: {
    200: {
      description: 'current policy',
      schema: { type: 'object', required: ['device_id', 'policy_id', 'version', 'policy'], properties: { device_id: uuid, policy_id: uuid, version: { type: 'integer', minimum: 1 }, policy: { type: 'object', properties: {} }, effective_from: { type: 'string', format: 'date-time' }, delivery } },
    },
    404: { description: 'unknown device, or no policy', schema: errorSchema },
  },
  handle: read,
};

export const ackPolicyRoute: Route = {
  method: 'POST',
  path: '/api/v1/policy/{device_id}/ack',
  operationId: 'ackPolicy',
  summary: 'Acknowledge that the device applied the given (current) policy version',
  auth: ['user', 'admin'],
  params: deviceParam,
  body: { type: 'object', additionalProperties: false, required: ['version'], properties: { version: { type: 'integer', minimum: 1 } } },
  responses: {
    200: { description: 'acknowledged', schema: { type: 'object', required: ['device_id', 'version', 'delivery'], properties: { device_id: uuid, version: { type: 'integer' }, delivery } } },
    409: { description: 'not the current version, or nothing pending', schema: errorSchema },
  },
  handle: ack,
};
