import { describe, expect, it } from 'vitest';
import { simulateFleet } from '../../../sim/twin/simulate.ts';
import { compileTwinMachines, twinMachinesFor } from '../../../sim/twin/machines.ts';
import { smallFleet } from './fleet.helpers.ts';

// Same owners (seed, habits), one strategy changed at a time.
const base = smallFleet({ devices: 30, durationDays: 2 });
const run = (firmware: typeof base.firmware) => simulateFleet({ ...base, firmware }, { machines: twinMachinesFor(firmware) }).summary;

describe('firmware strategies in the fleet twin', () => {
  const deep = run(base.firmware);
  const light = run({ ...base.firmware, keepsStackInSleep: true });
  const tap = run({ ...base.firmware, jostlePassRate: 0.05 });
  const longWindow = run({ ...base.firmware, advertiseWindowMs: 30_000 });

  it('light sleep: no deep-sleep energy, a lightSleep floor, faster unlocks (no stack init per wake)', () => {
    expect(light.energyMjPerDayByState.deepSleep ?? 0).toBe(0);
    expect(light.energyMjPerDayByState.lightSleep).toBeGreaterThan(0);
    expect(light.unlocks.latencyMs.p50).toBeLessThan(deep.unlocks.latencyMs.p50 - 150);
  });

  it('the tap filter keeps most jostles from waking: less radio energy, intents unaffected', () => {
    expect(tap.energyMjPerDayByState.radio).toBeLessThan(deep.energyMjPerDayByState.radio! * 0.5);
    // Common random numbers: the owner stream does not depend on the firmware, so the intents are identical.
    expect(tap.unlocks.intents).toBe(deep.unlocks.intents);
  });

  it('a longer advertising window costs more radio energy', () => {
    expect(longWindow.energyMjPerDayByState.radio).toBeGreaterThan(deep.energyMjPerDayByState.radio! * 2);
  });

  it('machines compiled for another strategy are refused', () => {
    expect(() => simulateFleet({ ...base, firmware: { ...base.firmware, keepsStackInSleep: true } }, { machines: compileTwinMachines(base.firmware) })).toThrow(/compiled for firmware/);
  });
});
