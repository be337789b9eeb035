import { describe, expect, it } from 'vitest';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { SecureElement, parseSuite, seededRandom } from '../../firmware/index.ts';

const suite = parseSuite('mlkem768-mldsa65-hybrid-aesgcm');

/** True when `needle` occurs in `hay` as a contiguous run of bytes. */
function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe('key custody: PQ keys wrapped in flash, plaintext only in RAM during an operation', () => {
  const se = new SecureElement(seededRandom('custody'));
  const pub = se.generateKeys([suite]);

  it('flash holds one wrapped blob per PQ key and neither the seed-derived private key in plaintext', () => {
    const dump = se.flashDump();
    expect(dump.map((d) => d.label).sort()).toEqual(['mldsa65.sk', 'mlkem768.dk']);
    // The same seeds as the SE drew, expanded: what a plaintext key would look like in flash.
    const again = seededRandom('custody');
    again(16); // the device id, drawn first
    const kem = ml_kem768.keygen(again(64));
    const sig = ml_dsa65.keygen(again(32));
    expect(kem.publicKey).toEqual(pub.kemKeys.mlkem768);
    expect(sig.publicKey).toEqual(pub.sigKeys.mldsa65);
    for (const d of dump) {
      expect(contains(d.blob, kem.secretKey.subarray(0, 64))).toBe(false);
      expect(contains(d.blob, sig.secretKey.subarray(0, 64))).toBe(false);
      // nonce 12 + key + tag 16
      expect(d.blob.length).toBe(12 + (d.label === 'mlkem768.dk' ? kem.secretKey.length : sig.secretKey.length) + 16);
    }
  });

  it('no plaintext PQ key in RAM between operations, on success and on failure', () => {
    expect(se.plaintextKeysInRam()).toBe(0);
    const { cipherText, sharedSecret } = ml_kem768.encapsulate(pub.kemKeys.mlkem768!);
    expect(se.decapsulate('mlkem768', cipherText)).toEqual(sharedSecret);
    expect(se.plaintextKeysInRam()).toBe(0);
    const sig = se.sign('mldsa65', new Uint8Array([1, 2, 3]));
    expect(ml_dsa65.verify(sig, new Uint8Array([1, 2, 3]), pub.sigKeys.mldsa65!)).toBe(true);
    expect(se.plaintextKeysInRam()).toBe(0);
    // A malformed ciphertext throws inside the unwrapped scope: the key is still wiped.
    expect(() => se.decapsulate('mlkem768', new Uint8Array(3))).toThrow();
    expect(se.plaintextKeysInRam()).toBe(0);
  });

  it('zeroize kills the wrapping key and erases the blobs', () => {
    const other = new SecureElement(seededRandom('custody-2'));
    other.generateKeys([suite]);
    other.zeroize();
    expect(other.flashDump()).toEqual([]);
    expect(() => other.sign('mldsa65', new Uint8Array(1))).toThrow(/holds no mldsa65/);
  });
});
