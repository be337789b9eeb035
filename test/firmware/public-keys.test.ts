import { describe, expect, it } from 'vitest';
import { fipsName, KEMS, MLDSA, mldsaByPublicKeyLength, mlkemByPublicKeyLength, PQ_PUBLIC_KEY_LENGTHS } from '../../firmware/index.ts';

describe('public keys by length', () => {
  it("the suite table's lengths are noble's real key lengths", () => {
    const seed = new Uint8Array(64).fill(7);
    for (const k of Object.values(KEMS)) expect(mlkemByPublicKeyLength(k.impl.keygen(seed).publicKey.length)).toBe(k);
    for (const [name, impl] of Object.entries(MLDSA)) expect(mldsaByPublicKeyLength(impl.keygen(seed.subarray(0, 32)).publicKey.length)?.name).toBe(name);
  });

  it('names every registrable key by its FIPS name and nothing else', () => {
    expect(PQ_PUBLIC_KEY_LENGTHS).toEqual({ 800: 'ML-KEM-512', 1184: 'ML-KEM-768', 1568: 'ML-KEM-1024', 1312: 'ML-DSA-44', 1952: 'ML-DSA-65', 2592: 'ML-DSA-87' });
    expect(mldsaByPublicKeyLength(33)).toBeNull(); // P-256 is not a PQ key
    expect(mlkemByPublicKeyLength(1312)).toBeNull();
    expect(fipsName('mldsa87')).toBe('ML-DSA-87');
  });
});
