/**
 * Cipher suites: ML-KEM-512/768/1024 × ML-DSA-44/65/87, hybrid (X25519 + ML-KEM) or pure PQ,
 * AES-256-GCM or XChaCha20-Poly1305; plus classical-only (X25519 + ECDSA P-256, which the
 * ATECC608B signs natively) for comparison.
 *
 * A suite travels as 4 bytes `[mode, kem, sig, aead]` (one code per component) and has a stable
 * string id `<kem>-<sig>-<mode>-<aead>` (`classical-p256-<aead>` for classical). Sizes come from
 * FIPS 203 Table 3, FIPS 204 Table 2, RFC 7748 and SEC 1 (research/calibration.md §9).
 * @module
 */
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem1024, ml_kem512, ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { ProtocolError } from './errors.ts';

export type KemName = 'mlkem512' | 'mlkem768' | 'mlkem1024';
export type SigName = 'mldsa44' | 'mldsa65' | 'mldsa87' | 'p256';
export type Mode = 'hybrid' | 'pq' | 'classical';
export type AeadName = 'aesgcm' | 'xchacha';

export interface KemParams {
  readonly name: KemName;
  readonly code: number;
  /** NIST security category (FIPS 203 §8). */
  readonly category: number;
  readonly publicKey: number;
  readonly secretKey: number;
  readonly cipherText: number;
  readonly impl: typeof ml_kem768;
}
export interface SigParams {
  readonly name: SigName;
  readonly code: number;
  /** NIST security category; 0 for P-256 (broken by a quantum adversary). */
  readonly category: number;
  readonly publicKey: number;
  readonly signature: number;
}
export interface AeadParams {
  readonly name: AeadName;
  readonly code: number;
  readonly key: number;
  readonly nonce: number;
  readonly tag: number;
}

// prettier-ignore
export const KEMS: Readonly<Record<KemName, KemParams>> = Object.freeze({
  mlkem512:  Object.freeze({ name: 'mlkem512',  code: 0x01, category: 1, publicKey: 800,  secretKey: 1632, cipherText: 768,  impl: ml_kem512 }),
  mlkem768:  Object.freeze({ name: 'mlkem768',  code: 0x02, category: 3, publicKey: 1184, secretKey: 2400, cipherText: 1088, impl: ml_kem768 }),
  mlkem1024: Object.freeze({ name: 'mlkem1024', code: 0x03, category: 5, publicKey: 1568, secretKey: 3168, cipherText: 1568, impl: ml_kem1024 }),
});

// prettier-ignore
export const SIGS: Readonly<Record<SigName, SigParams>> = Object.freeze({
  mldsa44: Object.freeze({ name: 'mldsa44', code: 0x01, category: 2, publicKey: 1312, signature: 2420 }),
  mldsa65: Object.freeze({ name: 'mldsa65', code: 0x02, category: 3, publicKey: 1952, signature: 3309 }),
  mldsa87: Object.freeze({ name: 'mldsa87', code: 0x03, category: 5, publicKey: 2592, signature: 4627 }),
  // compressed SEC 1 point; compact r||s signature
  p256:    Object.freeze({ name: 'p256',    code: 0x10, category: 0, publicKey: 33,   signature: 64 }),
});

/** The noble ML-DSA instance of each PQ signature parameter set. */
export const MLDSA = Object.freeze({ mldsa44: ml_dsa44, mldsa65: ml_dsa65, mldsa87: ml_dsa87 });

// prettier-ignore
export const AEADS: Readonly<Record<AeadName, AeadParams>> = Object.freeze({
  aesgcm:  Object.freeze({ name: 'aesgcm',  code: 0x01, key: 32, nonce: 12, tag: 16 }),
  xchacha: Object.freeze({ name: 'xchacha', code: 0x02, key: 32, nonce: 24, tag: 16 }),
});

// prettier-ignore
export const MODE_CODES: Readonly<Record<Mode, number>> = Object.freeze({ hybrid: 0x01, pq: 0x02, classical: 0x03 });
/** Wire code of "no KEM" (classical suites). */
export const KEM_NONE = 0x00;
export const X25519_BYTES = 32;

export interface Suite {
  readonly id: string;
  readonly mode: Mode;
  /** null for classical suites (X25519 only). */
  readonly kem: KemParams | null;
  readonly sig: SigParams;
  readonly aead: AeadParams;
  /** Whether the key exchange includes an X25519 ephemeral share (hybrid and classical). */
  readonly x25519: boolean;
  /** The 4 wire bytes `[mode, kem, sig, aead]`. */
  readonly code: readonly [number, number, number, number];
}

