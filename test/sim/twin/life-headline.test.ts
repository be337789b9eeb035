import { describe, expect, it } from 'vitest';
import { runFleet } from '../../../sim/twin/parallel.ts';
import { compileTwinMachines } from '../../../sim/twin/machines.ts';
import { batteryLifeHistogram } from '../../../charts/battery-life.ts';
import { quantileSorted } from '../../../charts/format.ts';
import { formatSummary } from '../../../cli/summary-table.ts';
import { smallFleet } from './fleet.helpers.ts';

const machines = compileTwinMachines();
const RUN_DAYS = 50;

/**
 * Keychains whose lives straddle the end of the run (cells of 10–30 % capacity, lives of ~20–90
 * days): some brown out within it (observed), the rest are projected. Where the two populations
 * meet there must be no pile-up: a projection that ignores the low-battery mode's lighter load
 * crowds the lives just past the end.
 */
const straddling = smallFleet({
  devices: 200,
  durationDays: RUN_DAYS,
  behaviour: {
    ...smallFleet().behaviour,
    temperatureC: { dist: 'constant', value: 20 },
    capacityFactor: { dist: 'uniform', min: 0.1, max: 0.3 },
  },
});

describe('battery-life headline', () => {
  it("the report's battery title states the median, its interval and the observed/projected counts of its own data", async () => {
    const out = await runFleet(straddling, { machines, workers: 0 });
    const b = out.summary.battery;
    const lives = Float64Array.from(out.devices.lifeDays).sort();
    const observed = Array.from(out.devices.depletedDay).filter((d) => d === d).length;
    const spec = batteryLifeHistogram({ lifeDays: Array.from(lives), battery: b, devices: out.summary.devices });
    const m = /^Median time to brown-out (\d+) days \(95 % CI (\d+)–(\d+); (\d+) observed, (\d+) projected\)/.exec(spec.title);
    expect(m, spec.title).not.toBeNull();
    const [, median, lo, hi, obs, proj] = m!.map(Number);
    expect(median).toBe(Math.round(quantileSorted(lives, 0.5)));
    expect(lo).toBeLessThanOrEqual(median!);
    expect(hi).toBeGreaterThanOrEqual(median!);
    expect(obs).toBe(observed);
    expect(proj).toBe(out.summary.devices - observed);
    // The CLI table says the same of the same data.
    const text = formatSummary(out.summary);
    expect(text).toContain(`time to brown-out: ${observed} observed (browned out in the run), ${out.summary.devices - observed} projected in closed form`);
    const usefulObserved = Array.from(out.devices.usefulLifeDays!).filter((d) => d <= RUN_DAYS).length;
    expect(text).toContain(`useful life (until low-battery mode): ${usefulObserved} observed, ${out.summary.devices - usefulObserved} projected`);

    // No spike where observed and projected lives meet: around the run's end the histogram's data
    // matches the lives observed by running the same keychains to brown-out, bin for bin. (The
    // linear projection this replaced put 35 keychains in [50, 55) days where 22 belong.)
    const full = await runFleet({ ...straddling, durationDays: 3 * RUN_DAYS }, { machines, workers: 0 });
    expect(full.summary.battery.depleted).toBe(straddling.devices);
    const truth = Float64Array.from(full.devices.lifeDays).sort();
    const count = (a: Float64Array, lo: number, hi: number) => a.filter((x) => x >= lo && x < hi).length;
    const bin = RUN_DAYS / 10;
    for (let lo = RUN_DAYS - 2 * bin; lo < RUN_DAYS + 3 * bin; lo += bin) {
      const got = count(lives, lo, lo + bin);
      const want = count(truth, lo, lo + bin);
      expect(Math.abs(got - want), `lives in [${lo}, ${lo + bin}) days: ${got} in the chart, ${want} observed to brown-out`).toBeLessThanOrEqual(Math.max(3, 0.2 * want));
    }
  }, 60_000);
});
