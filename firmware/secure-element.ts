/**
 * The secure-element model. It generates and holds every device private key (ML-KEM decapsulation
 * keys, ML-DSA signing keys, the P-256 key the ATECC608B uses natively) and the bonded phone
 * credentials, and offers only operations on them: decapsulate, sign, check a phone proof, draw
 * random bytes, list public keys. No method returns a private key: they live in ECMAScript
 * private fields, invisible to JSON.stringify, Object.keys and reflection.
 *
 * Honest caveat: a real ATECC608B does P-256, SHA-256 and HMAC but not ML-KEM/ML-DSA; on real
 * hardware the PQ keys would sit in the MCU's secure world wrapped by the SE. The model keeps the
 * contract (no export) that either design must give.
 * @module
 */
import { p256 } from '@noble/curves/nist.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, equalBytes, utf8ToBytes, wipe } from './bytes.ts';
import { ProtocolError } from './errors.ts';
import type { RandomSource } from './random.ts';
import { KEMS, MLDSA, type KemName, type SigName, type Suite } from './suites.ts';
import { BOND_KEY_BYTES, DEVICE_ID_BYTES, MAX_BOND_SLOTS, keysNeeded } from './codec/provisioning.ts';

/** Domain label of the phone proof: HMAC(bondKey, PHONE_AUTH_LABEL || transcript hash). */
export const PHONE_AUTH_LABEL = utf8ToBytes('keytwin/v1 phone auth');

export interface DevicePublicKeys {
  readonly deviceId: Uint8Array;
  readonly kemKeys: Readonly<Partial<Record<KemName, Uint8Array>>>;
  readonly sigKeys: Readonly<Partial<Record<SigName, Uint8Array>>>;
}

export class SecureElement {
  readonly #random: RandomSource;
  readonly #kemSecret = new Map<KemName, Uint8Array>();
  readonly #kemPublic = new Map<KemName, Uint8Array>();
  readonly #sigSecret = new Map<SigName, Uint8Array>();
  readonly #sigPublic = new Map<SigName, Uint8Array>();
  readonly #bonds: (Uint8Array | null)[] = new Array<Uint8Array | null>(MAX_BOND_SLOTS).fill(null);
  #deviceId: Uint8Array | null = null;

  /** `random` models the SE's TRNG (seeded in simulation, CSPRNG live). */
  constructor(random: RandomSource) {
    this.#random = random;
  }

  /** Generates, inside the SE, the key pairs the given suites need that it does not hold yet. */
  generateKeys(suites: readonly Suite[]): DevicePublicKeys {
    if (!this.#deviceId) this.#deviceId = this.#random(DEVICE_ID_BYTES);
    const { kems, sigs } = keysNeeded(suites);
    for (const k of kems) {
      if (this.#kemSecret.has(k)) continue;
      const { secretKey, publicKey } = KEMS[k].impl.keygen(this.#random(64));
      this.#kemSecret.set(k, secretKey);
      this.#kemPublic.set(k, publicKey);
    }
    for (const s of sigs) {
      if (this.#sigSecret.has(s)) continue;
      if (s === 'p256') {
        const secretKey = p256.utils.randomSecretKey(this.#random(48));
        this.#sigSecret.set(s, secretKey);
        this.#sigPublic.set(s, p256.getPublicKey(secretKey, true));
      } else {
        const { secretKey, publicKey } = MLDSA[s].keygen(this.#random(32));
        this.#sigSecret.set(s, secretKey);
        this.#sigPublic.set(s, publicKey);
      }
    }
    return this.publicKeys();
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
    return (!suite.kem || this.#kemSecret.has(suite.kem.name)) && this.#sigSecret.has(suite.sig.name);
  }

  /** ML-KEM decapsulation with the device key (implicit rejection: a bad ciphertext gives a random secret). */
  decapsulate(kem: KemName, cipherText: Uint8Array): Uint8Array {
    const sk = this.#kemSecret.get(kem);
    if (!sk) throw new ProtocolError('suite.unsupported', `the secure element holds no ${kem} key`, 'kemCiphertext');
    return KEMS[kem].impl.decapsulate(cipherText, sk);
  }

  /** Signs with the device key of `sig` (hedged: fresh SE randomness mixed into each signature). */
  sign(sig: SigName, message: Uint8Array): Uint8Array {
    const sk = this.#sigSecret.get(sig);
    if (!sk) throw new ProtocolError('suite.unsupported', `the secure element holds no ${sig} key`, 'signature');
    if (sig === 'p256') return p256.sign(message, sk, { extraEntropy: this.#random(32) });
    return MLDSA[sig].sign(message, sk, { extraEntropy: this.#random(32) });
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
    for (const m of [this.#kemSecret, this.#sigSecret]) {
      for (const v of m.values()) wipe(v);
      m.clear();
    }
    this.#kemPublic.clear();
    this.#sigPublic.clear();
    for (let i = 0; i < this.#bonds.length; i++) this.unbond(i);
    this.#deviceId = null;
  }

  toJSON(): { kind: 'SecureElement' } {
    return { kind: 'SecureElement' };
  }
}
