/**
 * The handshake and session messages, byte by byte (docs/protocol.md is the prose version).
 * Every length follows from the suite, so a message is accepted only at its exact length; each
 * decoder checks type, version, suite codes and field domains and throws ProtocolError with the
 * check and the field that failed.
 * @module
 */
import { ProtocolError } from '../errors.ts';
import { readU64be, u64be } from '../bytes.ts';
import { offerOrder, suiteFromCode, X25519_BYTES, type Suite } from '../suites.ts';
import { encodeFields, fieldMap, splitFields, type Field, type FieldSpec } from './layout.ts';

export const VERSION = 0x01;
export const NONCE_BYTES = 32;
export const HASH_BYTES = 32;
export const MAC_BYTES = 32;
export const MAX_OFFERED = 16;
/** Largest record plaintext: a GATT write carries far less; bigger is refused before decryption. */
export const MAX_RECORD_PLAINTEXT = 1024;
/** Smallest record plaintext: every application payload starts with its type byte. */
export const MIN_RECORD_PLAINTEXT = 1;

// prettier-ignore
export const MESSAGE_TYPES = Object.freeze({
  ClientHello:        0x01,
  ServerHello:        0x02,
  ClientFinished:     0x03,
  Record:             0x17,
  DeviceRegistration: 0x20,
  BondRequest:        0x21,
});
export type MessageName = keyof typeof MESSAGE_TYPES;
const NAME_OF = new Map<number, MessageName>(Object.entries(MESSAGE_TYPES).map(([k, v]) => [v, k as MessageName]));

export function messageNameOf(typeByte: number | undefined): MessageName | undefined {
  return typeByte === undefined ? undefined : NAME_OF.get(typeByte);
}

/**
 * Checks the type byte before anything else: an unknown type is `decode.type`, a known type that
 * this state does not accept is `state.unexpected` (reflection and reordering land here).
 */
export function expectType(bytes: Uint8Array, expected: MessageName): void {
  if (bytes.length === 0) throw new ProtocolError('decode.length', `${expected} is empty`, `${expected}.type`);
  const got = messageNameOf(bytes[0]);
  if (!got) throw new ProtocolError('decode.type', `unknown message type 0x${bytes[0]!.toString(16).padStart(2, '0')}, expected ${expected}`, `${expected}.type`);
  if (got !== expected) throw new ProtocolError('state.unexpected', `received ${got} while expecting ${expected}`, `${expected}.type`);
}

function expectVersion(bytes: Uint8Array, message: string): void {
  if (bytes.length < 2) throw new ProtocolError('decode.length', `${message} is truncated before its version byte`, `${message}.version`);
  if (bytes[1] !== VERSION) throw new ProtocolError('decode.version', `${message} version 0x${bytes[1]!.toString(16)} is not 0x01`, `${message}.version`);
}

const one = (n: number) => new Uint8Array([n]);

// ---------------------------------------------------------------- ClientHello

export interface ClientHello {
  /** The suite the phone chose (it encapsulated to the device's key of that suite). */
  readonly suite: Suite;
  /** Everything the phone would accept, strongest first; bound into the transcript. */
  readonly offered: readonly Suite[];
  readonly clientNonce: Uint8Array;
  /** X25519 ephemeral public key (hybrid and classical), else null. */
  readonly x25519: Uint8Array | null;
  /** ML-KEM ciphertext to the device's registered encapsulation key (hybrid and pq), else null. */
  readonly kemCiphertext: Uint8Array | null;
}

export function clientHelloLayout(suite: Suite, offeredCount: number): FieldSpec[] {
  const f: FieldSpec[] = [
    { name: 'type', length: 1 },
    { name: 'version', length: 1 },
    { name: 'suite', length: 4 },
    { name: 'offeredCount', length: 1 },
    { name: 'offered', length: 4 * offeredCount },
    { name: 'clientNonce', length: NONCE_BYTES },
  ];
  if (suite.x25519) f.push({ name: 'x25519Share', length: X25519_BYTES });
  if (suite.kem) f.push({ name: 'kemCiphertext', length: suite.kem.cipherText });
  return f;
}

