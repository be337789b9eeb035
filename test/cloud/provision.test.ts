import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { influxql } from '../store/influx-helpers.ts';
import { startCloudService } from '../../cloud/index.ts';
import { influx1, postgres, titled } from '../store/services.ts';
import { b64, call, INFLUX_DB, keychain, provisionBody, SECRET, startHarness, type Harness } from './harness.ts';

const [pgsvc, inf] = await Promise.all([postgres(), influx1()]);

describe.skipIf(pgsvc.skip)(titled('POST /api/v1/provision over HTTP on Postgres', pgsvc), () => {
  let h: Harness;
  let db: pg.Client;
  const alice = randomUUID();
  const bob = randomUUID();
  beforeAll(async () => {
    h = await startHarness(pgsvc, 'provision', null);
    db = new pg.Client({ connectionString: pgsvc.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await h?.close();
  });
  const count = async (table: string): Promise<number> =>
    (await db.query(`SELECT count(*)::int AS n FROM "${h.schema}".${table}`)).rows[0].n as number;

  it('registers a device for the token\'s user with its policy, lifecycle record and audit row', async () => {
    const k = keychain('prov-1');
    const deviceId = randomUUID();
    const r = await call(h.svc, 'POST', '/api/v1/provision', await h.svc.token('user', alice), provisionBody(k, { device_id: deviceId, user: { name: 'Alice' }, policy: { unlock: ['door-1'] } }));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ device_id: deviceId, user_id: alice, state: 'active', rekeyed: false, signature_alg: 'ML-DSA-65', policy_version: 1 });
    const row = (await db.query(`SELECT d.user_id, d.status, d.public_pq_key, c.state, c.kem_public_key, c.snapshot FROM "${h.schema}".devices d JOIN "${h.schema}".cloud_devices c USING (device_id) WHERE device_id = $1`, [deviceId])).rows[0];
    expect(row.user_id).toBe(alice);
    expect(row.status).toBe('active');
    expect(Buffer.compare(row.public_pq_key, Buffer.from(k.mldsa))).toBe(0);
    expect(Buffer.compare(row.kem_public_key, Buffer.from(k.mlkem))).toBe(0);
    expect(row.snapshot.value).toEqual({ active: { attestation: 'idle', policy: 'current' } });
    const a = (await db.query(`SELECT actor, role, action, outcome FROM "${h.schema}".audit_log WHERE device_id = $1`, [deviceId])).rows;
    expect(a).toEqual([{ actor: alice, role: 'user', action: 'device.provision', outcome: 'ok' }]);
  });

  it('names the field of a malformed request in a 400', async () => {
    const tok = await h.svc.token('user', alice);
    const k = keychain('prov-2');
    const cases: [unknown, string][] = [
      [{ ...provisionBody(k), public_keys: { mldsa: 'not base64!' } }, 'public_keys.mldsa'],
      [{ ...provisionBody(k), device_type: undefined }, 'device_type'],
      [{ ...provisionBody(k), device_id: 'abc' }, 'device_id'],
      [{ ...provisionBody(k), colour: 'red' }, 'colour'],
      [{ ...provisionBody(k), user: { name: '' } }, 'user.name'],
    ];
    for (const [body, field] of cases) {
      const r = await call(h.svc, 'POST', '/api/v1/provision', tok, body);
      expect(r.status, field).toBe(400);
      expect(r.body).toMatchObject({ error: 'validation', field });
      expect(r.body.message).toContain(field);
    }
    const bad = await call(h.svc, 'POST', '/api/v1/provision', tok, '{"device_type":');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_json');
  });

  it('refuses keys that are not a keychain\'s with 422 (the statechart rejects the registration), audited, nothing stored', async () => {
    const k = keychain('prov-3');
    const deviceId = randomUUID();
    const r = await call(h.svc, 'POST', '/api/v1/provision', await h.svc.token('user', alice), { ...provisionBody(k, { device_id: deviceId }), public_keys: { mldsa: b64(k.mlkem) } });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ error: 'invalid_registration', field: 'public_keys.mldsa', got: '1184 bytes' });
    expect((await db.query(`SELECT count(*)::int AS n FROM "${h.schema}".devices WHERE device_id = $1`, [deviceId])).rows[0].n).toBe(0);
    const a = (await db.query(`SELECT outcome, detail->>'device_id' AS d FROM "${h.schema}".audit_log WHERE action = 'device.provision' AND outcome = 'rejected'`)).rows;
    expect(a).toContainEqual({ outcome: 'rejected', d: deviceId });
  });

  it('lets a user provision only for themselves; an admin must name the owner', async () => {
    const k = keychain('prov-4');
    const asAlice = await call(h.svc, 'POST', '/api/v1/provision', await h.svc.token('user', alice), provisionBody(k, { user_id: bob }));
    expect(asAlice.status).toBe(403);
    expect(asAlice.body.field).toBe('user_id');
    const noOwner = await call(h.svc, 'POST', '/api/v1/provision', await h.svc.token('admin'), provisionBody(k));
    expect(noOwner.status).toBe(400);
    expect(noOwner.body.field).toBe('user_id');
    const ok = await call(h.svc, 'POST', '/api/v1/provision', await h.svc.token('admin'), provisionBody(k, { user_id: bob, user: { name: 'Bob' } }));
    expect(ok.status).toBe(201);
    // The same device again: active, so the statechart refuses a second registration.
    const again = await call(h.svc, 'POST', '/api/v1/provision', await h.svc.token('user', bob), provisionBody(k, { device_id: ok.body.device_id }));
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/is active: the cloud statechart does not accept a registration/);
    // And Alice cannot re-register Bob's device.
    const steal = await call(h.svc, 'POST', '/api/v1/provision', await h.svc.token('user', alice), provisionBody(k, { device_id: ok.body.device_id }));
    expect(steal.status).toBe(403);
  });

  it('rejects missing, forged and expired tokens with 401', async () => {
    const k = keychain('prov-5');
    expect((await call(h.svc, 'POST', '/api/v1/provision', null, provisionBody(k))).status).toBe(401);
    const tok = await h.svc.token('user', alice);
    const forged = tok.slice(0, -4) + (tok.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const f = await call(h.svc, 'POST', '/api/v1/provision', forged, provisionBody(k));
    expect(f.status).toBe(401);
    expect(f.body.message).toMatch(/signature/);
    const short = await h.svc.token('user', alice, 60);
    h.clock.offset += 61_000;
    const e = await call(h.svc, 'POST', '/api/v1/provision', short, provisionBody(k));
    expect(e.status).toBe(401);
    expect(e.body.message).toMatch(/expired/);
  });

  it('writes nothing when the last insert of the transaction fails (audit row refused by a trigger)', async () => {
    const before = { users: await count('users'), devices: await count('devices'), policies: await count('policies'), cloud: await count('cloud_devices') };
    await db.query(`CREATE FUNCTION "${h.schema}".refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit store refused'; END $$`);
    await db.query(`CREATE TRIGGER refuse BEFORE INSERT ON "${h.schema}".audit_log FOR EACH ROW EXECUTE FUNCTION "${h.schema}".refuse()`);
    try {
      const r = await call(h.svc, 'POST', '/api/v1/provision', await h.svc.token('user', randomUUID()), provisionBody(keychain('prov-6'), { user: { name: 'Carol' }, policy: { a: 1 } }));
      expect(r.status).toBe(500);
      expect(r.body.error).toBe('internal');
    } finally {
      await db.query(`DROP TRIGGER refuse ON "${h.schema}".audit_log`);
    }
    const after = { users: await count('users'), devices: await count('devices'), policies: await count('policies'), cloud: await count('cloud_devices') };
    expect(after).toEqual(before);
  });
});

