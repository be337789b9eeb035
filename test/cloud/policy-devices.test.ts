import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgres, titled } from '../store/services.ts';
import { call, keychain, provisionBody, startHarness, type Harness } from './harness.ts';

const pgsvc = await postgres();

describe.skipIf(pgsvc.skip)(titled('policy pushes and device lifecycle commands', pgsvc), () => {
  let h: Harness;
  let db: pg.Client;
  const alice = randomUUID();
  let user: string;
  let admin: string;
  beforeAll(async () => {
    h = await startHarness(pgsvc, 'policy', null);
    db = new pg.Client({ connectionString: pgsvc.url });
    await db.connect();
    user = await h.svc.token('user', alice);
    admin = await h.svc.token('admin', 'ops-1');
  });
  afterAll(async () => {
    await db?.end();
    await h?.close();
  });
  const device = async (seed: string, policy?: Record<string, unknown>) =>
    (await call(h.svc, 'POST', '/api/v1/provision', user, provisionBody(keychain(seed), policy ? { policy } : {}))).body.device_id as string;

  it('publishes versioned policies (admins only), closing the previous row, pending until acknowledged', async () => {
    const id = await device('pol-1', { unlock: ['front'] });
    const denied = await call(h.svc, 'POST', `/api/v1/policy/${id}`, user, { policy: { unlock: ['all'] } });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toMatch(/requires the role admin/);
    h.clock.offset += 1000; // distinct effective_from per version, whatever the HTTP round trip
    const p2 = await call(h.svc, 'POST', `/api/v1/policy/${id}`, admin, { policy: { unlock: ['front', 'garage'] } });
    expect(p2.status, JSON.stringify(p2.body)).toBe(200);
    expect(p2.body).toMatchObject({ device_id: id, version: 2, delivery: 'pending' });
    h.clock.offset += 1000;
    const p3 = await call(h.svc, 'POST', `/api/v1/policy/${id}`, admin, { policy: { unlock: ['garage'] } });
    expect(p3.body.version).toBe(3);
    const rows = (await db.query(`SELECT policy_json, effective_to FROM "${h.schema}".policies WHERE device_id = $1 ORDER BY effective_from, effective_to NULLS LAST`, [id])).rows;
    expect(rows.map((r) => [r.policy_json.unlock, r.effective_to === null])).toEqual([[['front'], false], [['front', 'garage'], false], [['garage'], true]]);
    const cur = await call(h.svc, 'GET', `/api/v1/policy/${id}`, user);
    expect(cur.body).toMatchObject({ version: 3, policy: { unlock: ['garage'] }, delivery: 'pending' });
    const stale = await call(h.svc, 'POST', `/api/v1/policy/${id}/ack`, user, { version: 2 });
    expect(stale.status).toBe(409);
    expect(stale.body.field).toBe('version');
    const ack = await call(h.svc, 'POST', `/api/v1/policy/${id}/ack`, user, { version: 3 });
    expect(ack.body).toMatchObject({ version: 3, delivery: 'current' });
    expect((await call(h.svc, 'POST', `/api/v1/policy/${id}/ack`, user, { version: 3 })).status).toBe(409);
    const audit = (await db.query(`SELECT actor, role, action, outcome FROM "${h.schema}".audit_log WHERE device_id = $1 ORDER BY audit_id`, [id])).rows;
    expect(audit.map((a) => `${a.action}:${a.outcome}:${a.role}`)).toEqual([
      'device.provision:ok:user', 'pushPolicy:denied:user', 'policy.push:ok:admin', 'policy.push:ok:admin',
      // 409 refusals are audited like 403s: the stale ack, then the repeated one.
      'ackPolicy:rejected:user', 'policy.ack:ok:user', 'ackPolicy:rejected:user']);
  });

  it('validates the policy body and the path parameter', async () => {
    const id = await device('pol-2');
    const arr = await call(h.svc, 'POST', `/api/v1/policy/${id}`, admin, { policy: [1, 2] });
    expect(arr.status).toBe(400);
    expect(arr.body).toMatchObject({ field: 'policy', expected: 'an object', got: 'an array of 2' });
    const badId = await call(h.svc, 'POST', '/api/v1/policy/not-a-uuid', admin, { policy: {} });
    expect(badId.status).toBe(400);
    expect(badId.body.field).toBe('device_id');
    const none = await call(h.svc, 'POST', `/api/v1/policy/${randomUUID()}`, admin, { policy: {} });
    expect(none.status).toBe(404);
  });

  it('follows the statechart: suspended devices get no policy or challenge; reinstated ones do; revoked is final', async () => {
    const id = await device('life-1', { v: 1 });
    expect((await call(h.svc, 'POST', `/api/v1/devices/${id}/suspend`, user)).status).toBe(403);
    const s = await call(h.svc, 'POST', `/api/v1/devices/${id}/suspend`, admin);
    expect(s.body).toEqual({ device_id: id, state: 'suspended' });
    expect((await call(h.svc, 'POST', `/api/v1/devices/${id}/suspend`, admin)).status).toBe(409);
    const pol = await call(h.svc, 'POST', `/api/v1/policy/${id}`, admin, { policy: { v: 2 } });
    expect(pol.status).toBe(409);
    expect(pol.body.message).toMatch(/is suspended/);
    expect((await call(h.svc, 'POST', '/api/v1/auth/challenge', user, { device_id: id })).status).toBe(409);
    expect((await call(h.svc, 'POST', `/api/v1/devices/${id}/reinstate`, admin)).body.state).toBe('active');
    expect((await call(h.svc, 'POST', `/api/v1/policy/${id}`, admin, { policy: { v: 2 } })).status).toBe(200);
    const r = await call(h.svc, 'POST', `/api/v1/devices/${id}/revoke`, admin);
    expect(r.body.state).toBe('revoked');
    const row = (await db.query(`SELECT d.status, c.state, (SELECT count(*)::int FROM "${h.schema}".policies p WHERE p.device_id = d.device_id AND effective_to IS NULL) AS open FROM "${h.schema}".devices d JOIN "${h.schema}".cloud_devices c USING (device_id) WHERE device_id = $1`, [id])).rows[0];
    expect(row).toEqual({ status: 'revoked', state: 'revoked', open: 0 });
    for (const cmd of ['reinstate', 'suspend', 'revoke']) expect((await call(h.svc, 'POST', `/api/v1/devices/${id}/${cmd}`, admin)).status).toBe(409);
    expect((await call(h.svc, 'POST', '/api/v1/provision', user, provisionBody(keychain('life-1'), { device_id: id }))).status).toBe(409);
  });

  it('re-keys a device suspended after tamper with a new registration', async () => {
    const id = await device('life-2');
    const t = await call(h.svc, 'POST', `/api/v1/devices/${id}/tamper`, user);
    expect(t.body.state).toBe('suspended');
    const fresh = keychain('life-2-rekeyed');
    const r = await call(h.svc, 'POST', '/api/v1/provision', user, provisionBody(fresh, { device_id: id }));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ rekeyed: true, state: 'active' });
    const key = (await db.query(`SELECT public_pq_key FROM "${h.schema}".devices WHERE device_id = $1`, [id])).rows[0].public_pq_key;
    expect(Buffer.compare(key, Buffer.from(fresh.mldsa))).toBe(0);
    const rec = await call(h.svc, 'GET', `/api/v1/devices/${id}`, user);
    expect(rec.body).toMatchObject({ state: 'active', attestation: 'idle', signature_alg: 'ML-DSA-65' });
    expect((await call(h.svc, 'GET', `/api/v1/devices/${id}`, await h.svc.token('user', randomUUID()))).status).toBe(403);
  });
  it('an owner cannot undo an admin\'s suspension by re-keying (403, audited); an admin can', async () => {
    const id = await device('life-3');
    expect((await call(h.svc, 'POST', `/api/v1/devices/${id}/suspend`, admin)).body.state).toBe('suspended');
    // A tamper report on top of the admin's suspension must not turn it into an owner-liftable one.
    expect((await call(h.svc, 'POST', `/api/v1/devices/${id}/tamper`, user)).status).toBe(409);
    const attacker = keychain('life-3-attacker');
    const r = await call(h.svc, 'POST', '/api/v1/provision', user, provisionBody(attacker, { device_id: id }));
    expect(r.status, JSON.stringify(r.body)).toBe(403);
    expect(r.body.message).toMatch(/suspended \(reason: admin\); only an admin may lift/);
    const rec = await call(h.svc, 'GET', `/api/v1/devices/${id}`, user);
    expect(rec.body).toMatchObject({ state: 'suspended', suspension: 'admin' });
    const key = (await db.query(`SELECT public_pq_key FROM "${h.schema}".devices WHERE device_id = $1`, [id])).rows[0].public_pq_key;
    expect(Buffer.compare(key, Buffer.from(attacker.mldsa))).not.toBe(0);
    const denied = (await db.query(`SELECT count(*)::int AS n FROM "${h.schema}".audit_log WHERE device_id = $1 AND action = 'provisionDevice' AND outcome = 'denied'`, [id])).rows[0].n;
    expect(denied).toBe(1);
    const fresh = keychain('life-3-ops');
    const byAdmin = await call(h.svc, 'POST', '/api/v1/provision', admin, provisionBody(fresh, { device_id: id, user_id: alice }));
    expect(byAdmin.status, JSON.stringify(byAdmin.body)).toBe(200);
    expect(byAdmin.body).toMatchObject({ rekeyed: true, state: 'active' });
  });
});
