/**
 * The phone role of the handshake as explicit synchronous steps, one per timed operation of the
 * phone machine: X25519 keygen → ML-KEM encapsulation to the device's registered key → send
 * ClientHello → receive ServerHello (suite and transcript echo) → verify the device signature with
 * the registered key → X25519 shared secret → HKDF → ClientFinished (key confirmation + bonded
 * credential proof) → open the device's "ready" record: established. Out-of-order steps throw
 * `state.unexpected`; any rejection leaves the role `failed` with its secrets wiped.
 * @module
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { equalBytes, isAllZero, wipe } from './bytes.ts';
import { ProtocolError } from './errors.ts';
import { deriveSessionKeys, finishedMac, phoneProof, signedContent, transcriptHash, wipeKeys, type SessionKeys } from './key-schedule.ts';
import type { RandomSource } from './random.ts';
import { Session } from './session.ts';
import { defaultOffer, DEFAULT_SUITE, MLDSA, offerOrder, type Suite } from './suites.ts';
import { expectPayload, RESULT_STATUS, unlockPayload } from './app.ts';
import { decodeServerHello, encodeClientFinished, encodeClientHello, serverHelloSignedLength, type ServerHello } from './codec/messages.ts';
import type { DeviceRegistration } from './codec/provisioning.ts';

/** What the phone keeps from NFC provisioning: the device's public keys and its own credential. */
export interface PhonePairing {
  readonly registration: DeviceRegistration;
  readonly bondKey: Uint8Array;
}

export interface PhoneOptions {
  readonly pairing: PhonePairing;
  readonly random: RandomSource;
  readonly suite?: Suite;
  /** The offer, strongest first; must contain `suite` (default: `defaultOffer(suite)`). */
  readonly offered?: readonly Suite[];
  readonly replayWindow?: number;
}

export type PhonePhase =
  | 'start' | 'keyed' | 'encapsulated' | 'helloSent' | 'serverHelloReceived' | 'deviceVerified'
  | 'shared' | 'derived' | 'finishedSent' | 'established' | 'failed';

export function phoneSteps(suite: Suite): string[] {
  return [
    ...(suite.x25519 ? ['x25519Keygen'] : []),
    ...(suite.kem ? ['encapsulate'] : []),
    'clientHello',
    'receiveServerHello',
    'verifyDevice',
    ...(suite.x25519 ? ['x25519Shared'] : []),
    'deriveKeys',
    'clientFinished',
    'receiveReady',
  ];
}

export class PhoneHandshake {
  readonly suite: Suite;
  readonly offered: readonly Suite[];
  readonly #pairing: PhonePairing;
  readonly #random: RandomSource;
  readonly #replayWindow: number;
  #phase: PhonePhase = 'start';
  #failure: ProtocolError | null = null;
  #xPrivate: Uint8Array | null = null;
  #xPublic: Uint8Array | null = null;
  #kemCt: Uint8Array | null = null;
  #kemSecret: Uint8Array | null = null;
  #xSecret: Uint8Array | null = null;
  #chBytes: Uint8Array | null = null;
  #shBytes: Uint8Array | null = null;
  #sh: ServerHello | null = null;
  #th2: Uint8Array | null = null;
  #keys: SessionKeys | null = null;
  #session: Session | null = null;

  constructor(options: PhoneOptions) {
    this.suite = options.suite ?? DEFAULT_SUITE;
    this.offered = options.offered ?? defaultOffer(this.suite).filter((s) => options.pairing.registration.suites.includes(s));
    if (!this.offered.includes(this.suite)) throw new RangeError(`the offer must contain the chosen suite ${this.suite.id}`);
    // The device accepts only the first offered suite it supports, so the phone must offer in order and choose that one.
    if (this.offered.some((s, i) => i > 0 && offerOrder(this.offered[i - 1]!, s) >= 0)) throw new RangeError('the offer must be in strict offer order (strongest first)');
    const first = this.offered.find((s) => options.pairing.registration.suites.includes(s));
    if (first && first !== this.suite) throw new RangeError(`the phone must choose ${first.id}: the first offered suite the device registered`);
    if (!options.pairing.registration.suites.includes(this.suite))
      throw new ProtocolError('suite.unsupported', `the device was not provisioned for ${this.suite.id}`, 'suite');
    this.#pairing = options.pairing;
    this.#random = options.random;
    this.#replayWindow = options.replayWindow ?? 1;
  }

  get phase(): PhonePhase {
    return this.#phase;
  }
  get failure(): ProtocolError | null {
    return this.#failure;
  }
  /** The session, only once established (the device's "ready" record opened). */
  get session(): Session | null {
    return this.#phase === 'established' ? this.#session : null;
  }

