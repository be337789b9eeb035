/**
 * The AEAD session after the handshake. Each direction has its own key and IV; a record's nonce is
 * the direction IV XOR its 64-bit sequence number (right-aligned, as TLS 1.3 does), and the record
 * header (type, version, sequence) is the associated data. Received sequence numbers pass a
 * sliding replay window (RFC 9147 §4.5.1 style): with the default width 1 only strictly increasing
 * numbers are accepted (BLE L2CAP is reliable and ordered, so any reordering is an attack); wider
 * windows tolerate reordering on lossy links while still refusing duplicates. Every rejection is
 * fatal (docs/protocol.md §Records): a record that fails any check closes the session, because on a
 * reliable link only an attacker or a broken peer produces one; the roles fail closed. Sequence
 * 2^64 - 1 is never sent (`seq.exhausted`) nor accepted (`replay.seq`). `close()` zeroes the key
 * material in place; any use after it throws `session.closed`.
 * @module
 */
import { gcm } from '@noble/ciphers/aes.js';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { u64be, wipe } from './bytes.ts';
import { ProtocolError } from './errors.ts';
import { wipeKeys, type SessionKeys } from './key-schedule.ts';
import type { Suite } from './suites.ts';
import { decodeRecord, encodeRecord, MAX_RECORD_PLAINTEXT, MIN_RECORD_PLAINTEXT, RECORD_HEADER_BYTES } from './codec/messages.ts';

export const MAX_REPLAY_WINDOW = 1024;
/** 2^64 - 1: reserved, never carried by a record; the last usable sequence number is one below. */
export const RESERVED_SEQ = 0xffff_ffff_ffff_ffffn;