describe.skipIf(pgsvc.skip || inf.skip)(titled('POST /api/v1/telemetry into InfluxDB 1.6', inf.skip ? inf : pgsvc), () => {
  let h: Harness;
  const alice = randomUUID();
  const bob = randomUUID();
  let dev: string;
  let bobDev: string;
  beforeAll(async () => {
    h = await startHarness(pgsvc, 'telemetry', inf);
    const a = await call(h.svc, 'POST', '/api/v1/provision', await h.svc.token('user', alice), provisionBody(keychain('tel-a')));
    const b = await call(h.svc, 'POST', '/api/v1/provision', await h.svc.token('user', bob), provisionBody(keychain('tel-b')));
    dev = a.body.device_id as string;
    bobDev = b.body.device_id as string;
  });
  afterAll(async () => h?.close());

  it('writes every record of a batch and answers after InfluxDB acknowledged them', async () => {
    const t0 = Date.UTC(2026, 5, 1, 12);
    const records = Array.from({ length: 50 }, (_, i) => ({
      device_id: dev, timestamp: i % 2 ? t0 + i * 1000 : new Date(t0 + i * 1000).toISOString(),
      event_type: 'unlock_attempt', success: i % 5 !== 0, latency_ms: 100 + i, meta: { rssi: -60 - (i % 10), session_kdf: 'hybrid-v1' },
    }));
    const r = await call(h.svc, 'POST', '/api/v1/telemetry', await h.svc.token('user', alice), { records });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ accepted: 50, devices: 1 });
    const s = await influxql(inf.url, INFLUX_DB, `SELECT count(latency_ms), sum(latency_ms), min(rssi) FROM device_telemetry WHERE device_id = '${dev}' AND event_type = 'unlock_attempt'`);
    expect(s[0]!.values[0]!.slice(1)).toEqual([50, records.reduce((a, x) => a + x.latency_ms, 0), -69]);
    const fails = await influxql(inf.url, INFLUX_DB, `SELECT count(latency_ms) FROM device_telemetry WHERE device_id = '${dev}' AND success = false`);
    expect(fails[0]!.values[0]![1]).toBe(10);
    const kdf = await influxql(inf.url, INFLUX_DB, `SELECT session_kdf FROM device_telemetry WHERE device_id = '${dev}' LIMIT 1`);
    expect(kdf[0]!.values[0]![1]).toBe('hybrid-v1');
  });

  it('acknowledges concurrent batches only once written, every record counted (group commit)', async () => {
    const tok = await h.svc.token('admin');
    const t0 = Date.UTC(2026, 8, 1);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, b) => call(h.svc, 'POST', '/api/v1/telemetry', tok, {
      records: Array.from({ length: 25 }, (_, i) => ({ device_id: b % 2 ? dev : bobDev, timestamp: t0 + b * 100 + i, event_type: 'concurrent', success: true, latency_ms: b })),
    })));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(answers.reduce((n, a) => n + (a.body.accepted as number), 0)).toBe(500);
    const s = await influxql(inf.url, INFLUX_DB, `SELECT count(latency_ms), sum(latency_ms) FROM device_telemetry WHERE event_type = 'concurrent' AND (device_id = '${dev}' OR device_id = '${bobDev}')`);
    expect(s[0]!.values[0]!.slice(1)).toEqual([500, 25 * (19 * 20) / 2]);
  });

  it('names the offending record\'s field', async () => {
    const tok = await h.svc.token('user', alice);
    const good = { device_id: dev, timestamp: Date.UTC(2026, 0, 1), event_type: 'handshake', success: true };
    const cases: [unknown, string][] = [
      [{ records: [good, { ...good, meta: { rssi: 'strong' } }] }, 'records[1].meta.rssi'],
      [{ records: [good, good, { ...good, success: 'yes' }] }, 'records[2].success'],
      [{ records: [{ ...good, timestamp: 'yesterday' }] }, 'records[0].timestamp'],
      [{ records: [{ ...good, timestamp: Date.UTC(2019, 0, 1) }] }, 'records[0].timestamp'],
      [{ records: [] }, 'records'],
      [{ records: [{ ...good, event_type: 'Unlock Attempt' }] }, 'records[0].event_type'],
    ];
    for (const [body, field] of cases) {
      const r = await call(h.svc, 'POST', '/api/v1/telemetry', tok, body);
      expect(r.status, field).toBe(400);
      expect(r.body.field).toBe(field);
    }
  });

  it('refuses a batch naming another user\'s device, or an unknown one, writing none of it', async () => {
    const tok = await h.svc.token('user', alice);
    const t = Date.UTC(2026, 6, 1);
    const r = await call(h.svc, 'POST', '/api/v1/telemetry', tok, { records: [
      { device_id: dev, timestamp: t, event_type: 'probe_mixed', success: true },
      { device_id: bobDev, timestamp: t, event_type: 'probe_mixed', success: true }] });
    expect(r.status).toBe(403);
    expect(r.body.field).toBe('records[1].device_id');
    const u = await call(h.svc, 'POST', '/api/v1/telemetry', tok, { records: [{ device_id: randomUUID(), timestamp: t, event_type: 'probe_mixed', success: true }] });
    expect(u.status).toBe(404);
    expect(await influxql(inf.url, INFLUX_DB, `SELECT count(success) FROM device_telemetry WHERE event_type = 'probe_mixed' AND (device_id = '${dev}' OR device_id = '${bobDev}')`)).toEqual([]);
    // An admin may upload for any device.
    const admin = await call(h.svc, 'POST', '/api/v1/telemetry', await h.svc.token('admin'), { records: [{ device_id: bobDev, timestamp: t, event_type: 'probe_admin', success: true }] });
    expect(admin.status).toBe(200);
  });

  it('answers 503 and spills the batch when InfluxDB refuses it (here: its database does not exist)', async () => {
    const spillDir = mkdtempSync(join(tmpdir(), 'keytwin-cloud-spill-'));
    const svc = await startCloudService({ store: h.svc.store, influx: `${inf.url}?db=keytwin_absent_${process.pid}`, jwtSecret: SECRET, spillDir, log: () => {} });
    try {
      const records = [1, 2, 3].map((i) => ({ device_id: dev, timestamp: Date.UTC(2026, 7, 1) + i, event_type: 'spilled', success: true }));
      const r = await call(svc, 'POST', '/api/v1/telemetry', await svc.token('user', alice), { records });
      expect(r.status).toBe(503);
      expect(r.body.error).toBe('telemetry_unavailable');
      expect(r.body.message).toMatch(/database not found.*its 3 record\(s\) were spilled to/);
      const files = readdirSync(spillDir);
      expect(files).toHaveLength(1);
      expect(readFileSync(join(spillDir, files[0]!), 'utf8').split('\n').filter((l) => l.startsWith('device_telemetry,'))).toHaveLength(3);
    } finally {
      await svc.close();
      rmSync(spillDir, { recursive: true, force: true });
    }
  });
});
