import { describe, expect, it } from 'vitest';
import { seededRandom, systemRandom, bytesToHex } from '../../firmware/index.ts';

describe('seededRandom', () => {
  it('gives the same stream for the same seed, however it is chunked', () => {
    const a = seededRandom('s');
    const b = seededRandom('s');
    const whole = a(200);
    const parts = [b(1), b(63), b(64), b(7), b(65)];
    expect(bytesToHex(Uint8Array.from(parts.flatMap((p) => [...p])))).toBe(bytesToHex(whole));
  });
  it('gives different streams for different seeds (string and bytes)', () => {
    expect(bytesToHex(seededRandom('a')(32))).not.toBe(bytesToHex(seededRandom('b')(32)));
    expect(bytesToHex(seededRandom(new Uint8Array([1]))(32))).not.toBe(bytesToHex(seededRandom(new Uint8Array([2]))(32)));
  });
  it('rejects a negative length', () => {
    expect(() => seededRandom('x')(-1)).toThrow(/non-negative/);
  });
});

describe('systemRandom', () => {
  it('differs between calls', () => {
    expect(bytesToHex(systemRandom(32))).not.toBe(bytesToHex(systemRandom(32)));
  });
});
