import { describe, expect, it } from 'vitest';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { p256 } from '@noble/curves/nist.js';
import { SecureElement, parseSuite, seededRandom, phoneProof, PHONE_AUTH_LABEL, SUITES } from '../../firmware/index.ts';

const suite = parseSuite('mlkem768-mldsa65-hybrid-aesgcm');

describe('SecureElement', () => {
  const se = new SecureElement(seededRandom('se'));
  const pub = se.generateKeys([suite, parseSuite('classical-p256-aesgcm')]);

  it('offers no way to read a private key', () => {
    expect(JSON.stringify(se)).toBe('{"kind":"SecureElement"}');
    expect(Object.keys(se)).toEqual([]);
    expect(Object.getOwnPropertyNames(se)).toEqual([]);
    expect(Object.getOwnPropertySymbols(se)).toEqual([]);
    const methods = Object.getOwnPropertyNames(SecureElement.prototype).sort();
    expect(methods).toEqual(['bondPhone', 'constructor', 'decapsulate', 'flashDump', 'generateKeys', 'plaintextKeysInRam', 'publicKeys', 'random', 'sign', 'supports', 'toJSON', 'unbond', 'verifyPhoneProof', 'zeroize'].sort());
    // nothing any method returns has the size of a secret key
    const sizes = JSON.stringify(Object.values(se.publicKeys().kemKeys).map((k) => k.length));
    expect(sizes).toBe('[1184]');
  });

  it('decapsulates what was encapsulated to its public key', () => {
    const { cipherText, sharedSecret } = suite.kem!.impl.encapsulate(pub.kemKeys.mlkem768!, new Uint8Array(32).fill(7));
    expect(se.decapsulate('mlkem768', cipherText)).toEqual(sharedSecret);
  });

  it('signs with ML-DSA-65 and P-256 keys whose public halves verify', () => {
    const msg = new Uint8Array([1, 2, 3]);
    expect(ml_dsa65.verify(se.sign('mldsa65', msg), msg, pub.sigKeys.mldsa65!)).toBe(true);
    expect(p256.verify(se.sign('p256', msg), msg, pub.sigKeys.p256!)).toBe(true);
    expect(ml_dsa65.verify(se.sign('mldsa65', msg), new Uint8Array([9]), pub.sigKeys.mldsa65!)).toBe(false);
  });

  it('refuses operations for keys it does not hold, with suite.unsupported', () => {
    expect(() => se.decapsulate('mlkem1024', new Uint8Array(1568))).toThrow(/suite.unsupported/);
    expect(se.supports(SUITES.find((s) => s.kem?.name === 'mlkem1024')!)).toBe(false);
  });

  it('checks a bonded phone proof, and nothing else', () => {
    const key = new Uint8Array(32).fill(5);
    const slot = se.bondPhone(key);
    const th = new Uint8Array(32).fill(1);
    expect(PHONE_AUTH_LABEL.length).toBeGreaterThan(0);
    expect(se.verifyPhoneProof(slot, th, phoneProof(key, th))).toBe(true);
    expect(se.verifyPhoneProof(slot, th, phoneProof(new Uint8Array(32), th))).toBe(false);
    expect(se.verifyPhoneProof(slot + 1, th, phoneProof(key, th))).toBe(false);
    se.unbond(slot);
    expect(se.verifyPhoneProof(slot, th, phoneProof(key, th))).toBe(false);
  });

  it('zeroize removes every key', () => {
    const s2 = new SecureElement(seededRandom('z'));
    s2.generateKeys([suite]);
    s2.zeroize();
    expect(s2.supports(suite)).toBe(false);
    expect(() => s2.publicKeys()).toThrow(/not provisioned/);
  });
});
