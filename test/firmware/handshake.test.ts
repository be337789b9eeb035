import { describe, expect, it } from 'vitest';
import { createWorld, runHandshake, messageSizes, bleFragments, SUITES, parseSuite, bytesToHex, PhoneHandshake, DeviceHandshake, seededRandom } from '../../firmware/index.ts';

const world = createWorld('handshake-test');

describe('runHandshake', () => {
  it('completes for every suite, and every message has the size messageSizes gives', () => {
    for (const suite of SUITES) {
      const r = runHandshake(world, { suite });
      expect(r.rejection, suite.id).toBeNull();
      expect(r.established).toBe(true);
      expect(r.unlocked).toBe(1);
      const sizes = messageSizes(suite.id);
      for (const m of r.sent) expect(m.bytes.length, `${suite.id} ${m.name}`).toBe(sizes[m.name]);
    }
  });

  it('seeded ⇒ byte-identical transcript; unseeded ⇒ different', () => {
    const hexes = (seed?: string) => runHandshake(createWorld(seed, [parseSuite('mlkem512-mldsa44-hybrid-aesgcm')]), { suite: parseSuite('mlkem512-mldsa44-hybrid-aesgcm') }).sent.map((m) => bytesToHex(m.bytes));
    expect(hexes('same')).toEqual(hexes('same'));
    expect(hexes('same')).not.toEqual(hexes('other'));
    const a = hexes();
    const b = hexes();
    expect(a.every((h, i) => h !== b[i])).toBe(true);
  });

  it('provisioning gives the phone the registered keys and a bond slot', () => {
    expect(world.pairing.registration.suites).toHaveLength(38);
    expect(world.pairing.registration.kemKeys.mlkem768).toHaveLength(1184);
    expect(world.pairing.registration.sigKeys.p256).toHaveLength(33);
    expect(world.provisioning.bondRequest).toHaveLength(34);
  });

  it('a device policy without the chosen suite refuses it with suite.unsupported', () => {
    const w = createWorld('policy', [parseSuite('mlkem768-mldsa65-pq-aesgcm'), parseSuite('mlkem768-mldsa65-hybrid-aesgcm')]);
    const device = new DeviceHandshake({ se: w.se, accept: [parseSuite('mlkem768-mldsa65-hybrid-aesgcm')] });
    const phone = new PhoneHandshake({ pairing: w.pairing, random: seededRandom('p'), suite: parseSuite('mlkem768-mldsa65-pq-aesgcm'), offered: [parseSuite('mlkem768-mldsa65-pq-aesgcm')] });
    phone.encapsulate();
    expect(() => device.receiveClientHello(phone.clientHello())).toThrow(/suite.unsupported/);
    expect(device.phase).toBe('failed');
  });

  it('steps out of order fail with state.unexpected and lock the role', () => {
    const device = new DeviceHandshake({ se: world.se });
    expect(() => device.sign()).toThrow(/state.unexpected/);
    expect(device.phase).toBe('failed');
    expect(() => device.receiveClientHello(new Uint8Array(10))).toThrow(/state.unexpected/);
  });
});

describe('bleFragments', () => {
  it('carries MTU−3 bytes per ATT PDU; one LL PDU each at 247, three per full PDU at 517', () => {
    expect(bleFragments(3411, 247)).toMatchObject({ attPayload: 244, attPdus: 14, llPdus: 14 });
    expect(bleFragments(3411, 517)).toMatchObject({ attPayload: 514, attPdus: 7, llPdus: 20 });
    expect(bleFragments(514, 517)).toMatchObject({ attPdus: 1, llPdus: 3, llBytes: 521 });
    expect(bleFragments(0, 247)).toMatchObject({ attPdus: 1, llPdus: 1 });
    expect(() => bleFragments(10, 600)).toThrow(/23\.\.517/);
  });
  it('messageSizes: ML-KEM-768/ML-DSA-65 hybrid sizes follow from the field layout', () => {
    const s = messageSizes('mlkem768-mldsa65-hybrid-aesgcm');
    // 7 header + 3 offered × 4 + 32 nonce + 32 X25519 + 1088 ciphertext
    expect(s.ClientHello).toBe(7 + 12 + 32 + 32 + 1088);
    // 6 header + 32 hash + 32 nonce + 32 X25519 + 3309 signature
    expect(s.ServerHello).toBe(6 + 32 + 32 + 32 + 3309);
    expect(s.ClientFinished).toBe(67);
    expect(() => messageSizes('nope')).toThrow(/valid suites/);
  });
});
