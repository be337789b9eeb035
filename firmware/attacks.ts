/**
 * Attacks as first-class objects. Each kind sits in the attacker's seat of the in-memory link (an
 * Interceptor) or replays a recorded session, and names the check that must catch it. Running one
 * gives the rejection (which check, which role, which step); both sides end locked.
 * @module
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { concatBytes } from './bytes.ts';
import { ProtocolError, type CheckCode } from './errors.ts';
import { NonceCache } from './device.ts';
import { runHandshake, passThrough, type Interceptor, type RunOptions, type RunResult, type WireMessage, type WireName, type World } from './handshake.ts';
import { signedContent, transcriptHash } from './key-schedule.ts';
import { SecureElement } from './secure-element.ts';
import { compareStrength, parseSuite, type Suite } from './suites.ts';
import type { Role } from './session.ts';
import {
  decodeClientFinished,
  decodeClientHello,
  decodeRecord,
  decodeServerHello,
  encodeClientHello,
  encodeServerHello,
  serverHelloSignedLength,
  type Field,
} from './codec/index.ts';

/** The fields of a wire message (for targeting bit flips). */
export function fieldsOf(name: WireName, bytes: Uint8Array): Field[] {
  switch (name) {
    case 'ClientHello':
      return decodeClientHello(bytes).fields;
    case 'ServerHello':
      return decodeServerHello(bytes).fields;
    case 'ClientFinished':
      return decodeClientFinished(bytes).fields;
    default:
      return decodeRecord(bytes, 16).fields;
  }
}

/** A copy of `bytes` with bit `bit` of field `field` flipped. */
export function flipBit(name: WireName, bytes: Uint8Array, field: string, bit: number): Uint8Array {
  const f = fieldsOf(name, bytes).find((x) => x.name === field);
  if (!f) throw new RangeError(`${name} has no field '${field}'`);
  const out = bytes.slice();
  const i = f.offset + (Math.floor(bit / 8) % f.bytes.length);
  out[i]! ^= 1 << (bit % 8);
  return out;
}

const other = (r: Role): Role => (r === 'phone' ? 'device' : 'phone');
/** Alters the first message named `name` (by `f`), passes everything else through. */
function onFirst(name: WireName, f: (m: WireMessage) => readonly { to: Role; bytes: Uint8Array }[]): Interceptor {
  let done = false;
  return (m) => {
    if (m.name !== name || done) return passThrough(m);
    done = true;
    return f(m);
  };
}
const replace = (name: WireName, g: (b: Uint8Array) => Uint8Array): Interceptor => onFirst(name, (m) => [{ to: other(m.from), bytes: g(m.bytes) }]);

export interface AttackPlan {
  readonly intercept: Interceptor;
  readonly options?: Partial<RunOptions>;
}

export interface Attack {
  readonly kind: string;
  readonly description: string;
  /** The check that must catch it, and on which side. */
  readonly expect: { readonly check: CheckCode; readonly by: Role };
  readonly applies: (suite: Suite) => boolean;
  /** Prepares the attack against `world` (may first record a genuine session). */
  readonly plan: (world: World, suite: Suite) => AttackPlan;
}

const always = () => true;
const isHybrid = (s: Suite) => s.mode === 'hybrid';

/** The attacker's own key pair of the suite's signature algorithm (it does not have the device's). */
function attackerSigner(world: World, suite: Suite): SecureElement {
  const se = new SecureElement(world.attackerRandom);
  se.generateKeys([suite]);
  return se;
}

/** Replaces the phone's key shares with the attacker's (fresh X25519 share, own KEM encapsulation). */
function substituteShares(world: World, chBytes: Uint8Array, chosen?: Suite, offered?: readonly Suite[]): Uint8Array {
  const { msg } = decodeClientHello(chBytes);
  const suite = chosen ?? msg.suite;
  const ek = suite.kem ? world.pairing.registration.kemKeys[suite.kem.name] : undefined;
  return encodeClientHello({
    suite,
    offered: offered ?? msg.offered,
    clientNonce: msg.clientNonce,
    x25519: suite.x25519 ? x25519.keygen(world.attackerRandom(32)).publicKey : null,
    kemCiphertext: suite.kem && ek ? suite.kem.impl.encapsulate(ek, world.attackerRandom(32)).cipherText : null,
  });
}

function record(world: World, suite: Suite): RunResult {
  const r = runHandshake(world, { suite });
  if (!r.established) throw new Error(`attack prelude: the genuine session failed (${r.rejection?.check})`);
  return r;
}
const sentBytes = (r: RunResult, name: WireName) => r.sent.find((m) => m.name === name)!.bytes;

