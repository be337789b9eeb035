import { describe, expect, it } from 'vitest';
import { morrisDesign, morrisEffects } from '../../stats/index.ts';
import { createRng } from '../../sim/engine/index.ts';

describe('Morris elementary effects', () => {
  it('recovers the known effects of a synthetic function', () => {
    // y = 10 x0 − 3 x1 + 0 x2 + 4 x3²: EE of x0 is 10 and of x1 −3 everywhere (σ 0), x2 none,
    // x3 depends on where it steps (x3 ∈ {0, 1/3} → +2/3: EE = 4 (2 x3 + Δ) ∈ {8/3, 16/3}).
    const rng = createRng(7);
    const f = (x: readonly number[]) => 10 * x[0]! - 3 * x[1]! + 4 * x[3]! ** 2;
    const design = morrisDesign(4, 12, () => rng.next());
    expect(design.delta).toBeCloseTo(2 / 3, 12);
    expect(design.trajectories.every((t) => t.length === 5)).toBe(true);
    const y = design.trajectories.map((points) => points.map(f));
    const e = morrisEffects(design, y);
    expect(e[0]!.muStar).toBeCloseTo(10, 9);
    expect(e[0]!.sigma).toBeCloseTo(0, 9);
    expect(e[1]!.mu).toBeCloseTo(-3, 9);
    expect(e[1]!.muStar).toBeCloseTo(3, 9);
    expect(e[2]!.muStar).toBe(0);
    for (const ee of e[3]!.effects) expect([8 / 3, 16 / 3].some((v) => Math.abs(v - ee) < 1e-9)).toBe(true);
    expect(e[3]!.sigma).toBeGreaterThan(0);
  });
  it('keeps every point on the grid [0, 1]', () => {
    const rng = createRng(1);
    const d = morrisDesign(6, 5, () => rng.next());
    for (const t of d.trajectories) for (const p of t) for (const v of p) expect(v >= 0 && v <= 1 + 1e-12).toBe(true);
  });
});