function makeSuite(mode: Mode, kem: KemParams | null, sig: SigParams, aead: AeadParams): Suite {
  const id = mode === 'classical' ? `classical-${sig.name}-${aead.name}` : `${kem!.name}-${sig.name}-${mode}-${aead.name}`;
  const code = Object.freeze([MODE_CODES[mode], kem ? kem.code : KEM_NONE, sig.code, aead.code] as const);
  return Object.freeze({ id, mode, kem, sig, aead, x25519: mode !== 'pq', code });
}

function buildSuites(): readonly Suite[] {
  const out: Suite[] = [];
  for (const kem of Object.values(KEMS))
    for (const sig of [SIGS.mldsa44, SIGS.mldsa65, SIGS.mldsa87])
      for (const mode of ['hybrid', 'pq'] as const)
        for (const aead of Object.values(AEADS)) out.push(makeSuite(mode, kem, sig, aead));
  for (const aead of Object.values(AEADS)) out.push(makeSuite('classical', null, SIGS.p256, aead));
  return Object.freeze(out);
}

/** Every suite: 36 PQ (hybrid and pure) and 2 classical, in a stable order. */
export const SUITES: readonly Suite[] = buildSuites();
export const SUITE_IDS: readonly string[] = Object.freeze(SUITES.map((s) => s.id));
const BY_ID = new Map(SUITES.map((s) => [s.id, s]));
const BY_CODE = new Map(SUITES.map((s) => [codeKey(s.code), s]));

function codeKey(code: ArrayLike<number>): number {
  return ((code[0]! << 24) | (code[1]! << 16) | (code[2]! << 8) | code[3]!) >>> 0;
}

export const DEFAULT_SUITE_ID = 'mlkem768-mldsa65-hybrid-aesgcm';

/** The suite with this id; the error lists every valid id. */
export function parseSuite(id: string): Suite {
  const s = BY_ID.get(id);
  if (!s) throw new ProtocolError('suite.unknown', `unknown suite '${id}'; valid suites: ${SUITE_IDS.join(', ')}`, 'suite');
  return s;
}

export const DEFAULT_SUITE: Suite = parseSuite(DEFAULT_SUITE_ID);

/** The suite named by 4 wire bytes, or a ProtocolError('suite.unknown') naming the field. */
export function suiteFromCode(code: ArrayLike<number>, field = 'suite'): Suite {
  const s = code.length === 4 ? BY_CODE.get(codeKey(code)) : undefined;
  if (!s) {
    const hex = Array.from(code, (b) => b.toString(16).padStart(2, '0')).join('');
    throw new ProtocolError('suite.unknown', `suite code 0x${hex} names no suite`, field);
  }
  return s;
}

/**
 * Orders suites by strength against a quantum adversary: first the weaker of the KEM and
 * signature categories (classical is 0), then hybrid over pure PQ over classical, then the sum of
 * categories. The AEAD does not count (both use 256-bit keys). Positive when a is stronger.
 */
export function compareStrength(a: Suite, b: Suite): number {
  const rank = (s: Suite) => [
    s.kem ? Math.min(s.kem.category, s.sig.category) : 0,
    s.mode === 'hybrid' ? 2 : s.mode === 'pq' ? 1 : 0,
    (s.kem?.category ?? 0) + s.sig.category,
  ];
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
  return 0;
}

/**
 * The offer order (docs/protocol.md §Suite order): strongest first by compareStrength, ties broken
 * by the higher KEM category (confidentiality is what harvest-now-decrypt-later attacks), then by
 * the lower AEAD code (AES-256-GCM before XChaCha20-Poly1305). A strict total order: two distinct
 * suites never compare equal. Negative when a comes first in an offer.
 */
export function offerOrder(a: Suite, b: Suite): number {
  return compareStrength(b, a) || (b.kem?.category ?? 0) - (a.kem?.category ?? 0) || a.aead.code - b.aead.code;
}

/**
 * The phone's default offer for a chosen suite: the chosen one, its pure-PQ counterpart (if
 * hybrid) and the ML-KEM-512 + ML-DSA-44 suite of the same mode and AEAD (if different), sorted in
 * offer order (the chosen suite is always the strongest of them, so it comes first). A device with
 * a smaller provisioning can still agree, and a stripped offer is visible.
 */
export function defaultOffer(chosen: Suite): readonly Suite[] {
  const out = [chosen];
  if (chosen.mode === 'hybrid') out.push(parseSuite(`${chosen.kem!.name}-${chosen.sig.name}-pq-${chosen.aead.name}`));
  if (chosen.kem && (chosen.kem.name !== 'mlkem512' || chosen.sig.name !== 'mldsa44'))
    out.push(parseSuite(`mlkem512-mldsa44-${chosen.mode}-${chosen.aead.name}`));
  return out.sort(offerOrder);
}
