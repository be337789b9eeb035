/**
 * Negative vectors: every rejection path of both roles (docs/protocol.md §State tables), plus the
 * accepting cases at the replay-window edges and the sequence limit, as bytes another
 * implementation can replay. Each input is a genuine message of the context's transcript, altered
 * or re-sealed by the real firmware (codec, sessions, the device's SE): nothing is typed in by
 * hand. The expected `check` and `stateAfter` stored are what the real roles do (role-replay.ts);
 * each case also states what the spec predicts (`spec`), and generation fails if the two differ,
 * so the spec, the roles and the file agree. `npx tsx test/vectors/negative.ts` rewrites
 * negative.json; negative.test.ts regenerates it, compares, and replays the stored file.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { p256 } from '@noble/curves/nist.js';
import {
  bytesToHex,
  createWorld,
  defaultOffer,
  encodeClientHello,
  parseSuite,
  runHandshake,
  serverHelloSignedLength,
  signedContent,
  transcriptHash,
  DEFAULT_SUITE,
  type Suite,
} from '../../firmware/index.ts';
import { __tests } from '../../firmware/session.ts';
import { replayCase, type CaseInput, type CaseOutcome, type VectorContext } from './role-replay.ts';

export const NEGATIVE_FILE = fileURLToPath(new URL('./negative.json', import.meta.url));
export const NEGATIVE_FORMAT = 'keytwin/v1 negative vectors, format 2';

/** 2^64 - 1: the reserved sequence number (the file writes sequence numbers as decimal strings: JSON numbers lose precision above 2^53). */
const SEQ_MAX = 0xffff_ffff_ffff_ffffn;

/** A case as written here: the input plus what docs/protocol.md predicts. */
interface CaseDef extends Omit<CaseInput, 'replayWindow'> {
  readonly replayWindow?: number;
  /** The check the spec's state table predicts (null: accepted), and the state after. */
  readonly spec: string | null;
  readonly specState: string;
}

const mut = (b: Uint8Array, f: (x: Uint8Array) => void): Uint8Array => {
  const c = b.slice();
  f(c);
  return c;
};
const flip = (b: Uint8Array, at: number) => mut(b, (c) => (c[at < 0 ? c.length + at : at]! ^= 0x01));
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const code = (id: string) => Uint8Array.from(parseSuite(id).code);

/** Runs the genuine handshake of a context and keeps its live sessions, which re-seal records at any sequence number. */
function liveContext(id: string, suite: Suite, registered: readonly Suite[]) {
  const seed = `keytwin-vector/v1/negative/${id}`;
  const world = createWorld(seed, registered);
  const r = runHandshake(world, { suite });
  if (!r.established) throw new Error(`negative context ${id}: genuine handshake failed (${r.rejection?.check})`);
  const ctx: VectorContext = {
    id,
    suite: suite.id,
    seed,
    streams: { device: `${seed}/device`, phone: `${seed}/phone` },
    registeredSuites: registered.map((s) => s.id),
    offered: r.phone.offered.map((s) => s.id),
    provisioning: { bondRequest: bytesToHex(world.provisioning.bondRequest), deviceRegistration: bytesToHex(world.provisioning.registration) },
    messages: r.sent.map((m) => ({ name: m.name, from: m.from, hex: bytesToHex(m.bytes) })),
  };
  const m = Object.fromEntries(r.sent.map((x) => [x.name, x.bytes])) as Record<string, Uint8Array>;
  /** A record sealed by `by`'s real session (its direction key) at `seq` with `payload`. */
  const seal = (by: 'phone' | 'device', seq: bigint, payload: number[]) => {
    const s = by === 'phone' ? r.phone.session! : r.device.session!;
    __tests.setSendSeq(s, seq);
    return s.seal(Uint8Array.from(payload));
  };
  // A second, independent run of the same suite: its messages are genuine but belong to another handshake.
  const other = runHandshake(createWorld(`${seed}/other`, registered), { suite });
  const otherMsg = Object.fromEntries(other.sent.map((x) => [x.name, x.bytes])) as Record<string, Uint8Array>;
  /** Re-signs a ServerHello with a device's SE (the context's own device, or the other run's). */
  const resign = (sh: Uint8Array, whose: 'own' | 'other') => {
    const w = whose === 'own' ? world : createWorld(`${seed}/other`, registered);
    const n = serverHelloSignedLength(suite);
    const sig = w.se.sign(suite.sig.name, signedContent(transcriptHash(m.ClientHello!, sh.subarray(0, n))));
    return mut(sh, (c) => c.set(sig, n));
  };
  return { ctx, m, seal, otherMsg, resign };
}

