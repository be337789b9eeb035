import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  activeFigurePath,
  DEFAULT_PROFILE_FILE,
  defaultProfile,
  pqcFigures,
  validateProfile,
  x25519Figures,
} from '../../firmware/profiles/index.ts';

const alternative = () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const j: Record<string, any> = JSON.parse(readFileSync(`firmware/profiles/${DEFAULT_PROFILE_FILE}`, 'utf8'));
  j.pqc.kemImplementation.v = 'reference';
  j.pqc.sigImplementation.v = 'reference';
  j.classical.x25519Implementation.v = 'optimised';
  return validateProfile(j, 'alt');
};

describe('active figures', () => {
  const p = defaultProfile();
  it('pqcFigures / x25519Figures return the set the choice selects, with its path', () => {
    expect(pqcFigures(p, 'mlkem768')).toMatchObject({ implementation: 'mlkem-native', path: 'pqc.mlkem768.mlkem-native', decaps: { value: 7.987, ref: 'M2' } });
    expect(pqcFigures(p, 'mldsa87').sign.iter).toMatchObject({ value: 44.27, ref: 'D1/R1.1' });
    expect(x25519Figures(p)).toMatchObject({ implementation: 'mbedtls-esp-idf', keygen: { value: 88.8, ref: 'C1', conf: 'H' } });
    const a = alternative();
    expect(pqcFigures(a, 'mlkem768')).toMatchObject({ implementation: 'reference', decaps: { value: 15.27 } });
    expect(pqcFigures(a, 'mldsa44').path).toBe('pqc.mldsa44.reference');
    expect(x25519Figures(a).shared.value).toBe(15.6);
  });

  it('activeFigurePath maps logical keys to the active set and leaves other paths alone', () => {
    expect(activeFigurePath(p, 'pqc.mlkem768.keygen')).toBe('pqc.mlkem768.mlkem-native.keygen');
    expect(activeFigurePath(p, 'pqc.mldsa65.sign.iter')).toBe('pqc.mldsa65.mldsa-native.sign.iter');
    expect(activeFigurePath(p, 'classical.x25519.shared')).toBe('classical.x25519.mbedtls-esp-idf.shared');
    expect(activeFigurePath(alternative(), 'pqc.mlkem512.decaps')).toBe('pqc.mlkem512.reference.decaps');
    expect(activeFigurePath(p, 'pqc.mlkem768.reference.keygen')).toBe('pqc.mlkem768.reference.keygen');
    expect(activeFigurePath(p, 'mcu.deepSleepWakeToApp')).toBe('mcu.deepSleepWakeToApp');
  });
});
