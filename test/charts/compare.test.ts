/**
 * Two runs compared: one direction only (B vs A), the same axes on both sides, and a change
 * painted better or worse only when its interval excludes zero, with the interval printed.
 */
import { describe, expect, it } from 'vitest';
import { changeRows, changeText, compareCharts, runCharts, runLabels, runView, shareAxesAll, type Metric } from '../../charts/index.ts';
import { combinedDifference, proportionDifference, welchDifference } from '../../stats/index.ts';
import { plotScales, renderSvg } from '../../reports/index.ts';
import { fixtureRun } from '../reports/run-fixture.helpers.ts';
import { fixtureMessages } from '../reports/messages.helpers.ts';

const opts = { handshakeMessages: () => fixtureMessages() };
const A = runView(fixtureRun(), opts);
const B = runView(fixtureRun({ suite: 'mlkem1024-mldsa87-hybrid-aesgcm', handshakeCost: 1.35 }), opts);

describe('difference intervals (stats/difference.ts)', () => {
  it("Welch's interval matches R's t.test(b, a)", () => {
    const d = welchDifference([2, 4, 6, 8, 10], [1, 2, 3, 4, 5]);
    expect(d.diff).toBe(3);
    // R 4.x: t.test(c(2,4,6,8,10), c(1,2,3,4,5))$conf.int = -0.8829.., 6.8829.. (df 5.882)
    expect(d.lo).toBeCloseTo(-0.883, 2);
    expect(d.hi).toBeCloseTo(6.883, 2);
  });
  it('a rare-event difference of equal rates covers zero; a doubled rate over 10^5 trials does not', () => {
    const same = proportionDifference(18, 200_000, 18, 200_000);
    expect(same.lo).toBeLessThan(0);
    expect(same.hi).toBeGreaterThan(0);
    const double = proportionDifference(400, 100_000, 200, 100_000);
    expect(double.lo).toBeGreaterThan(0);
  });
  it('combines two runs\' intervals in quadrature on each side', () => {
    const d = combinedDifference({ value: 103, lo: 100, hi: 107 }, { value: 100, lo: 96, hi: 103 });
    expect(d.diff).toBe(3);
    expect(d.lo).toBeCloseTo(3 - Math.hypot(3, 3), 12);
    expect(d.hi).toBeCloseTo(3 + Math.hypot(4, 4), 12);
  });
});

describe('changes are coloured only when significant', () => {
  const base = { name: 'battery life p50', unit: 'days', better: 1 as const };
  it('a 1 % change whose interval spans zero is "no clear change", printed with its interval', () => {
    const m: Metric = { ...base, a: 400, b: 404, ci: combinedDifference({ value: 404, lo: 380, hi: 430 }, { value: 400, lo: 376, hi: 425 }) };
    const [r] = changeRows([m]);
    expect(r!.verdict).toBe('no clear change');
    expect(changeText(r!)).toMatch(/^\+1\.0 % \(95 % CI −\d+\.\d % to \+\d+\.\d %\)$/);
  });
  it('a change whose interval excludes zero is better or worse by the metric\'s direction', () => {
    const ci = combinedDifference({ value: 300, lo: 295, hi: 305 }, { value: 400, lo: 395, hi: 405 });
    expect(changeRows([{ ...base, a: 400, b: 300, ci }])[0]!.verdict).toBe('worse');
    expect(changeRows([{ ...base, name: 'x', better: -1, a: 400, b: 300, ci }])[0]!.verdict).toBe('better');
  });
  it('no interval, no colour', () => {
    expect(changeRows([{ ...base, a: 1, b: 2, ci: null }])[0]!.verdict).toBe('no interval');
  });
  it('the chart paints green or red only the rows whose interval excludes zero, and its table prints each interval', () => {
    const [metrics] = compareCharts(A, B);
    const svg = renderSvg(metrics!)!;
    const rows = metrics!.table.rows;
    const verdicts = rows.map((r) => r[7]);
    const coloured = (svg.match(/fill="#(59a14f|e15759)"/g) ?? []).length;
    expect(coloured).toBe(verdicts.filter((v) => v === 'better' || v === 'worse').length);
    for (const r of rows) if (r[7] !== 'no interval') expect(String(r[5])).toMatch(/ to /);
  });
});

describe('one direction: B vs A', () => {
  it('every comparison title and subtitle reads B vs A, never A vs B', () => {
    const [la, lb] = runLabels(A, B);
    for (const spec of compareCharts(A, B)) {
      expect(spec.title.startsWith(`${lb} vs ${la}`)).toBe(true);
      expect(`${spec.title} ${spec.subtitle}`).not.toContain(`${la} vs`);
      expect(`${spec.title} ${spec.subtitle}`).not.toMatch(/A vs B/);
    }
  });
  it('the compare title quotes the rows it draws', () => {
    const [metrics] = compareCharts(A, B);
    const [la, lb] = runLabels(A, B);
    const life = metrics!.table.rows[1]!;
    expect(metrics!.title).toContain(`${lb} vs ${la}: median battery life ${life[6]}`);
  });
});

describe('the same axes on both sides', () => {
  const continuous = (d: readonly unknown[] | undefined) => !!d && d.length === 2 && d.every((v) => typeof v === 'number');
  it('each pair of run charts gets identical continuous x and y domains', () => {
    const [ca, cb] = shareAxesAll(runCharts(A), runCharts(B), plotScales);
    let checked = 0;
    ca.forEach((sa, i) => {
      const sb = cb[i]!;
      if (!sa.plot || !sb.plot || sa.id === 'handshake-sequence') return;
      const [da, db] = [plotScales(sa), plotScales(sb)];
      for (const k of ['x', 'y'] as const) {
        if (!continuous(da[k]) || !continuous(db[k])) continue;
        expect(da[k], `${sa.id} ${k}`).toEqual(db[k]);
        checked++;
      }
    });
    expect(checked).toBeGreaterThanOrEqual(8);
    // Without sharing they differ (else the test could not fail).
    const unshared = runCharts(A).map((s, i) => [plotScales(s).x, plotScales(runCharts(B)[i]!).x]);
    expect(unshared.some(([x, y]) => JSON.stringify(x) !== JSON.stringify(y))).toBe(true);
  });
});

