/**
 * The fleet registry as the system runs it: provisioning a keychain (user, device, first
 * policy), changing its policy (a new version; the old row is closed, never overwritten) and
 * revoking it, each one ACID transaction. Only public keys and certificates are accepted: the
 * private keys stay in the secure element, and a key whose length is not a public key's length
 * is refused before it can reach the database.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { PQ_PUBLIC_KEY_LENGTHS } from '../firmware/index.ts';
import type { Engine, Tx } from './engine.ts';

/** Byte lengths of the public keys a keychain may register (FIPS 203 / FIPS 204 encodings). */
export const PUBLIC_KEY_LENGTHS = PQ_PUBLIC_KEY_LENGTHS;

export interface NewUser {
  name: string;
  phone?: string;
  email?: string;
}

export interface ProvisionInput {
  /** An existing user's id, or a new user to create in the same transaction. */
  user: { userId: string } | NewUser;
  deviceId?: string;
  deviceType: string;
  deviceModel: string;
  /** The device's public post-quantum key (ML-DSA or ML-KEM public key bytes), never a secret key. */
  publicPqKey: Uint8Array;
  /** The secure element's certificate (DER or the project's own encoding): public by nature. */
  seCertificate?: Uint8Array;
  /** The first policy; JSON object. */
  policy?: Record<string, unknown>;
  /** When it happened (simulated or real); defaults to the database's now(). */
  at?: Date;
}

export interface Provisioned {
  userId: string;
  deviceId: string;
  policyId: string | null;
}

export interface PolicyVersion {
  policyId: string;
  /** 1 for the first policy of the device, 2 after the first change, ... */
  version: number;
}

export async function provisionDevice(engine: Engine, input: ProvisionInput): Promise<Provisioned> {
  checkPublicKey(input.publicPqKey, 'publicPqKey');
  if (input.policy !== undefined) checkPolicy(input.policy);
  const deviceId = input.deviceId ?? randomUUID();
  return engine.transaction(async (tx) => {
    let userId: string;
    if ('userId' in input.user) {
      userId = input.user.userId;
      const found = await tx.query('SELECT 1 FROM users WHERE user_id = $1', [userId]);
      if (found.rows.length === 0) throw new Error(`provisionDevice: user ${userId} does not exist`);
    } else {
      userId = randomUUID();
      const u = input.user;
      await guard(`provisionDevice: user '${u.name}'`, () =>
        tx.query('INSERT INTO users (user_id, name, phone, email, created_at) VALUES ($1, $2, $3, $4, COALESCE($5, now()))',
          [userId, u.name, u.phone ?? null, u.email ?? null, input.at ?? null]));
    }
    await guard(`provisionDevice: device ${deviceId}`, () =>
      tx.query(
        `INSERT INTO devices (device_id, user_id, device_type, device_model, public_pq_key, se_certificate, provisioning_date, status)
         VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7, now()), 'active')`,
        [deviceId, userId, input.deviceType, input.deviceModel, bytes(input.publicPqKey), input.seCertificate ? bytes(input.seCertificate) : null, input.at ?? null]));
    let policyId: string | null = null;
    if (input.policy !== undefined) policyId = (await insertPolicy(tx, deviceId, input.policy, input.at)).policyId;
    return { userId, deviceId, policyId };
  });
}

/** Closes the device's current policy and makes `policy` the next version, atomically. */
export async function changePolicy(engine: Engine, deviceId: string, policy: Record<string, unknown>, at?: Date): Promise<PolicyVersion> {
  checkPolicy(policy);
  return engine.transaction(async (tx) => {
    const status = await lockDevice(tx, deviceId, 'changePolicy');
    if (status !== 'active') throw new Error(`changePolicy: device ${deviceId} is ${status}; a revoked device gets no new policy`);
    await guard(`changePolicy: device ${deviceId}`, () =>
      tx.query('UPDATE policies SET effective_to = COALESCE($2, now()) WHERE device_id = $1 AND effective_to IS NULL', [deviceId, at ?? null]));
    return insertPolicy(tx, deviceId, policy, at);
  });
}

/** Revokes a device and closes its current policy. Returns false when it was already revoked. */
export async function revokeDevice(engine: Engine, deviceId: string, at?: Date): Promise<boolean> {
  return engine.transaction(async (tx) => {
    const status = await lockDevice(tx, deviceId, 'revokeDevice');
    if (status === 'revoked') return false;
    await tx.query("UPDATE devices SET status = 'revoked' WHERE device_id = $1", [deviceId]);
    await guard(`revokeDevice: device ${deviceId}`, () =>
      tx.query('UPDATE policies SET effective_to = COALESCE($2, now()) WHERE device_id = $1 AND effective_to IS NULL', [deviceId, at ?? null]));
    return true;
  });
}

export interface PolicyRow {
  policyId: string;
  version: number;
  policy: Record<string, unknown>;
  effectiveFrom: Date;
  effectiveTo: Date | null;
}

/** Every policy the device has had, oldest first. */
export async function policyHistory(engine: Engine, deviceId: string): Promise<PolicyRow[]> {
  const res = await engine.query<{ policy_id: string; policy_json: Record<string, unknown>; effective_from: Date; effective_to: Date | null }>(
    'SELECT policy_id, policy_json, effective_from, effective_to FROM policies WHERE device_id = $1 ORDER BY effective_from, effective_to NULLS LAST',
    [deviceId]);
  return res.rows.map((r, i) => ({ policyId: r.policy_id, version: i + 1, policy: r.policy_json, effectiveFrom: r.effective_from, effectiveTo: r.effective_to }));
}

async function insertPolicy(tx: Tx, deviceId: string, policy: Record<string, unknown>, at: Date | undefined): Promise<PolicyVersion> {
  const policyId = randomUUID();
  await guard(`policy for device ${deviceId}`, () =>
    tx.query('INSERT INTO policies (policy_id, device_id, policy_json, effective_from) VALUES ($1, $2, $3, COALESCE($4, now()))',
      [policyId, deviceId, JSON.stringify(policy), at ?? null]));
  const n = await tx.query<{ n: unknown }>('SELECT count(*) AS n FROM policies WHERE device_id = $1', [deviceId]);
  return { policyId, version: Number(n.rows[0]?.n) };
}

async function lockDevice(tx: Tx, deviceId: string, op: string): Promise<string> {
  const res = await tx.query<{ status: string }>('SELECT status FROM devices WHERE device_id = $1 FOR UPDATE', [deviceId]);
  const row = res.rows[0];
  if (!row) throw new Error(`${op}: device ${deviceId} does not exist`);
  return row.status;
}

function checkPublicKey(key: Uint8Array, field: string): void {
  if (!(key instanceof Uint8Array)) throw new Error(`provisionDevice: ${field} must be a Uint8Array of public key bytes`);
  if (!(key.length in PUBLIC_KEY_LENGTHS)) {
    const valid = Object.entries(PUBLIC_KEY_LENGTHS).map(([n, name]) => `${n} (${name})`).join(', ');
    throw new Error(`provisionDevice: ${field} is ${key.length} bytes, which is not a public key length (expected one of ${valid}); only public keys may be stored, private keys never leave the secure element`);
  }
}

function checkPolicy(policy: unknown): void {
  if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) {
    throw new Error(`policy must be a JSON object, got ${Array.isArray(policy) ? 'an array' : typeof policy}`);
  }
}

function bytes(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** Re-throws a database error with what was being written, keeping the Postgres message. */
async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = err as Error & { code?: string; detail?: string };
    throw new Error(`${what}: ${e.message}${e.detail ? ` (${e.detail})` : ''}`, { cause: err });
  }
}
