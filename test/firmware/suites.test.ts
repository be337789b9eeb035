import { describe, expect, it } from 'vitest';
import { compareStrength, defaultOffer, parseSuite, suiteFromCode, DEFAULT_SUITE, ProtocolError, SUITES, SUITE_IDS, KEMS, SIGS } from '../../firmware/index.ts';

describe('SUITES', () => {
  it('has 36 PQ suites and 2 classical, with unique ids and wire codes', () => {
    expect(SUITES).toHaveLength(38);
    expect(new Set(SUITE_IDS).size).toBe(38);
    expect(new Set(SUITES.map((s) => s.code.join(','))).size).toBe(38);
    expect(SUITES.filter((s) => s.mode === 'classical').map((s) => s.id)).toEqual(['classical-p256-aesgcm', 'classical-p256-xchacha']);
  });
  it('has the FIPS 203/204 sizes of calibration.md §9', () => {
    expect([KEMS.mlkem512.cipherText, KEMS.mlkem768.publicKey, KEMS.mlkem768.cipherText, KEMS.mlkem1024.cipherText]).toEqual([768, 1184, 1088, 1568]);
    expect([SIGS.mldsa44.signature, SIGS.mldsa65.publicKey, SIGS.mldsa65.signature, SIGS.mldsa87.signature]).toEqual([2420, 1952, 3309, 4627]);
    expect(KEMS.mlkem768.impl.lengths.cipherText).toBe(1088);
  });
  it('defaults to ML-KEM-768 + ML-DSA-65 hybrid AES-GCM', () => {
    expect(DEFAULT_SUITE.id).toBe('mlkem768-mldsa65-hybrid-aesgcm');
    expect(DEFAULT_SUITE.code).toEqual([0x01, 0x02, 0x02, 0x01]);
  });
});

describe('parseSuite', () => {
  it('round-trips every id and code', () => {
    for (const s of SUITES) {
      expect(parseSuite(s.id)).toBe(s);
      expect(suiteFromCode(s.code)).toBe(s);
    }
  });
  it('rejects an unknown id with suite.unknown listing every valid id', () => {
    let err: unknown;
    try {
      parseSuite('mlkem768-rsa-hybrid-aesgcm');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).check).toBe('suite.unknown');
    for (const id of SUITE_IDS) expect((err as Error).message).toContain(id);
  });
});

describe('compareStrength', () => {
  it('ranks hybrid above pure PQ above classical, and higher levels above lower', () => {
    const s = (id: string) => parseSuite(id);
    expect(compareStrength(s('mlkem768-mldsa65-hybrid-aesgcm'), s('mlkem768-mldsa65-pq-aesgcm'))).toBeGreaterThan(0);
    expect(compareStrength(s('mlkem512-mldsa44-pq-aesgcm'), s('classical-p256-aesgcm'))).toBeGreaterThan(0);
    expect(compareStrength(s('mlkem1024-mldsa87-pq-xchacha'), s('mlkem768-mldsa65-hybrid-aesgcm'))).toBeGreaterThan(0);
    expect(compareStrength(s('mlkem768-mldsa65-hybrid-aesgcm'), s('mlkem768-mldsa65-hybrid-xchacha'))).toBe(0);
  });
  it('defaultOffer puts the chosen suite first and only weaker ones after it', () => {
    for (const s of SUITES) {
      const offer = defaultOffer(s);
      expect(offer[0]).toBe(s);
      for (const o of offer.slice(1)) expect(compareStrength(o, s)).toBeLessThan(0);
    }
  });
});
