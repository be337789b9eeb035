/**
 * The device (keychain) role of the handshake as explicit synchronous steps, one per timed
 * operation of models/handshake's device machine: receive ClientHello → ML-KEM decapsulation in
 * the SE → X25519 keygen → X25519 shared secret → sign the transcript in the SE → HKDF → receive
 * ClientFinished (key confirmation) → verify the bonded phone proof in the SE → seal "ready".
 * A step called out of order throws `state.unexpected`; any rejection leaves the role `failed`
 * (locked) with its secrets wiped, and no later step succeeds.
 * @module
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { equalBytes, isAllZero, wipe } from './bytes.ts';
import { ProtocolError } from './errors.ts';
import { deriveSessionKeys, finishedMac, signedContent, transcriptHash, wipeKeys, type SessionKeys } from './key-schedule.ts';
import type { SecureElement } from './secure-element.ts';
import { Session } from './session.ts';
import { SUITES, type Suite } from './suites.ts';
import { ACTION_ID_BYTES, expectPayload, readyPayload, resultPayload } from './app.ts';
import {
  decodeClientFinished,
  decodeClientHello,
  encodeServerHello,
  serverHelloSignedLength,
  type ClientFinished,
  type ClientHello,
} from './codec/messages.ts';

/** Recently seen ClientHello nonces (a small ring in the SE's RAM): refuses replayed hellos. */
export class NonceCache {
  readonly #ring: string[] = [];
  readonly size: number;
  constructor(size = 32) {
    this.size = size;
  }
  has(nonce: Uint8Array): boolean {
    return this.#ring.includes(hex(nonce));
  }
  add(nonce: Uint8Array): void {
    this.#ring.push(hex(nonce));
    if (this.#ring.length > this.size) this.#ring.shift();
  }
}
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export interface DeviceOptions {
  readonly se: SecureElement;
  /** Suites the device's policy accepts (default: every suite its SE holds keys for). */
  readonly accept?: readonly Suite[];
  /** Shared across handshakes so a replayed ClientHello is caught. */
  readonly helloCache?: NonceCache;
  readonly replayWindow?: number;
}

export type DevicePhase =
  | 'awaitHello' | 'helloAccepted' | 'decapsulated' | 'keyed' | 'shared' | 'signed' | 'derived'
  | 'finishedReceived' | 'phoneVerified' | 'established' | 'failed';

/** Which crypto steps a suite needs, in order (the device machine has the same branches). */
export function deviceSteps(suite: Suite): string[] {
  return [
    'receiveClientHello',
    ...(suite.kem ? ['decapsulate'] : []),
    ...(suite.x25519 ? ['x25519Keygen', 'x25519Shared'] : []),
    'sign',
    'deriveKeys',
    'receiveClientFinished',
    'verifyPhone',
    'sealReady',
  ];
}

export class DeviceHandshake {
  readonly #se: SecureElement;
  readonly #accept: readonly Suite[];
  readonly #cache: NonceCache;
  readonly #replayWindow: number;
  #phase: DevicePhase = 'awaitHello';
  #failure: ProtocolError | null = null;
  #ch: ClientHello | null = null;
  #chBytes: Uint8Array | null = null;
  #shBytes: Uint8Array | null = null;
  #kemSecret: Uint8Array | null = null;
  #xSecret: Uint8Array | null = null;
  #xPrivate: Uint8Array | null = null;
  #xPublic: Uint8Array | null = null;
  #keys: SessionKeys | null = null;
  #th2: Uint8Array | null = null;
  #cf: ClientFinished | null = null;
  #session: Session | null = null;

  constructor(options: DeviceOptions) {
    this.#se = options.se;
    this.#accept = options.accept ?? SUITES.filter((s) => options.se.supports(s));
    this.#cache = options.helloCache ?? new NonceCache();
    this.#replayWindow = options.replayWindow ?? 1;
  }