export function encodeClientHello(m: ClientHello): Uint8Array {
  if (m.offered.length < 1 || m.offered.length > MAX_OFFERED) throw new RangeError(`ClientHello.offered: 1..${MAX_OFFERED} suites, got ${m.offered.length}`);
  const values: Record<string, Uint8Array> = {
    type: one(MESSAGE_TYPES.ClientHello),
    version: one(VERSION),
    suite: Uint8Array.from(m.suite.code),
    offeredCount: one(m.offered.length),
    offered: Uint8Array.from(m.offered.flatMap((s) => [...s.code])),
    clientNonce: m.clientNonce,
  };
  if (m.x25519) values.x25519Share = m.x25519;
  if (m.kemCiphertext) values.kemCiphertext = m.kemCiphertext;
  return encodeFields('ClientHello', clientHelloLayout(m.suite, m.offered.length), values);
}

export function decodeClientHello(bytes: Uint8Array): { msg: ClientHello; fields: Field[] } {
  expectType(bytes, 'ClientHello');
  expectVersion(bytes, 'ClientHello');
  if (bytes.length < 7) throw new ProtocolError('decode.length', `ClientHello is truncated in its header (${bytes.length} bytes)`, 'ClientHello.offeredCount');
  const suite = suiteFromCode(bytes.subarray(2, 6), 'ClientHello.suite');
  const count = bytes[6]!;
  if (count < 1 || count > MAX_OFFERED) throw new ProtocolError('decode.field', `offeredCount must be 1..${MAX_OFFERED}, got ${count}`, 'ClientHello.offeredCount');
  const fields = splitFields('ClientHello', bytes, clientHelloLayout(suite, count));
  const v = fieldMap(fields);
  const offered: Suite[] = [];
  for (let i = 0; i < count; i++) {
    const s = suiteFromCode(v.offered!.subarray(4 * i, 4 * i + 4), `ClientHello.offered[${i}]`);
    if (offered.includes(s)) throw new ProtocolError('decode.field', `suite ${s.id} offered twice`, `ClientHello.offered[${i}]`);
    // A strictly ordered offer makes "the first suite the device supports" and "the strongest one" the same suite.
    if (i > 0 && offerOrder(offered[i - 1]!, s) > 0) throw new ProtocolError('decode.field', `offer is not in offer order: ${s.id} after ${offered[i - 1]!.id}`, `ClientHello.offered[${i}]`);
    offered.push(s);
  }
  return {
    msg: { suite, offered, clientNonce: v.clientNonce!, x25519: v.x25519Share ?? null, kemCiphertext: v.kemCiphertext ?? null },
    fields,
  };
}

// ---------------------------------------------------------------- ServerHello

export interface ServerHello {
  readonly suite: Suite;
  /** SHA-256 of the ClientHello as the device received it. */
  readonly clientHelloHash: Uint8Array;
  readonly deviceNonce: Uint8Array;
  readonly x25519: Uint8Array | null;
  /** Device signature over SHA-256(ClientHello || ServerHello up to this field), domain-separated. */
  readonly signature: Uint8Array;
}

export function serverHelloLayout(suite: Suite): FieldSpec[] {
  const f: FieldSpec[] = [
    { name: 'type', length: 1 },
    { name: 'version', length: 1 },
    { name: 'suite', length: 4 },
    { name: 'clientHelloHash', length: HASH_BYTES },
    { name: 'deviceNonce', length: NONCE_BYTES },
  ];
  if (suite.x25519) f.push({ name: 'x25519Share', length: X25519_BYTES });
  f.push({ name: 'signature', length: suite.sig.signature });
  return f;
}

/** Offset of the signature: the signed part of ServerHello is everything before it. */
export function serverHelloSignedLength(suite: Suite): number {
  return serverHelloLayout(suite).reduce((n, f) => (f.name === 'signature' ? n : n + f.length), 0);
}

export function encodeServerHello(m: ServerHello): Uint8Array {
  const values: Record<string, Uint8Array> = {
    type: one(MESSAGE_TYPES.ServerHello),
    version: one(VERSION),
    suite: Uint8Array.from(m.suite.code),
    clientHelloHash: m.clientHelloHash,
    deviceNonce: m.deviceNonce,
    signature: m.signature,
  };
  if (m.x25519) values.x25519Share = m.x25519;
  return encodeFields('ServerHello', serverHelloLayout(m.suite), values);
}

