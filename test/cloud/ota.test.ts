import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyManifest } from '../../cloud/index.ts';
import { cohort, WAVE_PERCENT } from '../../cloud/rollout.ts';
import { postgres, titled } from '../store/services.ts';
import { call, keychain, provisionBody, startHarness, type Harness } from './harness.ts';

const pgsvc = await postgres();
const image = (n: number) => ({ url: `https://fw.example/kt-s3-${n}.bin`, sha256: n.toString(16).padStart(64, '0'), size: 900_000 + n });

describe.skipIf(pgsvc.skip)(titled('OTA: signed manifests, anti-rollback, rollout by the cloud.rollout statechart', pgsvc), () => {
  let h: Harness;
  let admin: string;
  let user: string;
  const alice = randomUUID();
  const devices: string[] = [];
  beforeAll(async () => {
    h = await startHarness(pgsvc, 'ota', null, { rateLimits: { device: { capacity: 1000, perSecond: 1000 }, principal: { capacity: 10_000, perSecond: 10_000 } } });
    admin = await h.svc.token('admin');
    user = await h.svc.token('user', alice);
    for (let i = 0; i < 40; i++) devices.push((await call(h.svc, 'POST', '/api/v1/provision', user, provisionBody(keychain(`ota-${i}`)))).body.device_id as string);
  });
  afterAll(async () => h?.close());
  const release = (version_code: number, security_version: number, model = 'kt-s3') =>
    call(h.svc, 'POST', '/api/v1/ota/releases', admin, { model, version: `1.${version_code}.0`, version_code, security_version, image: image(version_code) });
  const rollout = (id: string, body: Record<string, unknown>) => call(h.svc, 'POST', `/api/v1/ota/releases/${id}/rollout`, admin, body);
  const latest = (device?: string) => call(h.svc, 'GET', `/api/v1/ota/latest?model=kt-s3${device ? `&device_id=${device}` : ''}`, user);

  it('signs the manifest with the server ML-DSA-65 key that /ota/keys publishes; a changed byte fails', async () => {
    const r = await release(10, 1);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.rollout).toEqual({ state: 'idle', wave: 0, halt_reason: 'none' });
    const keys = (await call(h.svc, 'GET', '/api/v1/ota/keys', null)).body.keys as { key_id: string; public_key: string }[];
    const key = keys.find((k) => k.key_id === r.body.key_id)!;
    const pk = new Uint8Array(Buffer.from(key.public_key, 'base64'));
    const sig = new Uint8Array(Buffer.from(r.body.signature as string, 'base64'));
    expect(verifyManifest(pk, r.body.manifest_json as string, sig)).toBe(true);
    expect(verifyManifest(pk, (r.body.manifest_json as string).replace('"security_version":1', '"security_version":0'), sig)).toBe(false);
    expect(JSON.parse(r.body.manifest_json as string)).toMatchObject({ model: 'kt-s3', version_code: 10, security_version: 1, image: image(10), alg: 'ML-DSA-65' });
    // Idle: not offered to anyone yet.
    expect((await latest(devices[0])).status).toBe(404);
    expect((await call(h.svc, 'POST', '/api/v1/ota/releases', user, {})).status).toBe(403);
  });

  it('refuses rollback at publication: version_code must increase, security_version may not decrease', async () => {
    const same = await release(10, 1);
    expect(same.status).toBe(409);
    expect(same.body).toMatchObject({ error: 'rollback_refused', field: 'version_code' });
    const lower = await release(11, 0);
    expect(lower.status).toBe(409);
    expect(lower.body.field).toBe('security_version');
    const bad = await call(h.svc, 'POST', '/api/v1/ota/releases', admin, { model: 'kt-s3', version: '1.0', version_code: 12, security_version: 1, image: image(12) });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('version');
  });

  it('offers a release to the canary cohort, then each wave, then everyone; a failing wave halts it', async () => {
    const first = (await call(h.svc, 'GET', '/api/v1/ota/latest?model=kt-s3', user));
    expect(first.status).toBe(404);
    const v10 = (await call(h.svc, 'POST', '/api/v1/ota/releases', admin, { model: 'kt-s3', version: '1.10.1', version_code: 13, security_version: 1, image: image(13) })).body.release_id as string;
    const offeredTo = async () => {
      const out: string[] = [];
      for (const d of devices) {
        const r = await latest(d);
        if (r.status === 200 && (r.body.manifest as { release_id: string }).release_id === v10) out.push(d);
      }
      return out;
    };
    expect((await rollout(v10, { action: 'start' })).body.rollout).toMatchObject({ state: 'canary', wave: 0 });
    const expected = (w: number) => devices.filter((d) => cohort(v10, d) < WAVE_PERCENT[w]!).sort();
    expect((await offeredTo()).sort()).toEqual(expected(0));
    const w1 = await rollout(v10, { action: 'wave_completed', failed: 0, total: 100 });
    expect(w1.body).toMatchObject({ verdict: 'below', rollout: { state: 'waves', wave: 1 } });
    expect((await offeredTo()).sort()).toEqual(expected(1));
    // 3 % failed > 2 %: the statechart halts; nobody new gets it.
    const halt = await rollout(v10, { action: 'wave_completed', failed: 3, total: 100 });
    expect(halt.body).toMatchObject({ verdict: 'above', rollout: { state: 'halted', wave: 1, halt_reason: 'failureRate' } });
    expect(await offeredTo()).toEqual([]);
    expect((await rollout(v10, { action: 'wave_completed', failed: 0, total: 10 })).status).toBe(409);
    expect((await rollout(v10, { action: 'resume' })).body.rollout).toMatchObject({ state: 'waves', wave: 1 });
    expect((await rollout(v10, { action: 'wave_completed', failed: 1, total: 100 })).body.rollout).toMatchObject({ state: 'waves', wave: 2 });
    const half = await offeredTo();
    expect(half.sort()).toEqual(expected(2));
    expect(half.length).toBeGreaterThan(0);
    expect(half.length).toBeLessThan(devices.length);
    expect((await rollout(v10, { action: 'wave_completed', failed: 2, total: 100 })).body.rollout).toMatchObject({ state: 'waves', wave: 3 });
    const done = await rollout(v10, { action: 'wave_completed', failed: 0, total: 100 });
    expect(done.body.rollout).toMatchObject({ state: 'complete' });
    expect((await offeredTo()).length).toBe(devices.length);
    const fleet = await call(h.svc, 'GET', '/api/v1/ota/latest?model=kt-s3', user);
    expect(fleet.body).toMatchObject({ anti_rollback: { version_code: 13, security_version: 1 }, rollout: { state: 'complete' } });
    const missing = await rollout(v10, { action: 'wave_completed', total: 5 });
    expect(missing.status).toBe(400);
    expect(missing.body.field).toBe('failed');
  });

  it('validates the query and keeps users to their own devices', async () => {
    const noModel = await call(h.svc, 'GET', '/api/v1/ota/latest', user);
    expect(noModel.status).toBe(400);
    expect(noModel.body.field).toBe('model');
    const other = await call(h.svc, 'GET', `/api/v1/ota/latest?model=kt-s3&device_id=${devices[0]}`, await h.svc.token('user', randomUUID()));
    expect(other.status).toBe(403);
  });
});
