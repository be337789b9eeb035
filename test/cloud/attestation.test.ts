import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attestationMessage } from '../../cloud/index.ts';
import { postgres, titled } from '../store/services.ts';
import { b64, call, keychain, provisionBody, startHarness, type Harness, type Keychain } from './harness.ts';

const pgsvc = await postgres();

describe.skipIf(pgsvc.skip)(titled('attestation: POST /api/v1/auth/challenge + /api/v1/auth/verify', pgsvc), () => {
  let h: Harness;
  let db: pg.Client;
  const alice = randomUUID();
  let tok: string;
  beforeAll(async () => {
    h = await startHarness(pgsvc, 'attest', null, { challengeTtlMs: 5000 });
    db = new pg.Client({ connectionString: pgsvc.url });
    await db.connect();
    tok = await h.svc.token('user', alice);
  });
  afterAll(async () => {
    await db?.end();
    await h?.close();
  });

  async function device(seed: string, suite?: string): Promise<{ id: string; k: Keychain }> {
    const k = keychain(seed, suite);
    const r = await call(h.svc, 'POST', '/api/v1/provision', tok, provisionBody(k));
    expect(r.status).toBe(201);
    return { id: r.body.device_id as string, k };
  }
  async function challenge(id: string): Promise<{ challengeId: string; nonce: Uint8Array }> {
    const c = await call(h.svc, 'POST', '/api/v1/auth/challenge', tok, { device_id: id });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    return { challengeId: c.body.challenge_id as string, nonce: new Uint8Array(Buffer.from(c.body.nonce as string, 'base64')) };
  }
  const sign = (k: Keychain, id: string, nonce: Uint8Array) => b64(k.se.sign(k.suite.sig.name, attestationMessage(id, nonce)));
  const state = async (id: string) => (await call(h.svc, 'GET', `/api/v1/devices/${id}`, tok)).body;

  it('accepts the secure element\'s ML-DSA signature over the challenge, for each parameter set', async () => {
    for (const suite of ['mlkem512-mldsa44-hybrid-aesgcm', 'mlkem768-mldsa65-hybrid-aesgcm', 'mlkem1024-mldsa87-hybrid-aesgcm']) {
      const { id, k } = await device(`att-ok-${suite}`, suite);
      const c = await challenge(id);
      expect(c.nonce.length).toBe(32);
      expect((await state(id)).attestation).toBe('challenged');
      const v = await call(h.svc, 'POST', '/api/v1/auth/verify', tok, { device_id: id, challenge_id: c.challengeId, signature: sign(k, id, c.nonce) });
      expect(v.status, JSON.stringify(v.body)).toBe(200);
      expect(v.body).toMatchObject({ result: 'valid', state: 'active', attest_failures: 0 });
      expect((await state(id)).attestation).toBe('idle');
    }
  });

  it('rejects a replayed response (single-use challenge) without suspending on the first one', async () => {
    const { id, k } = await device('att-replay');
    const c = await challenge(id);
    const body = { device_id: id, challenge_id: c.challengeId, signature: sign(k, id, c.nonce) };
    expect((await call(h.svc, 'POST', '/api/v1/auth/verify', tok, body)).status).toBe(200);
    const again = await call(h.svc, 'POST', '/api/v1/auth/verify', tok, body);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'attestation_replayed', result: 'replayed', state: 'active' });
    const audit = (await db.query(`SELECT outcome, detail->>'result' AS result FROM "${h.schema}".audit_log WHERE device_id = $1 AND action = 'device.attest' ORDER BY audit_id`, [id])).rows;
    expect(audit).toEqual([{ outcome: 'ok', result: 'valid' }, { outcome: 'rejected', result: 'replayed' }]);
  });

  it('suspends the device after three replays against outstanding challenges (the statechart\'s limit)', async () => {
    const { id, k } = await device('att-replay3');
    const old = await challenge(id);
    const stale = { device_id: id, challenge_id: old.challengeId, signature: sign(k, id, old.nonce) };
    expect((await call(h.svc, 'POST', '/api/v1/auth/verify', tok, stale)).status).toBe(200);
    for (let i = 1; i <= 3; i++) {
      await challenge(id); // a fresh challenge is outstanding; the old answer is replayed against it
      const r = await call(h.svc, 'POST', '/api/v1/auth/verify', tok, stale);
      expect(r.status).toBe(409);
      expect(r.body.attest_failures).toBe(i === 3 ? 3 : i);
      expect(r.body.state).toBe(i === 3 ? 'suspended' : 'active');
    }
    const st = (await db.query(`SELECT status FROM "${h.schema}".devices WHERE device_id = $1`, [id])).rows[0].status;
    expect(st).toBe('suspended');
    expect((await call(h.svc, 'POST', '/api/v1/auth/challenge', tok, { device_id: id })).status).toBe(409);
  });

  it('rejects a forged response (another key, or a tampered nonce) and suspends the device at once', async () => {
    const { id } = await device('att-forged');
    const clone = keychain('att-forged-clone');
    const c = await challenge(id);
    const f = await call(h.svc, 'POST', '/api/v1/auth/verify', tok, { device_id: id, challenge_id: c.challengeId, signature: sign(clone, id, c.nonce) });
    expect(f.status).toBe(401);
    expect(f.body).toMatchObject({ error: 'attestation_forged', result: 'forged', state: 'suspended' });
    // The burnt challenge cannot be answered again, even correctly.
    const { id: id2, k: k2 } = await device('att-forged-2');
    const c2 = await challenge(id2);
    const tampered = new Uint8Array(c2.nonce);
    tampered[0]! ^= 1;
    const t = await call(h.svc, 'POST', '/api/v1/auth/verify', tok, { device_id: id2, challenge_id: c2.challengeId, signature: sign(k2, id2, tampered) });
    expect(t.status).toBe(401);
    const retry = await call(h.svc, 'POST', '/api/v1/auth/verify', tok, { device_id: id2, challenge_id: c2.challengeId, signature: sign(k2, id2, c2.nonce) });
    expect(retry.status).toBe(409);
    expect(retry.body.state).toBe('suspended');
    // Garbage bytes are forged too, not a crash.
    const { id: id3 } = await device('att-forged-3');
    const c3 = await challenge(id3);
    const g = await call(h.svc, 'POST', '/api/v1/auth/verify', tok, { device_id: id3, challenge_id: c3.challengeId, signature: b64(new Uint8Array(10)) });
    expect(g.status).toBe(401);
  });

  it('rejects an answer after the statechart\'s challenge TTL, and a superseded challenge', async () => {
    const { id, k } = await device('att-expired');
    const c = await challenge(id);
    h.clock.offset += 5001;
    const e = await call(h.svc, 'POST', '/api/v1/auth/verify', tok, { device_id: id, challenge_id: c.challengeId, signature: sign(k, id, c.nonce) });
    expect(e.status).toBe(410);
    expect(e.body).toMatchObject({ result: 'expired', state: 'active' });
    const first = await challenge(id);
    const second = await challenge(id);
    const s = await call(h.svc, 'POST', '/api/v1/auth/verify', tok, { device_id: id, challenge_id: first.challengeId, signature: sign(k, id, first.nonce) });
    expect(s.status).toBe(409);
    // The statechart drops the outstanding challenge on a replayed answer, so the second one is burnt too.
    const late = await call(h.svc, 'POST', '/api/v1/auth/verify', tok, { device_id: id, challenge_id: second.challengeId, signature: sign(k, id, second.nonce) });
    expect(late.status).toBe(409);
    const third = await challenge(id);
    const ok = await call(h.svc, 'POST', '/api/v1/auth/verify', tok, { device_id: id, challenge_id: third.challengeId, signature: sign(k, id, third.nonce) });
    expect(ok.status).toBe(200);
    expect(ok.body.attest_failures).toBe(0);
  });

  it('keeps users to their own devices and names unknown challenges', async () => {
    const { id, k } = await device('att-owner');
    const mallory = await h.svc.token('user', randomUUID());
    const c = await call(h.svc, 'POST', '/api/v1/auth/challenge', mallory, { device_id: id });
    expect(c.status).toBe(403);
    const ok = await challenge(id);
    const v = await call(h.svc, 'POST', '/api/v1/auth/verify', mallory, { device_id: id, challenge_id: ok.challengeId, signature: sign(k, id, ok.nonce) });
    expect(v.status).toBe(403);
    const denied = (await db.query(`SELECT count(*)::int AS n FROM "${h.schema}".audit_log WHERE device_id = $1 AND outcome = 'denied'`, [id])).rows[0].n;
    expect(denied).toBe(2);
    const unknown = await call(h.svc, 'POST', '/api/v1/auth/verify', tok, { device_id: id, challenge_id: randomUUID(), signature: sign(k, id, ok.nonce) });
    expect(unknown.status).toBe(404);
    expect(unknown.body.field).toBe('challenge_id');
    expect((await call(h.svc, 'POST', '/api/v1/auth/challenge', tok, { device_id: randomUUID() })).status).toBe(404);
  });
});