  #step<T>(from: PhonePhase, to: PhonePhase, fn: () => T): T {
    if (this.#phase !== from) {
      const err = new ProtocolError('state.unexpected', `phone step needs phase ${from}, is in ${this.#phase}`);
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
    wipe(this.#xPrivate, this.#kemSecret, this.#xSecret);
    if (this.#keys) wipeKeys(this.#keys);
    this.#session?.close();
  }

  abort(check: ProtocolError['check'] = 'state.unexpected', why = 'aborted'): void {
    if (this.#phase !== 'failed') this.#fail(new ProtocolError(check, why));
  }

  x25519Keygen(): void {
    this.#step('start', 'keyed', () => {
      const { secretKey, publicKey } = x25519.keygen(this.#random(32));
      this.#xPrivate = secretKey;
      this.#xPublic = publicKey;
    });
  }

  encapsulate(): void {
    this.#step(this.suite.x25519 ? 'keyed' : 'start', 'encapsulated', () => {
      const kem = this.suite.kem!;
      const ek = this.#pairing.registration.kemKeys[kem.name];
      if (!ek) throw new ProtocolError('suite.unsupported', `no registered ${kem.name} key for the device`, 'kemKeys');
      const { cipherText, sharedSecret } = kem.impl.encapsulate(ek, this.#random(32));
      this.#kemCt = cipherText;
      this.#kemSecret = sharedSecret;
    });
  }

  clientHello(): Uint8Array {
    const from: PhonePhase = this.suite.kem ? 'encapsulated' : 'keyed';
    return this.#step(from, 'helloSent', () => {
      this.#chBytes = encodeClientHello({
        suite: this.suite,
        offered: this.offered,
        clientNonce: this.#random(32),
        x25519: this.suite.x25519 ? this.#xPublic : null,
        kemCiphertext: this.#kemCt,
      });
      return this.#chBytes.slice();
    });
  }

  receiveServerHello(bytes: Uint8Array): void {
    this.#step('helloSent', 'serverHelloReceived', () => {
      const { msg } = decodeServerHello(bytes);
      if (msg.suite !== this.suite) throw new ProtocolError('suite.mismatch', `ServerHello names ${msg.suite.id}, the phone chose ${this.suite.id}`, 'ServerHello.suite');
      if (!equalBytes(msg.clientHelloHash, transcriptHash(this.#chBytes!)))
        throw new ProtocolError('transcript.mismatch', 'the device saw a different ClientHello than the phone sent', 'ServerHello.clientHelloHash');
      this.#sh = msg;
      this.#shBytes = bytes.slice();
    });
  }

  /** Verifies the device signature with the key registered at provisioning (never one from the wire). */
  verifyDevice(): void {
    this.#step('serverHelloReceived', 'deviceVerified', () => {
      const s = this.suite;
      const pk = this.#pairing.registration.sigKeys[s.sig.name];
      if (!pk) throw new ProtocolError('suite.unsupported', `no registered ${s.sig.name} key for the device`, 'sigKeys');
      const content = signedContent(transcriptHash(this.#chBytes!, this.#shBytes!.subarray(0, serverHelloSignedLength(s))));
      const ok = s.sig.name === 'p256' ? safeVerify(() => p256.verify(this.#sh!.signature, content, pk, { prehash: true, lowS: true })) : safeVerify(() => MLDSA[s.sig.name as 'mldsa65'].verify(this.#sh!.signature, content, pk));
      if (!ok) throw new ProtocolError('sig.device', `device ${s.sig.name} signature does not verify under the registered key`, 'ServerHello.signature');
    });
  }

  x25519Shared(): void {
    this.#step('deviceVerified', 'shared', () => {
      let sh: Uint8Array;
      try {
        sh = x25519.getSharedSecret(this.#xPrivate!, this.#sh!.x25519!);
      } catch {
        throw new ProtocolError('x25519.share', 'device X25519 share is a low-order point', 'ServerHello.x25519Share');
      }
      if (isAllZero(sh)) throw new ProtocolError('x25519.share', 'X25519 shared secret is all zero', 'ServerHello.x25519Share');
      this.#xSecret = sh;
      wipe(this.#xPrivate);
    });
  }

  deriveKeys(): void {
    this.#step(this.suite.x25519 ? 'shared' : 'deviceVerified', 'derived', () => {
      this.#th2 = transcriptHash(this.#chBytes!, this.#shBytes!);
      this.#keys = deriveSessionKeys(this.suite, this.#kemSecret, this.#xSecret, this.#th2);
      this.#kemSecret = null;
      this.#xSecret = null;
    });
  }

  clientFinished(): Uint8Array {
    return this.#step('derived', 'finishedSent', () => {
      const out = encodeClientFinished({
        bondSlot: this.#pairing.registration.bondSlot,
        confirm: finishedMac(this.#keys!.finishedKey, this.#th2!),
        auth: phoneProof(this.#pairing.bondKey, this.#th2!),
      });
      this.#session = new Session(this.suite, 'phone', this.#keys!, this.#replayWindow);
      return out;
    });
  }

  /** Opens the device's first record: proof that the device accepted the phone. Established. */
  receiveReady(record: Uint8Array): void {
    this.#step('finishedSent', 'established', () => {
      expectPayload(this.#session!.open(record), 'ready');
    });
  }

  /** Seals an unlock command; `seq.exhausted` at the sequence limit fails the role (a new handshake is needed). */
  sealUnlock(actionId: Uint8Array): Uint8Array {
    return this.#step('established', 'established', () => this.#session!.seal(unlockPayload(actionId)));
  }

  /**
   * Opens a record from the device and checks it is a result; true when the unlock was done,
   * false when refused by policy. A step of the role so that a rejected record fails it
   * (docs/protocol.md §Records: every rejection is fatal).
   */
  receiveResult(record: Uint8Array): boolean {
    return this.#step('established', 'established', () => {
      const p = this.#session!.open(record);
      expectPayload(p, 'result');
      return p[1] === RESULT_STATUS.done;
    });
  }
}

function safeVerify(f: () => boolean): boolean {
  try {
    return f();
  } catch {
    return false;
  }
}
