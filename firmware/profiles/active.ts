/**
 * The figures a profile's implementation choices make active. A profile keeps one figure set per
 * implementation (ML-KEM: mlkem-native | reference, ML-DSA: mldsa-native | reference, X25519:
 * mbedtls-esp-idf | optimised), each with its own sources; callers ask here for the selected set
 * instead of walking the JSON, so the layout can change without touching them.
 * @module
 */
import type { Profile, Quantity } from './spec.ts';

export type KemLevel = 'mlkem512' | 'mlkem768' | 'mlkem1024';
export type SigLevel = 'mldsa44' | 'mldsa65' | 'mldsa87';

export interface KemFigures {
  readonly implementation: string;
  /** Dotted profile path of the active set, e.g. "pqc.mlkem768.mlkem-native". */
  readonly path: string;
  readonly keygen: Quantity;
  readonly encaps: Quantity;
  readonly decaps: Quantity;
}

export interface SignModel {
  readonly base: Quantity;
  readonly iter: Quantity;
  readonly p: Quantity;
  readonly mean: Quantity;
  readonly p99: Quantity;
}

export interface SigFigures {
  readonly implementation: string;
  readonly path: string;
  readonly keygen: Quantity;
  readonly verify: Quantity;
  /** Signing time = base + N·iter with N ~ Geometric(p); mean and p99 are the model's declared targets. */
  readonly sign: SignModel;
}

export interface X25519Figures {
  readonly implementation: string;
  readonly path: string;
  readonly keygen: Quantity;
  readonly shared: Quantity;
}

const isKem = (level: KemLevel | SigLevel): level is KemLevel => level.startsWith('mlkem');

/** The active ML-KEM or ML-DSA figures of a level, as selected by pqc.kemImplementation / sigImplementation. */
export function pqcFigures(profile: Profile, level: KemLevel): KemFigures;
export function pqcFigures(profile: Profile, level: SigLevel): SigFigures;
export function pqcFigures(profile: Profile, level: KemLevel | SigLevel): KemFigures | SigFigures;
export function pqcFigures(profile: Profile, level: KemLevel | SigLevel): KemFigures | SigFigures {
  const pq = profile.pqc;
  if (isKem(level)) {
    const impl = pq.kemImplementation.value;
    const set = pq[level][impl];
    return { implementation: impl, path: `pqc.${level}.${impl}`, keygen: set.keygen, encaps: set.encaps, decaps: set.decaps };
  }
  const impl = pq.sigImplementation.value;
  const set = pq[level][impl];
  return { implementation: impl, path: `pqc.${level}.${impl}`, keygen: set.keygen, verify: set.verify, sign: set.sign };
}

/** The active X25519 figures, as selected by classical.x25519Implementation. */
export function x25519Figures(profile: Profile): X25519Figures {
  const impl = profile.classical.x25519Implementation.value;
  const set = profile.classical.x25519[impl];
  return { implementation: impl, path: `classical.x25519.${impl}`, keygen: set.keygen, shared: set.shared };
}

/**
 * The profile path that holds the active figure for a logical key that does not name an
 * implementation: "pqc.mlkem768.keygen" → "pqc.mlkem768.mlkem-native.keygen",
 * "pqc.mldsa65.sign.iter" → "pqc.mldsa65.mldsa-native.sign.iter",
 * "classical.x25519.shared" → "classical.x25519.mbedtls-esp-idf.shared". Any other path is
 * returned unchanged. For tools (e.g. a calibrator) that map measured operations to profile keys.
 */
export function activeFigurePath(profile: Profile, logical: string): string {
  const m = /^(pqc\.(mlkem\d+|mldsa\d+)|classical\.x25519)\.(.+)$/.exec(logical);
  if (!m) return logical;
  const [, head, level, rest] = m;
  const impl = level
    ? isKem(level as KemLevel)
      ? profile.pqc.kemImplementation.value
      : profile.pqc.sigImplementation.value
    : profile.classical.x25519Implementation.value;
  // Already explicit ("pqc.mlkem768.reference.keygen"): leave it.
  if (/^(mlkem-native|mldsa-native|reference|mbedtls-esp-idf|optimised)\./.test(rest!)) return logical;
  return `${head}.${impl}.${rest}`;
}
