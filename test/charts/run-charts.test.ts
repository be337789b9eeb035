/**
 * What the run charts draw is true of their rows: the SoC axis follows the data and its labels
 * do not pile up; every day of energy by state is a whole day wide; the battery-life histogram
 * keeps observed and projected lives apart at the run's end. Titles are recomputed from the rows.
 */
import { describe, expect, it } from 'vitest';
import { batteryLifeHistogram, energyByState, failuresOverTime, latencyDistributions, runView, socOverTime } from '../../charts/index.ts';
import { socDomain, socLabels } from '../../charts/soc-over-time.ts';
import { stackLabels } from '../../charts/stack-labels.ts';
import { lifeThresholds } from '../../charts/battery-life.ts';
import { dodge } from '../../charts/dodge.ts';
import { renderSvg } from '../../reports/index.ts';
import type { DailyRow, SocSample } from '../../results/index.ts';
import { fixtureRun } from '../reports/run-fixture.helpers.ts';

/** A week of a long-lived fleet: everything between 95 and 100 %, ten traced keychains ending within 0.3 %. */
function week(): { daily: DailyRow[]; samples: SocSample[] } {
  const daily = Array.from({ length: 7 }, (_, d) => ({
    day: d, socP5: 0.985 - 0.004 * d, socP50: 0.99 - 0.0035 * d, socP95: 0.995 - 0.003 * d, alive: 100, unlocks: 0, handshakes: 0, failures: {}, outcomes: {},
    energyMjByState: { deepSleep: 100 * 16_000, lightSleep: 100 * 900, idle: 100 * 300, active: 100 * 250, radio: 100 * 200 },
  }));
  const samples = Array.from({ length: 10 }, (_, k) => Array.from({ length: 8 }, (_, d) => ({ device: k, day: d, soc: 1 - d * (0.0035 + 0.00004 * k), brownout: false }))).flat();
  return { daily, samples };
}

describe('state of charge over time', () => {
  it('draws the y axis over the data (95–100 %), says it does not start at 0, and titles the last median', () => {
    const { daily, samples } = week();
    const spec = socOverTime({ daily, samples });
    const y = spec.plot!.y as { domain: [number, number] };
    const lo = Math.min(...daily.map((d) => d.socP5), ...samples.map((s) => s.soc)) * 100;
    expect(y.domain[0]).toBeGreaterThan(90);
    expect(y.domain[0]).toBeLessThanOrEqual(lo);
    expect(y.domain[1]).toBe(100);
    expect(spec.subtitle).toContain(`starts at ${y.domain[0]} %, not 0`);
    expect(spec.title).toBe(`Fleet median state of charge ${Math.round(daily[6]!.socP50 * 100)} % after 7 days; 0 of 10 traced keychains browned out`);
  });
  it('goes down to 0 when a keychain browns out', () => {
    expect(socDomain([0.97, 0.99, 0])[0]).toBe(0);
    expect(socDomain([])).toEqual([0, 100]);
  });
  it('moves device labels apart to at least one label height, keeping each next to its line', () => {
    const { samples } = week();
    const domain = socDomain(samples.map((s) => s.soc));
    const labels = socLabels(samples, domain);
    expect(labels).toHaveLength(10);
    const pxPerUnit = (320 - 20 - 42) / ((domain[1] - domain[0]) / 100);
    const ys = labels.map((l) => l.y).sort((a, b) => a - b);
    for (let i = 1; i < ys.length; i++) expect((ys[i]! - ys[i - 1]!) * pxPerUnit).toBeGreaterThanOrEqual(11 - 1e-6);
    // Without dodging they would be within 1 px of each other.
    const raw = labels.map((l) => l.soc).sort((a, b) => a - b);
    expect((raw[1]! - raw[0]!) * pxPerUnit).toBeLessThan(2);
    expect(labels.every((l) => l.day === 7)).toBe(true);
  });
  it('dodge keeps order, minimum gap and bounds', () => {
    expect(dodge([5, 5, 5], 1, 0, 10)).toEqual([5, 6, 7]);
    expect(dodge([10, 10, 3], 1, 0, 10)).toEqual([9, 10, 3]);
  });
});

