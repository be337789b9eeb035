/**
 * The device's key custody, modelled as a real ATECC608B-class design allows:
 * - The secure element (#chip fields here) holds only what fits its 1,208-byte data zone and its
 *   P-256 engine: a 32-byte wrapping secret, the P-256 device key, the bonded phone credentials
 *   (HMAC keys) and the device id. It signs P-256 and computes HMACs with its slot keys; none of
 *   these keys ever leaves it.
 * - The ML-KEM and ML-DSA private keys are generated on the MCU, wrapped (AES-256-GCM, the label
 *   as associated data) under a key-encryption key the SE derives as HMAC(wrapping secret, KEK
 *   label), and stored in flash (key-store.ts); the plaintext and the KEK are wiped. The bulk AES
 *   runs on the MCU: the SE's AES command does one 16-byte block in up to 27 ms (A4.11), ~4 s
 *   for a 6.4 kB key. Each decapsulation or signature unwraps its key into RAM, uses it, and
 *   wipes it and the KEK in a `finally`: plaintext PQ keys exist only in RAM during a handshake
 *   operation (`plaintextKeysInRam()` is 0 between operations; test/firmware/key-custody.test.ts).
 *   NOTE: the device statechart is coarser: it unwraps both keys before the handshake and wipes
 *   them after it (models/device; its cost is what the simulator charges).
 * Whoever reads the flash gets wrapped blobs; without the SE they cannot be opened. An attacker
 * holding the device (the SE too) can ask the SE to unwrap, as the firmware does, unless the
 * firmware binds the AES slot to an authorised state (docs/protocol.md, "Key storage").
 * No method returns a private key: they live in ECMAScript private fields.
 * @module
 */
import { gcm } from '@noble/ciphers/aes.js';
import { p256 } from '@noble/curves/nist.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, equalBytes, utf8ToBytes, wipe } from './bytes.ts';
import { ProtocolError } from './errors.ts';
import type { RandomSource } from './random.ts';
import { KEMS, MLDSA, type KemName, type SigName, type Suite } from './suites.ts';
import { FlashKeyStore, type WrappedKey } from './key-store.ts';
import { BOND_KEY_BYTES, DEVICE_ID_BYTES, MAX_BOND_SLOTS, keysNeeded } from './codec/provisioning.ts';

/** Domain label of the phone proof: HMAC(bondKey, PHONE_AUTH_LABEL || transcript hash). */
export const PHONE_AUTH_LABEL = utf8ToBytes('keytwin/v1 phone auth');
/** The message the SE HMACs under the wrapping secret to give the key-encryption key. */
const KEK_LABEL = utf8ToBytes('keytwin/v1 key-encryption key');

export interface DevicePublicKeys {
  readonly deviceId: Uint8Array;
  readonly kemKeys: Readonly<Partial<Record<KemName, Uint8Array>>>;
  readonly sigKeys: Readonly<Partial<Record<SigName, Uint8Array>>>;
}

export class SecureElement {
  readonly #random: RandomSource;
  /** In the SE: the wrapping secret (an HMAC key slot) and the P-256 key. */
  #wrapKey: Uint8Array | null = null;
  #p256Secret: Uint8Array | null = null;
  /** In flash: the wrapped PQ private keys. */
  readonly #flash = new FlashKeyStore();
  readonly #kemPublic = new Map<KemName, Uint8Array>();
  readonly #sigPublic = new Map<SigName, Uint8Array>();
  /** PQ private keys currently unwrapped in RAM (0 between operations). */
  #inRam = 0;
  readonly #bonds: (Uint8Array | null)[] = new Array<Uint8Array | null>(MAX_BOND_SLOTS).fill(null);
  #deviceId: Uint8Array | null = null;

  /** `random` models the SE's TRNG (seeded in simulation, CSPRNG live). */
  constructor(random: RandomSource) {
    this.#random = random;
  }

