/**
 * Replays one negative vector against the real firmware roles, from the vector's JSON alone: the
 * world is rebuilt from its seed and registered suites, the role is brought to the named state
 * by feeding it the genuine messages of the context's transcript, then the case's input is fed
 * and the role runs until it rests (needs the next message) or fails. The generator
 * (negative.ts) fills each case's expected `check` and `stateAfter` with what this returns, and
 * negative.test.ts replays the stored file with it, so the file is proved self-sufficient.
 * The same procedure, in prose, is test/vectors/README.md §Replaying a negative vector.
 * @module
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import {
  bytesToHex,
  createWorld,
  DeviceHandshake,
  parseSuite,
  PhoneHandshake,
  ProtocolError,
  type World,
} from '../../firmware/index.ts';
import { __tests } from '../../firmware/session.ts';

/** Where a role rests between messages (its firmware phase): docs/protocol.md §State tables. */
export type DeviceRest = 'awaitHello' | 'derived' | 'established' | 'failed';
export type PhoneRest = 'helloSent' | 'finishedSent' | 'established' | 'failed';

/** The context a case runs in: one seeded, provisioned world and its genuine transcript. */
export interface VectorContext {
  readonly id: string;
  readonly suite: string;
  readonly seed: string;
  /** The DRBG seeds of the device (SE TRNG) and phone streams: `<seed>/device`, `<seed>/phone`. */
  readonly streams: { readonly device: string; readonly phone: string };
  readonly registeredSuites: readonly string[];
  readonly offered: readonly string[];
  readonly provisioning: { readonly bondRequest: string; readonly deviceRegistration: string };
  readonly messages: readonly { readonly name: string; readonly from: string; readonly hex: string }[];
}

/** A case as stored, without its outcome. */
export interface CaseInput {
  readonly id: string;
  readonly role: 'device' | 'phone';
  readonly state: DeviceRest | PhoneRest;
  readonly description: string;
  /** Replay window width of the role (both peers use it; only the receiver's matters). */
  readonly replayWindow: number;
  /** Nonces already in the device's ClientHello replay cache before the case. */
  readonly cachedHelloNonces?: readonly string[];
  /** Records fed (in order) after reaching `state`; each must be accepted. */
  readonly prelude?: readonly string[];
  /** Test hook: the role's next send sequence number, set just before the input (decimal string). */
  readonly senderSeq?: string;
  /** The bytes fed to the role, hex; absent for a sender-only case (`action`). */
  readonly input?: string;
  /** A sender-only case: the phone seals an unlock with this action id. */
  readonly action?: { readonly sealUnlock: string };
}

export interface CaseOutcome {
  /** The check code the role failed with, or null when it accepted the input. */
  readonly check: string | null;
  readonly stateAfter: DeviceRest | PhoneRest | 'start';
  /** For an accepted record: the plaintext the role opened, hex. */
  readonly plaintext?: string;
}

const msg = (ctx: VectorContext, name: string): Uint8Array => {
  const m = ctx.messages.find((x) => x.name === name);
  if (!m) throw new Error(`context ${ctx.id}: no genuine ${name} in its messages`);
  return hexToBytes(m.hex);
};

export function worldOf(ctx: VectorContext): World {
  const world = createWorld(ctx.seed, ctx.registeredSuites.map(parseSuite));
  if (bytesToHex(world.provisioning.registration) !== ctx.provisioning.deviceRegistration)
    throw new Error(`context ${ctx.id}: seed ${ctx.seed} does not reproduce the stored DeviceRegistration`);
  return world;
}

/** Feeds one message to the device and runs its internal steps until it rests; returns what it sends and the plaintext it opened. */
export function deviceFeed(d: DeviceHandshake, bytes: Uint8Array): { out: Uint8Array | null; plaintext: Uint8Array | null } {
  switch (d.phase) {
    case 'awaitHello': {
      const ch = d.receiveClientHello(bytes);
      if (ch.suite.kem) d.decapsulate();
      if (ch.suite.x25519) {
        d.x25519Keygen();
        d.x25519Shared();
      }
      const sh = d.sign();
      d.deriveKeys();
      return { out: sh, plaintext: null };
    }
    case 'derived':
      d.receiveClientFinished(bytes);
      d.verifyPhone();
      return { out: d.sealReady(), plaintext: null };
    case 'established': {
      const actionId = d.receiveUnlock(bytes);
      return { out: d.sealResult(true), plaintext: Uint8Array.from([0x02, ...actionId]) };
    }
    default:
      throw new Error(`device does not rest in phase ${d.phase}`);
  }
}