describe('energy by state', () => {
  it('draws every day, first and last included, one day wide, and titles the largest state with its share', () => {
    const { daily } = week();
    const perDeviceDay = { deepSleep: 16_000, lightSleep: 900, idle: 300, active: 250, radio: 200 };
    const spec = energyByState({ daily, perDeviceDay, devices: 100 });
    const svg = renderSvg(spec)!;
    // The stacked rects of the first state (deep sleep): 7 days, equal widths.
    const widths = [...svg.matchAll(/<rect [^>]*width="([0-9.]+)"/g)].map((m) => Number(m[1]));
    const perDay = widths.slice(0, 7);
    expect(perDay).toHaveLength(7);
    for (const w of perDay) expect(w).toBeCloseTo(perDay[3]!, 6);
    const total = Object.values(perDeviceDay).reduce((a, b) => a + b, 0);
    expect(spec.title).toBe(`Deep sleep takes ${Math.round((100 * 16_000) / total)} % of a keychain's ${total.toLocaleString('en-US')} mJ a day`);
  });
  it('bars and title speak of the same keychains: every keychain of the fleet, a browned-out one included', () => {
    // 10 keychains, 3 days; 2 brown out on day 1, the rest on day 2; a dead cell draws 'off' until empty.
    const days: { alive: number; energyMjByState: Record<string, number> }[] = [
      { alive: 10, energyMjByState: { deepSleep: 10_000, radio: 5_000 } },
      { alive: 8, energyMjByState: { deepSleep: 9_000, radio: 4_000, off: 200 } },
      { alive: 0, energyMjByState: { off: 800 } },
    ];
    const daily = days.map((d, day) => ({ ...week().daily[0]!, day, ...d }));
    const perDeviceDay = { deepSleep: 19_000 / 30, radio: 9_000 / 30, off: 1_000 / 30 };
    const spec = energyByState({ daily, perDeviceDay, devices: 10 });
    const rects = (spec.plot!.marks![0] as unknown as { data: { day: number; mj: number }[] }).data;
    // Day 2: the 10 dead keychains' 800 mJ is 80 mJ each, not 800 mJ over nobody alive.
    expect(rects.filter((r) => r.day === 2).reduce((a, r) => a + r.mj, 0)).toBeCloseTo(80, 9);
    // The bars' mean over the days is the title's figure.
    const barMean = rects.reduce((a, r) => a + r.mj, 0) / daily.length;
    expect(spec.title).toContain(`of a keychain's ${Math.round(barMean).toLocaleString('en-US')} mJ a day (mean over the run, browned-out keychains included)`);
  });
  it('labels the thin states of the stack apart from each other', () => {
    const rows = ['deep sleep', 'light sleep', 'idle', 'active', 'radio'].map((state, i) => ({ day: 6, end: 7, state, mj: [16_000, 90, 30, 25, 20][i]! }));
    const ls = stackLabels(rows, rows.map((r) => r.state));
    const px = (320 - 20 - 42) / 16_165;
    const ys = ls.map((l) => l.y);
    for (let i = 1; i < ys.length; i++) expect((ys[i]! - ys[i - 1]!) * px).toBeGreaterThanOrEqual(11 - 1e-6);
    expect(ls[0]!.y).toBe(8000);
  });
});

describe('outcomes over time', () => {
  it('a year in weeks: the last, one-day week is a one-day bar at its mean per day, and every outcome is named, none piled', () => {
    // 365 days: 'phoneNotFound' every day while alive (to day 199), 'batteryDead' growing after day 100, a rare 'busyDropped'.
    const daily: DailyRow[] = Array.from({ length: 365 }, (_, d) => ({
      ...week().daily[0]!, day: d,
      outcomes: { ...(d < 200 ? { phoneNotFound: 300 } : {}), ...(d >= 100 ? { batteryDead: 10 * (d - 99) } : {}), ...(d % 50 === 0 && d < 200 ? { busyDropped: 2 } : {}) },
    }));
    const sum = (r: string) => daily.reduce((a, d) => a + (d.outcomes[r] ?? 0), 0);
    const outcomes = { unlocked: 1000, phoneNotFound: sum('phoneNotFound'), batteryDead: sum('batteryDead'), busyDropped: sum('busyDropped') };
    const spec = failuresOverTime({ daily, outcomes, intents: Object.values(outcomes).reduce((a, b) => a + b, 0) });
    const bars = (spec.plot!.marks![0] as unknown as { data: { t: number; end: number; reason: string; perDay: number }[] }).data;
    const last = bars.filter((b) => b.t === 365);
    expect(last.every((b) => b.end - b.t === 1)).toBe(true);
    expect(last.find((b) => b.reason === 'batteryDead')!.perDay).toBe(10 * (364 - 99));
    // A full week's bar is its mean per day: the week from day 99 (0-based days 98–104) holds batteryDead 0, 0, 10, ..., 50.
    expect(bars.find((b) => b.t === 99 && b.reason === 'batteryDead')!.perDay).toBeCloseTo(150 / 7, 9);
    const labels = (spec.plot!.marks![1] as unknown as { data: { state: string; y: number }[] }).data;
    expect(labels.map((l) => l.state).sort()).toEqual(['batteryDead', 'busyDropped', 'phoneNotFound']);
    const ys = labels.map((l) => l.y).sort((a, b) => a - b);
    const top = Math.max(...bars.map((b) => b.perDay)) * 2;
    for (let i = 1; i < ys.length; i++) expect(ys[i]! - ys[i - 1]!).toBeGreaterThan(top / 1000);
  });
});

