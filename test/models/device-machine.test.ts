/**
 * Pure steps of the device machine through XState's `initialTransition` / `transition`: the
 * snapshot reached and the actions returned (not executed) for each feature of the firmware loop.
 * @module
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import {
  DEFAULT_DEVICE_TIMING,
  DEVICE_FAILURE_REASONS,
  HANDSHAKE_FAILURE_REASONS,
  MAX_AUTH_FAILURES,
  MAX_PIN_ATTEMPTS,
  deviceCatalog,
  deviceMachine,
  type DeviceEvent,
  type DeviceInput,
} from '../../models/device/index.ts';
import { HANDSHAKE_REASONS } from '../../models/handshake/index.ts';
import { machines } from '../../models/index.ts';

type Snap = ReturnType<typeof initialTransition<typeof deviceMachine>>[0];

function start(input: DeviceInput = {}): Snap {
  return initialTransition(deviceMachine, input)[0];
}

/** Send events in order; returns the last snapshot and the action types of every step. */
function run(s: Snap, events: readonly DeviceEvent[]): { s: Snap; actions: string[][] } {
  const actions: string[][] = [];
  for (const e of events) {
    const [next, acts] = transition(deviceMachine, s, e);
    actions.push(acts.map((a) => a.type));
    s = next;
  }
  return { s, actions };
}

/** The machine's own actions, without XState's timer bookkeeping (xstate.raise / xstate.cancel). */
const own = (actions: readonly { type: string }[]): string[] =>
  actions.map((a) => a.type).filter((t) => !t.startsWith('xstate.'));

/** Wake, advertise, connect, derive the KEK, unwrap the keys: in the handshake. */
const TO_HANDSHAKE: DeviceEvent[] = [
  { type: 'motion.detected' },
  { type: 'op.done' },
  { type: 'phone.found' },
  { type: 'op.done' },
  { type: 'op.done' },
  { type: 'op.done' },
];
/** ... then established, and the session's key wipe done: session.ready. */
const WAKE_TO_SESSION: DeviceEvent[] = [...TO_HANDSHAKE, { type: 'hs.established' }, { type: 'op.done' }];
const after = (s: AnyMachineSnapshot, delay: string): DeviceEvent =>
  ({ type: `xstate.after.${delay}.${(s as unknown as { _nodes: { id: string; type: string }[] })._nodes.find((n) => n.type === 'atomic')!.id}` }) as unknown as DeviceEvent;

