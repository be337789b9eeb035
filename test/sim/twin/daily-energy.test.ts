/**
 * The daily energy rows book each span of constant current to the day it ran in. They used to
 * book it by the day of its end, so the span that ends on a day boundary (the night's sleep)
 * moved into the next day: in every run the first day's deep-sleep energy was short and the last
 * day's long by that span (about 7 % on the quickstart fleet), in the report and in InfluxDB.
 */
import { describe, expect, it } from 'vitest';
import { runFleet } from '../../../sim/twin/parallel.ts';
import { compileTwinMachines } from '../../../sim/twin/machines.ts';
import { batteryCurrentMa, createCell } from '../../../sim/device/index.ts';
import { defaultProfile } from '../../../firmware/profiles/index.ts';
import { runPoints } from '../../../store/influx/index.ts';
import { fixtureRun } from '../../reports/run-fixture.helpers.ts';
import { quietFleet, smallFleet } from './fleet.helpers.ts';

const DAY_MS = 86_400_000;
const machines = compileTwinMachines();

const quiet = quietFleet;

describe('daily energy rows', () => {
  it('a constant-current keychain uses the same deep-sleep energy on the first, middle and last day, as the closed form says', async () => {
    const out = await runFleet(quiet(5), { machines, workers: 0 });
    const profile = defaultProfile();
    const cell = createCell(profile, { temperatureC: 20, capacityFactor: 1 });
    // mA · ms · V = µJ, three keychains, in mJ; the rows keep 6 significant digits.
    const expectedMj = (3 * batteryCurrentMa(profile, 'deepSleep') * DAY_MS * cell.vNominal) / 1000;
    const sleep = out.daily.map((d) => d.energyMjByState.deepSleep ?? 0);
    expect(sleep).toHaveLength(5);
    for (const mj of sleep) expect(Math.abs(mj / expectedMj - 1)).toBeLessThan(1e-5);
    expect(Object.keys(out.daily[0]!.energyMjByState)).toEqual(['deepSleep']);
    // The InfluxDB points carry the same per-day figures (they are written from these rows).
    const result = { ...fixtureRun({ days: 5 }), daily: out.daily };
    const lines = [...runPoints(result)].filter((l) => l.startsWith('fleet_energy,') && l.includes('state=deepSleep'));
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(Math.abs(Number(/energy_mj=([0-9.e+-]+)/.exec(l)![1]) / expectedMj - 1)).toBeLessThan(1e-5);
  });

  it('a busy fleet books every µJ to some day, and the first day is not short of the others', async () => {
    const cfg = smallFleet({ devices: 20, durationDays: 4 });
    const out = await runFleet(cfg, { machines, workers: 0 });
    const days = out.daily.map((d) => d.energyMjByState.deepSleep ?? 0);
    const total = out.daily.reduce((a, d) => a + Object.values(d.energyMjByState).reduce((x, y) => x + y, 0), 0);
    const perDay = Object.values(out.summary.energyMjPerDayByState).reduce((a, b) => a + b, 0);
    // Summary: mean mJ per device-day over the whole run, independent of the daily booking.
    expect(Math.abs(total / (20 * 4) - perDay) / perDay).toBeLessThan(1e-3);
    // Deep sleep is the floor current for the whole day minus the wakes: it varies little by day.
    const mean = days.reduce((a, b) => a + b, 0) / days.length;
    for (const d of days) expect(Math.abs(d / mean - 1)).toBeLessThan(0.03);
  });
});
