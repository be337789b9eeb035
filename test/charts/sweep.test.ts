import { describe, expect, it } from 'vitest';
import { morrisChart, pairedDifferenceChart, sweepIntervals, tornadoChart } from '../../charts/index.ts';
import { renderSvg } from '../../reports/index.ts';

const life = { key: 'batteryP50', label: 'battery life p50', unit: 'd' };

describe('sweep charts state what their rows show', () => {
  it('sweepIntervals names the lowest and highest point and draws every point on one chart', () => {
    const spec = sweepIntervals([
      { point: 'a', mean: 200, lo: 190, hi: 210, baseline: true },
      { point: 'b', mean: 150, lo: 140, hi: 160, baseline: false },
      { point: 'c', mean: 250, lo: NaN, hi: NaN, baseline: false },
    ], life, 3);
    expect(spec.title).toBe('battery life p50: from 150 d (b) to 250 d (c)');
    const svg = renderSvg(spec)!;
    expect(svg.match(/<circle/g)!.length).toBe(3);
  });
  it('pairedDifferenceChart says when no point differs, and names the largest significant one', () => {
    const none = pairedDifferenceChart([{ point: 'same', mean: 0, lo: 0, hi: 0, significant: false }], life, 'base', '2 replications');
    expect(none.title).toBe("battery life p50: no point differs significantly from 'base'");
    const some = pairedDifferenceChart([
      { point: 'same', mean: 0, lo: 0, hi: 0, significant: false },
      { point: 'double', mean: -26.6, lo: -40.2, hi: -13, significant: true },
    ], life, 'base', '2 replications');
    expect(some.title).toBe("battery life p50: 1 of 2 points differs significantly from 'base'; largest −26.6 d (double)");
    expect(some.table.rows.map((r) => r[4])).toEqual(['not significant', 'lower']);
    expect(renderSvg(some)).toContain('<svg');
  });
  it('a small significant difference is never printed as 0 (the table once read "0, 0 to 0, lower")', () => {
    const spec = pairedDifferenceChart([{ point: 'mlkem768-mldsa44', mean: -0.21, lo: -0.28, hi: -0.14, significant: true }], life, 'base', 'keychains (20 pairs per point)');
    expect(spec.table.rows[0]).toEqual(['mlkem768-mldsa44', '−0.210', '−0.280', '−0.140', 'lower']);
    expect(spec.title).toContain('largest −0.210 d');
  });
  it('tornadoChart names the figure with the largest swing; figures that move nothing are left out', () => {
    const spec = tornadoChart([
      { figure: 'ble.advEventCharge', atLow: 210, atHigh: 150 },
      { figure: 'flash.pageBytes', atLow: 180, atHigh: 180 },
      { figure: 'battery.vSystemMin', atLow: 182, atHigh: 178 },
    ], life, 180);
    expect(spec.title).toBe('ble.advEventCharge moves battery life p50 most: 210 to 150 d across its range');
    expect(spec.table.rows.map((r) => r[0])).toEqual(['ble.advEventCharge', 'battery.vSystemMin']);
    expect(renderSvg(spec)).toContain('<svg');
  });
  it('morrisChart names the three largest μ*, and says so when nothing moved', () => {
    const spec = morrisChart([
      { figure: 'a', muStar: 1, sigma: 0.1 },
      { figure: 'b', muStar: 30, sigma: 2 },
      { figure: 'c', muStar: 5, sigma: 5 },
      { figure: 'd', muStar: 0, sigma: 0 },
    ], life, 10);
    expect(spec.title).toBe('battery life p50: largest Morris μ* b (30.0 d), c (5.0 d), a (1.0 d)');
    expect(morrisChart([{ figure: 'd', muStar: 0, sigma: 0 }], life, 10).plot).toBeNull();
  });
});
