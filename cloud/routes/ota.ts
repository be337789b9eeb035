/**
 * OTA. Admins publish a release (`POST /api/v1/ota/releases`): its manifest (model, version,
 * version_code, security_version for anti-rollback, image URL/size/SHA-256) is signed with the
 * server's ML-DSA-65 key once, as canonical JSON, and stored with the signature. Anti-rollback is
 * enforced at publication: version_code strictly increases per model and security_version never
 * decreases. Admins drive the rollout (`POST .../rollout`) through the `cloud.rollout`
 * statechart; `GET /api/v1/ota/latest?model=&device_id=` returns the newest release offered to
 * that device (complete rollouts, or the device's cohort in the current wave).
 * @module
 */
import { randomUUID } from 'node:crypto';
import { waveVerdict, type RolloutEvent } from '../../models/cloud/index.ts';
import { audit } from '../audit.ts';
import { canonicalJson } from '../canonical-json.ts';
import { ApiError, b64, badField, type Ctx, type Reply, type Route } from '../http.ts';
import { OTA_SIGNATURE_ALG } from '../ota-signing.ts';
import { newRollout, offered, stepRollout, type PersistedRollout } from '../rollout.ts';
import type { Schema } from '../schema.ts';
import { assertOwner, errorSchema, principal, uuid } from './common.ts';

const model: Schema = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' };

interface ReleaseBody {
  model: string;
  version: string;
  version_code: number;
  security_version: number;
  image: { url: string; sha256: string; size: number };
}

