/**
 * Flash key storage: the PQ private keys an ATECC608B cannot hold (it does P-256 only and its
 * data zone is 1,208 bytes; an ML-DSA-65 secret key alone is 4,032) live in the MCU's flash,
 * each wrapped (AES-128-GCM) under a key that never leaves the secure element. This module is
 * what flash holds: wrapped blobs only. Reading it (a flash dump, a JTAG read-out) yields
 * ciphertexts that open only through the SE's AES command with its wrapping key.
 * @module
 */
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
