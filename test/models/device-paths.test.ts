/**
 * Model-based tests of the device machine: exhaustive exploration over its event catalog (every
 * state node and every transition reached, counts pinned), the security invariants checked on every
 * path (product of the machine with an invariant monitor), xstate/graph shortest paths, and
 * mutated copies of the machine that the checker must catch.
 * @module
 */
import { describe, expect, it } from 'vitest';
import { createMachine, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import {
  MAX_AUTH_FAILURES,
  MAX_PIN_ATTEMPTS,
  deviceCatalog,
  deviceMachine,
  type OtaVersion,
} from '../../models/device/index.ts';
import { machines } from '../../models/index.ts';
import {
  allStateNodeIds,
  allTransitions,
  catalogEvents,
  eventsFor,
  explore,
  reachedStateNodeIds,
  takenTransitions,
  type Monitor,
  type Step,
} from './device-graph.helpers.ts';

/** What the monitor remembers along a path: derived from events, not from the machine's context. */
interface Watch {
  /** hs.established accepted from a handshake state since the last rest/failure. */
  fresh: boolean;
  authFailures: number;
  pinFailures: number;
  tampered: boolean;
  ota: OtaVersion | 'none';
}

const has = (s: AnyMachineSnapshot, tag: string): boolean => s.hasTag(tag);
const ENDS_WAKE = ['rest', 'failure', 'lockout', 'lockdown', 'ratelimited', 'power:off'];
const lockedOut = (m: Watch): boolean => m.authFailures >= MAX_AUTH_FAILURES || m.pinFailures >= MAX_PIN_ATTEMPTS;

const deviceInvariants: Monitor<Watch> = {
  initial: { fresh: false, authFailures: 0, pinFailures: 0, tampered: false, ota: 'none' },
  key: (m) => `${+m.fresh}${m.authFailures}${m.pinFailures}${+m.tampered}${m.ota}`,
  step(m, { from, event, to }) {
    const n = { ...m };
    const inHandshake = has(from, 'handshake');
    if (event.type === 'hs.established' && inHandshake && !lockedOut(m)) {
      n.fresh = true;
      n.authFailures = 0;
    }
    if ((event.type === 'hs.failed' || event.type.startsWith('xstate.after.handshakeTimeout')) && inHandshake) {
      n.authFailures = Math.min(MAX_AUTH_FAILURES, m.authFailures + 1);
    }
    if (event.type === 'pin.bad' && from.matches({ override: { session: 'awaitingPin' } })) {
      n.pinFailures = Math.min(MAX_PIN_ATTEMPTS, m.pinFailures + 1);
    }
    if (event.type === 'pin.ok' && from.matches({ override: { session: 'awaitingPin' } })) n.pinFailures = 0;
    if (event.type.startsWith('xstate.after.lockout') && from.matches('lockedOut')) {
      n.authFailures = 0;
      n.pinFailures = 0;
    }
    if (event.type === 'op.done' && from.matches({ provisioning: 'storing' })) {
      n.authFailures = 0;
      n.pinFailures = 0;
      n.tampered = false;
    }
    if (event.type === 'tamper.detected' && !has(from, 'power:off')) n.tampered = true;
    if (event.type === 'ota.offered' && has(to, 'ota') && !has(from, 'ota')) n.ota = (event as unknown as { version: OtaVersion }).version;
    if (!has(to, 'ota')) n.ota = 'none';
    if (ENDS_WAKE.some((t) => has(to, t))) n.fresh = false;
    return n;
  },
  check(m, n, { from, event, to, actions }: Step) {
    const power = [...(to.tags as Set<string>)].filter((t) => t.startsWith('power:'));
    if (power.length !== 1) return `state ${JSON.stringify(to.value)} has power tags ${power.join(',')}`;
    if (has(to, 'unlocked') && !n.fresh) return 'unlocked without hs.established on this wake (fail-open)';
    if (has(to, 'unlocked') && !has(to, 'session')) return 'unlocked outside an authenticated session';
    if (lockedOut(m) && (has(to, 'session') || has(to, 'handshake'))) {
      return `handshake or session while locked out (authFailures ${m.authFailures}, pinFailures ${m.pinFailures})`;
    }
    if (n.tampered && (has(to, 'session') || has(to, 'handshake') || has(to, 'unlocked'))) {
      return 'tamper lockdown broken: handshake/session before re-provisioning';
    }
    if (event.type === 'tamper.detected' && !has(from, 'power:off') && !has(to, 'lockdown')) {
      return 'tamper.detected did not lock the device down';
    }
    if (event.type === 'battery.brownout' && !has(to, 'power:off')) return 'brown-out did not end in off';
    if (has(from, 'power:off') && !has(to, 'power:off') && event.type !== 'charger.connected') {
      return `left off on ${event.type}`;
    }
    if (event.type === 'hs.failed' && has(from, 'handshake') && !has(to, 'failure')) {
      return 'hs.failed did not end in a failure sink';
    }
    if (has(from, 'session') && !has(to, 'session') && !actions.some((a) => a.type === 'destroySessionKeys')) {
      return `left the session on ${event.type} without destroySessionKeys`;
    }
    if (to.matches({ ota: 'applying' }) && !from.matches({ ota: 'applying' }) && m.ota !== 'newer') {
      return `anti-rollback: applying an image offered as ${m.ota}`;
    }
    return null;
  },
};

const entry = machines.device!;

describe('device machine: exhaustive exploration', () => {
  const result = explore(deviceMachine, deviceCatalog, entry.input, deviceInvariants);
  // The light-sleep strategy is a compiled variant of its own: its idle state and µs wake are
  // reachable only there, so coverage is judged over both variants.
  const light = explore(deviceMachine, deviceCatalog, { ...(entry.input as object), keepsStackInSleep: true }, deviceInvariants);

  it('the light-sleep variant finds no invariant violation and never deep-sleeps between wakes', () => {
    expect(light.violations).toEqual([]);
    const reached = reachedStateNodeIds(light.configs.values());
    expect(reached.has('device.idling')).toBe(true);
    expect(reached.has('device.sleeping')).toBe(false);
    expect(reachedStateNodeIds(result.configs.values()).has('device.idling')).toBe(false);
  });

  it('explore(deviceMachine) finds no invariant violation on any path', () => {
    expect(result.violations).toEqual([]);
    expect(result.configs.size).toBe(2736);
    expect(result.productStates).toBeGreaterThanOrEqual(result.configs.size);
  });

  it('explore(deviceMachine) reaches every state node but the transient settle', () => {
    const all = allStateNodeIds(deviceMachine);
    const reached = reachedStateNodeIds([...result.configs.values(), ...light.configs.values()]);
    expect(all.filter((id) => !reached.has(id))).toEqual(['device.settle']);
    expect(all.length).toBe(63);
  });

  it('explore(deviceMachine) takes every transition of the machine', () => {
    const all = allTransitions(deviceMachine);
    const taken = takenTransitions(deviceMachine, [...result.edges, ...light.edges]);
    // The only ones never taken: the defence-in-depth refusal of a session at the lockout
    // threshold, unreachable because lockout already stops wakes (device-machine.test.ts drives
    // it from a constructed snapshot).
    expect(all.filter((t) => !taken.has(t))).toEqual([
      'device.wake.handshaking hs.established #1',
      'device.override.handshaking hs.established #1',
    ]);
    expect([...taken].filter((t) => !all.includes(t))).toEqual([]);
    expect(all.length).toBe(148);
  });

  it('xstate/graph getAdjacencyMap agrees with the exploration on the configurations', () => {
    const all = catalogEvents(deviceCatalog);
    const adj = getAdjacencyMap(deviceMachine, { events: (s: AnyMachineSnapshot) => eventsFor(s, all), input: {} } as never);
    const values = new Set(Object.values(adj).map((v) => JSON.stringify([v.state.value, v.state.context])));
    const ours = new Set([...result.configs.values()].map((s) => JSON.stringify([s.value, s.context])));
    expect(values).toEqual(ours);
  });
});

describe('device machine: xstate/graph shortest paths', () => {
  const events = catalogEvents(deviceCatalog);
  it('getShortestPaths to unlocked: every path carries hs.established', () => {
    const paths = getShortestPaths(deviceMachine, {
      events,
      input: {},
      toState: (s: AnyMachineSnapshot) => s.hasTag('unlocked'),
    } as never);
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(p.steps.map((s) => s.event.type)).toContain('hs.established');
    const shortest = Math.min(...paths.map((p) => p.steps.length));
    // init, override, op.done ×3 (mcu.wake, keys.kek, keys.unwrap), hs.established, op.done
    // (keys.wipe), pin.ok: the NFC override is the shortest.
    expect(shortest).toBe(8);
  });

  it(`getShortestPaths to lockedOut: ${MAX_AUTH_FAILURES} handshake failures, or PIN exhaustion`, () => {
    const paths = getShortestPaths(deviceMachine, { events, input: {}, toState: (s: AnyMachineSnapshot) => s.matches('lockedOut') } as never);
    const best = paths.reduce((a, b) => (a.steps.length <= b.steps.length ? a : b));
    const types = best.steps.map((s) => s.event.type);
    const hsFailures = types.filter((t) => t === 'hs.failed' || t.includes('handshakeTimeout')).length;
    const pinBad = types.filter((t) => t === 'pin.bad').length;
    expect(hsFailures >= MAX_AUTH_FAILURES || pinBad >= MAX_PIN_ATTEMPTS).toBe(true);
  });
});

/** A mutated copy of the device machine's config with the same implementations. */
function mutate(patch: (states: Record<string, unknown>) => Record<string, unknown>): AnyStateMachine {
  const config = deviceMachine.config as unknown as { states: Record<string, unknown> };
  return createMachine({ ...config, states: patch(config.states) } as never, deviceMachine.implementations as never);
}

describe('device machine: the invariant checker catches broken copies', () => {
  it('isLockoutReached always false: handshake while locked out is caught', () => {
    const broken = deviceMachine.provide({ guards: { isLockoutReached: () => false, canAcceptSession: () => true } });
    const { violations } = explore(broken, deviceCatalog, {}, deviceInvariants, 1);
    expect(violations[0]?.message).toMatch(/locked out/);
    const path = violations[0]?.path ?? [];
    const hsFailures = path.filter((t) => t === 'hs.failed' || t.includes('handshakeTimeout')).length;
    const pinBad = path.filter((t) => t === 'pin.bad').length;
    expect(hsFailures >= MAX_AUTH_FAILURES || pinBad >= MAX_PIN_ATTEMPTS).toBe(true);
  });

  it('isOtaNewer always true: applying an older image is caught', () => {
    const broken = deviceMachine.provide({ guards: { isOtaNewer: () => true } });
    const { violations } = explore(broken, deviceCatalog, {}, deviceInvariants, 1);
    expect(violations[0]?.message).toMatch(/anti-rollback/);
  });

  it('a sleeping → unlocking shortcut (fail-open) is caught', () => {
    const broken = mutate((s) => {
      const sleeping = s.sleeping as { on: Record<string, unknown> };
      return { ...s, sleeping: { ...sleeping, on: { ...sleeping.on, 'request.unlock': '#device.wake.session.unlocking' } } };
    });
    const { violations } = explore(broken, deviceCatalog, {}, deviceInvariants, 1);
    expect(violations[0]?.message).toMatch(/fail-open/);
    expect(violations[0]?.path).toEqual(['xstate.init', 'request.unlock']);
  });

  it('brown-out ignored during a session is caught', () => {
    const broken = mutate((s) => {
      const wake = s.wake as { states: Record<string, { on?: Record<string, unknown> }> };
      const session = wake.states.session!;
      return {
        ...s,
        wake: { ...wake, states: { ...wake.states, session: { ...session, on: { ...session.on, 'battery.brownout': {} } } } },
      };
    });
    const { violations } = explore(broken, deviceCatalog, {}, deviceInvariants, 1);
    expect(violations[0]?.message).toMatch(/brown-out/);
  });

  it('a tamper-locked device accepting a wake is caught', () => {
    const broken = mutate((s) => {
      const t = s.tamperLocked as { states: Record<string, { on?: Record<string, unknown> }> };
      const locked = t.states.locked!;
      return {
        ...s,
        tamperLocked: { ...t, states: { ...t.states, locked: { ...locked, on: { ...locked.on, 'nfc.tapped': '#device.wake' } } } },
      };
    });
    const { violations } = explore(broken, deviceCatalog, {}, deviceInvariants, 1);
    expect(violations[0]?.message).toMatch(/tamper lockdown/);
  });
});