/** Phone counterpart of deviceFeed; `bytes` is ignored in `start` (the phone speaks first). */
export function phoneFeed(p: PhoneHandshake, bytes: Uint8Array | null): { out: Uint8Array | null; plaintext: Uint8Array | null } {
  switch (p.phase) {
    case 'start':
      if (p.suite.x25519) p.x25519Keygen();
      if (p.suite.kem) p.encapsulate();
      return { out: p.clientHello(), plaintext: null };
    case 'helloSent':
      p.receiveServerHello(bytes!);
      p.verifyDevice();
      if (p.suite.x25519) p.x25519Shared();
      p.deriveKeys();
      return { out: p.clientFinished(), plaintext: null };
    case 'finishedSent':
      p.receiveReady(bytes!);
      return { out: null, plaintext: Uint8Array.of(0x01) };
    case 'established': {
      const done = p.receiveResult(bytes!);
      return { out: null, plaintext: Uint8Array.of(0x03, done ? 0x00 : 0x01) };
    }
    default:
      throw new Error(`phone does not rest in phase ${p.phase}`);
  }
}

const same = (a: Uint8Array | null, b: Uint8Array, what: string) => {
  if (!a || bytesToHex(a) !== bytesToHex(b)) throw new Error(`replay diverged from the genuine transcript at ${what}`);
};

/** The genuine messages that bring each role to each rest state (device: inputs; phone: inputs after its ClientHello). */
const DEVICE_PATH: Record<string, readonly string[]> = { awaitHello: [], derived: ['ClientHello'], established: ['ClientHello', 'ClientFinished'] };
const PHONE_PATH: Record<string, readonly string[]> = { helloSent: [], finishedSent: ['ServerHello'], established: ['ServerHello', 'SessionReady'] };
/** What the role sends after each genuine input (checked, so a replay that diverges is noticed). */
const DEVICE_REPLY: Record<string, string> = { ClientHello: 'ServerHello', ClientFinished: 'SessionReady' };
const PHONE_REPLY: Record<string, string | null> = { ServerHello: 'ClientFinished', SessionReady: null };

function outcome(run: () => Uint8Array | null, phase: () => string): CaseOutcome {
  try {
    const plaintext = run();
    return { check: null, stateAfter: phase() as CaseOutcome['stateAfter'], ...(plaintext ? { plaintext: bytesToHex(plaintext) } : {}) };
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return { check: e.check, stateAfter: phase() as CaseOutcome['stateAfter'] };
  }
}

/** Replays one case against the firmware role it names; throws if the context itself does not replay. */
export function replayCase(ctx: VectorContext, c: CaseInput): CaseOutcome {
  const world = worldOf(ctx);
  const suite = parseSuite(ctx.suite);
  const offered = ctx.offered.map(parseSuite);
  const seq = c.senderSeq === undefined ? null : BigInt(c.senderSeq);
  if (c.role === 'device') {
    for (const n of c.cachedHelloNonces ?? []) world.helloCache.add(hexToBytes(n));
    const d = new DeviceHandshake({ se: world.se, helloCache: world.helloCache, replayWindow: c.replayWindow });
    const path = DEVICE_PATH[c.state];
    if (!path) throw new Error(`case ${c.id}: the device does not rest in ${c.state}`);
    for (const name of path) same(deviceFeed(d, msg(ctx, name)).out, msg(ctx, DEVICE_REPLY[name]!), `${c.id}: device reply to ${name}`);
    for (const r of c.prelude ?? []) deviceFeed(d, hexToBytes(r));
    if (seq !== null) __tests.setSendSeq(d.session!, seq);
    return outcome(() => deviceFeed(d, hexToBytes(c.input!)).plaintext, () => d.phase);
  }
  const p = new PhoneHandshake({ pairing: world.pairing, random: world.phoneRandom, suite, offered, replayWindow: c.replayWindow });
  same(phoneFeed(p, null).out, msg(ctx, 'ClientHello'), `${c.id}: phone ClientHello`);
  const path = PHONE_PATH[c.state];
  if (!path) throw new Error(`case ${c.id}: the phone does not rest in ${c.state}`);
  for (const name of path) {
    const { out } = phoneFeed(p, msg(ctx, name));
    const reply = PHONE_REPLY[name];
    if (reply) same(out, msg(ctx, reply), `${c.id}: phone reply to ${name}`);
  }
  for (const r of c.prelude ?? []) phoneFeed(p, hexToBytes(r));
  if (seq !== null) __tests.setSendSeq(p.session!, seq);
  if (c.action) {
    const actionId = hexToBytes(c.action.sealUnlock);
    return outcome(() => (p.sealUnlock(actionId), null), () => p.phase);
  }
  return outcome(() => phoneFeed(p, hexToBytes(c.input!)).plaintext, () => p.phase);
}
