/**
 * Attestation in two calls. `POST /api/v1/auth/challenge` asks the device's statechart for a
 * challenge (it refuses outside `active`); the nonce is single-use and expires after the
 * statechart's challenge TTL. `POST /api/v1/auth/verify` classifies the answer — replayed
 * (already answered or superseded), expired, forged (the ML-DSA signature does not verify against
 * the registered public key) or valid — burns the challenge whatever the outcome, and lets the
 * statechart decide: a forged answer suspends the device, three replays do too.
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { audit } from '../audit.ts';
import { mldsaName, NONCE_BYTES, verifyAttestation } from '../attestation.ts';
import { ApiError, b64, bytesOf, type Ctx, type Reply, type Route } from '../http.ts';
import type { Queryable } from '../../store/index.ts';
import { lockDevice, refused, saveRecord, step } from '../lifecycle.ts';
import type { Schema } from '../schema.ts';
import { assertOwner, errorSchema, principal, uuid } from './common.ts';

type Result = 'valid' | 'forged' | 'replayed' | 'expired';

async function publicKey(q: Queryable, deviceId: string): Promise<Uint8Array> {
  const r = await q.query<{ public_pq_key: Buffer }>('SELECT public_pq_key FROM devices WHERE device_id = $1', [deviceId]);
  return new Uint8Array(r.rows[0]!.public_pq_key);
}

async function challenge(ctx: Ctx): Promise<Reply> {
  const { device_id: deviceId } = ctx.body as { device_id: string };
  const { engine, now } = ctx.deps;
  return engine.transaction(async (tx) => {
    const dev = await lockDevice(tx, deviceId);
    assertOwner(ctx, deviceId, dev.userId);
    ctx.limitDevices([deviceId]);
    const s = step(dev.record, { type: 'attest.requested' });
    if (!s.actions.includes('issueChallenge')) throw refused(deviceId, s.state, 'an attestation challenge');
    const ttl = s.timers.find((t) => t.id.includes('challengeTtl'))?.delayMs;
    if (ttl === undefined) throw new Error('the cloud statechart issued a challenge without its TTL timer');
    const at = now();
    const challengeId = randomUUID();
    const nonce = randomBytes(NONCE_BYTES);
    // The statechart's re-entered `challenged` state drops the previous nonce: so does the table.
    await tx.query("UPDATE attest_challenges SET used_at = $2, outcome = 'superseded' WHERE device_id = $1 AND used_at IS NULL", [deviceId, new Date(at)]);
    await tx.query('INSERT INTO attest_challenges (challenge_id, device_id, nonce, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [challengeId, deviceId, nonce, new Date(at), new Date(at + ttl)]);
    await saveRecord(tx, deviceId, s, at);
    const alg = mldsaName(await publicKey(tx, deviceId));
    return {
      status: 201,
      body: {
        challenge_id: challengeId, device_id: deviceId, nonce: b64(nonce), alg, ttl_ms: ttl, expires_at: new Date(at + ttl).toISOString(),
        signed_message: 'utf8("keytwin/v1 attestation\\0") || device_id as 16 bytes || nonce',
      },
    };
  });
}

const FAILURE: Record<Exclude<Result, 'valid'>, { status: number; error: string; message: string }> = {
  forged: { status: 401, error: 'attestation_forged', message: 'the signature does not verify against the device\'s registered ML-DSA key' },
  replayed: { status: 409, error: 'attestation_replayed', message: 'this challenge was already answered or superseded (challenges are single-use)' },
  expired: { status: 410, error: 'attestation_expired', message: 'the challenge expired before it was answered' },
};

async function verify(ctx: Ctx): Promise<Reply> {
  const b = ctx.body as { device_id: string; challenge_id: string; signature: string };
  const { engine, now } = ctx.deps;
  const p = principal(ctx);
  return engine.transaction(async (tx) => {
    const dev = await lockDevice(tx, b.device_id);
    assertOwner(ctx, b.device_id, dev.userId);
    ctx.limitDevices([b.device_id]);
    const c = (await tx.query<{ nonce: Buffer; expires_at: Date; used_at: Date | null }>(
      'SELECT nonce, expires_at, used_at FROM attest_challenges WHERE challenge_id = $1 AND device_id = $2 FOR UPDATE', [b.challenge_id, b.device_id])).rows[0];
    if (!c) throw new ApiError(404, 'not_found', `challenge ${b.challenge_id} was not issued to device ${b.device_id}`, { field: 'challenge_id', expected: 'a challenge issued to this device', got: b.challenge_id });
    const at = now();
    const key = await publicKey(tx, b.device_id);
    const result: Result = c.used_at !== null ? 'replayed'
      : at > c.expires_at.getTime() ? 'expired'
        : verifyAttestation(key, b.device_id, new Uint8Array(c.nonce), bytesOf(b.signature)) ? 'valid' : 'forged';
    if (c.used_at === null) await tx.query('UPDATE attest_challenges SET used_at = $2, outcome = $3 WHERE challenge_id = $1', [b.challenge_id, new Date(at), result]);
    const s = step(dev.record, { type: 'attest.response', result });
    if (s.changed) await saveRecord(tx, b.device_id, s, at);
    const attested = result === 'valid' && s.actions.includes('recordAttested');
    await audit(tx, {
      requestId: ctx.requestId, principal: p, action: 'device.attest', outcome: attested ? 'ok' : 'rejected', deviceId: b.device_id, atMs: at,
      detail: { result, challenge_id: b.challenge_id, state: s.state, actions: s.actions },
    });
    const state = { state: s.state, attest_failures: s.record.context.attestFailures };
    if (attested) return { status: 200, body: { result, device_id: b.device_id, ...state } };
    if (result === 'valid') throw refused(b.device_id, s.state, 'an attestation response');
    const f = FAILURE[result];
    return { status: f.status, body: { error: f.error, message: f.message, result, device_id: b.device_id, ...state, request_id: ctx.requestId } };
  });
}

const deviceBody: Schema = { type: 'object', additionalProperties: false, required: ['device_id'], properties: { device_id: uuid } };
const verifyBody: Schema = {
  type: 'object', additionalProperties: false, required: ['device_id', 'challenge_id', 'signature'],
  properties: {
    device_id: uuid, challenge_id: uuid,
    signature: { type: 'string', format: 'byte', maxLength: 8192, description: 'the device\'s ML-DSA signature over the signed message, base64' },
  },
};
const stateProps = { state: { type: 'string' }, attest_failures: { type: 'integer', minimum: 0 } } as const;
const failure: Schema = { type: 'object', required: ['error', 'result', 'state'], properties: { error: { type: 'string' }, message: { type: 'string' }, result: { type: 'string', enum: ['forged', 'replayed', 'expired'] }, device_id: uuid, ...stateProps } };

export const challengeRoute: Route = {
  method: 'POST',
  path: '/api/v1/auth/challenge',
  operationId: 'issueChallenge',
  summary: 'Issue a single-use attestation challenge (32-byte nonce) to an active device',
  auth: ['user', 'admin'],
  body: deviceBody,
  responses: {
    201: {
      description: 'challenge issued; a newer one supersedes it',
      schema: {
        type: 'object', required: ['challenge_id', 'device_id', 'nonce', 'alg', 'ttl_ms', 'expires_at'],
        properties: {
          challenge_id: uuid, device_id: uuid, nonce: { type: 'string', format: 'byte' }, alg: { type: 'string' }, ttl_ms: { type: 'integer' },
          expires_at: { type: 'string', format: 'date-time' }, signed_message: { type: 'string' },
        },
      },
    },
    404: { description: 'unknown device', schema: errorSchema },
    409: { description: 'the device is suspended or revoked', schema: errorSchema },
  },
  handle: challenge,
};

export const verifyRoute: Route = {
  method: 'POST',
  path: '/api/v1/auth/verify',
  operationId: 'verifyAttestation',
  summary: 'Answer a challenge with the device\'s ML-DSA signature; forged answers suspend the device',
  auth: ['user', 'admin'],
  body: verifyBody,
  responses: {
    200: { description: 'attested', schema: { type: 'object', required: ['result', 'state'], properties: { result: { type: 'string', enum: ['valid'] }, device_id: uuid, ...stateProps } } },
    401: { description: 'forged: the signature does not verify (the device is suspended)', schema: failure },
    404: { description: 'unknown device, or a challenge not issued to it', schema: errorSchema },
    409: { description: 'replayed: the challenge was already answered or superseded; or the device is no longer active', schema: failure },
    410: { description: 'expired', schema: failure },
  },
  handle: verify,
};