export function decodeServerHello(bytes: Uint8Array): { msg: ServerHello; fields: Field[] } {
  expectType(bytes, 'ServerHello');
  expectVersion(bytes, 'ServerHello');
  if (bytes.length < 6) throw new ProtocolError('decode.length', `ServerHello is truncated in its header (${bytes.length} bytes)`, 'ServerHello.suite');
  const suite = suiteFromCode(bytes.subarray(2, 6), 'ServerHello.suite');
  const fields = splitFields('ServerHello', bytes, serverHelloLayout(suite));
  const v = fieldMap(fields);
  return {
    msg: { suite, clientHelloHash: v.clientHelloHash!, deviceNonce: v.deviceNonce!, x25519: v.x25519Share ?? null, signature: v.signature! },
    fields,
  };
}

// ---------------------------------------------------------------- ClientFinished

export interface ClientFinished {
  /** Which bonded phone credential (SE slot) the proof is made with. */
  readonly bondSlot: number;
  /** HMAC-SHA-256(finished key, transcript hash): proves the phone derived the same keys. */
  readonly confirm: Uint8Array;
  /** HMAC-SHA-256(bond key, label || transcript hash): the bonded phone credential. */
  readonly auth: Uint8Array;
}

export const CLIENT_FINISHED_LAYOUT: readonly FieldSpec[] = Object.freeze([
  { name: 'type', length: 1 },
  { name: 'version', length: 1 },
  { name: 'bondSlot', length: 1 },
  { name: 'confirm', length: MAC_BYTES },
  { name: 'auth', length: MAC_BYTES },
]);

export function encodeClientFinished(m: ClientFinished): Uint8Array {
  return encodeFields('ClientFinished', CLIENT_FINISHED_LAYOUT, {
    type: one(MESSAGE_TYPES.ClientFinished),
    version: one(VERSION),
    bondSlot: one(m.bondSlot),
    confirm: m.confirm,
    auth: m.auth,
  });
}

export function decodeClientFinished(bytes: Uint8Array): { msg: ClientFinished; fields: Field[] } {
  expectType(bytes, 'ClientFinished');
  expectVersion(bytes, 'ClientFinished');
  const fields = splitFields('ClientFinished', bytes, CLIENT_FINISHED_LAYOUT);
  const v = fieldMap(fields);
  return { msg: { bondSlot: v.bondSlot![0]!, confirm: v.confirm!, auth: v.auth! }, fields };
}

// ---------------------------------------------------------------- Record

/** Record header: type, version, 64-bit sequence number. It is the AEAD associated data. */
export const RECORD_HEADER_BYTES = 10;

export interface SealedRecord {
  readonly seq: bigint;
  /** AEAD ciphertext followed by its 16-byte tag. */
  readonly ciphertext: Uint8Array;
}

export function recordLayout(ciphertextLength: number): FieldSpec[] {
  return [
    { name: 'type', length: 1 },
    { name: 'version', length: 1 },
    { name: 'seq', length: 8 },
    { name: 'ciphertext', length: ciphertextLength },
  ];
}

export function encodeRecord(r: SealedRecord): Uint8Array {
  return encodeFields('Record', recordLayout(r.ciphertext.length), {
    type: one(MESSAGE_TYPES.Record),
    version: one(VERSION),
    seq: u64be(r.seq),
    ciphertext: r.ciphertext,
  });
}

export function decodeRecord(bytes: Uint8Array, tagBytes: number): { msg: SealedRecord; header: Uint8Array; fields: Field[] } {
  expectType(bytes, 'Record');
  expectVersion(bytes, 'Record');
  const ctLen = bytes.length - RECORD_HEADER_BYTES;
  if (ctLen < MIN_RECORD_PLAINTEXT + tagBytes || ctLen > MAX_RECORD_PLAINTEXT + tagBytes)
    throw new ProtocolError('decode.length', `Record ciphertext must be ${MIN_RECORD_PLAINTEXT + tagBytes}..${MAX_RECORD_PLAINTEXT + tagBytes} bytes, got ${Math.max(ctLen, 0)}`, 'Record.ciphertext');
  const fields = splitFields('Record', bytes, recordLayout(ctLen));
  return { msg: { seq: readU64be(bytes, 2), ciphertext: fieldMap(fields).ciphertext! }, header: bytes.subarray(0, RECORD_HEADER_BYTES), fields };
}