describe('deviceMachine: the wake cycle', () => {
  it('initialTransition(deviceMachine, {}) settles in deep sleep with the default timing', () => {
    const [s, actions] = initialTransition(deviceMachine, {});
    expect(s.value).toBe('sleeping');
    expect(s.hasTag('power:deepSleep')).toBe(true);
    expect(s.context.timing).toEqual(DEFAULT_DEVICE_TIMING);
    expect(actions).toEqual([]);
  });

  it('motion → advertise → connect → handshake → unlock → persist → sleep', () => {
    let s = start();
    const step = (e: DeviceEvent) => {
      const [n, a] = transition(deviceMachine, s, e);
      s = n;
      return a.map((x) => x.type);
    };
    expect(step({ type: 'motion.detected' })).toEqual(['recordWake']);
    expect(s.value).toEqual({ wake: 'waking' });
    expect(s.getMeta()['device.wake.waking']).toEqual({ op: 'mcu.wakeBle' });
    step({ type: 'op.done' });
    expect(s.value).toEqual({ wake: 'advertising' });
    expect(s.hasTag('power:radio')).toBe(true);
    // The advertising window is armed as an XState delayed event.
    step({ type: 'phone.found' });
    expect(s.value).toEqual({ wake: 'connecting' });
    step({ type: 'op.done' });
    // The PQ keys: the SE derives the KEK, the MCU unwraps the blobs, then the handshake.
    expect(s.getMeta()['device.wake.derivingKek']).toEqual({ op: 'keys.kek' });
    step({ type: 'op.done' });
    expect(s.getMeta()['device.wake.unwrappingKeys']).toEqual({ op: 'keys.unwrap' });
    step({ type: 'op.done' });
    expect(s.hasTag('handshake')).toBe(true);
    expect(s.hasTag('keys')).toBe(true);
    expect(step({ type: 'hs.established' })).toContain('recordAuthenticated');
    // The session starts by wiping the PQ keys.
    expect(s.value).toEqual({ wake: { session: 'wipingKeys' } });
    expect(s.getMeta()['device.wake.session.wipingKeys']).toEqual({ op: 'keys.wipe' });
    step({ type: 'op.done' });
    expect(s.value).toEqual({ wake: { session: 'ready' } });
    expect(s.hasTag('session')).toBe(true);
    expect(s.hasTag('unlocked')).toBe(false);
    step({ type: 'request.unlock' });
    expect(s.hasTag('unlocked')).toBe(true);
    expect(s.getMeta()['device.wake.session.unlocking']).toEqual({ op: 'ble.transfer', message: 'Record', direction: 'tx' });
    const acts = step({ type: 'op.done' });
    expect(acts).toEqual(['destroySessionKeys', 'recordUnlock', 'queueTelemetry', 'persistEvent']);
    expect(s.value).toBe('persisting');
    step({ type: 'op.done' });
    expect(s.value).toBe('sleeping');
  });

  it('recordUnlock carries how the unlock was authorised', () => {
    const { s } = run(start(), [...WAKE_TO_SESSION, { type: 'request.unlock' }]);
    const [, actions] = transition(deviceMachine, s, { type: 'op.done' });
    expect(actions.find((a) => a.type === 'recordUnlock')?.params).toEqual({ via: 'ble' });
  });

  it('phone.absent and the advertising window go back to sleep without a failure', () => {
    const adv = run(start(), [{ type: 'nfc.tapped' }, { type: 'op.done' }]).s;
    const [absent, a1] = transition(deviceMachine, adv, { type: 'phone.absent' });
    expect(absent.value).toBe('sleeping');
    expect(own(a1)).toEqual(['recordNoPhone']);
    const [timedOut] = transition(deviceMachine, adv, after(adv, 'advertiseWindow'));
    expect(timedOut.value).toBe('sleeping');
    expect(timedOut.context.authFailures).toBe(0);
  });

  it('session idle closes the session and destroys the keys', () => {
    const { s } = run(start(), WAKE_TO_SESSION);
    const [n, actions] = transition(deviceMachine, s, after(s, 'sessionIdle'));
    expect(n.value).toBe('sleeping');
    expect(own(actions)).toEqual(['destroySessionKeys']);
  });
});

