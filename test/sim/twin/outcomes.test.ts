/**
 * Every owner intent ends as exactly one outcome (on every shipped scenario), and variants that
 * differ only in suite see the same owners (common random numbers) while their radio draws still
 * differ where their messages do.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandSweep, loadScenario } from '../../../scenarios/index.ts';
import { resolveScenario } from '../../../scenarios/index.ts';
import { runFleet } from '../../../sim/twin/parallel.ts';
import { compileTwinMachines } from '../../../sim/twin/machines.ts';
import { simulatePartition } from '../../../sim/twin/partition.ts';

const machines = compileTwinMachines();
const SCENARIOS = readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort();
const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

describe('every intent has an outcome', () => {
  for (const name of SCENARIOS) {
    it(`${name}: outcomes add up to the intents, fleet-wide, per day and in telemetry`, async () => {
      const [first] = expandSweep(loadScenario(`scenarios/${name}.yaml`));
      const out = await runFleet(resolveScenario(first!, { devices: 40, durationDays: 6, traceDevices: 40 }).fleet, { machines, workers: 0 });
      const u = out.summary.unlocks;
      expect(u.intents).toBeGreaterThan(0);
      expect(sum(u.outcomes)).toBe(u.intents);
      expect(out.daily.reduce((a, d) => a + sum(d.outcomes), 0)).toBe(u.intents);
      // Telemetry: one unlock_attempt with success false, and its reason, for every intent not unlocked.
      const failed = out.telemetry.filter((e) => e.eventType === 'unlock_attempt' && !e.success);
      expect(failed.length).toBe(u.intents - (u.outcomes.unlocked ?? 0));
      for (const e of failed) expect(e.reason).not.toBe('');
    });
  }

  it('quickstart: the intents whose phone was away are counted, not lost', async () => {
    const [first] = expandSweep(loadScenario('scenarios/quickstart.yaml'));
    const out = await runFleet(resolveScenario(first!, { devices: 40, durationDays: 6 }).fleet, { machines, workers: 0 });
    expect(out.summary.unlocks.outcomes.phoneNotInRange).toBeGreaterThan(0);
  });
});

describe('common random numbers across kem-levels variants', () => {
  const variants = expandSweep(loadScenario('scenarios/kem-levels.yaml'));
  const pick = [variants[0]!, variants[4]!, variants[8]!];

  it('every keychain has the same intents, jostles and NFC taps; failures differ where messages do', () => {
    const runs = pick.map((v) => {
      const cfg = resolveScenario(v, { devices: 200, durationDays: 30 }).fleet;
      return simulatePartition({ ...cfg, radio: { ...cfg.radio, shadowingDb: 25 } }, machines, 0, 200);
    });
    const [a, ...rest] = runs;
    expect(a!.intents).toBeGreaterThan(1000);
    expect(a!.deviceNfcTaps.reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
    for (const b of rest) {
      expect(Array.from(b.deviceIntents)).toEqual(Array.from(a!.deviceIntents));
      expect(Array.from(b.deviceJostles)).toEqual(Array.from(a!.deviceJostles));
      expect(Array.from(b.deviceNfcTaps)).toEqual(Array.from(a!.deviceNfcTaps));
    }
    // A lossy radio: the suites' messages differ in size, so the link failures differ.
    const failures = runs.map((r) => r.failures.reduce((x, y) => x + y, 0));
    expect(failures[0]).toBeGreaterThan(0);
    expect(new Set(failures).size).toBeGreaterThan(1);
  });
});
