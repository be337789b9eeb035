/**
 * Which post-quantum public key a byte string is, by its length: the question the registry and
 * the cloud ask of a key a keychain registers. Answered from the suite tables (suites.ts), so the
 * lengths exist once; the FIPS 203 / 204 names are what the registry and the API report.
 * @module
 */
import { KEMS, SIGS, type KemParams, type SigParams } from './suites.ts';

/** ML-DSA parameter sets (the signature algorithms whose public keys a keychain registers). */
export type MldsaName = 'mldsa44' | 'mldsa65' | 'mldsa87';

/** 'mlkem768' → 'ML-KEM-768', 'mldsa65' → 'ML-DSA-65'. */
export function fipsName(name: KemParams['name'] | MldsaName): string {
  return name.replace(/^ml(kem|dsa)(\d+)$/, (_m, fam: string, n: string) => `ML-${fam.toUpperCase()}-${n}`);
}

/** The ML-KEM parameter set whose encapsulation key is `length` bytes, or null. */
export function mlkemByPublicKeyLength(length: number): KemParams | null {
  return Object.values(KEMS).find((k) => k.publicKey === length) ?? null;
}

/** The ML-DSA parameter set whose public key is `length` bytes, or null (P-256 is not one). */
export function mldsaByPublicKeyLength(length: number): (SigParams & { readonly name: MldsaName }) | null {
  const s = Object.values(SIGS).find((x) => x.name !== 'p256' && x.publicKey === length);
  return (s as (SigParams & { readonly name: MldsaName }) | undefined) ?? null;
}

/** Public-key length → FIPS name of every PQ key a keychain may register, ML-KEM then ML-DSA. */
export const PQ_PUBLIC_KEY_LENGTHS: Readonly<Record<number, string>> = Object.freeze(
  Object.fromEntries([
    ...Object.values(KEMS).map((k) => [k.publicKey, fipsName(k.name)] as const),
    ...Object.values(SIGS).filter((s) => s.name !== 'p256').map((s) => [s.publicKey, fipsName(s.name as MldsaName)] as const),
  ]),
);
