/**
 * Exact message sizes per suite, obtained by encoding messages of the right shape with the codec
 * (never a separate table), and the BLE fragmentation model the simulator uses.
 *
 * BLE model: a message is written (phone→device, Write Without Response) or notified
 * (device→phone) as consecutive ATT PDUs, each carrying at most ATT_MTU − 3 message bytes (3-byte
 * ATT header: opcode + handle). Each ATT PDU gets a 4-byte L2CAP basic header, and the L2CAP PDU
 * is carried in Link Layer data PDUs of at most 251 payload bytes (Data Length Extension). So at
 * MTU 247 every ATT PDU is exactly one LL PDU (244 + 3 + 4 = 251); at MTU 517 a full ATT PDU is
 * 521 L2CAP bytes = 3 LL PDUs (251 + 251 + 19).
 * @module
 */
import { ACTION_ID_BYTES, readyPayload, resultPayload, unlockPayload } from './app.ts';
import { defaultOffer, parseSuite, type Suite } from './suites.ts';
import {
  encodeBondRequest,
  encodeClientFinished,
  encodeClientHello,
  encodeDeviceRegistration,
  encodeRecord,
  encodeServerHello,
  keysNeeded,
  BOND_KEY_BYTES,
  DEVICE_ID_BYTES,
  HASH_BYTES,
  MAC_BYTES,
  NONCE_BYTES,
} from './codec/index.ts';
import { KEMS, SIGS, X25519_BYTES } from './suites.ts';

export interface MessageSizes {
  /** NFC provisioning, phone → device. */
  readonly BondRequest: number;
  /** NFC provisioning, device → phone, for a device provisioned with the suite's default offer. */
  readonly DeviceRegistration: number;
  readonly ClientHello: number;
  readonly ServerHello: number;
  readonly ClientFinished: number;
  /** First record, device → phone ("ready"). */
  readonly SessionReady: number;
  readonly UnlockRequest: number;
  readonly UnlockResult: number;
}

const z = (n: number) => new Uint8Array(n);

/**
 * Byte length of every message for `suiteId` (a suite id or Suite), with the phone's default
 * offer (or `offeredCount` suites) in ClientHello.
 */
export function messageSizes(suiteId: string | Suite, offeredCount?: number): MessageSizes {
  const suite = typeof suiteId === 'string' ? parseSuite(suiteId) : suiteId;
  const offer = defaultOffer(suite);
  const offered = offeredCount === undefined ? offer : Array.from({ length: offeredCount }, () => suite);
  const { kems, sigs } = keysNeeded(offer);
  const tag = suite.aead.tag;
  const record = (p: Uint8Array) => encodeRecord({ seq: 0n, ciphertext: z(p.length + tag) }).length;
  return Object.freeze({
    BondRequest: encodeBondRequest({ bondKey: z(BOND_KEY_BYTES) }).length,
    DeviceRegistration: encodeDeviceRegistration({
      deviceId: z(DEVICE_ID_BYTES),
      bondSlot: 0,
      suites: offer,
      kemKeys: Object.fromEntries(kems.map((k) => [k, z(KEMS[k].publicKey)])),
      sigKeys: Object.fromEntries(sigs.map((k) => [k, z(SIGS[k].publicKey)])),
    }).length,
    ClientHello: encodeClientHello({
      suite,
      offered,
      clientNonce: z(NONCE_BYTES),
      x25519: suite.x25519 ? z(X25519_BYTES) : null,
      kemCiphertext: suite.kem ? z(suite.kem.cipherText) : null,
    }).length,
    ServerHello: encodeServerHello({
      suite,
      clientHelloHash: z(HASH_BYTES),
      deviceNonce: z(NONCE_BYTES),
      x25519: suite.x25519 ? z(X25519_BYTES) : null,
      signature: z(suite.sig.signature),
    }).length,
    ClientFinished: encodeClientFinished({ bondSlot: 0, confirm: z(MAC_BYTES), auth: z(MAC_BYTES) }).length,
    SessionReady: record(readyPayload()),
    UnlockRequest: record(unlockPayload(z(ACTION_ID_BYTES))),
    UnlockResult: record(resultPayload(true)),
  });
}

export const ATT_HEADER_BYTES = 3;
export const L2CAP_HEADER_BYTES = 4;
export const LL_MAX_PAYLOAD = 251;
export const ATT_MTU_MIN = 23;
export const ATT_MTU_MAX = 517;

export interface BleFragments {
  readonly bytes: number;
  readonly attMtu: number;
  /** Message bytes per ATT PDU (ATT_MTU − 3). */
  readonly attPayload: number;
  /** ATT PDUs (GATT writes or notifications). */
  readonly attPdus: number;
  /** Link Layer data PDUs (≤ 251-byte payloads). */
  readonly llPdus: number;
  /** Total LL payload bytes (message + ATT and L2CAP headers). */
  readonly llBytes: number;
}

/** How a message of `bytes` (or that many bytes) travels at ATT MTU `attMtu` (23..517). */
export function bleFragments(bytes: Uint8Array | number, attMtu: number, llMaxPayload = LL_MAX_PAYLOAD): BleFragments {
  const n = typeof bytes === 'number' ? bytes : bytes.length;
  const payloads = llPayloadSizes(n, attMtu, llMaxPayload);
  const attPayload = attMtu - ATT_HEADER_BYTES;
  let llBytes = 0;
  for (const p of payloads) llBytes += p;
  return { bytes: n, attMtu, attPayload, attPdus: Math.max(1, Math.ceil(n / attPayload)), llPdus: payloads.length, llBytes };
}

/**
 * The Link Layer payloads that carry a message of `bytes`, in the order they go on air: ATT PDUs
 * of at most ATT_MTU − 3 message bytes, each with its ATT and L2CAP headers, cut into LL payloads
 * of at most `llMaxPayload`. The simulator times each of them (sim/device/ble.ts).
 */
export function llPayloadSizes(bytes: number, attMtu: number, llMaxPayload = LL_MAX_PAYLOAD): number[] {
  if (!Number.isInteger(attMtu) || attMtu < ATT_MTU_MIN || attMtu > ATT_MTU_MAX) throw new RangeError(`ATT MTU must be an integer in ${ATT_MTU_MIN}..${ATT_MTU_MAX}, got ${attMtu}`);
  if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`message length must be a non-negative integer, got ${bytes}`);
  if (!Number.isInteger(llMaxPayload) || llMaxPayload < 27 || llMaxPayload > LL_MAX_PAYLOAD) throw new RangeError(`LL payload must be 27..251, got ${llMaxPayload}`);
  const attPayload = attMtu - ATT_HEADER_BYTES;
  const attPdus = Math.max(1, Math.ceil(bytes / attPayload));
  const out: number[] = [];
  for (let i = 0; i < attPdus; i++) {
    let l2cap = Math.min(attPayload, bytes - i * attPayload) + ATT_HEADER_BYTES + L2CAP_HEADER_BYTES;
    while (l2cap > 0) {
      const part = Math.min(l2cap, llMaxPayload);
      out.push(part);
      l2cap -= part;
    }
  }
  return out;
}
