/**
 * The cloud statecharts: pure steps (initialTransition / transition) of the per-device record and
 * the OTA rollout, `waveVerdict`, and exhaustive exploration with invariants, coverage counts and
 * mutated copies the checker must catch.
 * @module
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import {
  MAX_ATTEST_FAILURES,
  POLICY_VERSION_MODULUS,
  ROLLOUT_WAVES,
  cloudCatalog,
  cloudMachine,
  rolloutCatalog,
  rolloutMachine,
  waveVerdict,
  type CloudEvent,
  type RolloutEvent,
} from '../../models/cloud/index.ts';
import { machines } from '../../models/index.ts';
import {
  allStateNodeIds,
  allTransitions,
  explore,
  reachedStateNodeIds,
  takenTransitions,
  type Monitor,
} from './device-graph.helpers.ts';

const own = (actions: readonly { type: string }[]): string[] =>
  actions.map((a) => a.type).filter((t) => !t.startsWith('xstate.'));

function runCloud(events: readonly CloudEvent[]) {
  let [s] = initialTransition(cloudMachine, {});
  const actions: string[][] = [];
  for (const e of events) {
    const [n, a] = transition(cloudMachine, s, e);
    actions.push(own(a));
    s = n;
  }
  return { s, actions };
}

function runRollout(events: readonly RolloutEvent[]) {
  let [s] = initialTransition(rolloutMachine, {});
  for (const e of events) s = transition(rolloutMachine, s, e)[0];
  return s;
}

const PROVISIONED: CloudEvent[] = [{ type: 'provision.requested', registration: 'valid', by: 'owner' }];
const REKEY_OWNER: CloudEvent = { type: 'provision.requested', registration: 'valid', by: 'owner' };
const REKEY_ADMIN: CloudEvent = { type: 'provision.requested', registration: 'valid', by: 'admin' };

describe('cloudMachine: pure steps', () => {
  it('an invalid registration is rejected; a valid one activates the record', () => {
    const { s, actions } = runCloud([{ type: 'provision.requested', registration: 'invalid', by: 'owner' }, ...PROVISIONED]);
    expect(actions).toEqual([['recordRegistrationRejected'], ['recordProvisioned']]);
    expect(s.value).toEqual({ active: { attestation: 'idle', policy: 'current' } });
  });

  it('attestation: challenge → valid response attests; a response without a challenge is ignored', () => {
    const { s, actions } = runCloud([
      ...PROVISIONED,
      { type: 'attest.response', result: 'valid' },
      { type: 'attest.requested' },
      { type: 'attest.response', result: 'valid' },
    ]);
    expect(actions.slice(1)).toEqual([[], ['issueChallenge'], ['recordAttested']]);
    expect(s.hasTag('attestation:idle')).toBe(true);
  });

  it('a forged response suspends at once; revoke is final', () => {
    const { s } = runCloud([...PROVISIONED, { type: 'attest.requested' }, { type: 'attest.response', result: 'forged' }]);
    expect(s.value).toBe('suspended');
    const [r] = transition(cloudMachine, s, { type: 'admin.revoke' });
    expect(r.value).toBe('revoked');
    expect(r.status).toBe('done');
  });

  it(`${MAX_ATTEST_FAILURES} replayed responses suspend automatically; an expired one does not count`, () => {
    const round = (result: 'replayed' | 'expired'): CloudEvent[] => [{ type: 'attest.requested' }, { type: 'attest.response', result }];
    const expired = runCloud([...PROVISIONED, ...round('expired'), ...round('expired'), ...round('expired')]).s;
    expect(expired.context.attestFailures).toBe(0);
    let events = [...PROVISIONED];
    for (let i = 0; i < MAX_ATTEST_FAILURES - 1; i++) events = [...events, ...round('replayed')];
    expect(runCloud(events).s.matches('active')).toBe(true);
    const { s, actions } = runCloud([...events, ...round('replayed')]);
    expect(s.value).toBe('suspended');
    expect(actions.at(-1)).toEqual(['recordAttestationFailure', 'recordSuspended']);
  });

  it('the challenge expires after challengeTtlMs', () => {
    const [s0] = initialTransition(cloudMachine, { challengeTtlMs: 1234 });
    const [a] = transition(cloudMachine, s0, PROVISIONED[0]!);
    const [c, actions] = transition(cloudMachine, a, { type: 'attest.requested' });
    expect(actions.find((x) => x.type === 'xstate.raise')?.params).toMatchObject({ delay: 1234 });
    const [e, ea] = transition(cloudMachine, c, { type: 'xstate.after.challengeTtl.cloud.active.attestation.challenged' } as never);
    expect(e.hasTag('attestation:idle')).toBe(true);
    expect(own(ea)).toEqual(['recordAttestationExpired']);
  });

  it(`policy versions wrap modulo ${POLICY_VERSION_MODULUS}; pending until acked`, () => {
    const publish: CloudEvent = { type: 'policy.published' };
    const { s } = runCloud([...PROVISIONED, ...Array<CloudEvent>(POLICY_VERSION_MODULUS + 1).fill(publish)]);
    expect(s.context.policyVersion).toBe(1);
    expect(s.hasTag('policy:pending')).toBe(true);
    expect(transition(cloudMachine, s, { type: 'policy.acked' })[0].hasTag('policy:current')).toBe(true);
  });

  it('suspended (tamper reported) is re-keyed by a valid registration', () => {
    const { s } = runCloud([...PROVISIONED, { type: 'tamper.reported' }, { type: 'attest.requested' }]);
    expect(s.value).toBe('suspended');
    expect(s.context.suspension).toBe('tamper');
    const [a] = transition(cloudMachine, s, REKEY_OWNER);
    expect(a.matches('active')).toBe(true);
    expect(a.context.suspension).toBe('none');
  });

  it('an admin\'s, a forged-attestation or a replay suspension is lifted only by an admin (the owner\'s re-key is refused)', () => {
    const round = (result: 'replayed' | 'forged'): CloudEvent[] => [{ type: 'attest.requested' }, { type: 'attest.response', result }];
    const held: [string, CloudEvent[]][] = [
      ['admin', [{ type: 'admin.suspend' }]],
      ['forged', round('forged')],
      ['replayed', Array.from({ length: MAX_ATTEST_FAILURES }, () => round('replayed')).flat()],
      // An operator's suspension on top of a tamper report takes precedence; a tamper report on
      // top of an operator's suspension changes nothing.
      ['admin', [{ type: 'tamper.reported' }, { type: 'admin.suspend' }]],
      ['admin', [{ type: 'admin.suspend' }, { type: 'tamper.reported' }]],
    ];
    for (const [reason, events] of held) {
      const { s } = runCloud([...PROVISIONED, ...events]);
      expect(s.value).toBe('suspended');
      expect(s.context.suspension).toBe(reason);
      const [o, oa] = transition(cloudMachine, s, REKEY_OWNER);
      expect(o.value).toBe('suspended');
      expect(own(oa)).toEqual(['recordRekeyRefused']);
      expect(transition(cloudMachine, s, REKEY_ADMIN)[0].matches('active')).toBe(true);
      expect(transition(cloudMachine, s, { type: 'admin.reinstate' })[0].matches('active')).toBe(true);
    }
  });

  it('a record persisted before suspension reasons existed is an admin hold', () => {
    const { s } = runCloud([...PROVISIONED, { type: 'admin.suspend' }]);
    const { suspension: _dropped, ...legacy } = s.context;
    const old = cloudMachine.resolveState({ value: 'suspended', context: legacy as typeof s.context });
    expect(transition(cloudMachine, old, REKEY_OWNER)[0].value).toBe('suspended');
    expect(transition(cloudMachine, old, REKEY_ADMIN)[0].matches('active')).toBe(true);
  });
});

describe('rolloutMachine and waveVerdict', () => {
  const below: RolloutEvent = { type: 'wave.completed', failureRate: 'below' };
  const above: RolloutEvent = { type: 'wave.completed', failureRate: 'above' };

  it(`canary + ${ROLLOUT_WAVES} waves below threshold complete`, () => {
    const s = runRollout([{ type: 'rollout.started' }, ...Array<RolloutEvent>(ROLLOUT_WAVES + 1).fill(below)]);
    expect(s.value).toBe('complete');
    expect(s.status).toBe('done');
  });

  it('a wave above threshold halts; resume re-runs the halted wave', () => {
    const s = runRollout([{ type: 'rollout.started' }, below, above]);
    expect(s.value).toBe('halted');
    expect(s.context).toMatchObject({ wave: 1, haltReason: 'failureRate' });
    const r = transition(rolloutMachine, s, { type: 'rollout.resumed' })[0];
    expect(r.value).toBe('waves');
    expect(r.context).toMatchObject({ wave: 1, haltReason: 'none' });
    expect(runRollout([{ type: 'rollout.started' }, above, { type: 'rollout.resumed' }]).value).toBe('canary');
  });

  it('a wave past its deadline halts', () => {
    const s = runRollout([{ type: 'rollout.started' }]);
    const [h] = transition(rolloutMachine, s, { type: 'xstate.after.waveDeadline.rollout.canary' } as never);
    expect(h.context.haltReason).toBe('deadline');
  });

  it('waveVerdict(failed, total, haltRate) compares the failure rate with the threshold', () => {
    expect(waveVerdict(2, 100)).toBe('below');
    expect(waveVerdict(3, 100)).toBe('above');
    expect(waveVerdict(1, 10, 0.1)).toBe('below');
    expect(() => waveVerdict(1, 0)).toThrow(/total: expected a positive integer, got 0/);
    expect(() => waveVerdict(5, 4)).toThrow(/failed: expected an integer in 0..4, got 5/);
    expect(() => waveVerdict(1, 4, 2)).toThrow(/haltRate: expected 0..1, got 2/);
  });

  it('the registry holds both cloud machines with their catalogs', () => {
    expect(machines.cloud).toMatchObject({ machine: cloudMachine, catalog: cloudCatalog });
    expect(machines['cloud.rollout']).toMatchObject({ machine: rolloutMachine, catalog: rolloutCatalog });
  });
});

/** Whether the event was sent by an admin (the only actor who may lift an admin hold). */
const byAdmin = (e: { type: string; by?: string }): boolean =>
  e.type === 'admin.reinstate' || (e.type === 'provision.requested' && e.by === 'admin');

