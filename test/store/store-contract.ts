/**
 * The behaviour both engines must share, run by store-postgres.test.ts and store-pglite.test.ts
 * against one store each: migrations, the run round trip, read-back by plain SQL, atomic saves,
 * and the registry's transactions.
 * @module
 */
import { expect, it } from 'vitest';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { changePolicy, loadMigrations, policyHistory, provisionDevice, revokeDevice, type Store } from '../../store/index.ts';
import { makeRunResult } from './fixture.ts';

const RUN_TABLES = ['runs', 'run_summaries', 'device_results', 'run_daily', 'run_soc_samples', 'run_telemetry'];

async function rowsFor(store: Store, runId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of RUN_TABLES) {
    const r = await store.engine.query<{ n: unknown }>(`SELECT count(*) AS n FROM ${t} WHERE run_id = $1`, [runId]);
    out[t] = Number(r.rows[0]?.n);
  }
  return out;
}

export function storeContract(getStore: () => Store): void {
  it('migrate is idempotent and records each migration', async () => {
    const store = getStore();
    const again = await store.migrate();
    expect(again.applied).toEqual([]);
    const all = loadMigrations();
    expect(all.map((m) => m.version).slice(0, 2)).toEqual(['001', '002']);
    expect(again.alreadyApplied).toEqual(all.map((m) => `${m.version}_${m.name}`));
    const rows = await store.engine.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.rows.map((r) => r.version)).toEqual(all.map((m) => m.version));
  });

  it('saveRun then getRun returns the same RunResult (typed arrays, NaN, exact summary bytes)', async () => {
    const store = getStore();
    const result = makeRunResult({ runId: 'roundtrip-1', devices: 15, days: 4 });
    const report = await store.saveRun(result);
    expect(report.rows).toEqual({ device_results: 15, run_daily: 4, run_soc_samples: result.socSamples.length, run_telemetry: result.telemetry.length });
    const back = await store.getRun('roundtrip-1');
    expect(back).not.toBeNull();
    expect(back!.devices.depletedDay).toBeInstanceOf(Float64Array);
    expect(back!.devices.unlocks).toBeInstanceOf(Uint32Array);
    expect(Number.isNaN(back!.devices.depletedDay[0]!)).toBe(true);
    expect(back).toEqual(result);
    expect(JSON.stringify(back!.summary)).toBe(JSON.stringify(result.summary));
    expect(await store.getRun('no-such-run')).toBeNull();
  });

  it('a run with cloud-model results gets them back whole', async () => {
    const store = getStore();
    const result = makeRunResult({ runId: 'cloud-1', devices: 3, days: 2 });
    result.cloud = {
      summary: { seed: 1, horizonMs: 172_800_000, requests: 10, rejected: 1, stations: [], rollout: null },
      daily: [{ day: 0, station: 'telemetry', requests: 10, p50Ms: 5, p99Ms: 20, utilisation: 0.25, rejected: 1 }],
      hourly: [],
    } as unknown as NonNullable<typeof result.cloud>;
    await store.saveRun(result);
    const back = await store.getRun('cloud-1');
    expect(back!.cloud).toEqual(result.cloud);
    expect((await store.getRun('roundtrip-1'))?.cloud).toBeUndefined();
  });

  it('stored values read back by plain SQL match the RunResult', async () => {
    const store = getStore();
    const result = makeRunResult({ runId: 'sql-1', devices: 20, days: 3, seed: 11 });
    await store.saveRun(result);
    const q = async (sql: string) => (await store.engine.query<Record<string, unknown>>(sql, ['sql-1'])).rows[0]!;
    const dev = await q('SELECT count(*) AS n, sum(unlocks) AS u, count(depleted_day) AS dep, sum(energy_mj) AS e FROM device_results WHERE run_id = $1');
    expect(Number(dev.n)).toBe(20);
    expect(Number(dev.u)).toBe(result.devices.unlocks.reduce((a, b) => a + b, 0));
    expect(Number(dev.dep)).toBe(result.devices.depletedDay.filter((d) => !Number.isNaN(d)).length);
    expect(Number(dev.e)).toBeCloseTo(result.devices.energyMj.reduce((a, b) => a + b, 0), 3);
    const day2 = await q("SELECT soc_p50, (failures->>'timeout')::int AS t FROM run_daily WHERE run_id = $1 AND day = 2");
    expect(Number(day2.soc_p50)).toBe(result.daily[2]!.socP50);
    expect(Number(day2.t)).toBe(result.daily[2]!.failures.timeout);
    const tel = await q("SELECT count(*) FILTER (WHERE NOT success) AS f, max(latency_ms) AS l FROM run_telemetry WHERE run_id = $1");
    expect(Number(tel.f)).toBe(result.telemetry.filter((e) => !e.success).length);
    expect(Number(tel.l)).toBe(Math.max(...result.telemetry.map((e) => e.latencyMs)));
    const sum = await q("SELECT (summary->'unlocks'->>'succeeded')::int AS s FROM run_summaries WHERE run_id = $1");
    expect(Number(sum.s)).toBe(result.summary.unlocks.succeeded);
  });

  it('listRuns lists stored runs; deleteRun removes a run and all its rows', async () => {
    const store = getStore();
    await store.saveRun(makeRunResult({ runId: 'list-1' }));
    const listed = (await store.listRuns()).find((r) => r.runId === 'list-1');
    expect(listed).toMatchObject({ scenario: 'fixture-fleet', seed: 7, devices: 12, durationDays: 5, codeVersion: 'test-0000000', startedAt: '2026-11-28T10:00:00.000Z', wallMs: 1234.5 });
    expect(await store.deleteRun('list-1')).toBe(true);
    expect(await store.deleteRun('list-1')).toBe(false);
    expect(Object.values(await rowsFor(store, 'list-1'))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('a run that fails half way leaves nothing behind; saving an id twice is refused', async () => {
    const store = getStore();
    const result = makeRunResult({ runId: 'atomic-1' });
    await expect(store.saveRun(result, { onStep: (s) => { if (s === 'run_soc_samples') throw new Error('injected failure'); } })).rejects.toThrow('injected failure');
    expect(Object.values(await rowsFor(store, 'atomic-1'))).toEqual([0, 0, 0, 0, 0, 0]);
    await store.saveRun(result);
    await expect(store.saveRun(result)).rejects.toThrow(/run 'atomic-1' is already stored/);
    const bigger = makeRunResult({ runId: 'atomic-1', devices: 30 });
    await store.saveRun(bigger, { replace: true });
    expect((await rowsFor(store, 'atomic-1')).device_results).toBe(30);
  });

  it('a malformed RunResult is refused with the field named', async () => {
    const store = getStore();
    const bad = makeRunResult({ runId: 'bad-1' });
    bad.devices.unlocks = new Uint32Array(3);
    await expect(store.saveRun(bad)).rejects.toThrow('devices.unlocks must have devices.count = 12 entries, got 3');
  });

  it('provisioning, policy change and revoke are transactions with versioned policies', async () => {
    const store = getStore();
    const key = ml_dsa65.keygen(new Uint8Array(32).fill(3)).publicKey;
    const p = await provisionDevice(store.engine, {
      user: { name: 'Ada', phone: '+44 20 0000 0001', email: 'ada@example.org' },
      deviceType: 'keychain', deviceModel: 'KT-1', publicPqKey: key, policy: { unlock: ['front-door'], maxPerHour: 10 },
      at: new Date('2026-01-01T00:00:00Z'),
    });
    const v2 = await changePolicy(store.engine, p.deviceId, { unlock: ['front-door', 'garage'] }, new Date('2026-02-01T00:00:00Z'));
    expect(v2.version).toBe(2);
    const hist = await policyHistory(store.engine, p.deviceId);
    expect(hist.map((h) => [h.version, h.effectiveTo?.toISOString() ?? null])).toEqual([[1, '2026-02-01T00:00:00.000Z'], [2, null]]);
    expect(hist[1]!.policy).toEqual({ unlock: ['front-door', 'garage'] });
    // A second device for the same phone number as a NEW user violates UNIQUE(phone): nothing of it stays.
    const before = await store.engine.query<{ n: unknown }>('SELECT count(*) AS n FROM devices');
    await expect(provisionDevice(store.engine, { user: { name: 'Eve', phone: '+44 20 0000 0001' }, deviceType: 'keychain', deviceModel: 'KT-1', publicPqKey: key, policy: {} }))
      .rejects.toThrow(/user 'Eve'.*duplicate key/);
    expect((await store.engine.query<{ n: unknown }>('SELECT count(*) AS n FROM devices')).rows[0]!.n).toEqual(before.rows[0]!.n);
    // The same user gets a second device by id.
    const p2 = await provisionDevice(store.engine, { user: { userId: p.userId }, deviceType: 'keychain', deviceModel: 'KT-1', publicPqKey: ml_kem768.keygen().publicKey });
    expect(p2.userId).toBe(p.userId);
    expect(await revokeDevice(store.engine, p.deviceId, new Date('2026-03-01T00:00:00Z'))).toBe(true);
    expect(await revokeDevice(store.engine, p.deviceId)).toBe(false);
    const last = (await policyHistory(store.engine, p.deviceId)).at(-1)!;
    expect(last.effectiveTo?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    await expect(changePolicy(store.engine, p.deviceId, { unlock: [] })).rejects.toThrow(/is revoked/);
    await expect(changePolicy(store.engine, '00000000-0000-4000-8000-000000000000', {})).rejects.toThrow(/does not exist/);
  });

  it('refuses a secret key as public_pq_key, and no private key byte string is anywhere in the database', async () => {
    const store = getStore();
    // Only the secret-only parts: an ML-DSA secret key starts with rho (also in the public key)
    // and tr = H(pk); an ML-KEM secret key embeds the public key ek and H(ek) (FIPS 203/204).
    const secrets: Uint8Array[] = [];
    const dsaSecret = (sk: Uint8Array) => sk.subarray(128);
    const kemSecret = (sk: Uint8Array) => [sk.subarray(0, 1152), sk.subarray(2368)];
    const ca = ml_dsa65.keygen(new Uint8Array(32).fill(9));
    secrets.push(dsaSecret(ca.secretKey));
    for (let i = 0; i < 4; i++) {
      const sig = ml_dsa65.keygen(new Uint8Array(32).fill(20 + i));
      const kem = ml_kem768.keygen(new Uint8Array(64).fill(40 + i));
      secrets.push(dsaSecret(sig.secretKey), ...kemSecret(kem.secretKey));
      await expect(provisionDevice(store.engine, { user: { name: `leak-${i}` }, deviceType: 'keychain', deviceModel: 'KT-1', publicPqKey: sig.secretKey }))
        .rejects.toThrow(/not a public key length/);
      // A certificate: the CA's ML-DSA signature over the device's public keys (public data).
      const body = new Uint8Array([...sig.publicKey, ...kem.publicKey]);
      const cert = new Uint8Array([...body, ...ml_dsa65.sign(body, ca.secretKey)]);
      await provisionDevice(store.engine, {
        user: { name: `owner-${i}`, email: `o${i}@example.org` }, deviceType: 'keychain', deviceModel: 'KT-1',
        publicPqKey: sig.publicKey, seCertificate: cert, policy: { suite: 'mlkem768-mldsa65', kem: Buffer.from(kem.publicKey).toString('base64') },
      });
    }
    const cols = await store.engine.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = current_schema() AND data_type IN ('bytea', 'jsonb', 'json', 'text')`);
    expect(cols.rows.some((c) => c.data_type === 'bytea')).toBe(true);
    // 32-byte windows of every secret key, raw and in the text encodings a leak would take.
    const needles: Buffer[] = [];
    for (const s of secrets) {
      for (let off = 0; off + 32 <= s.length; off += 128) {
        const w = Buffer.from(s.subarray(off, off + 32));
        needles.push(w, Buffer.from(w.toString('hex')), Buffer.from(w.toString('base64').slice(4, 36)));
      }
    }
    const scan = async () => {
      const leaks: string[] = [];
      let scanned = 0;
      for (const c of cols.rows) {
        const rows = await store.engine.query<Record<string, unknown>>(`SELECT "${c.column_name}" AS v FROM "${c.table_name}"`);
        for (const r of rows.rows) {
          if (r.v === null) continue;
          const hay = r.v instanceof Uint8Array ? Buffer.from(r.v) : Buffer.from(typeof r.v === 'string' ? r.v : JSON.stringify(r.v));
          scanned += hay.length;
          if (needles.some((n) => hay.includes(n))) leaks.push(`${c.table_name}.${c.column_name}`);
        }
      }
      return { leaks, scanned };
    };
    const clean = await scan();
    expect(clean.leaks).toEqual([]);
    expect(clean.scanned).toBeGreaterThan(4 * (1952 + 1184));
    // The scan can fail: a secret written past the API (raw SQL) is found, then removed.
    const leakId = '00000000-0000-4000-8000-0000000000aa';
    const owner = await store.engine.query<{ user_id: string }>('SELECT user_id FROM users LIMIT 1');
    await store.engine.query(
      "INSERT INTO devices (device_id, user_id, device_type, device_model, public_pq_key, se_certificate) VALUES ($1, $2, 'keychain', 'KT-1', $3, $4)",
      [leakId, owner.rows[0]!.user_id, Buffer.alloc(1952), Buffer.from(secrets[3]!)]);
    expect((await scan()).leaks).toEqual(['devices.se_certificate']);
    await store.engine.query('DELETE FROM devices WHERE device_id = $1', [leakId]);
  });
}
