/**
 * Flash key storage: the PQ private keys an ATECC608B cannot hold (it does P-256 only and its
 * data zone is 1,208 bytes; an ML-DSA-65 secret key alone is 4,032) live in the MCU's flash,
 * each wrapped (AES-256-GCM) under a key-encryption key the secure element derives (an HMAC
 * of a secret that never leaves it). This module is what flash holds: wrapped blobs only.
 * Reading it (a flash dump, a JTAG read-out) yields ciphertexts that open only with a KEK from
 * that SE.
 * @module
 */
import { KEMS, MLDSA, type KemName, type SigName } from './suites.ts';

/** Bytes a wrapped blob adds to its key: the 12-byte GCM nonce and the 16-byte tag. */
export const WRAP_OVERHEAD_BYTES = 12 + 16;

/**
 * The PQ private keys a suite's device keeps wrapped in flash: the ML-KEM decapsulation key (if
 * the suite has a KEM) and the ML-DSA secret key (if it signs with ML-DSA; a P-256 key stays in
 * the SE). Sizes are the libraries' own (FIPS 203 / 204 expanded keys), so the simulator's
 * unwrap, wipe and provisioning costs scale with exactly what the firmware stores.
 */
export function wrappedKeySizes(kem: KemName | null, sig: SigName): number[] {
  const out: number[] = [];
  if (kem) out.push(KEMS[kem].secretKey);
  if (sig !== 'p256') out.push(MLDSA[sig].lengths.secretKey!);
  return out;
}

export interface WrappedKey {
  /** What the blob is (e.g. "mlkem768.dk"); bound into the AEAD as associated data. */
  readonly label: string;
  /** 12-byte nonce ‖ ciphertext ‖ 16-byte tag. */
  readonly blob: Uint8Array;
}

export class FlashKeyStore {
  readonly #blobs = new Map<string, Uint8Array>();

  put(label: string, blob: Uint8Array): void {
    this.#blobs.set(label, blob.slice());
  }

  get(label: string): Uint8Array | undefined {
    return this.#blobs.get(label);
  }

  /** Everything an attacker reading the flash gets. */
  dump(): WrappedKey[] {
    return [...this.#blobs].map(([label, blob]) => ({ label, blob: blob.slice() }));
  }

  erase(): void {
    for (const b of this.#blobs.values()) b.fill(0);
    this.#blobs.clear();
  }
}
