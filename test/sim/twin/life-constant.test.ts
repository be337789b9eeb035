import { describe, expect, it } from 'vitest';
import { runFleet } from '../../../sim/twin/parallel.ts';
import { compileTwinMachines } from '../../../sim/twin/machines.ts';
import { advanceCharge, batteryCurrentMa, createCell, timeToChargeMs, timeToCutoffMs } from '../../../sim/device/index.ts';
import { defaultProfile } from '../../../firmware/profiles/index.ts';
import { quietFleet } from './fleet.helpers.ts';

const DAY = 86_400_000;
const machines = compileTwinMachines();
const quiet = quietFleet;

describe('battery life projection (constant load)', () => {
  it('a 7-day run projects the brown-out the closed form and a run to brown-out give (within 0.5 %)', async () => {
    const profile = defaultProfile();
    const sleepMa = batteryCurrentMa(profile, 'deepSleep');
    const cell = createCell(profile, { temperatureC: 20, capacityFactor: 1 });
    const closedDays = timeToCutoffMs(cell, cell.capacityMah, sleepMa) / DAY;
    // Useful life: the first day boundary after the charge falls below 10 % (the gauge is read daily).
    const closedUseful = Math.ceil(timeToChargeMs(cell, cell.capacityMah, sleepMa, 0.1 * cell.capacityMah) / DAY);

    const short = await runFleet(quiet(7), { machines, workers: 0 });
    const full = await runFleet(quiet(Math.ceil(closedDays * 1.05)), { machines, workers: 0 });
    expect(short.summary.battery.depleted).toBe(0);
    expect(full.summary.battery.depleted).toBe(3);
    for (let k = 0; k < 3; k++) {
      const projected = short.devices.lifeDays[k]!;
      const observed = full.devices.depletedDay[k]!;
      expect(Math.abs(projected / closedDays - 1)).toBeLessThan(0.005);
      expect(Math.abs(projected / observed - 1)).toBeLessThan(0.005);
      expect(short.devices.usefulLifeDays![k]).toBe(closedUseful);
      expect(full.devices.usefulLifeDays![k]).toBe(closedUseful);
    }
    // The linear projection this replaced was ~12 % short: the test must be able to tell them apart.
    const linear = (7 * (1 - 0)) / (1 - advanceCharge(cell, cell.capacityMah, sleepMa, 7 * DAY) / cell.capacityMah);
    expect(Math.abs(linear / closedDays - 1)).toBeGreaterThan(0.05);
    expect(short.summary.battery.usefulLifeDays).toMatchObject({ observed: 0, projected: 3 });
    expect(full.summary.battery.usefulLifeDays).toMatchObject({ observed: 3, projected: 0 });
  });
});
