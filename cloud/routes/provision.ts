/**
 * `POST /api/v1/provision`: registers a keychain (its public ML-DSA key, optionally its ML-KEM
 * key, and the secure element's certificate) for a user, through the registry's
 * `provisionDevice` inside one transaction with the lifecycle record and the audit row. A device
 * id that exists is re-keyed only if the statechart accepts a registration in its state
 * (suspended); active and revoked records refuse it.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { provisionDevice } from '../../store/index.ts';
import { KEMS, mlkemByPublicKeyLength, SIGS } from '../../firmware/index.ts';
import { audit } from '../audit.ts';
import { mldsaName } from '../attestation.ts';
import { ApiError, badField, bytesOf, type Ctx, type Reply, type Route } from '../http.ts';
import { newRecord, refused, saveRecord, step, type PersistedRecord } from '../lifecycle.ts';
import type { Schema, ValidationProblem } from '../schema.ts';
import { engineOf } from '../tx-engine.ts';
import { assertOwner, conflictFrom, errorSchema, principal, uuid } from './common.ts';

const MAX_CERT_BYTES = 4096;

/** [1312, 1952, 2592] → '1312, 1952 or 2592'. */
const orList = (xs: readonly number[]) => `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`;

const body: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['device_type', 'device_model', 'public_keys', 'se_certificate'],
  properties: {
    device_id: { ...uuid, description: 'the keychain\'s id; generated when absent' } as Schema,
    user_id: { ...uuid, description: 'owner; required for admins, must be the token\'s user otherwise' } as Schema,
    user: {
      type: 'object', additionalProperties: false, required: ['name'],
      description: 'created with the device when the user does not exist yet',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 200 },
        phone: { type: 'string', pattern: '^\\+?[0-9 ]{5,20}$' },
        email: { type: 'string', maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' },
      },
    },
    device_type: { type: 'string', minLength: 1, maxLength: 64 },
    device_model: { type: 'string', minLength: 1, maxLength: 64 },
    public_keys: {
      type: 'object', additionalProperties: false, required: ['mldsa'],
      properties: {
        mldsa: { type: 'string', format: 'byte', description: `ML-DSA-44/65/87 public key (${[SIGS.mldsa44, SIGS.mldsa65, SIGS.mldsa87].map((x) => x.publicKey).join('/')} bytes), base64` },
        mlkem: { type: 'string', format: 'byte', description: `ML-KEM-512/768/1024 public key (${Object.values(KEMS).map((x) => x.publicKey).join('/')} bytes), base64` },
      },
    },
    se_certificate: { type: 'string', format: 'byte', minLength: 4, description: `secure element certificate (DER), base64, at most ${MAX_CERT_BYTES} bytes` },
    policy: { type: 'object', properties: {}, description: 'the first policy (JSON object)' },
  },
};

interface ProvisionBody {
  device_id?: string;
  user_id?: string;
  user?: { name: string; phone?: string; email?: string };
  device_type: string;
  device_model: string;
  public_keys: { mldsa: string; mlkem?: string };
  se_certificate: string;
  policy?: Record<string, unknown>;
}

/** Whether the registration's keys and certificate are what a keychain registers. */
function registrationProblem(mldsa: Uint8Array, mlkem: Uint8Array | null, cert: Uint8Array): ValidationProblem | null {
  if (mldsaName(mldsa) === null) return { field: 'public_keys.mldsa', expected: `an ML-DSA public key of ${orList([SIGS.mldsa44, SIGS.mldsa65, SIGS.mldsa87].map((x) => x.publicKey))} bytes`, got: `${mldsa.length} bytes` };
  if (mlkem && !mlkemByPublicKeyLength(mlkem.length)) return { field: 'public_keys.mlkem', expected: `an ML-KEM public key of ${orList(Object.values(KEMS).map((x) => x.publicKey))} bytes`, got: `${mlkem.length} bytes` };
  if (cert.length > MAX_CERT_BYTES) return { field: 'se_certificate', expected: `at most ${MAX_CERT_BYTES} bytes`, got: `${cert.length} bytes` };
  if (cert[0] !== 0x30) return { field: 'se_certificate', expected: 'a DER certificate (a SEQUENCE, first byte 0x30)', got: `first byte 0x${cert[0]!.toString(16).padStart(2, '0')}` };
  return null;
}