describe('deviceMachine: failures never fail open', () => {
  it.each(HANDSHAKE_FAILURE_REASONS.map((r) => [r]))('hs.failed {reason: %s} ends in failed.handshake, locked', (reason) => {
    const hs = run(start(), TO_HANDSHAKE).s;
    const [w, actions] = transition(deviceMachine, hs, { type: 'hs.failed', reason });
    // The keys are wiped before the failure sink.
    expect(w.value).toEqual({ wake: 'wipingThenHandshakeFailed' });
    expect(w.hasTag('wipe')).toBe(true);
    const [s] = transition(deviceMachine, w, { type: 'op.done' });
    expect(s.value).toEqual({ failed: 'handshake' });
    expect(s.hasTag('failure:handshake')).toBe(true);
    expect(s.hasTag('unlocked')).toBe(false);
    expect(s.context.authFailures).toBe(1);
    expect(actions.find((a) => a.type === 'recordFailure')?.params).toEqual({ reason });
    const [cool] = transition(deviceMachine, s, { type: 'op.done' });
    expect(cool.value).toBe('cooldown');
    // Rate limit: a wake during the back-off is ignored.
    expect(transition(deviceMachine, cool, { type: 'nfc.tapped' })[0].value).toBe('cooldown');
  });

  it('the device catalog has one hs.failed variant per protocol reason', () => {
    expect(HANDSHAKE_FAILURE_REASONS).toBe(HANDSHAKE_REASONS);
    const hs = deviceCatalog.find((c) => c.type === 'hs.failed');
    expect(hs?.variants?.map((v) => v.reason)).toEqual([...HANDSHAKE_REASONS]);
    for (const r of HANDSHAKE_REASONS) expect(DEVICE_FAILURE_REASONS).toContain(r);
  });

  it(`${MAX_AUTH_FAILURES} consecutive handshake failures lock the device out until the lockout ends`, () => {
    let s = start();
    for (let i = 0; i < MAX_AUTH_FAILURES; i++) {
      s = run(s, [...TO_HANDSHAKE, { type: 'hs.failed', reason: 'sig.device' }, { type: 'op.done' }, { type: 'op.done' }]).s;
      if (i < MAX_AUTH_FAILURES - 1) {
        expect(s.value).toBe('cooldown');
        s = transition(deviceMachine, s, after(s, 'failureBackoff'))[0];
      }
    }
    expect(s.value).toBe('lockedOut');
    expect(s.context.authFailures).toBe(MAX_AUTH_FAILURES);
    for (const e of ['motion.detected', 'nfc.tapped', 'override.requested', 'hs.established'] as const) {
      expect(transition(deviceMachine, s, { type: e })[0].value).toBe('lockedOut');
    }
    // Brown-out does not reset the lockout (the counter is persistent).
    const back = run(s, [{ type: 'battery.brownout' }, { type: 'charger.connected' }]).s;
    expect(back.value).toBe('lockedOut');
    const [free, actions] = transition(deviceMachine, s, after(s, 'lockout'));
    expect(free.value).toBe('sleeping');
    expect(free.context.authFailures).toBe(0);
    expect(own(actions)).toEqual([]);
  });

  it('hs.established at the lockout threshold is refused (defence in depth)', () => {
    const hs = run(start(), TO_HANDSHAKE).s;
    const forced = deviceMachine.resolveState({
      value: hs.value,
      context: { ...hs.context, authFailures: MAX_AUTH_FAILURES },
    });
    const [w, actions] = transition(deviceMachine, forced, { type: 'hs.established' });
    expect(w.value).toEqual({ wake: 'wipingThenHandshakeFailed' });
    const [s] = transition(deviceMachine, w, { type: 'op.done' });
    expect(s.value).toEqual({ failed: 'handshake' });
    expect(actions.find((a) => a.type === 'recordFailure')?.params).toEqual({ reason: 'lockedOut' });
  });

  it('a dropped link during the unlock transfer is a failure, keys destroyed, nothing unlocked', () => {
    const { s } = run(start(), [...WAKE_TO_SESSION, { type: 'request.unlock' }]);
    const [n, actions] = transition(deviceMachine, s, { type: 'ble.disconnected' });
    expect(n.value).toEqual({ failed: 'link' });
    expect(own(actions)).toEqual(['destroySessionKeys', 'recordFailure', 'persistEvent', 'queueTelemetry']);
    expect(actions.map((a) => a.type)).not.toContain('recordUnlock');
  });
});