async function publish(ctx: Ctx): Promise<Reply> {
  const b = ctx.body as ReleaseBody;
  const { engine, now, ota } = ctx.deps;
  return engine.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`keytwin.ota:${b.model}`]);
    const last = (await tx.query<{ version_code: number; security_version: number; version: string }>(
      'SELECT version_code, security_version, version FROM ota_releases WHERE model = $1 ORDER BY version_code DESC LIMIT 1', [b.model])).rows[0];
    if (last && b.version_code <= last.version_code) {
      throw new ApiError(409, 'rollback_refused', `version_code must exceed ${last.version_code} (${last.version}), the latest release of ${b.model}`, { field: 'version_code', expected: `> ${last.version_code}`, got: String(b.version_code) });
    }
    if (last && b.security_version < last.security_version) {
      throw new ApiError(409, 'rollback_refused', `security_version may not decrease below ${last.security_version}`, { field: 'security_version', expected: `≥ ${last.security_version}`, got: String(b.security_version) });
    }
    const at = now();
    const releaseId = randomUUID();
    const manifest = {
      manifest_version: 1, release_id: releaseId, model: b.model, version: b.version, version_code: b.version_code,
      security_version: b.security_version, image: b.image, created_at: new Date(at).toISOString(), key_id: ota.keyId, alg: OTA_SIGNATURE_ALG,
    };
    const json = canonicalJson(manifest);
    const signature = ota.sign(new TextEncoder().encode(json));
    const r = newRollout();
    await tx.query(
      `INSERT INTO ota_releases (release_id, model, version, version_code, security_version, manifest, signature, key_id, rollout_state, rollout_snapshot, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [releaseId, b.model, b.version, b.version_code, b.security_version, json, Buffer.from(signature), ota.keyId, String(r.value), JSON.stringify(r), new Date(at)]);
    await audit(tx, { requestId: ctx.requestId, principal: principal(ctx), action: 'ota.release', outcome: 'ok', atMs: at, detail: { release_id: releaseId, model: b.model, version_code: b.version_code } });
    return { status: 201, body: { release_id: releaseId, manifest_json: json, signature: b64(signature), key_id: ota.keyId, alg: OTA_SIGNATURE_ALG, rollout: rolloutView(r) } };
  });
}

function rolloutView(r: PersistedRollout): { state: string; wave: number; halt_reason: string } {
  return { state: String(r.value), wave: r.context.wave, halt_reason: r.context.haltReason };
}

interface RolloutBody {
  action: 'start' | 'wave_completed' | 'resume' | 'cancel';
  failed?: number;
  total?: number;
  halt_rate?: number;
}

async function rollout(ctx: Ctx): Promise<Reply> {
  const releaseId = ctx.params.release_id!;
  const b = ctx.body as RolloutBody;
  let event: RolloutEvent;
  if (b.action === 'wave_completed') {
    if (b.total === undefined) throw badField('total', 'the number of devices in the wave (wave_completed)', 'nothing');
    if (b.failed === undefined) throw badField('failed', 'the number of failed updates in the wave (wave_completed)', 'nothing');
    if (b.failed > b.total) throw badField('failed', `at most total (${b.total})`, String(b.failed));
    event = { type: 'wave.completed', failureRate: waveVerdict(b.failed, b.total, b.halt_rate) };
  } else {
    event = { type: b.action === 'start' ? 'rollout.started' : b.action === 'resume' ? 'rollout.resumed' : 'rollout.cancelled' };
  }
  const { engine, now } = ctx.deps;
  return engine.transaction(async (tx) => {
    const row = (await tx.query<{ rollout_snapshot: PersistedRollout }>('SELECT rollout_snapshot FROM ota_releases WHERE release_id = $1 FOR UPDATE', [releaseId])).rows[0];
    if (!row) throw new ApiError(404, 'not_found', `release ${releaseId} does not exist`, { field: 'release_id', expected: 'a published release', got: releaseId });
    const s = stepRollout(row.rollout_snapshot, event);
    if (!s.changed) throw new ApiError(409, 'conflict', `the rollout is ${String(row.rollout_snapshot.value)}: the rollout statechart does not accept '${b.action}' there`);
    const at = now();
    await tx.query('UPDATE ota_releases SET rollout_state = $2, rollout_snapshot = $3 WHERE release_id = $1', [releaseId, s.state, JSON.stringify(s.rollout)]);
    await audit(tx, { requestId: ctx.requestId, principal: principal(ctx), action: 'ota.rollout', outcome: 'ok', atMs: at, detail: { release_id: releaseId, event, state: s.state, actions: s.actions } });
    return { status: 200, body: { release_id: releaseId, rollout: rolloutView(s.rollout), ...(event.type === 'wave.completed' ? { verdict: event.failureRate } : {}) } };
  });
}

async function latest(ctx: Ctx): Promise<Reply> {
  const m = ctx.query.get('model')!;
  const deviceId = ctx.query.get('device_id')?.toLowerCase() ?? null;
  const { engine } = ctx.deps;
  if (deviceId) {
    const d = (await engine.query<{ user_id: string; device_model: string }>('SELECT user_id, device_model FROM devices WHERE device_id = $1', [deviceId])).rows[0];
    if (!d) throw new ApiError(404, 'not_found', `device ${deviceId} is not registered`, { field: 'device_id', expected: 'a registered device', got: deviceId });
    assertOwner(ctx, deviceId, d.user_id);
  }
  const rows = (await engine.query<{ release_id: string; manifest: string; signature: Buffer; key_id: string; rollout_snapshot: PersistedRollout }>(
    'SELECT release_id, manifest, signature, key_id, rollout_snapshot FROM ota_releases WHERE model = $1 ORDER BY version_code DESC LIMIT 20', [m])).rows;
  const r = rows.find((x) => offered(x.rollout_snapshot, x.release_id, deviceId));
  if (!r) throw new ApiError(404, 'not_found', `no release of model '${m}' is offered${deviceId ? ` to device ${deviceId}` : ' fleet-wide (name a device_id to see staged rollouts)'}`);
  const manifest = JSON.parse(r.manifest) as Record<string, unknown>;
  return {
    status: 200,
    body: {
      manifest, manifest_json: r.manifest, signature: b64(new Uint8Array(r.signature)), key_id: r.key_id, alg: OTA_SIGNATURE_ALG,
      anti_rollback: { version_code: manifest.version_code, security_version: manifest.security_version },
      rollout: rolloutView(r.rollout_snapshot),
    },
  };
}

async function keys(ctx: Ctx): Promise<Reply> {
  const rows = (await ctx.deps.engine.query<{ key_id: string; algorithm: string; public_key: Buffer; created_at: Date }>(
    'SELECT key_id, algorithm, public_key, created_at FROM ota_signing_keys ORDER BY created_at')).rows;
  return { status: 200, body: { keys: rows.map((k) => ({ key_id: k.key_id, alg: k.algorithm, public_key: b64(new Uint8Array(k.public_key)), created_at: k.created_at.toISOString(), current: k.key_id === ctx.deps.ota.keyId })) } };
}

const rolloutSchema: Schema = { type: 'object', required: ['state', 'wave', 'halt_reason'], properties: { state: { type: 'string', enum: ['idle', 'canary', 'waves', 'halted', 'complete', 'cancelled'] }, wave: { type: 'integer', minimum: 0 }, halt_reason: { type: 'string', enum: ['none', 'failureRate', 'deadline'] } } };
const signed = { manifest_json: { type: 'string', description: 'the exact signed bytes (canonical JSON, UTF-8)' }, signature: { type: 'string', format: 'byte' }, key_id: { type: 'string' }, alg: { type: 'string', enum: [OTA_SIGNATURE_ALG] } } as const;

export const publishReleaseRoute: Route = {
  method: 'POST',
  path: '/api/v1/ota/releases',
  operationId: 'publishRelease',
  summary: 'Publish a firmware release: sign its manifest with the server ML-DSA-65 key (admins only)',
  auth: ['admin'],
  body: {
    type: 'object', additionalProperties: false, required: ['model', 'version', 'version_code', 'security_version', 'image'],
    properties: {
      model,
      version: { type: 'string', pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.-]+)?$', description: 'semantic version' },
      version_code: { type: 'integer', minimum: 1, maximum: 2147483647, description: 'monotonic build number; must exceed every earlier release of the model' },
      security_version: { type: 'integer', minimum: 0, maximum: 65535, description: 'anti-rollback counter: devices refuse images below the highest they have run' },
      image: {
        type: 'object', additionalProperties: false, required: ['url', 'sha256', 'size'],
        properties: { url: { type: 'string', pattern: '^https://', maxLength: 2048 }, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' }, size: { type: 'integer', minimum: 1, maximum: 16777216 } },
      },
    },
  },
  responses: {
    201: { description: 'published, rollout idle', schema: { type: 'object', required: ['release_id', 'manifest_json', 'signature', 'rollout'], properties: { release_id: uuid, ...signed, rollout: rolloutSchema } } },
    409: { description: 'anti-rollback: version_code not increasing or security_version decreasing', schema: errorSchema },
  },
  handle: publish,
};

export const rolloutRoute: Route = {
  method: 'POST',
  path: '/api/v1/ota/releases/{release_id}/rollout',
  operationId: 'advanceRollout',
  summary: 'Drive the staged rollout: start, report a wave (failure counts decide halt), resume, cancel (admins only)',
  auth: ['admin'],
  params: { release_id: uuid },
  body: {
    type: 'object', additionalProperties: false, required: ['action'],
    properties: {
      action: { type: 'string', enum: ['start', 'wave_completed', 'resume', 'cancel'] },
      failed: { type: 'integer', minimum: 0 }, total: { type: 'integer', minimum: 1 },
      halt_rate: { type: 'number', minimum: 0, maximum: 1, description: 'failure rate above which the wave halts the rollout (default 0.02)' },
    },
  },
  responses: {
    200: { description: 'the rollout after the event', schema: { type: 'object', required: ['release_id', 'rollout'], properties: { release_id: uuid, rollout: rolloutSchema, verdict: { type: 'string', enum: ['below', 'above'] } } } },
    404: { description: 'unknown release', schema: errorSchema },
    409: { description: 'the rollout statechart does not accept the action in its state', schema: errorSchema },
  },
  handle: rollout,
};

export const latestRoute: Route = {
  method: 'GET',
  path: '/api/v1/ota/latest',
  operationId: 'latestFirmware',
  summary: 'The newest signed manifest offered for a model (and device: staged rollouts reach its cohort)',
  auth: ['user', 'admin'],
  query: { type: 'object', additionalProperties: false, required: ['model'], properties: { model, device_id: uuid } },
  responses: {
    200: {
      description: 'the signed manifest',
      schema: {
        type: 'object', required: ['manifest', 'manifest_json', 'signature', 'key_id', 'anti_rollback'],
        properties: { manifest: { type: 'object', properties: {} }, ...signed, anti_rollback: { type: 'object', properties: { version_code: { type: 'integer' }, security_version: { type: 'integer' } } }, rollout: rolloutSchema },
      },
    },
    404: { description: 'no release offered (or unknown device)', schema: errorSchema },
  },
  handle: latest,
};

export const otaKeysRoute: Route = {
  method: 'GET',
  path: '/api/v1/ota/keys',
  operationId: 'otaKeys',
  summary: 'The server\'s manifest-signing public keys (ML-DSA-65), current and rotated',
  auth: 'public',
  responses: { 200: { description: 'keys', schema: { type: 'object', required: ['keys'], properties: { keys: { type: 'array', items: { type: 'object', properties: { key_id: { type: 'string' }, alg: { type: 'string' }, public_key: { type: 'string', format: 'byte' }, current: { type: 'boolean' } } } } } } } },
  handle: keys,
};
