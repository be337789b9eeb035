/**
 * SPIN on the exported handshake: the real statecharts satisfy every property within the default
 * bounds (exhaustive search), and every mutant yields a counterexample that reads as a message
 * sequence. Needs `spin` and `gcc` (.ci/services.sh installs them); without them this fails.
 */
import { describe, expect, it } from 'vitest';
import { exportPromela, flatten, MUTANTS } from '../../models/verify/index.ts';
import { handshakeDeviceMachine, handshakePhoneMachine } from '../../models/handshake/index.ts';
import { runSpin, spinAvailable } from '../../cli/verify/spin.ts';

describe('Promela export', () => {
  it('has one labelled state per leaf state of each chart (generated, not hand-written)', () => {
    const { promela } = exportPromela();
    for (const [role, m] of [['Device', handshakeDeviceMachine], ['Phone', handshakePhoneMachine]] as const)
      for (const s of flatten(m).states) expect(promela).toContain(`${role}_${s.id.replace(/^[^.]*\./, '').replace(/[^A-Za-z0-9]/g, '_')}:`);
  });
});

describe('SPIN', () => {
  it('spin and gcc are installed', () => expect(spinAvailable()).toBe(true));

  it('proves every property of the real model within the default bounds', { timeout: 600_000 }, () => {
    const r = runSpin();
    expect(r.violation).toBeNull();
    expect(r.complete).toBe(true);
    expect(r.ok).toBe(true);
    expect(r.states).toBeGreaterThan(100_000);
  });

  for (const m of MUTANTS)
    it(`mutant ${m.id} yields a readable counterexample (${m.breaks})`, { timeout: 600_000 }, () => {
      const r = runSpin({ mutant: m.id });
      expect(r.errors).toBeGreaterThan(0);
      expect(r.trace.some((l) => l.startsWith('VIOLATED'))).toBe(true);
      expect(r.trace.some((l) => /^attacker -> (device|phone)/.test(l) || /LOCKED OUT|device in/.test(l))).toBe(true);
    });
});