  /**
   * Generates the key pairs the given suites need and it does not hold yet: P-256 inside the SE,
   * ML-KEM / ML-DSA on the MCU, wrapped into flash at once and the plaintext wiped.
   */
  generateKeys(suites: readonly Suite[]): DevicePublicKeys {
    if (!this.#deviceId) this.#deviceId = this.#random(DEVICE_ID_BYTES);
    const { kems, sigs } = keysNeeded(suites);
    const fresh: [string, Uint8Array][] = [];
    const entropy: Uint8Array[] = [];
    for (const k of kems) {
      if (this.#kemPublic.has(k)) continue;
      const seed = this.#random(64);
      entropy.push(sha256(seed));
      const { secretKey, publicKey } = KEMS[k].impl.keygen(seed);
      fresh.push([`${k}.dk`, secretKey]);
      this.#kemPublic.set(k, publicKey);
    }
    for (const s of sigs) {
      if (this.#sigPublic.has(s)) continue;
      if (s === 'p256') {
        this.#p256Secret = p256.utils.randomSecretKey(this.#random(48));
        this.#sigPublic.set(s, p256.getPublicKey(this.#p256Secret, true));
      } else {
        const seed = this.#random(32);
        entropy.push(sha256(seed));
        const { secretKey, publicKey } = MLDSA[s].keygen(seed);
        fresh.push([`${s}.sk`, secretKey]);
        this.#sigPublic.set(s, publicKey);
      }
    }
    // The wrapping key comes from the SE TRNG output already drawn for the key pairs (hashed,
    // domain-separated), so custody adds no draw and the handshake's randomness, and the test
    // vectors, do not depend on it; then every new key is wrapped into flash and wiped.
    if (fresh.length > 0 && !this.#wrapKey) this.#wrapKey = sha256(concatBytes(utf8ToBytes('keytwin/v1 wrapping key'), ...entropy));
    for (const [label, key] of fresh) this.#store(label, key);
    return this.publicKeys();
  }

  /** The SE's HMAC (SHA command, HMAC mode) of the KEK label under the wrapping secret: the KEK, into MCU RAM. */
  #deriveKek(): Uint8Array {
    return hmac(sha256, this.#wrapKey!, KEK_LABEL);
  }

  /** The MCU seals `plain` into flash under the SE-derived KEK; the plaintext and the KEK are wiped. */
  #store(label: string, plain: Uint8Array): void {
    // One wrap per (wrapping secret, label): a nonce derived from the label never repeats under a KEK.
    const nonce = sha256(utf8ToBytes(`keytwin/v1 wrap ${label}`)).subarray(0, 12);
    const kek = this.#deriveKek();
    try {
      this.#flash.put(label, concatBytes(nonce, gcm(kek, nonce, utf8ToBytes(label)).encrypt(plain)));
    } finally {
      wipe(plain, kek);
    }
  }

  /** Unwraps `label` into RAM (KEK from the SE, AES-GCM on the MCU), runs `use`, and wipes the key and the KEK on every path. */
  #withKey<T>(label: string, use: (key: Uint8Array) => T): T {
    const blob = this.#flash.get(label);
    if (!blob || !this.#wrapKey) throw new Error(`SecureElement: no wrapped key ${label} in flash`);
    const kek = this.#deriveKek();
    let key: Uint8Array;
    try {
      key = gcm(kek, blob.subarray(0, 12), utf8ToBytes(label)).decrypt(blob.subarray(12));
    } finally {
      wipe(kek);
    }
    this.#inRam++;
    try {
      return use(key);
    } finally {
      wipe(key);
      this.#inRam--;
    }
  }

  /** PQ private keys in plaintext in RAM right now (0 outside an operation). */
  plaintextKeysInRam(): number {
    return this.#inRam;
  }

  /** What reading the device's flash yields: the wrapped blobs, nothing in plaintext. */
  flashDump(): WrappedKey[] {
    return this.#flash.dump();
  }

  publicKeys(): DevicePublicKeys {
    if (!this.#deviceId) throw new Error('SecureElement: not provisioned (call generateKeys first)');
    return {
      deviceId: this.#deviceId.slice(),
      kemKeys: Object.fromEntries([...this.#kemPublic].map(([k, v]) => [k, v.slice()])),
      sigKeys: Object.fromEntries([...this.#sigPublic].map(([k, v]) => [k, v.slice()])),
    };
  }

  /** Whether the SE holds the keys this suite needs. */
  supports(suite: Suite): boolean {
    return (!suite.kem || this.#kemPublic.has(suite.kem.name)) && this.#sigPublic.has(suite.sig.name);
  }

  /** ML-KEM decapsulation on the MCU with the key unwrapped for it (implicit rejection: a bad ciphertext gives a random secret). */
  decapsulate(kem: KemName, cipherText: Uint8Array): Uint8Array {
    if (!this.#kemPublic.has(kem)) throw new ProtocolError('suite.unsupported', `the device holds no ${kem} key`, 'kemCiphertext');
    return this.#withKey(`${kem}.dk`, (sk) => KEMS[kem].impl.decapsulate(cipherText, sk));
  }

  /** Signs with the device key of `sig` (hedged: fresh SE randomness mixed into each signature): P-256 in the SE, ML-DSA on the MCU. */
  sign(sig: SigName, message: Uint8Array): Uint8Array {
    if (!this.#sigPublic.has(sig)) throw new ProtocolError('suite.unsupported', `the device holds no ${sig} key`, 'signature');
    if (sig === 'p256') return p256.sign(message, this.#p256Secret!, { extraEntropy: this.#random(32) });
    return this.#withKey(`${sig}.sk`, (sk) => MLDSA[sig].sign(message, sk, { extraEntropy: this.#random(32) }));
  }

  /** Writes a phone credential into the first free slot (write-only; NFC provisioning). */
  bondPhone(bondKey: Uint8Array): number {
    if (bondKey.length !== BOND_KEY_BYTES) throw new ProtocolError('decode.length', `bond key must be ${BOND_KEY_BYTES} bytes, got ${bondKey.length}`, 'BondRequest.bondKey');
    const slot = this.#bonds.indexOf(null);
    if (slot < 0) throw new ProtocolError('decode.field', `all ${MAX_BOND_SLOTS} bond slots are in use`, 'BondRequest');
    this.#bonds[slot] = bondKey.slice();
    return slot;
  }

  /** Erases a bonded phone credential (unpair). */
  unbond(slot: number): void {
    const key = this.#bonds[slot];
    if (key) wipe(key);
    if (slot >= 0 && slot < MAX_BOND_SLOTS) this.#bonds[slot] = null;
  }

  /** Checks HMAC(bondKey[slot], PHONE_AUTH_LABEL || transcriptHash) against `proof`, inside the SE. */
  verifyPhoneProof(slot: number, transcriptHash: Uint8Array, proof: Uint8Array): boolean {
    const key = this.#bonds[slot];
    if (!key) return false;
    return equalBytes(hmac(sha256, key, concatBytes(PHONE_AUTH_LABEL, transcriptHash)), proof);
  }

  random(n: number): Uint8Array {
    return this.#random(n);
  }

  /** Factory reset / tamper response: zeroes every key and credential. */
  zeroize(): void {
    // Zeroising the SE's wrapping key is enough to kill the flash blobs; they are erased too.
    wipe(this.#wrapKey, this.#p256Secret);
    this.#wrapKey = null;
    this.#p256Secret = null;
    this.#flash.erase();
    this.#kemPublic.clear();
    this.#sigPublic.clear();
    for (let i = 0; i < this.#bonds.length; i++) this.unbond(i);
    this.#deviceId = null;
  }

  toJSON(): { kind: 'SecureElement' } {
    return { kind: 'SecureElement' };
  }
}
