import { describe, expect, it } from 'vitest';
import { listFigures, profileWith, readProfileSource } from '../../cli/sweep/figures.ts';

describe('sensitivity figures', () => {
  it("takes levels from a figure's range, else ±pct %, and lists only conf L by default", () => {
    const src = readProfileSource('default');
    const low = listFigures(src.raw, 'low-confidence', 20);
    const all = listFigures(src.raw, 'all', 20);
    expect(low.length).toBeLessThan(all.length);
    const erase = low.find((f) => f.name === 'flash.sectorErase')!;
    expect([erase.low, erase.high, erase.levels]).toEqual([30, 400, 'range']);
    const wake = low.find((f) => f.name === 'mcu.deepSleepWakeCurrent')!;
    expect(wake.low).toBeCloseTo(24, 12);
    expect(wake.high).toBeCloseTo(36, 12);
    expect(wake.levels).toBe('±20 %');
    expect(low.find((f) => f.name === 'mcu.activeOneCore')).toBeUndefined();
  });
  it("profileWith changes the one figure, in the file's unit, and validates the result", () => {
    const src = readProfileSource('default');
    const wake = listFigures(src.raw, 'low-confidence', 20).find((f) => f.name === 'mcu.deepSleepWakeCurrent')!;
    const p = profileWith(src, new Map([[wake, 60]]));
    expect(p.mcu.deepSleepWakeCurrent.value).toBe(60);
    expect(profileWith(src, new Map()).mcu.deepSleepWakeCurrent.value).toBe(30);
  });
  it('varies every signing base and iter at both ends and keeps the model valid (mean and p99 follow; they are not varied)', () => {
    const src = readProfileSource('default');
    const figures = listFigures(src.raw, 'all', 20);
    expect(figures.some((f) => /\.sign\.(mean|p99)$/.test(f.name))).toBe(false);
    const sign = figures.filter((f) => /\.sign\.(base|iter)$/.test(f.name));
    expect(sign.length).toBeGreaterThanOrEqual(6);
    for (const f of sign) for (const v of [f.low, f.high]) expect(() => profileWith(src, new Map([[f, v]]))).not.toThrow();
  });
});
