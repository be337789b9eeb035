/**
 * A device's record (`GET /api/v1/devices/{device_id}`) and the lifecycle commands: admins
 * suspend, reinstate and revoke; the owner's app reports tamper. Each is one statechart event;
 * the machine decides whether it applies (409 otherwise), and a revocation also closes the
 * current policy through the registry's `revokeDevice`.
 * @module
 */
import { revokeDevice } from '../../store/index.ts';
import type { CloudEvent } from '../../models/cloud/index.ts';
import type { Role } from '../jwt.ts';
import { audit } from '../audit.ts';
import { mldsaName } from '../attestation.ts';
import type { Ctx, Reply, Route } from '../http.ts';
import { lockDevice, refused, region, saveRecord, step } from '../lifecycle.ts';
import type { Schema } from '../schema.ts';
import { engineOf } from '../tx-engine.ts';
import { assertOwner, deviceParam, errorSchema, principal, uuid } from './common.ts';

const record: Schema = {
  type: 'object',
  required: ['device_id', 'user_id', 'state'],
  properties: {
    device_id: uuid, user_id: uuid, device_type: { type: 'string' }, device_model: { type: 'string' },
    state: { type: 'string', enum: ['active', 'suspended', 'revoked'] },
    attestation: { anyOf: [{ type: 'string', enum: ['idle', 'challenged'] }, { type: 'null' }] },
    policy_delivery: { anyOf: [{ type: 'string', enum: ['current', 'pending'] }, { type: 'null' }] },
    attest_failures: { type: 'integer', minimum: 0 },
    suspension: { type: 'string', enum: ['none', 'tamper', 'admin', 'forged', 'replayed'], description: 'why the device is suspended: tamper (the owner may re-key), admin/forged/replayed (an admin lifts it)' },
    signature_alg: { type: 'string' },
    provisioned_at: { type: 'string', format: 'date-time' },
  },
};

async function show(ctx: Ctx): Promise<Reply> {
  const deviceId = ctx.params.device_id!;
  return ctx.deps.engine.transaction(async (tx) => {
    const dev = await lockDevice(tx, deviceId);
    assertOwner(ctx, deviceId, dev.userId);
    const d = (await tx.query<{ device_type: string; device_model: string; public_pq_key: Buffer; provisioning_date: Date }>(
      'SELECT device_type, device_model, public_pq_key, provisioning_date FROM devices WHERE device_id = $1', [deviceId])).rows[0]!;
    return {
      status: 200,
      body: {
        device_id: deviceId, user_id: dev.userId, device_type: d.device_type, device_model: d.device_model, state: dev.state,
        attestation: region(dev.record, 'attestation'), policy_delivery: region(dev.record, 'policy'),
        attest_failures: dev.record.context.attestFailures,
        // Records persisted before reasons existed count as admin holds (the machine's rule).
        suspension: dev.state === 'suspended' ? (dev.record.context.suspension ?? 'admin') : 'none',
        signature_alg: mldsaName(new Uint8Array(d.public_pq_key)),
        provisioned_at: d.provisioning_date.toISOString(),
      },
    };
  });
}

function command(name: string, event: CloudEvent, fired: string, auth: readonly Role[], summary: string): Route {
  return {
    method: 'POST',
    path: `/api/v1/devices/{device_id}/${name}`,
    operationId: `${name}Device`,
    summary,
    auth,
    params: deviceParam,
    responses: {
      200: { description: 'applied', schema: { type: 'object', required: ['device_id', 'state'], properties: { device_id: uuid, state: { type: 'string' } } } },
      404: { description: 'unknown device', schema: errorSchema },
      409: { description: 'the statechart does not take this event in the device\'s state', schema: errorSchema },
    },
    async handle(ctx) {
      const deviceId = ctx.params.device_id!;
      const { engine, now } = ctx.deps;
      return engine.transaction(async (tx) => {
        const dev = await lockDevice(tx, deviceId);
        assertOwner(ctx, deviceId, dev.userId);
        const s = step(dev.record, event);
        if (!s.actions.includes(fired)) throw refused(deviceId, s.state, `'${event.type}'`);
        const at = now();
        if (s.actions.includes('recordRevoked')) await revokeDevice(engineOf(tx, engine), deviceId, new Date(at));
        await saveRecord(tx, deviceId, s, at);
        await audit(tx, { requestId: ctx.requestId, principal: principal(ctx), action: `device.${name}`, outcome: 'ok', deviceId, atMs: at, detail: { from: dev.state, to: s.state } });
        return { status: 200, body: { device_id: deviceId, state: s.state } };
      });
    },
  };
}

export const getDeviceRoute: Route = {
  method: 'GET',
  path: '/api/v1/devices/{device_id}',
  operationId: 'getDevice',
  summary: 'A device\'s lifecycle record (its owner or an admin)',
  auth: ['user', 'admin'],
  params: deviceParam,
  responses: { 200: { description: 'the record', schema: record }, 404: { description: 'unknown device', schema: errorSchema } },
  handle: show,
};

export const deviceCommandRoutes: readonly Route[] = [
  command('suspend', { type: 'admin.suspend' }, 'recordSuspended', ['admin'], 'Suspend an active device (admins only)'),
  command('reinstate', { type: 'admin.reinstate' }, 'recordReinstated', ['admin'], 'Reinstate a suspended device (admins only)'),
  command('revoke', { type: 'admin.revoke' }, 'recordRevoked', ['admin'], 'Revoke a device for good; closes its policy (admins only)'),
  command('tamper', { type: 'tamper.reported' }, 'recordSuspended', ['user', 'admin'], 'Report tamper (the owner\'s app): the device is suspended until re-keyed'),
];
