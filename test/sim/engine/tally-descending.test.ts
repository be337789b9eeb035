import { describe, expect, it } from 'vitest';
import { Tally } from '../../../sim/engine/index.ts';

describe('Tally with values arriving in descending order', () => {
  it('keeps its bucket array small and its quantiles right (regression: the array doubled per step down)', () => {
    const t = new Tally();
    // A draining queue: latencies from 3e6 ms down to 1 ms, one sketch bucket apart.
    const values: number[] = [];
    for (let x = 3e6; x > 1; x /= 1.0101) values.push(x);
    for (const v of values) t.add(v);
    expect(t.count).toBe(values.length);
    const sorted = [...values].sort((a, b) => a - b);
    const median = sorted[Math.floor(0.5 * (sorted.length - 1))]!;
    expect(Math.abs(t.quantile(0.5) - median) / median).toBeLessThan(0.011);
    const pos = (t as unknown as { pos: { counts: Float64Array } }).pos;
    expect(pos.counts.length).toBeLessThanOrEqual(4096);
  });
});
