import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { attestationMessage, canonicalJson, mintToken, verifyAttestation, verifyToken } from '../../cloud/index.ts';
import { RateLimiter } from '../../cloud/rate-limit.ts';
import { validate, type Schema } from '../../cloud/schema.ts';
import { SECRET, keychain } from './harness.ts';

const USER = '6f1d7a52-0d4c-4e8e-9d51-3f4a8c2b7e10';
const b64url = (s: string | Uint8Array) => Buffer.from(s).toString('base64url');

describe('verifyToken', () => {
  const now = Date.UTC(2026, 0, 1);
  it('accepts what mintToken signs and returns the principal', async () => {
    expect(await verifyToken(SECRET, await mintToken(SECRET, { sub: USER, role: 'user', nowMs: now }), now + 1000)).toEqual({ sub: USER, role: 'user', exp: now / 1000 + 900 });
  });
  it('refuses alg none, another secret, a changed payload, expiry, and over-long lifetimes (verified by jose)', async () => {
    const tok = await mintToken(SECRET, { sub: USER, role: 'user', nowMs: now });
    const [, p, s] = tok.split('.');
    await expect(verifyToken(SECRET, `${b64url('{"alg":"none","typ":"JWT"}')}.${p}.`, now)).rejects.toThrow(/must be HS256, got "none"/);
    await expect(verifyToken(new Uint8Array(32).fill(9), tok, now)).rejects.toThrow(/signature is invalid/);
    const admin = b64url(JSON.stringify({ iss: 'keytwin-cloud', sub: USER, role: 'admin', iat: now / 1000, exp: now / 1000 + 900 }));
    await expect(verifyToken(SECRET, `${tok.split('.')[0]}.${admin}.${s}`, now)).rejects.toThrow(/signature is invalid/);
    await expect(verifyToken(SECRET, tok, now + 900_000)).rejects.toThrow(/expired/);
    const h = tok.split('.')[0]!;
    expect(h).toBe(b64url('{"alg":"HS256","typ":"JWT"}'));
    const longTok = await new SignJWT({ role: 'user' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuer('keytwin-cloud').setSubject(USER)
      .setIssuedAt(now / 1000).setExpirationTime(now / 1000 + 200_000).sign(SECRET);
    await expect(verifyToken(SECRET, longTok, now)).rejects.toThrow(/lifetime exceeds 86400/);
    await expect(mintToken(SECRET, { sub: 'bob', role: 'user' })).rejects.toThrow(/must be the user's UUID/);
  });
});

// Issue 15: tokens were minted by a hand-written HS256 (HMAC over our own JOSE serialisation).
describe('mintToken is jose', () => {
  const now = Date.UTC(2026, 0, 1);
  it('mints exactly the JWS jose signs for the same claims, which jose verifies', async () => {
    const tok = await mintToken(SECRET, { sub: USER, role: 'admin', ttlSeconds: 60, nowMs: now });
    const byJose = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuer('keytwin-cloud').setSubject(USER)
      .setIssuedAt(now / 1000).setExpirationTime(now / 1000 + 60).sign(SECRET);
    expect(tok).toBe(byJose);
    const { payload, protectedHeader } = await jwtVerify(tok, SECRET, { algorithms: ['HS256'], currentDate: new Date(now) });
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toEqual({ role: 'admin', iss: 'keytwin-cloud', sub: USER, iat: now / 1000, exp: now / 1000 + 60 });
  });
  it('leaves no hand-written HMAC in cloud/ or cli/ (JWTs are signed and verified only by jose)', () => {
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
    const offenders = ['cloud', 'cli'].flatMap((d) => files(join(import.meta.dirname, '../..', d)))
      .filter((f) => /createHmac|@noble\/hashes\/hmac/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe('RateLimiter', () => {
  it('takes from every bucket or none, and refills at the configured rate', () => {
    const rl = new RateLimiter({ principal: { capacity: 2, perSecond: 1 }, source: { capacity: 1, perSecond: 1 }, device: { capacity: 1, perSecond: 0.5 } });
    const keys = [{ kind: 'principal' as const, id: 'p' }, { kind: 'device' as const, id: 'd' }];
    expect(rl.take(keys, 0)).toBe(0);
    expect(rl.take(keys, 0)).toBe(2000); // the device bucket is empty: 1 token / 0.5 per s
    expect(rl.take([{ kind: 'principal', id: 'p' }], 0)).toBe(0); // the refused request took nothing
    expect(rl.take([{ kind: 'principal', id: 'p' }], 0)).toBe(1000);
    expect(rl.take(keys, 2000)).toBe(0);
    expect(() => new RateLimiter({ principal: { capacity: 0, perSecond: 1 }, source: { capacity: 1, perSecond: 1 }, device: { capacity: 1, perSecond: 1 } })).toThrow(/principal/);
  });
});

describe('validate', () => {
  const s: Schema = {
    type: 'object', additionalProperties: false, required: ['a'],
    properties: { a: { type: 'array', items: { type: 'object', properties: { t: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'integer', minimum: 0 }] } } } } },
  };
  it('names the first bad field with what was expected and got', () => {
    expect(validate(s, { a: [{ t: 1 }, { t: 'noon' }] })).toEqual({ field: 'a[1].t', expected: 'an RFC 3339 date-time string or an integer ≥ 0', got: "string 'noon'" });
    expect(validate(s, {})).toEqual({ field: 'a', expected: 'an array (required)', got: 'nothing' });
    expect(validate(s, { a: [], b: 1 })).toMatchObject({ field: 'b', expected: 'no such field (allowed: a)' });
    expect(validate(s, { a: [{ t: '2026-01-01T00:00:00Z' }] })).toBeNull();
    expect(validate({ type: 'string', format: 'uuid' }, 'x', 'device_id')).toMatchObject({ field: 'device_id', expected: 'a UUID string' });
  });
});

describe('attestation and canonical JSON', () => {
  it('verifies only the registered key\'s signature over this device and nonce', () => {
    const k = keychain('unit');
    const id = '0d9a1c52-7a1e-4f0e-8a8e-0b6e8a2b1c3d';
    const nonce = new Uint8Array(32).fill(5);
    const sig = k.se.sign('mldsa65', attestationMessage(id, nonce));
    expect(verifyAttestation(k.mldsa, id, nonce, sig)).toBe(true);
    expect(verifyAttestation(k.mldsa, '0d9a1c52-7a1e-4f0e-8a8e-0b6e8a2b1c3e', nonce, sig)).toBe(false);
    expect(verifyAttestation(k.mlkem, id, nonce, sig)).toBe(false);
    expect(verifyAttestation(keychain('other').mldsa, id, nonce, sig)).toBe(false);
  });
  it('sorts keys at every depth', () => {
    expect(canonicalJson({ b: [{ z: 1, a: 2 }], a: 'x', u: undefined })).toBe('{"a":"x","b":[{"a":2,"z":1}]}');
  });
});

describe('loadCloudKeys', () => {
  it('creates the key file 0600 and refuses one readable by group or others, naming the fix', async () => {
    const { mkdtempSync, chmodSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadCloudKeys } = await import('../../cloud/keys.ts');
    const dir = mkdtempSync(join(tmpdir(), 'kt-keys-'));
    try {
      const file = join(dir, 'keys.json');
      expect(loadCloudKeys(file, {}).created).toBe(true);
      expect(loadCloudKeys(file, {}).created).toBe(false);
      chmodSync(file, 0o644);
      expect(() => loadCloudKeys(file, {})).toThrow(/accessible by group or others \(mode 0644\).*chmod 600/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
