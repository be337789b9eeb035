/**
 * The live runner: both handshake machines as XState actors, each timed state performing its
 * firmware step for real (provided `beginOp` action → a job), results fed back as `op.done` /
 * `op.failed`. Messages travel over an in-memory link whose interceptor is the attacker's seat
 * (firmware/attacks.ts). Timers run on a virtual clock (advanced only when nothing else can
 * happen), host time per crypto step comes from the injected `now()`: this module never reads the
 * clock itself. Deterministic for a given seed.
 * @module
 */
import { createActor, type AnyActorRef } from 'xstate';
import {
  createWorld,
  DeviceHandshake,
  PhoneHandshake,
  ProtocolError,
  parseAttack,
  parseSuite,
  passThrough,
  fieldsOf,
  ACTION_ID_BYTES,
  DEFAULT_SUITE,
  type Interceptor,
  type NonceCache,
  type PhonePairing,
  type Role,
  type Suite,
  type WireName,
  type World,
} from '../../firmware/index.ts';
import { handshakeDeviceMachine } from './device-machine.ts';
import { handshakePhoneMachine } from './phone-machine.ts';
import type { HandshakeContext, HandshakeReason, HandshakeStateMeta } from './handshake-types.ts';

export interface LiveOptions {
  readonly suite?: Suite | string;
  /** Seed for every random stream (reproducible transcript); omitted = CSPRNG. */
  readonly seed?: string;
  /** An attack kind from firmware ATTACK_KINDS. */
  readonly attack?: string;
  /** Host clock in ms for per-step timing (the CLI passes its monotonic clock); default: no timing. */
  readonly now?: () => number;
  /** A pre-provisioned world (else one is created from `seed`). */
  readonly world?: World;
  /** Unlock requests over the session (default 1). */
  readonly unlocks?: number;
}

export interface LiveField {
  readonly name: string;
  readonly offset: number;
  readonly length: number;
  readonly bytes: Uint8Array;
}
export interface LiveMessage {
  readonly name: WireName;
  readonly from: Role;
  readonly to: Role;
  readonly bytes: Uint8Array;
  /** Decoded fields with offsets (empty when the bytes no longer decode). */
  readonly fields: readonly LiveField[];
  /** Differs from what the sender sent (attacker). */
  readonly tampered: boolean;
}
export interface LiveStep {
  readonly role: Role;
  readonly state: string;
  readonly op: string;
  /** The message a `ble.transfer` state names in its meta (what goes on air), else null. */
  readonly message: string | null;
  readonly ms: number;
  readonly ok: boolean;
}
export interface LiveRejection {
  readonly check: HandshakeReason;
  readonly by: Role;
  readonly state: string;
  readonly message: string;
}
export interface LiveResult {
  readonly suite: Suite;
  readonly attack: string | null;
  readonly established: boolean;
  readonly messages: readonly LiveMessage[];
  readonly steps: readonly LiveStep[];
  /** The first rejection (the check that caught the attack), or null. */
  readonly rejection: LiveRejection | null;
  readonly rejections: readonly LiveRejection[];
  readonly final: Readonly<Record<Role, { state: string; reason: string; keys: string; deviceAuthenticated: boolean; phoneAuthenticated: boolean }>>;
  readonly unlocked: number;
  /** Virtual time at the end (ms): timeouts that fired. */
  readonly virtualMs: number;
}

/** A manual clock for XState timers: time moves only when the runner has nothing else to do. */
class VirtualClock {
  now = 0;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void; seq: number }>();
  setTimeout(fn: () => void, ms: number): number {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.now + ms, fn, seq: id });
    return id;
  }
  clearTimeout(id: number): void {
    this.#timers.delete(id);
  }
  /** Fires the earliest timer (ties: creation order); false if none. */
  fireNext(): boolean {
    let best: [number, { at: number; fn: () => void; seq: number }] | null = null;
    for (const e of this.#timers) if (!best || e[1].at < best[1].at || (e[1].at === best[1].at && e[1].seq < best[1].seq)) best = e;
    if (!best) return false;
    this.#timers.delete(best[0]);
    this.now = best[1].at;
    best[1].fn();
    return true;
  }
}

const MAX_JOBS = 10_000;

