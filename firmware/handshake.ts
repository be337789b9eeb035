/**
 * Runs both roles in-process over an in-memory link with an optional interceptor (the attacker's
 * seat): the handshake, then one unlock exchange over the session. The firmware-level driver
 * behind test vectors, attacks and benchmarks; models/handshake/live.ts drives the same steps from
 * the XState machines instead.
 * @module
 */
import { ProtocolError, type CheckCode } from './errors.ts';
import { NonceCache, DeviceHandshake } from './device.ts';
import { PhoneHandshake, type PhonePairing } from './phone.ts';
import { provisionOverNfc, type Provisioning } from './provisioning.ts';
import { seededRandom, systemRandom, type RandomSource } from './random.ts';
import { SecureElement } from './secure-element.ts';
import { ACTION_ID_BYTES } from './app.ts';
import { DEFAULT_SUITE, SUITES, type Suite } from './suites.ts';
import type { Role } from './session.ts';

export type WireName = 'ClientHello' | 'ServerHello' | 'ClientFinished' | 'SessionReady' | 'UnlockRequest' | 'UnlockResult';
/** Handshake and session messages in protocol order. */
export const WIRE_NAMES: readonly WireName[] = Object.freeze(['ClientHello', 'ServerHello', 'ClientFinished', 'SessionReady', 'UnlockRequest', 'UnlockResult']);

export interface WireMessage {
  readonly name: WireName;
  readonly from: Role;
  readonly bytes: Uint8Array;
  /** How many messages were sent before this one in the run. */
  readonly index: number;
}
export interface Delivery {
  readonly to: Role;
  readonly bytes: Uint8Array;
}
/** Sees each sent message, returns what is actually delivered (nothing, altered, several, reflected). */
export type Interceptor = (m: WireMessage) => readonly Delivery[];
export const passThrough: Interceptor = (m) => [{ to: m.from === 'phone' ? 'device' : 'phone', bytes: m.bytes }];

/** A provisioned device and its paired phone, with independent named random streams. */
export interface World {
  readonly se: SecureElement;
  readonly provisioning: Provisioning;
  readonly pairing: PhonePairing;
  readonly phoneRandom: RandomSource;
  readonly deviceRandom: RandomSource;
  readonly attackerRandom: RandomSource;
  readonly helloCache: NonceCache;
  readonly seed: string | null;
}

/** Seeded (reproducible) when `seed` is given, CSPRNG otherwise. Provisions `suites` (default all). */
export function createWorld(seed?: string, suites: readonly Suite[] = SUITES): World {
  const rnd = (name: string) => (seed === undefined ? systemRandom : seededRandom(`${seed}/${name}`));
  const deviceRandom = rnd('device');
  const phoneRandom = rnd('phone');
  const se = new SecureElement(deviceRandom);
  const provisioning = provisionOverNfc(se, phoneRandom, suites);
  return { se, provisioning, pairing: provisioning.pairing, phoneRandom, deviceRandom, attackerRandom: rnd('attacker'), helloCache: new NonceCache(), seed: seed ?? null };
}

export interface Rejection {
  readonly check: CheckCode;
  readonly by: Role;
  readonly step: string;
  readonly field: string | undefined;
  readonly message: string;
}

export interface RunOptions {
  readonly suite?: Suite;
  readonly offered?: readonly Suite[];
  readonly intercept?: Interceptor;
  readonly replayWindow?: number;
  /** Reuse a device handshake's replay cache across runs (default: the world's). */
  readonly helloCache?: NonceCache;
  /** Phone credential override (impersonation tests). */
  readonly pairing?: PhonePairing;
  /** Unlock commands sent over the session after the handshake (default 1). */
  readonly unlocks?: number;
}

export interface RunResult {
  readonly established: boolean;
  readonly rejection: Rejection | null;
  readonly sent: readonly WireMessage[];
  readonly delivered: readonly (Delivery & { name: WireName; from: Role })[];
  readonly phone: PhoneHandshake;
  readonly device: DeviceHandshake;
  /** Unlock commands the device executed. */
  readonly unlocked: number;
}

type Need = { readonly need: WireName };
type Proc = Generator<Need, void, Uint8Array>;

/**
 * Runs the handshake and `unlocks` unlock exchanges. Each role is a process that runs until it
 * needs a message; the driver resumes whichever has mail, and when neither can move, the role still
 * waiting times out (`link.timeout`). Any rejection locks both sides.
 */