const UNLOCK = (seq: number) => [0x02, 0xa0, 0, 0, 0, 0, 0, 0, seq];

function defaultCases(): { ctx: VectorContext; cases: CaseDef[] } {
  const suite = DEFAULT_SUITE;
  const { ctx, m, seal, otherMsg, resign } = liveContext('default-offer', suite, defaultOffer(suite));
  const ch = m.ClientHello!;
  const sh = m.ServerHello!;
  const cf = m.ClientFinished!;
  const ready = m.SessionReady!;
  const unlock = m.UnlockRequest!;
  const result = m.UnlockResult!;
  const n = ctx.offered.length; // 3: the full default offer
  const offeredAt = 7;
  const nonceAt = offeredAt + 4 * n;
  const nonce = ch.subarray(nonceAt, nonceAt + 32);
  const x25519 = ch.subarray(nonceAt + 32, nonceAt + 64);
  const ct = ch.subarray(nonceAt + 64);
  const pq = parseSuite('mlkem768-mldsa65-pq-aesgcm');
  const offer = defaultOffer(suite);
  const D = (id: string, description: string, input: Uint8Array, spec: string | null, extra: Partial<CaseDef> = {}): CaseDef => ({
    id: `device.awaitHello.${id}`, role: 'device', state: 'awaitHello', description, input: bytesToHex(input), spec, specState: spec ? 'failed' : 'derived', ...extra,
  });
  const hello: CaseDef[] = [
    D('empty', 'no bytes at all', new Uint8Array(0), 'decode.length'),
    D('one-byte', 'only the type byte', ch.subarray(0, 1), 'decode.length'),
    D('unknown-type', 'type byte 0x7f', mut(ch, (c) => (c[0] = 0x7f)), 'decode.type'),
    D('serverhello-type', 'the genuine ServerHello (reflected) where a ClientHello is expected', sh, 'state.unexpected'),
    D('record-type', 'a genuine record where a ClientHello is expected', unlock, 'state.unexpected'),
    D('version', 'version byte 0x02', mut(ch, (c) => (c[1] = 0x02)), 'decode.version'),
    D('version-and-suite', 'version 0x02 and an unknown suite: the version is checked first', mut(ch, (c) => ((c[1] = 0x02), (c[5] = 0x09))), 'decode.version'),
    D('header-truncated', 'the first 6 bytes (no offeredCount)', ch.subarray(0, 6), 'decode.length'),
    D('unknown-suite', 'chosen suite 01 02 02 09 (no AEAD 0x09)', mut(ch, (c) => (c[5] = 0x09)), 'suite.unknown'),
    D('unknown-suite-short', 'unknown chosen suite in a 7-byte hello: suite.unknown is checked before the length', mut(ch.subarray(0, 7), (c) => (c[5] = 0x09)), 'suite.unknown'),
    D('offered-count-0', 'offeredCount 0', mut(ch, (c) => (c[6] = 0)), 'decode.field'),
    D('offered-count-17', 'offeredCount 17 (limit 16)', mut(ch, (c) => (c[6] = 17)), 'decode.field'),
    D('truncated', 'one byte short', ch.subarray(0, ch.length - 1), 'decode.length'),
    D('extended', 'one extra byte', cat(ch, Uint8Array.of(0)), 'decode.length'),
    D('count-vs-length', 'offeredCount 4 with three offered suites: the length no longer fits', mut(ch, (c) => (c[6] = 4)), 'decode.length'),
    D('offered-unknown', 'offered[1] is an unknown code', mut(ch, (c) => (c[offeredAt + 4 + 3] = 0x09)), 'suite.unknown'),
    D('offered-duplicate', 'offered[1] repeats offered[0]', mut(ch, (c) => c.set(ch.subarray(offeredAt, offeredAt + 4), offeredAt + 4)), 'decode.field'),
    D('offered-misordered', 'offered[0] and offered[1] swapped (not in offer order)', mut(ch, (c) => c.set([...ch.subarray(offeredAt + 4, offeredAt + 8), ...ch.subarray(offeredAt, offeredAt + 4)], offeredAt)), 'decode.field'),
    D('chosen-rewritten-to-pq', 'chosen suite rewritten to the pq counterpart: the length is judged by the new suite (no X25519 share), so decode.length', mut(ch, (c) => c.set(code(pq.id), 2)), 'decode.length'),
    D('chosen-not-offered', 'the offer without the chosen suite (2 entries), rest genuine', encodeClientHello({ suite, offered: offer.slice(1), clientNonce: nonce, x25519, kemCiphertext: ct }), 'suite.downgrade'),
    D('unsupported', 'chooses mlkem1024-mldsa87-hybrid-aesgcm, which this device is not provisioned for (ciphertext of zeros: never reached)',
      encodeClientHello({ suite: parseSuite('mlkem1024-mldsa87-hybrid-aesgcm'), offered: [parseSuite('mlkem1024-mldsa87-hybrid-aesgcm')], clientNonce: nonce, x25519, kemCiphertext: new Uint8Array(1568) }), 'suite.unsupported'),
    D('downgrade', 'chooses the pq counterpart while the (genuine) offer lists the hybrid first, and the device accepts both',
      encodeClientHello({ suite: pq, offered: offer, clientNonce: nonce, x25519: null, kemCiphertext: ct }), 'suite.downgrade'),
    D('x25519-zero', 'X25519 share all zero (low order): the device decapsulates and draws its X25519 key, then the shared secret is all zero', mut(ch, (c) => c.fill(0, nonceAt + 32, nonceAt + 64)), 'x25519.share'),
    D('x25519-one', 'X25519 share u = 1 (low order)', mut(ch, (c) => (c.fill(0, nonceAt + 32, nonceAt + 64), (c[nonceAt + 32] = 1))), 'x25519.share'),
    D('replayed', 'the genuine ClientHello while its nonce is in the replay cache', ch, 'replay.hello', { cachedHelloNonces: [bytesToHex(nonce)] }),
    D('kem-ciphertext-flipped', 'one ciphertext bit flipped: accepted (ML-KEM implicit rejection); the keys differ, so the genuine ClientFinished would fail key.confirm', flip(ch, -1), null),
    D('genuine', 'the genuine ClientHello: accepted, ServerHello sent', ch, null),
  ];
  const F = (id: string, description: string, input: Uint8Array, spec: string | null): CaseDef => ({
    id: `device.derived.${id}`, role: 'device', state: 'derived', description, input: bytesToHex(input), spec, specState: spec ? 'failed' : 'established',
  });
  const finished: CaseDef[] = [
    F('empty', 'no bytes', new Uint8Array(0), 'decode.length'),
    F('unknown-type', 'type 0x7f', mut(cf, (c) => (c[0] = 0x7f)), 'decode.type'),
    F('clienthello-again', 'the genuine ClientHello a second time', ch, 'state.unexpected'),
    F('serverhello-reflected', 'the device\'s own ServerHello reflected', sh, 'state.unexpected'),
    F('record', 'a record before ClientFinished', unlock, 'state.unexpected'),
    F('version', 'version 0x02', mut(cf, (c) => (c[1] = 0x02)), 'decode.version'),
    F('short', '66 bytes', cf.subarray(0, 66), 'decode.length'),
    F('long', '68 bytes', cat(cf, Uint8Array.of(0)), 'decode.length'),
    F('confirm-flipped', 'one bit of confirm flipped', flip(cf, 3), 'key.confirm'),
    F('auth-flipped', 'one bit of auth flipped', flip(cf, -1), 'auth.phone'),
    F('both-flipped', 'confirm and auth both wrong: key confirmation runs first', flip(flip(cf, 3), -1), 'key.confirm'),
    F('slot-empty', 'bondSlot 1: an empty SE slot (the phone is bonded in slot 0)', mut(cf, (c) => (c[2] = 1)), 'auth.phone'),
    F('slot-8', 'bondSlot 8: beyond the 8 slots', mut(cf, (c) => (c[2] = 8)), 'auth.phone'),
    F('other-run', 'a genuine ClientFinished of another handshake (different keys)', otherMsg.ClientFinished!, 'key.confirm'),
    F('genuine', 'the genuine ClientFinished: accepted, "ready" sent', cf, null),
  ];
  const DE = (id: string, description: string, input: Uint8Array, spec: string | null, extra: Partial<CaseDef> = {}): CaseDef => ({
    id: `device.established.${id}`, role: 'device', state: 'established', description, input: bytesToHex(input), spec, specState: spec ? 'failed' : 'established', ...extra,
  });
  const PH = (id: string, description: string, input: Uint8Array, spec: string | null, extra: Partial<CaseDef> = {}): CaseDef => ({
    id: `phone.established.${id}`, role: 'phone', state: 'established', description, input: bytesToHex(input), spec, specState: spec ? 'failed' : 'established', ...extra,
  });
  const hex = bytesToHex;
  const deviceRecords: CaseDef[] = [
    DE('empty', 'no bytes', new Uint8Array(0), 'decode.length'),
    DE('unknown-type', 'type 0x7f', mut(unlock, (c) => (c[0] = 0x7f)), 'decode.type'),
    DE('clientfinished-again', 'the genuine ClientFinished again', cf, 'state.unexpected'),
    DE('version', 'version 0x02', mut(unlock, (c) => (c[1] = 0x02)), 'decode.version'),
    DE('ciphertext-16', 'ciphertext of 16 bytes (a tag, no plaintext)', unlock.subarray(0, 26), 'decode.length'),
    DE('ciphertext-1041', 'ciphertext of 1041 bytes (plaintext limit 1024)', cat(unlock, new Uint8Array(1041 - (unlock.length - 10))), 'decode.length'),
    DE('tag-flipped', 'the genuine unlock with one tag bit flipped', flip(unlock, -1), 'aead.tag'),
    DE('seq-rewritten', 'the genuine unlock with its seq rewritten to 1 (the header is associated data)', mut(unlock, (c) => (c[9] = 1)), 'aead.tag'),
    DE('ready-reflected', 'the device\'s own "ready" (s2c key, seq 0) reflected: fresh for the device\'s receive window, so the tag decides', ready, 'aead.tag'),
    DE('replayed', 'the genuine unlock (seq 0) again after it was accepted (window 1)', unlock, 'replay.seq', { prelude: [hex(unlock)] }),
    DE('older', 'seq 0 after seq 3 was accepted (window 1)', unlock, 'replay.seq', { prelude: [hex(seal('phone', 3n, UNLOCK(3)))] }),
    DE('gap', 'seq 5 as the first record: gaps are allowed', seal('phone', 5n, UNLOCK(5)), null),
    DE('w4-below-window', 'window 4, seqs 0 and 5 accepted: seq 1 = H - w is outside the window', seal('phone', 1n, UNLOCK(1)), 'replay.seq', { replayWindow: 4, prelude: [hex(unlock), hex(seal('phone', 5n, UNLOCK(5)))] }),
    DE('w4-window-bottom', 'window 4, seqs 0 and 5 accepted: seq 2 = H - w + 1, not seen, is accepted', seal('phone', 2n, UNLOCK(2)), null, { replayWindow: 4, prelude: [hex(unlock), hex(seal('phone', 5n, UNLOCK(5)))] }),
    DE('w4-duplicate-in-window', 'window 4, seqs 0, 5 and 3 accepted: seq 3 again', seal('phone', 3n, UNLOCK(3)), 'replay.seq', { replayWindow: 4, prelude: [hex(unlock), hex(seal('phone', 5n, UNLOCK(5))), hex(seal('phone', 3n, UNLOCK(3)))] }),
    DE('w4-highest-again', 'window 4, seqs 0 and 5 accepted: seq 5 again', seal('phone', 5n, UNLOCK(5)), 'replay.seq', { replayWindow: 4, prelude: [hex(unlock), hex(seal('phone', 5n, UNLOCK(5)))] }),
    DE('w4-above', 'window 4, seqs 0 and 5 accepted: seq 6', seal('phone', 6n, UNLOCK(6)), null, { replayWindow: 4, prelude: [hex(unlock), hex(seal('phone', 5n, UNLOCK(5)))] }),
    DE('seq-last', 'seq 2^64 - 2, the last usable number: accepted', seal('phone', SEQ_MAX - 1n, UNLOCK(0xfe)), null),
    DE('seq-reserved', 'seq 2^64 - 1 (the 2^64 - 2 record with its seq rewritten; the tag is never looked at)', mut(seal('phone', SEQ_MAX - 1n, UNLOCK(0xfe)), (c) => (c[9] = 0xff)), 'replay.seq'),
    DE('seq-reserved-after-last', 'seq 2^64 - 1 after 2^64 - 2 was accepted', mut(seal('phone', SEQ_MAX - 1n, UNLOCK(0xfe)), (c) => (c[9] = 0xff)), 'replay.seq', { prelude: [hex(seal('phone', SEQ_MAX - 1n, UNLOCK(0xfe)))] }),
    DE('payload-ready', 'a "ready" payload sent to the device', seal('phone', 1n, [0x01]), 'state.unexpected'),
    DE('payload-result', 'a "result" payload sent to the device', seal('phone', 1n, [0x03, 0x00]), 'state.unexpected'),
    DE('payload-unknown', 'payload kind 0x09', seal('phone', 1n, [0x09, 0, 0, 0, 0, 0, 0, 0, 0]), 'state.unexpected'),
    DE('unlock-short', 'unlock with a 7-byte action id', seal('phone', 1n, UNLOCK(1).slice(0, 8)), 'decode.field'),
    DE('unlock-long', 'unlock with a 9-byte action id', seal('phone', 1n, [...UNLOCK(1), 0]), 'decode.field'),
    DE('result-at-last-seq', 'the device\'s next send seq is 2^64 - 2: the genuine unlock is carried out and the result goes out at the last usable number', unlock, null, { senderSeq: (SEQ_MAX - 1n).toString() }),
    DE('result-exhausted', 'the device\'s next send seq would be 2^64 - 1: the unlock opens, the result cannot be sealed', unlock, 'seq.exhausted', { senderSeq: SEQ_MAX.toString() }),
    DE('genuine', 'the genuine unlock', unlock, null),
  ];
  const S = (id: string, description: string, input: Uint8Array, spec: string | null): CaseDef => ({
    id: `phone.helloSent.${id}`, role: 'phone', state: 'helloSent', description, input: bytesToHex(input), spec, specState: spec ? 'failed' : 'finishedSent',
  });
  const shX = 6 + 32 + 32; // offset of the X25519 share in a hybrid ServerHello
  const sigAt = serverHelloSignedLength(suite);
  const server: CaseDef[] = [
    S('empty', 'no bytes', new Uint8Array(0), 'decode.length'),
    S('one-byte', 'only the type byte', sh.subarray(0, 1), 'decode.length'),
    S('unknown-type', 'type 0x7f', mut(sh, (c) => (c[0] = 0x7f)), 'decode.type'),
    S('clienthello-reflected', 'the phone\'s own ClientHello reflected', ch, 'state.unexpected'),
    S('record', 'a record where ServerHello is expected', ready, 'state.unexpected'),
    S('version', 'version 0x02', mut(sh, (c) => (c[1] = 0x02)), 'decode.version'),
    S('header-truncated', 'the first 5 bytes', sh.subarray(0, 5), 'decode.length'),
    S('unknown-suite', 'suite 01 02 02 09', mut(sh, (c) => (c[5] = 0x09)), 'suite.unknown'),
    S('truncated', 'one byte short', sh.subarray(0, sh.length - 1), 'decode.length'),
    S('extended', 'one extra byte', cat(sh, Uint8Array.of(0)), 'decode.length'),
    S('suite-pq-wrong-length', 'names the pq counterpart at the hybrid length: the length is judged by the suite it names', mut(sh, (c) => c.set(code(pq.id), 2)), 'decode.length'),
    S('suite-pq', 'names the pq counterpart at the pq length (X25519 share removed)', cat(mut(sh.subarray(0, shX), (c) => c.set(code(pq.id), 2)), sh.subarray(shX + 32)), 'suite.mismatch'),
    S('suite-xchacha', 'names mlkem768-mldsa65-hybrid-xchacha (same length)', mut(sh, (c) => c.set(code('mlkem768-mldsa65-hybrid-xchacha'), 2)), 'suite.mismatch'),
    S('suite-mldsa44', 'names mlkem768-mldsa44-hybrid-aesgcm at its length (signature cut to 2420 bytes)', mut(sh.subarray(0, sigAt + 2420), (c) => c.set(code('mlkem768-mldsa44-hybrid-aesgcm'), 2)), 'suite.mismatch'),
    S('hash-flipped', 'clientHelloHash with one bit flipped', flip(sh, 6), 'transcript.mismatch'),
    S('hash-and-signature', 'clientHelloHash and signature both wrong: the echo is checked first', flip(flip(sh, 6), -1), 'transcript.mismatch'),
    S('other-run', 'a genuine ServerHello of another handshake', otherMsg.ServerHello!, 'transcript.mismatch'),
    S('signature-flipped', 'one signature bit flipped', flip(sh, -1), 'sig.device'),
    S('nonce-flipped', 'one deviceNonce bit flipped (signed)', flip(sh, 38), 'sig.device'),
    S('share-flipped', 'one X25519 share bit flipped (signed)', flip(sh, shX), 'sig.device'),
    S('foreign-key', 'correctly formed, signed by another device\'s key over this transcript', resign(sh, 'other'), 'sig.device'),
    S('x25519-zero', 'X25519 share all zero, validly signed by this device\'s key: the low-order check still refuses it', resign(mut(sh, (c) => c.fill(0, shX, shX + 32)), 'own'), 'x25519.share'),
    S('genuine', 'the genuine ServerHello: accepted, ClientFinished sent', sh, null),
  ];
  const R = (id: string, description: string, input: Uint8Array, spec: string | null): CaseDef => ({
    id: `phone.finishedSent.${id}`, role: 'phone', state: 'finishedSent', description, input: bytesToHex(input), spec, specState: spec ? 'failed' : 'established',
  });
  const firstRecord: CaseDef[] = [
    R('empty', 'no bytes', new Uint8Array(0), 'decode.length'),
    R('serverhello-again', 'the genuine ServerHello again', sh, 'state.unexpected'),
    R('clientfinished-reflected', 'the phone\'s own ClientFinished reflected', cf, 'state.unexpected'),
    R('tag-flipped', '"ready" with one tag bit flipped', flip(ready, -1), 'aead.tag'),
    R('first-is-result', 'first record (seq 0) carries a result, not "ready"', seal('device', 0n, [0x03, 0x00]), 'state.unexpected'),
    R('first-is-unlock', 'first record (seq 0) carries an unlock payload', seal('device', 0n, UNLOCK(0)), 'state.unexpected'),
    R('ready-long', '"ready" with a second byte', seal('device', 0n, [0x01, 0x00]), 'decode.field'),
    R('ready-at-seq-1', '"ready" at seq 1: the window accepts any first number', seal('device', 1n, [0x01]), null),
    R('ready-at-reserved', '"ready" with seq rewritten to 2^64 - 1', mut(ready, (c) => c.fill(0xff, 2, 10)), 'replay.seq'),
    R('genuine', 'the genuine "ready"', ready, null),
  ];
  const phoneRecords: CaseDef[] = [
    PH('genuine-result', 'the genuine result (seq 1)', result, null),
    PH('refused', 'a result with status 01 (refused by policy)', seal('device', 1n, [0x03, 0x01]), null),
    PH('unsolicited', 'a result nobody asked for is opened and checked like a result: accepted', seal('device', 7n, [0x03, 0x00]), null),
    PH('status-02', 'a result with status 02', seal('device', 1n, [0x03, 0x02]), 'decode.field'),
    PH('result-long', 'a result payload of 3 bytes', seal('device', 1n, [0x03, 0x00, 0x00]), 'decode.field'),
    PH('second-ready', 'a second "ready"', seal('device', 1n, [0x01]), 'state.unexpected'),
    PH('unlock-to-phone', 'an unlock payload sent to the phone', seal('device', 1n, UNLOCK(1)), 'state.unexpected'),
    PH('ready-replayed', 'the genuine "ready" (seq 0) again', ready, 'replay.seq'),
    PH('tag-flipped', 'the genuine result with one tag bit flipped', flip(result, -1), 'aead.tag'),
    PH('own-unlock-seq0', 'the phone\'s own unlock (seq 0) reflected: seq 0 is not fresh (0 was accepted), so replay.seq', unlock, 'replay.seq'),
    PH('own-unlock-seq1', 'the phone\'s own unlock sealed at seq 1 reflected: fresh, so the tag decides (c2s key)', seal('phone', 1n, UNLOCK(1)), 'aead.tag'),
    PH('w4-below-window', 'window 4, seqs 0 and 5 accepted: seq 1 is outside', seal('device', 1n, [0x03, 0x00]), 'replay.seq', { replayWindow: 4, prelude: [hex(seal('device', 5n, [0x03, 0x00]))] }),
    PH('w4-window-bottom', 'window 4, seqs 0 and 5 accepted: seq 2 is inside', seal('device', 2n, [0x03, 0x00]), null, { replayWindow: 4, prelude: [hex(seal('device', 5n, [0x03, 0x00]))] }),
    PH('seq-last', 'result at seq 2^64 - 2: accepted', seal('device', SEQ_MAX - 1n, [0x03, 0x00]), null),
    PH('seq-reserved-after-last', 'seq 2^64 - 1 after 2^64 - 2 was accepted', mut(seal('device', SEQ_MAX - 1n, [0x03, 0x00]), (c) => (c[9] = 0xff)), 'replay.seq', { prelude: [hex(seal('device', SEQ_MAX - 1n, [0x03, 0x00]))] }),
    { id: 'phone.established.unlock-at-last-seq', role: 'phone', state: 'established', description: 'the phone seals an unlock with next send seq 2^64 - 2: allowed', action: { sealUnlock: '00000000000000fe' }, senderSeq: (SEQ_MAX - 1n).toString(), spec: null, specState: 'established' },
    { id: 'phone.established.unlock-exhausted', role: 'phone', state: 'established', description: 'the phone would seal an unlock at 2^64 - 1: refuses, fails', action: { sealUnlock: '00000000000000ff' }, senderSeq: SEQ_MAX.toString(), spec: 'seq.exhausted', specState: 'failed' },
  ];
  return { ctx, cases: [...hello, ...finished, ...deviceRecords, ...server, ...firstRecord, ...phoneRecords] };
}

