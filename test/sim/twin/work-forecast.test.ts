import { describe, expect, it } from 'vitest';
import { simulateFleet } from '../../../sim/twin/simulate.ts';
import { DEAD_DAY_WEIGHT, type WorkForecast } from '../../../sim/twin/partition-forecast.ts';
import { smallFleet } from './fleet.helpers.ts';

describe('work forecast (the progress ETA of a fleet whose keychains brown out)', () => {
  it('done + left at a quarter of the run predicts the whole run’s work, where simulated days alone do not', () => {
    // Small cells: the keychains brown out around the middle of the run, spread over days.
    const days = 24;
    const devices = 200;
    const cfg = smallFleet({ devices, durationDays: days, behaviour: { ...smallFleet().behaviour, capacityFactor: { dist: 'uniform', min: 0.05, max: 0.08 } } });
    const seen: WorkForecast[] = [];
    const out = simulateFleet(cfg, { onProgress: (_ms, _ev, w) => seen.push(w) });
    expect(seen).toHaveLength(days);
    const total = seen.at(-1)!.done;
    // Every keychain-day is counted once, a dead one at its weight.
    const dead = out.daily.reduce((a, d) => a + (devices - d.alive), 0);
    expect(total).toBeCloseTo(devices * days - dead * (1 - DEAD_DAY_WEIGHT), 6);
    expect(seen.at(-1)!.left).toBe(0);
    expect(out.summary.battery.depleted).toBeGreaterThan(devices * 0.9);

    const q = days / 4;
    const atQuarter = seen[q - 1]!;
    const forecast = atQuarter.done + atQuarter.left;
    const bySimDays = atQuarter.done * (days / q);
    console.log(`work: total ${total.toFixed(0)}, forecast at day ${q} ${forecast.toFixed(0)} (${((forecast / total - 1) * 100).toFixed(1)} %), by simulated days ${bySimDays.toFixed(0)} (${((bySimDays / total - 1) * 100).toFixed(1)} %)`);
    expect(Math.abs(forecast / total - 1)).toBeLessThan(0.1);
    expect(bySimDays / total - 1).toBeGreaterThan(0.3);
  });
});