  get phase(): DevicePhase {
    return this.#phase;
  }
  get failure(): ProtocolError | null {
    return this.#failure;
  }
  get suite(): Suite | null {
    return this.#ch?.suite ?? null;
  }
  /** The session, once both sides are authenticated. */
  get session(): Session | null {
    return this.#phase === 'established' || this.#phase === 'phoneVerified' ? this.#session : null;
  }

  #step<T>(from: DevicePhase, to: DevicePhase, fn: () => T): T {
    if (this.#phase !== from) {
      const err = new ProtocolError('state.unexpected', `device step needs phase ${from}, is in ${this.#phase}`);
      if (this.#phase !== 'failed') this.#fail(err);
      throw err;
    }
    try {
      const out = fn();
      this.#phase = to;
      return out;
    } catch (err) {
      this.#fail(err instanceof ProtocolError ? err : new ProtocolError('state.unexpected', `internal: ${(err as Error).message}`));
      throw this.#failure;
    }
  }

  #fail(err: ProtocolError): void {
    this.#failure = err;
    this.#phase = 'failed';
    wipe(this.#kemSecret, this.#xSecret, this.#xPrivate);
    if (this.#keys) wipeKeys(this.#keys);
    this.#session?.close();
  }

  /** Aborts the handshake (timeout, link loss): locked, secrets wiped. */
  abort(check: ProtocolError['check'] = 'state.unexpected', why = 'aborted'): void {
    if (this.#phase !== 'failed') this.#fail(new ProtocolError(check, why));
  }

  receiveClientHello(bytes: Uint8Array): ClientHello {
    return this.#step('awaitHello', 'helloAccepted', () => {
      const { msg } = decodeClientHello(bytes);
      const chosen = msg.suite;
      if (!msg.offered.includes(chosen)) throw new ProtocolError('suite.downgrade', `chosen suite ${chosen.id} is not in the offer`, 'ClientHello.suite');
      if (!this.#accept.includes(chosen)) throw new ProtocolError('suite.unsupported', `device policy does not accept ${chosen.id}`, 'ClientHello.suite');
      // The offer is in strict offer order (the decoder checked): the chosen suite must be the first one the device accepts.
      const first = msg.offered.find((s) => this.#accept.includes(s))!;
      if (first !== chosen) throw new ProtocolError('suite.downgrade', `chosen ${chosen.id} while the offer lists ${first.id} first of the suites the device accepts`, 'ClientHello.suite');
      if (this.#cache.has(msg.clientNonce)) throw new ProtocolError('replay.hello', 'ClientHello nonce seen before', 'ClientHello.clientNonce');
      this.#cache.add(msg.clientNonce);
      this.#ch = msg;
      this.#chBytes = bytes.slice();
      return msg;
    });
  }

  decapsulate(): void {
    this.#step('helloAccepted', 'decapsulated', () => {
      const ch = this.#ch!;
      if (!ch.suite.kem || !ch.kemCiphertext) throw new ProtocolError('state.unexpected', `suite ${ch.suite.id} has no KEM`);
      this.#kemSecret = this.#se.decapsulate(ch.suite.kem.name, ch.kemCiphertext);
    });
  }

  #afterKem(): DevicePhase {
    return this.#ch?.suite.kem ? 'decapsulated' : 'helloAccepted';
  }

  x25519Keygen(): void {
    this.#step(this.#afterKem(), 'keyed', () => {
      if (!this.#ch!.suite.x25519) throw new ProtocolError('state.unexpected', `suite ${this.#ch!.suite.id} has no X25519 share`);
      const { secretKey, publicKey } = x25519.keygen(this.#se.random(32));
      this.#xPrivate = secretKey;
      this.#xPublic = publicKey;
    });
  }

