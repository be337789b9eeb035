/**
 * Part of `keytwin load`'s untimed setup: a fresh service has published no firmware, so every
 * routine OTA check (`GET /ota/latest?model=…`) would be a 404 and count as an error. When the
 * model has no release offered fleet-wide, setup publishes one (an admin call, as an operator
 * would) and drives its rollout to complete, so the checks meet the answer a deployed fleet gets.
 * An existing release is left as it is.
 * @module
 */
import { createHash } from 'node:crypto';
import { mintToken } from '../../cloud/index.ts';

export interface ReleaseSetup {
  /** 'present': a release was already offered; 'published': setup published and rolled one out. */
  outcome: 'present' | 'published' | 'failed';
  detail: string;
}

export async function ensureRelease(target: URL, model: string, jwtSecret: Uint8Array, nowMs: number, timeoutMs: number): Promise<ReleaseSetup> {
  const token = await mintToken(jwtSecret, { role: 'admin', sub: 'keytwin-load', ttlSeconds: 600, nowMs });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(new URL(path, target), {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
  };
  try {
    const latest = await call('GET', `/api/v1/ota/latest?model=${encodeURIComponent(model)}`);
    if (latest.status === 200) return { outcome: 'present', detail: `release of ${model} already offered` };
    if (latest.status !== 404) return { outcome: 'failed', detail: `GET /ota/latest answered ${latest.status}` };
    // A placeholder image: the API serves manifests, not images (the load's OTA requests fetch manifests).
    const image = { url: `https://firmware.invalid/${model}/1.0.0.bin`, sha256: createHash('sha256').update(`${model} 1.0.0`).digest('hex'), size: 1_400_000 };
    const pub = await call('POST', '/api/v1/ota/releases', { model, version: '1.0.0', version_code: 1, security_version: 1, image });
    if (pub.status !== 201) return { outcome: 'failed', detail: `publishing a release answered ${pub.status} ${JSON.stringify(pub.body?.error ?? pub.body)} (a release exists that is not rolled out: finish its rollout, or pass --no-setup)` };
    const id = String(pub.body!.release_id);
    const start = await call('POST', `/api/v1/ota/releases/${id}/rollout`, { action: 'start' });
    if (start.status !== 200) return { outcome: 'failed', detail: `starting the rollout answered ${start.status} ${JSON.stringify(start.body?.error ?? start.body)}` };
    let state = String((start.body!.rollout as { state: string }).state);
    // Canary, then the waves, each reported without failures: the statechart ends in 'complete'.
    for (let i = 0; i < 8 && state !== 'complete'; i++) {
      const r = await call('POST', `/api/v1/ota/releases/${id}/rollout`, { action: 'wave_completed', failed: 0, total: 100 });
      if (r.status !== 200) return { outcome: 'failed', detail: `rollout step answered ${r.status} ${JSON.stringify(r.body?.error ?? r.body)}` };
      state = String((r.body!.rollout as { state: string }).state);
    }
    return state === 'complete' ? { outcome: 'published', detail: `published ${model} 1.0.0 and rolled it out to the whole fleet` } : { outcome: 'failed', detail: `the rollout ended ${state}` };
  } catch (err) {
    return { outcome: 'failed', detail: (err as Error).message };
  }
}
