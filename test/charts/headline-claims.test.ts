/**
 * Headlines that are true of their own data: one quantile definition (d3's, R-7) across the
 * summary, charts and sketch; shares that never round a non-zero rate to 0 %; and a failures
 * headline that does not call a run clean while intents went unserved.
 */
import { describe, expect, it } from 'vitest';
import { quantileSorted as d3QuantileSorted } from 'd3';
import { percent, percentClaim, quantileSorted } from '../../charts/format.ts';
import { failuresOverTime } from '../../charts/failures.ts';
import { cloudLoad } from '../../charts/cloud-load.ts';
import { quantileWithCi } from '../../sim/twin/quantiles.ts';
import { Tally, createRng } from '../../sim/engine/index.ts';

const QS = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];

function samples(seed: number, n: number): Float64Array {
  const r = createRng(seed).stream('q');
  // Lognormal-ish positive data with ties (integers) and a heavy tail, like latencies and lives.
  return Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 100 : Math.round(Math.exp(4 + 1.5 * (r.next() + r.next() - 1)) * 10) / 10)).sort();
}

describe('one quantile definition (d3.quantile, R-7)', () => {
  for (const n of [1, 2, 5, 40, 1001]) {
    it(`charts, summary (quantileWithCi) agree with d3 exactly on ${n} values; the Tally sketch within its 0.5 % bound`, () => {
      const xs = samples(n, n);
      const t = new Tally();
      for (const x of xs) t.add(x);
      for (const q of QS) {
        const want = d3QuantileSorted(Array.from(xs), q)!;
        expect(quantileSorted(xs, q)).toBe(want);
        const e = quantileWithCi(xs, q);
        expect(e.value).toBe(want);
        expect(e.lo).toBeLessThanOrEqual(e.value);
        expect(e.hi).toBeGreaterThanOrEqual(e.value);
        expect(Math.abs(t.quantile(q) - want)).toBeLessThanOrEqual(0.005 * want + 1e-9);
      }
    });
  }
});

describe('percentClaim', () => {
  it('never shows a non-zero share as 0 % nor a partial one as 100 %', () => {
    expect(percentClaim(18 / 200_000)).toBe('< 0.1 %');
    expect(percentClaim(0)).toBe('0.0 %');
    expect(percentClaim(1)).toBe('100.0 %');
    expect(percentClaim(1 - 1e-6)).toBe('> 99.9 %');
    expect(percentClaim(0.0512)).toBe('5.1 %');
    expect(percentClaim(0.00004, 2)).toBe('< 0.01 %');
  });
  it('is true of its input for any rate: zero iff zero, 100 iff whole, else within half a step', () => {
    const r = createRng(7).stream('p');
    for (let i = 0; i < 2000; i++) {
      const whole = 1 + Math.floor(r.next() * 1e6);
      const part = Math.floor(r.next() ** 6 * (whole + 1));
      const s = percentClaim(part / whole);
      if (part === 0) expect(s).toBe('0.0 %');
      else if (part === whole) expect(s).toBe('100.0 %');
      else if (s.startsWith('<')) expect((100 * part) / whole).toBeLessThan(0.05);
      else if (s.startsWith('>')) expect((100 * part) / whole).toBeGreaterThanOrEqual(99.95);
      else {
        const shown = Number(s.replace(' %', '').replace(/,/g, ''));
        expect(shown).toBeGreaterThan(0);
        expect(shown).toBeLessThan(100);
        expect(Math.abs(shown - (100 * part) / whole)).toBeLessThanOrEqual(0.05 + 1e-9);
      }
    }
  });
});

describe('failures headline', () => {
  const daily = [{ day: 0, failures: {}, outcomes: { 'link lost': 18 } }] as never;
  it('recomputes its count and share from the outcomes, never "0.0 %" for 18 of 200,000 intents', () => {
    const spec = failuresOverTime({ daily, outcomes: { unlocked: 199_982, 'link lost': 18 }, intents: 200_000 });
    expect(spec.title).toBe("Outcomes of 200,000 unlock intents: 18 not unlocked (< 0.1 %); most 'link lost' (100 %)");
  });
  it('does not claim "no failures" while intents went unserved', () => {
    const spec = failuresOverTime({ daily: [] as never, outcomes: { unlocked: 5727, phoneNotInRange: 616 }, intents: 6343 });
    expect(spec.title).toBe("Outcomes of 6,343 unlock intents: 616 not unlocked (9.7 %); most 'phoneNotInRange' (100 %)");
    expect(spec.title).not.toMatch(/no failures/i);
    const clean = failuresOverTime({ daily: [] as never, outcomes: { unlocked: 10 }, intents: 10 });
    expect(clean.title).toBe('Outcomes of 10 unlock intents: all unlocked');
  });
});

describe('cloud headline', () => {
  it('names the busiest station and a utilisation that is not 0.00 % when it is not zero', () => {
    const rows = [
      { day: 0, station: 'ota', requests: 3, utilisation: 0.00003 },
      { day: 1, station: 'telemetry', requests: 9, utilisation: 0.00004 },
    ];
    const spec = cloudLoad(rows as never);
    const busiest = rows.reduce((a, r) => (r.utilisation > a.utilisation ? r : a));
    expect(spec.title).toBe(`Busiest cloud station: ${busiest.station} at < 0.01 % utilisation on day ${busiest.day + 1}`);
  });
});

describe('percent (the shared formatter every title uses) makes the same claim', () => {
  it('never prints a non-zero share as 0 % or a partial one as 100 %', () => {
    expect(percent(0.003, 0)).toBe('< 1 %');
    expect(percent(0.9996, 0)).toBe('> 99 %');
    expect(percent(0.00003, 2)).toBe('< 0.01 %');
    expect(percent(0.5, 0)).toBe('50 %');
    expect(percent(0, 0)).toBe('0 %');
  });
});