  x25519Shared(): void {
    this.#step('keyed', 'shared', () => {
      let s: Uint8Array;
      try {
        s = x25519.getSharedSecret(this.#xPrivate!, this.#ch!.x25519!);
      } catch {
        throw new ProtocolError('x25519.share', 'X25519 share gives an all-zero secret (low-order point)', 'ClientHello.x25519Share');
      }
      if (isAllZero(s)) throw new ProtocolError('x25519.share', 'X25519 shared secret is all zero', 'ClientHello.x25519Share');
      this.#xSecret = s;
      wipe(this.#xPrivate);
    });
  }

  /** Builds and signs ServerHello; returns its bytes. */
  sign(): Uint8Array {
    const suite = this.#ch?.suite;
    const from: DevicePhase = !suite ? 'helloAccepted' : suite.x25519 ? 'shared' : this.#afterKem();
    return this.#step(from, 'signed', () => {
      const s = this.#ch!.suite;
      const unsigned = encodeServerHello({
        suite: s,
        clientHelloHash: transcriptHash(this.#chBytes!),
        deviceNonce: this.#se.random(32),
        x25519: s.x25519 ? this.#xPublic : null,
        signature: new Uint8Array(s.sig.signature),
      });
      const signedLen = serverHelloSignedLength(s);
      const sig = this.#se.sign(s.sig.name, signedContent(transcriptHash(this.#chBytes!, unsigned.subarray(0, signedLen))));
      unsigned.set(sig, signedLen);
      this.#shBytes = unsigned;
      return unsigned.slice();
    });
  }

  deriveKeys(): void {
    this.#step('signed', 'derived', () => {
      this.#th2 = transcriptHash(this.#chBytes!, this.#shBytes!);
      this.#keys = deriveSessionKeys(this.#ch!.suite, this.#kemSecret, this.#xSecret, this.#th2);
      this.#kemSecret = null;
      this.#xSecret = null;
    });
  }

  /** Decodes ClientFinished and checks key confirmation (the phone derived the same keys). */
  receiveClientFinished(bytes: Uint8Array): void {
    this.#step('derived', 'finishedReceived', () => {
      const { msg } = decodeClientFinished(bytes);
      if (!equalBytes(finishedMac(this.#keys!.finishedKey, this.#th2!), msg.confirm))
        throw new ProtocolError('key.confirm', 'ClientFinished confirm MAC does not match the derived keys', 'ClientFinished.confirm');
      this.#cf = msg;
    });
  }

  /** The SE checks the bonded phone credential's proof over the transcript. */
  verifyPhone(): void {
    this.#step('finishedReceived', 'phoneVerified', () => {
      if (!this.#se.verifyPhoneProof(this.#cf!.bondSlot, this.#th2!, this.#cf!.auth))
        throw new ProtocolError('auth.phone', `bonded credential proof fails for slot ${this.#cf!.bondSlot}`, 'ClientFinished.auth');
      this.#session = new Session(this.#ch!.suite, 'device', this.#keys!, this.#replayWindow);
    });
  }

  /** Seals the first record ("ready"): both sides are authenticated; the session is open. */
  sealReady(): Uint8Array {
    return this.#step('phoneVerified', 'established', () => this.#session!.seal(readyPayload()));
  }

  /**
   * Opens a record from the phone and checks it is an unlock command; returns its action id.
   * A step of the role (not a bare session call) so that a rejected record fails the role, as
   * docs/protocol.md §Records requires: the session closes and the phase becomes `failed`.
   */
  receiveUnlock(record: Uint8Array): Uint8Array {
    return this.#step('established', 'established', () => {
      const p = this.#session!.open(record);
      expectPayload(p, 'unlock');
      return p.slice(1, 1 + ACTION_ID_BYTES);
    });
  }

  /** Seals the unlock result (status done or refused); `seq.exhausted` at the sequence limit fails the role. */
  sealResult(done: boolean): Uint8Array {
    return this.#step('established', 'established', () => this.#session!.seal(resultPayload(done)));
  }
}