export function runLive(options: LiveOptions = {}): LiveResult {
  const suite = typeof options.suite === 'string' ? parseSuite(options.suite) : (options.suite ?? DEFAULT_SUITE);
  const now = options.now ?? (() => 0);
  const world = options.world ?? createWorld(options.seed);
  const attack = options.attack ? parseAttack(options.attack) : null;
  if (attack && !attack.applies(suite)) throw new RangeError(`attack '${attack.kind}' does not apply to suite ${suite.id}`);
  const plan = attack ? attack.plan(world, suite) : { intercept: passThrough as Interceptor, options: {} };
  const unlocks = plan.options?.unlocks ?? options.unlocks ?? 1;
  const pairing: PhonePairing = plan.options?.pairing ?? world.pairing;
  const helloCache: NonceCache = plan.options?.helloCache ?? world.helloCache;

  const clock = new VirtualClock();
  const messages: LiveMessage[] = [];
  const steps: LiveStep[] = [];
  const rejections: LiveRejection[] = [];
  const inbox: Record<Role, Uint8Array[]> = { phone: [], device: [] };
  const jobs: { role: Role; step: string }[] = [];
  let unlocked = 0;
  let requestsSent = 0;

  let phone = new PhoneHandshake({ pairing, random: world.phoneRandom, suite });
  const device = new DeviceHandshake({ se: world.se, helloCache });
  const outgoing: Record<Role, Uint8Array | null> = { phone: null, device: null };
  const received: Record<Role, Uint8Array | null> = { phone: null, device: null };

  const send = (from: Role, name: WireName, bytes: Uint8Array) => {
    for (const d of plan.intercept({ name, from, bytes, index: messages.length })) {
      let fields: LiveField[] = [];
      try {
        fields = fieldsOf(name, d.bytes).map((f) => ({ name: f.name, offset: f.offset, length: f.bytes.length, bytes: f.bytes }));
      } catch {
        // tampered beyond decoding: shown without fields
      }
      const tampered = d.bytes.length !== bytes.length || d.bytes.some((b, i) => b !== bytes[i]) || d.to === from;
      messages.push({ name, from, to: d.to, bytes: d.bytes, fields, tampered });
      inbox[d.to].push(d.bytes);
    }
  };
  const take = (role: Role, what: string): Uint8Array => {
    const b = inbox[role].shift();
    if (!b) throw new ProtocolError('link.timeout', `${role} has no ${what} to receive`);
    return b;
  };

  // The firmware step behind each state's `beginOp`.
  const work: Record<Role, Record<string, () => void>> = {
    phone: {
      x25519Keygen: () => phone.x25519Keygen(),
      encapsulate: () => phone.encapsulate(),
      txHello: () => send('phone', 'ClientHello', phone.clientHello()),
      rxServerHello: () => phone.receiveServerHello(take('phone', 'ServerHello')),
      verifyDevice: () => phone.verifyDevice(),
      x25519Shared: () => phone.x25519Shared(),
      deriveKeys: () => phone.deriveKeys(),
      txFinished: () => send('phone', 'ClientFinished', phone.clientFinished()),
      rxReady: () => void (received.phone = take('phone', 'SessionReady')),
      openReady: () => phone.receiveReady(received.phone!),
      sealRequest: () => void (outgoing.phone = phone.sealUnlock(world.phoneRandom(ACTION_ID_BYTES))),
      txRequest: () => send('phone', 'UnlockRequest', outgoing.phone!),
      rxResult: () => void (received.phone = take('phone', 'UnlockResult')),
      openResult: () => void phone.receiveResult(received.phone!),
    },
    device: {
      rxHello: () => void device.receiveClientHello(take('device', 'ClientHello')),
      decapsulate: () => device.decapsulate(),
      x25519Keygen: () => device.x25519Keygen(),
      x25519Shared: () => device.x25519Shared(),
      sign: () => void (outgoing.device = device.sign()),
      deriveKeys: () => device.deriveKeys(),
      txServerHello: () => send('device', 'ServerHello', outgoing.device!),
      rxFinished: () => device.receiveClientFinished(take('device', 'ClientFinished')),
      verifyPhone: () => device.verifyPhone(),
      sealReady: () => void (outgoing.device = device.sealReady()),
      txReady: () => send('device', 'SessionReady', outgoing.device!),
      rxRecord: () => void (received.device = take('device', 'UnlockRequest')),
      openRecord: () => {
        device.receiveUnlock(received.device!);
        unlocked++;
      },
      sealResult: () => void (outgoing.device = device.sealResult(true)),
      txResult: () => send('device', 'UnlockResult', outgoing.device!),
    },
  };

  const enqueue = (role: Role) => ({ beginOp: (_: unknown, params: { step: string }) => void jobs.push({ role, step: params.step }) });
  const actors: Record<Role, AnyActorRef> = {
    phone: createActor(
      handshakePhoneMachine.provide({
        actions: {
          ...enqueue('phone'),
          startAttempt: () => {
            if (phone.phase !== 'start') phone = new PhoneHandshake({ pairing, random: world.phoneRandom, suite });
          },
          destroyKeys: () => phone.abort('session.closed', 'closed'),
        },
      }),
      { input: { mode: suite.mode }, clock },
    ),
    device: createActor(
      handshakeDeviceMachine.provide({ actions: { ...enqueue('device'), destroyKeys: () => device.abort('session.closed', 'closed') } }),
      { input: { mode: 'hybrid' }, clock },
    ),
  };
  const snap = (r: Role) => actors[r].getSnapshot() as { value: unknown; status: string; context: HandshakeContext; hasTag(t: string): boolean; getMeta(): Record<string, HandshakeStateMeta> };
  const stateName = (r: Role) => JSON.stringify(snap(r).value).replace(/[{}"]/g, '').replace(/:/g, '.');
  const opOf = (r: Role) => Object.values(snap(r).getMeta()).find((m) => m.op)?.op ?? '-';
  const messageOf = (r: Role) => Object.values(snap(r).getMeta()).find((m) => m.op)?.message ?? null;

  actors.device.start();
  actors.phone.start();
  for (let guard = 0; guard < MAX_JOBS; guard++) {
    const job = jobs.shift();
    if (job) {
      const { role, step } = job;
      const state = stateName(role);
      const op = opOf(role);
      const message = messageOf(role);
      const t0 = now();
      let failure: ProtocolError | null = null;
      try {
        work[role][step]!();
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
        failure = err;
      }
      steps.push({ role, state, op, message, ms: now() - t0, ok: !failure });
      if (failure) {
        rejections.push({ check: failure.check, by: role, state, message: failure.message });
        actors[role].send({ type: 'op.failed', reason: failure.check });
      } else {
        actors[role].send(role === 'device' && step === 'rxHello' ? { type: 'op.done', mode: device.suite!.mode } : { type: 'op.done' });
      }
      continue;
    }
    // Deliver mail to a role waiting for it.
    const waiting = (['device', 'phone'] as const).find((r) => snap(r).hasTag('await') && inbox[r].length > 0);
    if (waiting) {
      actors[waiting].send({ type: 'msg.arrived' });
      continue;
    }
    // The app's turn: unlock requests once both sides are established, then close.
    const bothUp = snap('phone').hasTag('established') && snap('device').hasTag('established') && snap('phone').hasTag('await') === false;
    if (bothUp && snap('phone').hasTag('power:idle')) {
      if (requestsSent < unlocks) {
        requestsSent++;
        actors.phone.send({ type: 'session.request' });
      } else {
        actors.phone.send({ type: 'session.close' });
        actors.device.send({ type: 'session.close' });
      }
      continue;
    }
    if (snap('phone').status === 'done' && snap('device').status === 'done') break;
    // Nothing can move: let time pass to the next timeout; a role whose timer fires records it.
    const before = { phone: snap('phone').context, device: snap('device').context };
    if (!clock.fireNext()) break;
    for (const r of ['phone', 'device'] as const) {
      const after = snap(r).context;
      if (after.reason !== before[r].reason && after.reason !== 'none') rejections.push({ check: after.reason, by: r, state: stateName(r), message: `${r} timed out` });
      else if (after.retries > before[r].retries) rejections.push({ check: 'timeout.serverHello', by: r, state: 'awaitServerHello', message: 'timed out waiting for ServerHello; retrying with a fresh handshake' });
    }
  }
  // Whatever is still live is closed: a run never leaves key material behind.
  for (const r of ['phone', 'device'] as const) if (snap(r).status !== 'done') actors[r].send({ type: 'session.close' });
  const final = Object.fromEntries(
    (['phone', 'device'] as const).map((r) => {
      const s = snap(r);
      return [r, { state: stateName(r), reason: s.context.reason, keys: s.context.keys, deviceAuthenticated: s.context.deviceAuthenticated, phoneAuthenticated: s.context.phoneAuthenticated }];
    }),
  ) as LiveResult['final'];
  for (const r of ['phone', 'device'] as const) actors[r].stop();
  const established = rejections.length === 0 && final.phone.state === 'closed' && final.device.state === 'closed' && unlocked === unlocks;
  return { suite, attack: attack?.kind ?? null, established, messages, steps, rejection: rejections[0] ?? null, rejections, final, unlocked, virtualMs: clock.now };
}