async function handle(ctx: Ctx): Promise<Reply> {
  const p = principal(ctx);
  const b = ctx.body as ProvisionBody;
  if (p.role === 'admin' && !b.user_id) throw badField('user_id', 'the owner\'s UUID (required when an admin provisions)', 'nothing');
  if (p.role === 'user' && b.user_id !== undefined && b.user_id !== p.sub) {
    throw new ApiError(403, 'forbidden', 'a user provisions devices only for themselves', { field: 'user_id', expected: p.sub, got: b.user_id });
  }
  const userId = p.role === 'admin' ? b.user_id! : p.sub;
  const deviceId = b.device_id ?? randomUUID();
  ctx.limitDevices([deviceId]);
  const mldsa = bytesOf(b.public_keys.mldsa);
  const mlkem = b.public_keys.mlkem ? bytesOf(b.public_keys.mlkem) : null;
  const cert = bytesOf(b.se_certificate);
  const problem = registrationProblem(mldsa, mlkem, cert);
  const event = { type: 'provision.requested', registration: problem ? 'invalid' : 'valid', by: p.role === 'admin' ? 'admin' : 'owner' } as const;
  const { engine, now } = ctx.deps;
  const at = now();

  return engine.transaction(async (tx) => {
    const existing = await tx.query<{ user_id: string; snapshot: PersistedRecord }>(
      'SELECT d.user_id, c.snapshot FROM cloud_devices c JOIN devices d USING (device_id) WHERE c.device_id = $1 FOR UPDATE OF c', [deviceId]);
    const row = existing.rows[0];
    if (row) assertOwner(ctx, deviceId, row.user_id);
    const s = step(row ? row.snapshot : newRecord(ctx.deps.machineInput), event);
    const entry = { requestId: ctx.requestId, principal: p, deviceId, atMs: at };
    if (s.actions.includes('recordRegistrationRejected')) {
      // Nothing is registered, but the attempt is on record (commits with the audit row only).
      await audit(tx, { ...entry, deviceId: row ? deviceId : null, action: 'device.provision', outcome: 'rejected', detail: { ...problem, device_id: deviceId } });
      return { status: 422, body: { error: 'invalid_registration', message: `${problem!.field}: expected ${problem!.expected}, got ${problem!.got}`, ...problem, request_id: ctx.requestId } };
    }
    if (s.actions.includes('recordRekeyRefused')) {
      // The statechart keeps the record suspended: its reason is not one this caller may lift.
      const reason = s.record.context.suspension ?? 'unrecorded';
      throw new ApiError(403, 'forbidden', `device ${deviceId} is suspended (reason: ${reason}); only an admin may lift that suspension (reinstate, or re-key as admin)`,
        { field: 'device_id', expected: 'a device suspended for tamper (the owner may re-key it)', got: `suspended (reason: ${reason})` });
    }
    if (!s.actions.includes('recordProvisioned')) throw refused(deviceId, s.state, 'a registration');
    if (row) {
      // Re-keyed after tamper or key loss: the suspended record returns to active with new keys.
      await tx.query(`UPDATE devices SET public_pq_key = $2, se_certificate = $3, device_type = $4, device_model = $5, provisioning_date = $6 WHERE device_id = $1`,
        [deviceId, Buffer.from(mldsa), Buffer.from(cert), b.device_type, b.device_model, new Date(at)]);
      await tx.query('UPDATE cloud_devices SET kem_public_key = $2 WHERE device_id = $1', [deviceId, mlkem ? Buffer.from(mlkem) : null]);
      await saveRecord(tx, deviceId, s, at);
      await audit(tx, { ...entry, action: 'device.rekey', outcome: 'ok', detail: { alg: mldsaName(mldsa) } });
      return { status: 200, body: { device_id: deviceId, user_id: row.user_id, state: s.state, rekeyed: true, signature_alg: mldsaName(mldsa), policy_version: null } };
    }
    await tx.query('INSERT INTO users (user_id, name, phone, email, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO NOTHING',
      [userId, b.user?.name ?? `user ${userId.slice(0, 8)}`, b.user?.phone ?? null, b.user?.email ?? null, new Date(at)]).catch(conflictFrom);
    const done = await provisionDevice(engineOf(tx, engine), {
      user: { userId }, deviceId, deviceType: b.device_type, deviceModel: b.device_model,
      publicPqKey: mldsa, seCertificate: cert, at: new Date(at), ...(b.policy ? { policy: b.policy } : {}),
    }).catch(conflictFrom);
    await tx.query('INSERT INTO cloud_devices (device_id, state, snapshot, kem_public_key, updated_at) VALUES ($1, $2, $3, $4, $5)',
      [deviceId, s.state, JSON.stringify(s.record), mlkem ? Buffer.from(mlkem) : null, new Date(at)]);
    await audit(tx, { ...entry, action: 'device.provision', outcome: 'ok', detail: { user_id: userId, alg: mldsaName(mldsa), model: b.device_model } });
    return {
      status: 201,
      body: { device_id: deviceId, user_id: userId, state: s.state, rekeyed: false, signature_alg: mldsaName(mldsa), policy_version: done.policyId ? 1 : null },
    };
  });
}

const provisioned: Schema = {
  type: 'object',
  required: ['device_id', 'user_id', 'state', 'rekeyed', 'signature_alg'],
  properties: {
    device_id: uuid, user_id: uuid, state: { type: 'string', enum: ['active'] }, rekeyed: { type: 'boolean' },
    signature_alg: { type: 'string', enum: ['ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87'] },
    policy_version: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }], description: 'null when no policy was given' },
  },
};

export const provisionRoute: Route = {
  method: 'POST',
  path: '/api/v1/provision',
  operationId: 'provisionDevice',
  summary: 'Register a keychain (public PQ keys + SE certificate) for a user; re-keys a suspended one',
  auth: ['user', 'admin'],
  body,
  responses: {
    201: { description: 'registered', schema: provisioned },
    200: { description: 'a suspended device re-keyed and active again', schema: provisioned },
    400: { description: 'malformed request (field named)', schema: errorSchema },
    403: { description: 'the device or user_id belongs to another user, or the device is suspended for a reason only an admin may lift (audited)', schema: errorSchema },
    409: { description: 'the device is active or revoked (the statechart refuses a registration), or a duplicate', schema: errorSchema },
    422: { description: 'the keys or certificate are not a keychain\'s (field named); attempt audited', schema: errorSchema },
  },
  handle,
};