// prettier-ignore
export const ATTACKS: readonly Attack[] = Object.freeze([
  { kind: 'bitflip-clienthello', description: 'flip one bit of the ClientHello key share (KEM ciphertext, or X25519 for classical)',
    expect: { check: 'transcript.mismatch', by: 'phone' }, applies: always,
    plan: (_w, s) => ({ intercept: replace('ClientHello', (b) => flipBit('ClientHello', b, s.kem ? 'kemCiphertext' : 'x25519Share', 7)) }) },
  { kind: 'bitflip-serverhello', description: 'flip one bit of the device signature',
    expect: { check: 'sig.device', by: 'phone' }, applies: always,
    plan: () => ({ intercept: replace('ServerHello', (b) => flipBit('ServerHello', b, 'signature', 3)) }) },
  { kind: 'bitflip-finished', description: 'flip one bit of the bonded-credential proof in ClientFinished',
    expect: { check: 'auth.phone', by: 'device' }, applies: always,
    plan: () => ({ intercept: replace('ClientFinished', (b) => flipBit('ClientFinished', b, 'auth', 0)) }) },
  { kind: 'bitflip-record', description: 'flip one bit of the unlock record ciphertext',
    expect: { check: 'aead.tag', by: 'device' }, applies: always,
    plan: () => ({ intercept: replace('UnlockRequest', (b) => flipBit('UnlockRequest', b, 'ciphertext', 0)) }) },
  { kind: 'truncate', description: 'drop the last byte of ClientHello',
    expect: { check: 'decode.length', by: 'device' }, applies: always,
    plan: () => ({ intercept: replace('ClientHello', (b) => b.slice(0, -1)) }) },
  { kind: 'pad', description: 'append one byte to ServerHello',
    expect: { check: 'decode.length', by: 'phone' }, applies: always,
    plan: () => ({ intercept: replace('ServerHello', (b) => concatBytes(b, new Uint8Array(1))) }) },
  { kind: 'downgrade-strip-hybrid', description: 'strip the X25519 part: rewrite the chosen suite to its pure-PQ counterpart, offer untouched',
    expect: { check: 'suite.downgrade', by: 'device' }, applies: isHybrid,
    plan: (w, s) => ({ intercept: replace('ClientHello', (b) => substituteShares(w, b, parseSuite(`${s.kem!.name}-${s.sig.name}-pq-${s.aead.name}`))) }) },
  { kind: 'downgrade-level', description: 'lower the level to ML-KEM-512 + ML-DSA-44 (re-encapsulated to the device), offer untouched',
    expect: { check: 'suite.downgrade', by: 'device' }, applies: (s) => s.mode !== 'classical' && compareStrength(s, parseSuite(`mlkem512-mldsa44-${s.mode}-${s.aead.name}`)) > 0,
    plan: (w, s) => ({ intercept: replace('ClientHello', (b) => substituteShares(w, b, parseSuite(`mlkem512-mldsa44-${s.mode}-${s.aead.name}`))) }) },
  { kind: 'downgrade-rewrite-offer', description: 'strip the hybrid part and rewrite the offer to the weaker suite only',
    expect: { check: 'suite.mismatch', by: 'phone' }, applies: isHybrid,
    plan: (w, s) => {
      const weak = parseSuite(`${s.kem!.name}-${s.sig.name}-pq-${s.aead.name}`);
      return { intercept: replace('ClientHello', (b) => substituteShares(w, b, weak, [weak])) };
    } },
  { kind: 'mitm-key-substitution', description: "replace the phone's key shares with the attacker's (it encapsulates to the device's public key)",
    expect: { check: 'transcript.mismatch', by: 'phone' }, applies: always,
    plan: (w) => ({ intercept: replace('ClientHello', (b) => substituteShares(w, b)) }) },
  { kind: 'mitm-forged-signature', description: "replace the device's X25519 share and re-sign ServerHello with the attacker's own key",
    expect: { check: 'sig.device', by: 'phone' }, applies: always,
    plan: (w, s) => {
      const signer = attackerSigner(w, s);
      let ch: Uint8Array | null = null;
      return { intercept: (m) => {
        if (m.name === 'ClientHello') ch = m.bytes;
        if (m.name !== 'ServerHello' || !ch) return passThrough(m);
        const { msg } = decodeServerHello(m.bytes);
        const forged = encodeServerHello({ ...msg, x25519: s.x25519 ? x25519.keygen(w.attackerRandom(32)).publicKey : null });
        const n = serverHelloSignedLength(s);
        forged.set(signer.sign(s.sig.name, signedContent(transcriptHash(ch, forged.subarray(0, n)))), n);
        return [{ to: 'phone', bytes: forged }];
      } };
    } },
  { kind: 'low-order-share', description: 'replace the phone X25519 share with a low-order point (all zeros)',
    expect: { check: 'x25519.share', by: 'device' }, applies: (s) => s.x25519,
    plan: () => ({ intercept: replace('ClientHello', (b) => { const f = fieldsOf('ClientHello', b).find((x) => x.name === 'x25519Share')!; const o = b.slice(); o.fill(0, f.offset, f.offset + 32); return o; }) }) },
  { kind: 'impersonate-phone', description: "a phone with the device's public registration but a guessed bond key",
    expect: { check: 'auth.phone', by: 'device' }, applies: always,
    plan: (w) => ({ intercept: passThrough, options: { pairing: { registration: w.pairing.registration, bondKey: w.attackerRandom(32) } } }) },
  { kind: 'reflect-serverhello', description: 'send a copy of the ServerHello back to the device as if it were ClientFinished',
    expect: { check: 'state.unexpected', by: 'device' }, applies: always,
    plan: () => ({ intercept: onFirst('ServerHello', (m) => [{ to: 'device', bytes: m.bytes }, { to: 'phone', bytes: m.bytes }]) }) },
  { kind: 'reflect-record', description: "reflect the device's first record back to the device",
    expect: { check: 'aead.tag', by: 'device' }, applies: always,
    plan: () => ({ intercept: onFirst('SessionReady', (m) => [{ to: 'device', bytes: m.bytes }, { to: 'phone', bytes: m.bytes }]) }) },
  { kind: 'replay-record', description: 'deliver the unlock record twice',
    expect: { check: 'replay.seq', by: 'device' }, applies: always,
    plan: () => ({ intercept: onFirst('UnlockRequest', (m) => [{ to: 'device', bytes: m.bytes }, { to: 'device', bytes: m.bytes }]) }) },
  { kind: 'reorder-records', description: 'swap two unlock records',
    expect: { check: 'replay.seq', by: 'device' }, applies: always,
    plan: () => {
      let held: Uint8Array | null = null;
      return { options: { unlocks: 2 }, intercept: (m) => {
        if (m.name !== 'UnlockRequest') return passThrough(m);
        if (!held) { held = m.bytes; return []; }
        return [{ to: 'device', bytes: m.bytes }, { to: 'device', bytes: held }];
      } };
    } },
  { kind: 'replay-hello', description: "replay a recorded session's ClientHello to the device",
    expect: { check: 'replay.hello', by: 'device' }, applies: always,
    plan: (w, s) => {
      const old = sentBytes(record(w, s), 'ClientHello');
      return { intercept: replace('ClientHello', () => old) };
    } },
  { kind: 'replay-session', description: 'replay a whole recorded session (ClientHello, then ClientFinished) to a rebooted device',
    expect: { check: 'key.confirm', by: 'device' }, applies: always,
    plan: (w, s) => {
      const r = record(w, s);
      const oldCh = sentBytes(r, 'ClientHello');
      const oldCf = sentBytes(r, 'ClientFinished');
      return { options: { helloCache: new NonceCache() }, intercept: (m) => {
        if (m.name === 'ClientHello') return [{ to: 'device', bytes: oldCh }];
        if (m.name === 'ServerHello') return [{ to: 'device', bytes: oldCf }];
        return passThrough(m);
      } };
    } },
  { kind: 'drop-serverhello', description: 'drop the ServerHello',
    expect: { check: 'link.timeout', by: 'phone' }, applies: always,
    plan: () => ({ intercept: onFirst('ServerHello', () => []) }) },
] satisfies Attack[]);

export const ATTACK_KINDS: readonly string[] = Object.freeze(ATTACKS.map((a) => a.kind));

export function parseAttack(kind: string): Attack {
  const a = ATTACKS.find((x) => x.kind === kind);
  if (!a) throw new ProtocolError('decode.field', `unknown attack '${kind}'; valid attacks: ${ATTACK_KINDS.join(', ')}`, 'attack');
  return a;
}

export interface AttackResult extends RunResult {
  readonly attack: Attack;
}

/** Runs an attack against a provisioned world with `suite`. */
export function runAttack(kind: string, world: World, suite: Suite): AttackResult {
  const attack = parseAttack(kind);
  if (!attack.applies(suite)) throw new RangeError(`attack '${kind}' does not apply to suite ${suite.id}`);
  const plan = attack.plan(world, suite);
  return { ...runHandshake(world, { suite, ...plan.options, intercept: plan.intercept }), attack };
}