/**
 * Cloud invariants: revoked absorbs; attested only against an outstanding challenge; forged
 * suspends; a suspension by an admin, a forgery or replays (tracked here from the events, not
 * read from the machine's context) is left for `active` only by an admin's event.
 */
const cloudInvariants: Monitor<{ revoked: boolean; adminHold: boolean }> = {
  initial: { revoked: false, adminHold: false },
  key: (m) => `${m.revoked}/${m.adminHold}`,
  step: (m, { from, event, to }) => {
    const revoked = m.revoked || to.matches('revoked');
    if (!to.matches('suspended')) return { revoked, adminHold: false };
    if (event.type === 'admin.suspend') return { revoked, adminHold: true };
    if (from.matches('suspended')) return { revoked, adminHold: m.adminHold };
    // Entered suspended from active: only the owner's tamper report is not an admin hold.
    return { revoked, adminHold: event.type !== 'tamper.reported' };
  },
  check(m, _n, { from, event, to, actions }) {
    if (m.revoked && !to.matches('revoked')) return 'left revoked';
    if (m.adminHold && from.matches('suspended') && to.matches('active') && !byAdmin(event)) return 'an admin hold lifted without an admin';
    const types = actions.map((a) => a.type);
    if (types.includes('recordAttested') && !from.hasTag('attestation:challenged')) return 'attested without a challenge';
    if (types.includes('recordAttested') && !to.matches('active')) return 'attested outside active';
    const result = (event as { result?: string }).result;
    if (event.type === 'attest.response' && result === 'forged' && from.hasTag('attestation:challenged') && !to.matches('suspended')) {
      return 'forged response did not suspend';
    }
    if (to.matches('active') && to.context.attestFailures >= MAX_ATTEST_FAILURES) return 'active past the replay limit';
    return null;
  },
};