/** Sliding replay window over 64-bit sequence numbers. */
export class ReplayWindow {
  readonly size: number;
  #highest = -1n;
  #bits = 0n; // bit i set ⇔ (highest - i) was accepted
  constructor(size = 1) {
    if (!Number.isInteger(size) || size < 1 || size > MAX_REPLAY_WINDOW) throw new RangeError(`replay window must be 1..${MAX_REPLAY_WINDOW}, got ${size}`);
    this.size = size;
  }
  /** Throws replay.seq if `seq` was seen or is older than the window. Does not record it. */
  check(seq: bigint): void {
    if (seq === RESERVED_SEQ) throw new ProtocolError('replay.seq', 'sequence 2^64 - 1 is reserved and never valid', 'Record.seq');
    if (seq > this.#highest) return;
    const age = this.#highest - seq;
    if (age >= BigInt(this.size)) throw new ProtocolError('replay.seq', `sequence ${seq} is older than the replay window (highest ${this.#highest}, width ${this.size})`, 'Record.seq');
    if ((this.#bits >> age) & 1n) throw new ProtocolError('replay.seq', `sequence ${seq} was already received`, 'Record.seq');
  }
  /** Records an authenticated sequence number (call only after the AEAD tag verified). */
  accept(seq: bigint): void {
    const mask = (1n << BigInt(this.size)) - 1n;
    if (seq > this.#highest) {
      const shift = this.#highest < 0n ? BigInt(this.size) : seq - this.#highest;
      this.#bits = shift >= BigInt(this.size) ? 1n : ((this.#bits << shift) | 1n) & mask;
      this.#highest = seq;
    } else {
      this.#bits |= 1n << (this.#highest - seq);
    }
  }
}

export type Role = 'phone' | 'device';

const sessionKeysForTests = new WeakMap<Session, SessionKeys>();
const sendSeqSetters = new WeakMap<Session, (seq: bigint) => void>();

export class Session {
  readonly suite: Suite;
  readonly role: Role;
  readonly #keys: SessionKeys;
  readonly #window: ReplayWindow;
  #sendSeq = 0n;
  #closed = false;

  constructor(suite: Suite, role: Role, keys: SessionKeys, replayWindow = 1) {
    this.suite = suite;
    this.role = role;
    this.#keys = keys;
    this.#window = new ReplayWindow(replayWindow);
    sessionKeysForTests.set(this, keys);
    sendSeqSetters.set(this, (seq) => (this.#sendSeq = seq));
  }

  get closed(): boolean {
    return this.#closed;
  }
  /** The sequence number the next sealed record will carry. */
  get nextSendSeq(): bigint {
    return this.#sendSeq;
  }

  #cipher(key: Uint8Array, iv: Uint8Array, seq: bigint, aad: Uint8Array) {
    const nonce = iv.slice();
    const s = u64be(seq);
    for (let i = 0; i < 8; i++) nonce[nonce.length - 8 + i]! ^= s[i]!;
    return this.suite.aead.name === 'aesgcm' ? gcm(key, nonce, aad) : xchacha20poly1305(key, nonce, aad);
  }

  #live(): void {
    if (this.#closed) throw new ProtocolError('session.closed', 'the session is closed and its keys are destroyed');
  }

  /** Encrypts one record with the next sequence number. */
  seal(plaintext: Uint8Array): Uint8Array {
    this.#live();
    if (plaintext.length > MAX_RECORD_PLAINTEXT) throw new RangeError(`record plaintext is limited to ${MAX_RECORD_PLAINTEXT} bytes, got ${plaintext.length}`);
    if (plaintext.length < MIN_RECORD_PLAINTEXT) throw new RangeError('a record carries at least one plaintext byte (the payload type)');
    if (this.#sendSeq === RESERVED_SEQ) {
      this.close();
      throw new ProtocolError('seq.exhausted', 'send sequence space exhausted: a new handshake is required');
    }
    const seq = this.#sendSeq++;
    const header = encodeRecord({ seq, ciphertext: new Uint8Array(this.suite.aead.tag) }).subarray(0, RECORD_HEADER_BYTES);
    const [key, iv] = this.role === 'phone' ? [this.#keys.c2sKey, this.#keys.c2sIv] : [this.#keys.s2cKey, this.#keys.s2cIv];
    return encodeRecord({ seq, ciphertext: this.#cipher(key, iv, seq, header).encrypt(plaintext) });
  }

  /**
   * Decrypts one record from the peer: closed?, decode, replay window, then AEAD tag; the window
   * advances only on success. Any rejection closes the session (fail closed) and rethrows.
   */
  open(record: Uint8Array): Uint8Array {
    this.#live();
    try {
      return this.#open(record);
    } catch (err) {
      this.close();
      throw err;
    }
  }

  #open(record: Uint8Array): Uint8Array {
    const { msg, header } = decodeRecord(record, this.suite.aead.tag);
    this.#window.check(msg.seq);
    const [key, iv] = this.role === 'phone' ? [this.#keys.s2cKey, this.#keys.s2cIv] : [this.#keys.c2sKey, this.#keys.c2sIv];
    let plaintext: Uint8Array;
    try {
      plaintext = this.#cipher(key, iv, msg.seq, header.slice()).decrypt(msg.ciphertext);
    } catch {
      throw new ProtocolError('aead.tag', `record ${msg.seq} failed authentication`, 'Record.ciphertext');
    }
    this.#window.accept(msg.seq);
    return plaintext;
  }

  /** Zeroes every key and IV in place. Idempotent. */
  close(): void {
    if (this.#closed) return;
    wipeKeys(this.#keys);
    this.#closed = true;
  }
}

/** NOTE: for tests only, don't use: the live key arrays of a session, to check they are zeroed. */
export const __tests = Object.freeze({
  sessionKeys: (s: Session): SessionKeys | undefined => sessionKeysForTests.get(s),
  /** Jumps the send counter (vectors and tests at the sequence limit; 2^64 records cannot be sent). */
  setSendSeq: (s: Session, seq: bigint): void => sendSeqSetters.get(s)!(seq),
  wipe,
});
