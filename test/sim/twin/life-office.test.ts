import { describe, expect, it } from 'vitest';
import { runFleet } from '../../../sim/twin/parallel.ts';
import { compileTwinMachines } from '../../../sim/twin/machines.ts';
import { loadScenario } from '../../../scenarios/index.ts';
import { resolveScenario } from '../../../scenarios/index.ts';

const DEVICES = 100;

const mean = (a: readonly number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const spread = (a: readonly number[]) => Math.sqrt(mean(a.map((x) => (x - mean(a)) ** 2)));

describe('battery life projection (office-fleet)', () => {
  it('lives projected from 14 days agree with the same keychains run to brown-out', async () => {
    const machines = compileTwinMachines();
    const scenario = loadScenario(new URL('../../../scenarios/office-fleet.yaml', import.meta.url).pathname);
    const short = await runFleet(resolveScenario(scenario, { devices: DEVICES, durationDays: 14 }).fleet, { machines, workers: 2 });
    // Just long enough for every keychain to brown out if the projection is right (asserted below).
    const toBrownout = Math.ceil(Math.max(...short.devices.lifeDays) * 1.05);
    const full = await runFleet(resolveScenario(scenario, { devices: DEVICES, durationDays: toBrownout }).fleet, { machines, workers: 2 });
    expect(short.summary.battery.depleted).toBe(0);
    expect(full.summary.battery.depleted).toBe(DEVICES);
    expect(full.summary.battery.usefulLifeDays).toMatchObject({ observed: DEVICES, projected: 0 });

    for (const key of ['lifeDays', 'usefulLifeDays'] as const) {
      const projected = short.summary.battery[key]!.p50;
      const observed = full.summary.battery[key]!.p50.value;
      expect(observed).toBeGreaterThanOrEqual(projected.lo);
      expect(observed).toBeLessThanOrEqual(projected.hi);
    }
    const errors = (p: Float64Array, o: Float64Array) => Array.from(p, (x, k) => x / o[k]! - 1);
    const life = errors(short.devices.lifeDays, full.devices.lifeDays);
    const useful = errors(short.devices.usefulLifeDays!, full.devices.usefulLifeDays!);
    console.log(
      `office-fleet ×${DEVICES}: projected/observed − 1 per device: brown-out mean ${(mean(life) * 100).toFixed(2)} % (sd ${(spread(life) * 100).toFixed(2)} %), ` +
        `useful life mean ${(mean(useful) * 100).toFixed(2)} % (sd ${(spread(useful) * 100).toFixed(2)} %); ` +
        `p50 projected ${short.summary.battery.lifeDays.p50.value} d (CI ${short.summary.battery.lifeDays.p50.lo}–${short.summary.battery.lifeDays.p50.hi}), observed ${full.summary.battery.lifeDays.p50.value} d`,
    );
    // Unbiased: a 14-day window of a random owner cannot pin each keychain, but the fleet mean error must be small.
    expect(Math.abs(mean(life))).toBeLessThan(0.02);
    expect(Math.abs(mean(useful))).toBeLessThan(0.02);
    expect(spread(life)).toBeLessThan(0.06);
  }, 180_000);
});