/** Rollout invariants: an above-threshold verdict halts; complete only after every wave passed. */
const rolloutInvariants: Monitor<{ passed: number }> = {
  initial: { passed: 0 },
  key: (m) => String(m.passed),
  step: (m, { from, event, to }) => {
    const verdict = (event as { failureRate?: string }).failureRate;
    if (event.type === 'wave.completed' && from.hasTag('rolling') && verdict === 'below') return { passed: m.passed + 1 };
    if (to.matches('idle')) return { passed: 0 };
    return m;
  },
  check(_m, n, { from, event, to }) {
    const verdict = (event as { failureRate?: string }).failureRate;
    if (event.type === 'wave.completed' && from.hasTag('rolling') && verdict === 'above' && !to.matches('halted')) {
      return 'a failing wave did not halt the rollout';
    }
    if (to.matches('complete') && n.passed !== ROLLOUT_WAVES + 1) return `complete after ${n.passed} passing waves`;
    return null;
  },
};

const snapshotsOf = (x: ReturnType<typeof explore>) => x.configs.values() as Iterable<AnyMachineSnapshot>;

describe('cloud machines: exhaustive exploration', () => {
  it('explore(cloudMachine): no violation, every state and transition reached', () => {
    const x = explore(cloudMachine, cloudCatalog, {}, cloudInvariants);
    expect(x.violations).toEqual([]);
    expect(x.configs.size).toBe(141);
    const reached = reachedStateNodeIds(snapshotsOf(x));
    expect(allStateNodeIds(cloudMachine).filter((id) => !reached.has(id))).toEqual([]);
    const all = allTransitions(cloudMachine);
    const taken = takenTransitions(cloudMachine, x.edges);
    expect(all.filter((t) => !taken.has(t))).toEqual([]);
    expect(all.length).toBe(22);
  });

  it('explore(rolloutMachine): no violation, every state and transition reached', () => {
    const x = explore(rolloutMachine, rolloutCatalog, {}, rolloutInvariants);
    expect(x.violations).toEqual([]);
    const reached = reachedStateNodeIds(snapshotsOf(x));
    expect(allStateNodeIds(rolloutMachine).filter((id) => !reached.has(id))).toEqual([]);
    const all = allTransitions(rolloutMachine);
    const taken = takenTransitions(rolloutMachine, x.edges);
    expect(all.filter((t) => !taken.has(t))).toEqual([]);
    expect(all.length).toBe(13);
  });

  it('a rollout that ignores the failure rate is caught', () => {
    const broken = rolloutMachine.provide({ guards: { isAbove: () => false } });
    const { violations } = explore(broken, rolloutCatalog, {}, rolloutInvariants, 1);
    expect(violations[0]?.message).toBe('a failing wave did not halt the rollout');
    expect(violations[0]?.path).toEqual(['xstate.init', 'rollout.started', 'wave.completed']);
  });

  it('a cloud that lets the owner re-key any suspension is caught', () => {
    const broken = cloudMachine.provide({ guards: { mayRekey: ({ event }) => event.type === 'provision.requested' && event.registration === 'valid' } });
    const { violations } = explore(broken, cloudCatalog, {}, cloudInvariants, 1);
    expect(violations[0]?.message).toBe('an admin hold lifted without an admin');
  });

  it('a cloud that accepts forged attestations is caught', () => {
    const broken = cloudMachine.provide({ guards: { isForged: () => false, isValid: ({ event }) => event.type === 'attest.response' && event.result !== 'replayed' && event.result !== 'expired' } });
    const { violations } = explore(broken, cloudCatalog, {}, cloudInvariants, 1);
    expect(violations[0]?.message).toBe('forged response did not suspend');
  });
});
