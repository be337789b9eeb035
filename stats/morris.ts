/**
 * Morris elementary effects (Morris 1991; μ* from Campolongo, Cariboni & Saltelli 2007). Each of
 * k factors takes p levels on [0, 1] (mapped to the figure's low..high by the caller); a
 * trajectory starts at a random grid point and moves one factor at a time by Δ = p / (2(p − 1)),
 * so r trajectories cost r(k + 1) model runs. The elementary effect of factor i on a trajectory is
 * (y(x + Δeᵢ) − y(x)) / Δ in unit-scaled input. μ* (mean of
 * |EE|) ranks influence; σ (sd of EE) large relative to μ* means interaction or non-linearity.
 * Randomness comes from the caller's generator, so a seed fixes the design.
 * @module
 */

export interface MorrisDesign {
  levels: number;
  delta: number;
  /** r trajectories of k + 1 points each, every point k values in [0, 1]. */
  trajectories: number[][][];
  /** For each trajectory, the factor moved at step j (the point j + 1 differs from j in it). */
  order: number[][];
}

export interface MorrisEffect {
  factor: number;
  /** Mean of |EE|. */
  muStar: number;
  /** Mean of EE (signed: cancels when the effect changes sign). */
  mu: number;
  /** Sample standard deviation of EE (NaN with one trajectory). */
  sigma: number;
  effects: number[];
}

/** A design of r trajectories over k factors with p levels (p even, so Δ keeps points on the grid). */
export function morrisDesign(k: number, r: number, random: () => number, levels = 4): MorrisDesign {
  if (k < 1 || r < 1) throw new RangeError(`Morris design needs k >= 1 factors and r >= 1 trajectories, got k=${k}, r=${r}`);
  if (levels < 2 || levels % 2 !== 0) throw new RangeError(`Morris levels must be even and >= 2, got ${levels}`);
  const delta = levels / (2 * (levels - 1));
  const trajectories: number[][][] = [];
  const order: number[][] = [];
  for (let t = 0; t < r; t++) {
    const start = Array.from({ length: k }, () => Math.floor(random() * (levels / 2)) / (levels - 1));
    const perm = Array.from({ length: k }, (_, i) => i);
    for (let i = k - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    const points = [start.slice()];
    let x = start.slice();
    for (const f of perm) {
      x = x.slice();
      // Starts lie in the lower half of the grid, so every step is +Δ and stays on it.
      x[f] = x[f]! + delta;
      points.push(x);
    }
    trajectories.push(points);
    order.push(perm);
  }
  return { levels, delta, trajectories, order };
}

/** Elementary effects from outputs y[t][j] at design.trajectories[t][j]. */
export function morrisEffects(design: MorrisDesign, y: readonly (readonly number[])[]): MorrisEffect[] {
  const k = design.trajectories[0]![0]!.length;
  const effects: number[][] = Array.from({ length: k }, () => []);
  design.trajectories.forEach((points, t) => {
    design.order[t]!.forEach((f, j) => {
      const step = points[j + 1]![f]! - points[j]![f]!;
      effects[f]!.push((y[t]![j + 1]! - y[t]![j]!) / step);
    });
  });
  return effects.map((ee, factor) => {
    const n = ee.length;
    const mu = ee.reduce((a, b) => a + b, 0) / n;
    const muStar = ee.reduce((a, b) => a + Math.abs(b), 0) / n;
    const sigma = n < 2 ? NaN : Math.sqrt(ee.reduce((a, b) => a + (b - mu) ** 2, 0) / (n - 1));
    return { factor, muStar, mu, sigma, effects: ee };
  });
}