/** The classical suite: ECDSA P-256 signatures, where low-S is required. */
function classicalCases(): { ctx: VectorContext; cases: CaseDef[] } {
  const suite = parseSuite('classical-p256-aesgcm');
  const { ctx, m, resign } = liveContext('classical', suite, [suite]);
  const sh = m.ServerHello!;
  const sigAt = serverHelloSignedLength(suite);
  const n = p256.Point.CURVE().n;
  const s = BigInt(`0x${bytesToHex(sh.subarray(sigAt + 32, sigAt + 64))}`);
  const highS = mut(sh, (c) => c.set(u64Big(n - s), sigAt + 32));
  const S = (id: string, description: string, input: Uint8Array, spec: string | null): CaseDef => ({
    id: `phone.helloSent.${id}`, role: 'phone', state: 'helloSent', description, input: bytesToHex(input), spec, specState: spec ? 'failed' : 'finishedSent',
  });
  return {
    ctx,
    cases: [
      S('ecdsa-high-s', 'the genuine signature with s replaced by n - s (valid ECDSA, but high S)', highS, 'sig.device'),
      S('ecdsa-r-flipped', 'one bit of r flipped', flip(sh, sigAt), 'sig.device'),
      S('foreign-key', 'signed by another device\'s P-256 key over this transcript', resign(sh, 'other'), 'sig.device'),
      S('x25519-zero', 'X25519 share all zero, validly signed by this device', resign(mut(sh, (c) => c.fill(0, 70, 102)), 'own'), 'x25519.share'),
      S('genuine', 'the genuine ServerHello', sh, null),
    ],
  };
}
/** A 256-bit integer as 32 big-endian bytes. */
const u64Big = (x: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((x >> BigInt(8 * (31 - i))) & 0xffn));

export interface NegativeCase extends CaseInput, CaseOutcome {}

export function makeNegative() {
  const contexts = [defaultCases(), classicalCases()].map(({ ctx, cases }) => ({
    ...ctx,
    cases: cases.map(({ spec, specState, ...def }): NegativeCase => {
      const input: CaseInput = { ...def, replayWindow: def.replayWindow ?? 1 };
      const out = replayCase(ctx, input);
      if (out.check !== spec || out.stateAfter !== specState)
        throw new Error(`negative vector ${def.id}: the firmware gives ${out.check ?? 'accepted'} → ${out.stateAfter}, docs/protocol.md predicts ${spec ?? 'accepted'} → ${specState}`);
      return { ...input, ...out };
    }),
  }));
  return { format: NEGATIVE_FORMAT, contexts };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(NEGATIVE_FILE, JSON.stringify(makeNegative(), null, 1) + '\n');
  process.stdout.write(`wrote ${NEGATIVE_FILE}\n`);
}