describe('deviceMachine: manual override (NFC + PIN)', () => {
  // Wake, KEK, unwrap, established, key wipe.
  const TO_PIN: DeviceEvent[] = [
    { type: 'override.requested' },
    { type: 'op.done' },
    { type: 'op.done' },
    { type: 'op.done' },
    { type: 'hs.established' },
    { type: 'op.done' },
  ];

  it('override → NFC handshake → pin.ok → unlock over NFC', () => {
    const { s } = run(start(), [...TO_PIN, { type: 'pin.ok' }]);
    expect(s.value).toEqual({ override: { session: 'unlocking' } });
    expect(s.hasTag('unlocked')).toBe(true);
    expect(s.getMeta()['device.override.session.unlocking']).toEqual({ op: 'nfc.transfer', message: 'Record', direction: 'tx' });
    const [, actions] = transition(deviceMachine, s, { type: 'op.done' });
    expect(actions.find((a) => a.type === 'recordUnlock')?.params).toEqual({ via: 'override' });
  });

  it(`${MAX_PIN_ATTEMPTS} wrong PINs end in lockout`, () => {
    let { s } = run(start(), TO_PIN);
    for (let i = 1; i < MAX_PIN_ATTEMPTS; i++) {
      s = transition(deviceMachine, s, { type: 'pin.bad' })[0];
      expect(s.value).toEqual({ override: { session: 'awaitingPin' } });
      expect(s.context.pinFailures).toBe(i);
    }
    s = run(s, [{ type: 'pin.bad' }, { type: 'op.done' }]).s;
    expect(s.value).toBe('lockedOut');
  });

  it('wrong PINs persist across wakes until a right one', () => {
    let s = run(start(), [...TO_PIN, { type: 'pin.bad' }, { type: 'nfc.lost' }, { type: 'op.done' }]).s;
    s = transition(deviceMachine, s, after(s, 'failureBackoff'))[0];
    expect(s.context.pinFailures).toBe(1);
    s = run(s, [...TO_PIN, { type: 'pin.ok' }]).s;
    expect(s.context.pinFailures).toBe(0);
  });
});