describe('battery-life histogram', () => {
  it('has a bin edge at the run end, so no bin holds both observed and projected lives', () => {
    const end = 14;
    const observed = [3.2, 9.9, 13.1, 13.9, 13.99];
    const projected = [14.01, 14.2, 14.5, 30, 180, 260, 300];
    const th = lifeThresholds([...observed, ...projected], end);
    expect(th).toContain(end);
    for (let i = 1; i < th.length; i++) {
      const inBin = (v: number) => v >= th[i - 1]! && v < th[i]!;
      expect(observed.some(inBin) && projected.some(inBin)).toBe(false);
    }
    expect(th[0]!).toBeLessThanOrEqual(3.2);
    expect(th[th.length - 1]!).toBeGreaterThan(300);
  });
  it('splits a run into observed and projected lives and draws them in two colours', () => {
    const result = fixtureRun({ days: 14 });
    const view = runView(result);
    const depleted = Array.from(result.devices.depletedDay).filter(Number.isFinite).length;
    expect(depleted).toBeGreaterThan(0);
    expect(view.lifeSplit!.observed).toHaveLength(depleted);
    expect(view.lifeSplit!.projected).toHaveLength(result.devices.count - depleted);
    const spec = batteryLifeHistogram({ lifeDays: view.lifeDays, battery: view.summary.battery, devices: view.summary.devices, split: view.lifeSplit!, durationDays: 14 });
    const svg = renderSvg(spec)!;
    expect(svg).toContain('fill="#2b4d6e"');
    expect(svg).toContain('fill="#a0cbe8"');
    expect(spec.subtitle).toContain('observed');
  });
});

describe('latency headline', () => {
  it('quotes the fleet p50 and p95 it draws', () => {
    const unlock = { count: 229, mean: 1562.57, p50: 1504.54, p95: 2101.88, p99: 2227.7 };
    const handshake = { count: 229, mean: 465.8, p50: 420.99, p95: 769.39, p99: 1059.13 };
    const spec = latencyDistributions({ unlockMs: [1400, 1500, 2100], handshakeMs: [400, 700], unlock, handshake });
    expect(spec.title).toBe('Unlocks take 1,505 ms at the median and 2,102 ms at p95; handshakes 421 / 769 ms');
    expect(spec.table.rows[0]!.slice(3, 5)).toEqual([1504.5, 2101.9]);
  });
});

describe('brown-out labels', () => {
  it('stack labels of brown-outs that are closer than a label width, and leave distant ones on the first row', async () => {
    const { brownoutLabels } = await import('../../charts/soc-over-time.ts');
    const outs = [145, 147, 149, 156, 188, 195].map((day, device) => ({ device, day, soc: 0, brownout: true }));
    const ls = brownoutLabels(outs, 200);
    const px = 590 / 200;
    for (const a of ls) for (const b of ls) {
      if (a === b || a.row !== b.row) continue;
      expect(Math.abs(a.day - b.day) * px, `#${a.device} and #${b.device} share row ${a.row}`).toBeGreaterThanOrEqual(2 * 5.5 + 4);
    }
    expect(ls.find((l) => l.device === 0)!.row).toBe(0);
    expect(ls.find((l) => l.device === 1)!.row).toBe(1);
  });
});