export function runHandshake(world: World, options: RunOptions = {}): RunResult {
  const suite = options.suite ?? DEFAULT_SUITE;
  const intercept = options.intercept ?? passThrough;
  const phone = new PhoneHandshake({ pairing: options.pairing ?? world.pairing, random: world.phoneRandom, suite, offered: options.offered, replayWindow: options.replayWindow });
  const device = new DeviceHandshake({ se: world.se, helloCache: options.helloCache ?? world.helloCache, replayWindow: options.replayWindow });
  const sent: WireMessage[] = [];
  const delivered: (Delivery & { name: WireName; from: Role })[] = [];
  const inbox: Record<Role, Uint8Array[]> = { phone: [], device: [] };
  const n = options.unlocks ?? 1;
  let unlocked = 0;
  let step = 'start';
  let by: Role = 'phone';

  const send = (from: Role, name: WireName, bytes: Uint8Array) => {
    const m: WireMessage = { name, from, bytes, index: sent.length };
    sent.push(m);
    for (const d of intercept(m)) {
      delivered.push({ ...d, name, from });
      inbox[d.to].push(d.bytes);
    }
  };
  const at = <T>(role: Role, name: string, f: () => T): T => {
    by = role;
    step = name;
    return f();
  };

  function* phoneProc(): Proc {
    if (suite.x25519) at('phone', 'x25519Keygen', () => phone.x25519Keygen());
    if (suite.kem) at('phone', 'encapsulate', () => phone.encapsulate());
    send('phone', 'ClientHello', at('phone', 'clientHello', () => phone.clientHello()));
    const sh = yield { need: 'ServerHello' };
    at('phone', 'receiveServerHello', () => phone.receiveServerHello(sh));
    at('phone', 'verifyDevice', () => phone.verifyDevice());
    if (suite.x25519) at('phone', 'x25519Shared', () => phone.x25519Shared());
    at('phone', 'deriveKeys', () => phone.deriveKeys());
    send('phone', 'ClientFinished', at('phone', 'clientFinished', () => phone.clientFinished()));
    const ready = yield { need: 'SessionReady' };
    at('phone', 'receiveReady', () => phone.receiveReady(ready));
    for (let i = 0; i < n; i++) send('phone', 'UnlockRequest', at('phone', 'sealUnlock', () => phone.sealUnlock(world.phoneRandom(ACTION_ID_BYTES))));
    for (let i = 0; i < n; i++) {
      const r = yield { need: 'UnlockResult' };
      at('phone', 'receiveResult', () => phone.receiveResult(r));
    }
  }

  function* deviceProc(): Proc {
    const ch = yield { need: 'ClientHello' };
    at('device', 'receiveClientHello', () => device.receiveClientHello(ch));
    const s = device.suite!;
    if (s.kem) at('device', 'decapsulate', () => device.decapsulate());
    if (s.x25519) {
      at('device', 'x25519Keygen', () => device.x25519Keygen());
      at('device', 'x25519Shared', () => device.x25519Shared());
    }
    const sh = at('device', 'sign', () => device.sign());
    at('device', 'deriveKeys', () => device.deriveKeys());
    send('device', 'ServerHello', sh);
    const cf = yield { need: 'ClientFinished' };
    at('device', 'receiveClientFinished', () => device.receiveClientFinished(cf));
    at('device', 'verifyPhone', () => device.verifyPhone());
    send('device', 'SessionReady', at('device', 'sealReady', () => device.sealReady()));
    for (let i = 0; i < n; i++) {
      const req = yield { need: 'UnlockRequest' };
      at('device', 'receiveUnlock', () => device.receiveUnlock(req));
      unlocked++;
      send('device', 'UnlockResult', at('device', 'sealResult', () => device.sealResult(true)));
    }
  }

  const procs: Record<Role, { gen: Proc; waiting: Need | null; done: boolean }> = {
    phone: { gen: phoneProc(), waiting: null, done: false },
    device: { gen: deviceProc(), waiting: null, done: false },
  };
  const advance = (role: Role, input?: Uint8Array) => {
    const p = procs[role];
    const r = input === undefined ? p.gen.next() : p.gen.next(input);
    if (r.done) {
      p.done = true;
      p.waiting = null;
    } else p.waiting = r.value;
  };

  try {
    advance('phone');
    advance('device');
    for (;;) {
      let moved = false;
      for (const role of ['device', 'phone'] as const) {
        const p = procs[role];
        if (p.done || !p.waiting || inbox[role].length === 0) continue;
        advance(role, inbox[role].shift()!);
        moved = true;
      }
      if (moved) continue;
      const stuck = (['phone', 'device'] as const).find((r) => !procs[r].done);
      if (!stuck) break;
      at(stuck, `await ${procs[stuck].waiting!.need}`, () => {
        throw new ProtocolError('link.timeout', `${stuck} waited for ${procs[stuck].waiting!.need}, nothing arrived`, procs[stuck].waiting!.need);
      });
    }
    // Anything injected beyond the protocol's messages is still processed: nothing is silently ignored.
    while (inbox.device.length) at('device', 'receiveUnlock', () => device.receiveUnlock(inbox.device.shift()!));
    while (inbox.phone.length) at('phone', 'receiveResult', () => phone.receiveResult(inbox.phone.shift()!));
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    phone.abort(err.check, err.message);
    device.abort(err.check, err.message);
    return { established: false, rejection: { check: err.check, by, step, field: err.field, message: err.message }, sent, delivered, phone, device, unlocked };
  }
  return { established: true, rejection: null, sent, delivered, phone, device, unlocked };
}