describe('deviceMachine: provisioning, tamper, OTA, power', () => {
  it('NFC tap-to-provision: BondRequest rx → keygen → KEK → wrap → wipe → wrapped keys to flash → DeviceRegistration tx → flash', () => {
    let s = start({ lifecycle: 'unprovisioned' });
    expect(s.value).toBe('unprovisioned');
    expect(transition(deviceMachine, s, { type: 'motion.detected' })[0].value).toBe('unprovisioned');
    const ops: unknown[] = [];
    s = transition(deviceMachine, s, { type: 'provision.requested' })[0];
    for (let i = 0; i < 8; i++) {
      ops.push(Object.values(s.getMeta())[0]);
      s = transition(deviceMachine, s, { type: 'op.done' })[0];
    }
    expect(ops).toEqual([
      { op: 'nfc.transfer', message: 'BondRequest', direction: 'rx' },
      { op: 'keys.generate' },
      { op: 'keys.kek' },
      { op: 'keys.wrap' },
      { op: 'keys.wipe' },
      { op: 'flash.write', message: 'WrappedKeys' },
      { op: 'nfc.transfer', message: 'DeviceRegistration', direction: 'tx' },
      { op: 'flash.write' },
    ]);
    expect(s.value).toBe('sleeping');
    expect(s.context.lifecycle).toBe('provisioned');
  });

  it('tamper.detected mid-session: keys destroyed and zeroised, locked until re-provisioned', () => {
    const { s } = run(start(), WAKE_TO_SESSION);
    const [t, actions] = transition(deviceMachine, s, { type: 'tamper.detected' });
    expect(own(actions).slice(0, 2)).toEqual(['destroySessionKeys', 'zeroizeKeys']);
    expect(t.hasTag('lockdown')).toBe(true);
    let locked = transition(deviceMachine, t, { type: 'op.done' })[0];
    expect(locked.value).toEqual({ tamperLocked: 'locked' });
    for (const e of ['motion.detected', 'nfc.tapped', 'override.requested'] as const) {
      expect(transition(deviceMachine, locked, { type: e })[0].value).toEqual({ tamperLocked: 'locked' });
    }
    // A failed re-provisioning returns to lockdown, not to service.
    locked = run(locked, [{ type: 'provision.requested' }, { type: 'op.failed' }, { type: 'op.done' }]).s;
    locked = transition(deviceMachine, locked, after(locked, 'failureBackoff'))[0];
    expect(locked.value).toEqual({ tamperLocked: 'locked' });
    const fresh = run(locked, [{ type: 'provision.requested' }, ...Array<DeviceEvent>(8).fill({ type: 'op.done' })]).s;
    expect(fresh.value).toBe('sleeping');
  });

  it.each([
    ['newer', { ota: 'applying' }],
    ['same', { failed: 'ota' }],
    ['older', { failed: 'ota' }],
  ] as const)('OTA offered as %s: verify then anti-rollback → %j', (version, expected) => {
    const { s } = run(start(), [...WAKE_TO_SESSION, { type: 'ota.offered', version }, { type: 'op.done' }, { type: 'op.done' }]);
    expect(s.value).toEqual(expected);
  });

  it('OTA: bad signature fails; failed boot rolls back; battery low refuses the image', () => {
    const rx = run(start(), [...WAKE_TO_SESSION, { type: 'ota.offered', version: 'newer' }, { type: 'op.done' }]).s;
    expect(transition(deviceMachine, rx, { type: 'op.failed' })[0].value).toEqual({ failed: 'ota' });
    const boot = run(rx, [{ type: 'op.done' }, { type: 'op.done' }]).s;
    expect(boot.value).toEqual({ ota: 'booting' });
    const rolled = run(boot, [{ type: 'boot.failed' }, { type: 'op.done' }]).s;
    expect(rolled.value).toEqual({ failed: 'ota' });
    expect(rolled.context.otaCandidate).toBe('none');
    const low = run(start({ batteryLow: true }), [{ type: 'nfc.tapped' }, ...WAKE_TO_SESSION.slice(1)]).s;
    const [refused, actions] = transition(deviceMachine, low, { type: 'ota.offered', version: 'newer' });
    expect(refused.value).toEqual({ wake: { session: 'ready' } });
    expect(own(actions)).toEqual(['rejectOta']);
  });

  it('low battery: no motion wake, shorter advertising window', () => {
    const s = start({ batteryLow: true, advertiseWindowMs: 4000, lowBatteryAdvertiseWindowMs: 700 });
    expect(transition(deviceMachine, s, { type: 'motion.detected' })[0].value).toBe('sleeping');
    const [woke] = transition(deviceMachine, s, { type: 'nfc.tapped' });
    const [adv, actions] = transition(deviceMachine, woke, { type: 'op.done' });
    expect(adv.value).toEqual({ wake: 'advertising' });
    expect(actions.find((a) => a.type === 'xstate.raise')?.params).toMatchObject({ delay: 700 });
  });

  it('brown-out from any state ends off; only the charger brings it back, charging', () => {
    const { s } = run(start(), WAKE_TO_SESSION);
    const [off, actions] = transition(deviceMachine, s, { type: 'battery.brownout' });
    expect(off.value).toBe('off');
    expect(off.hasTag('power:off')).toBe(true);
    expect(actions.map((a) => a.type)).toContain('destroySessionKeys');
    for (const e of ['motion.detected', 'nfc.tapped', 'tamper.detected', 'battery.brownout'] as const) {
      expect(transition(deviceMachine, off, { type: e })[0].value).toBe('off');
    }
    const [on] = transition(deviceMachine, off, { type: 'charger.connected' });
    expect(on.value).toBe('charging');
    expect(on.hasTag('power:charging')).toBe(true);
    expect(transition(deviceMachine, on, { type: 'charger.disconnected' })[0].value).toBe('sleeping');
  });

  it('a cycle started while charging returns to charging', () => {
    const s = run(start({ charging: true }), [...WAKE_TO_SESSION, { type: 'request.log' }, { type: 'op.done' }, { type: 'op.done' }]).s;
    expect(s.value).toBe('charging');
  });

  it('the registry entry is the device machine with its catalog', () => {
    expect(machines.device?.machine).toBe(deviceMachine);
    expect(machines.device?.catalog).toBe(deviceCatalog);
  });
});
