/**
 * Declarative distribution specs (what scenario YAML writes) and the samplers built from them.
 *
 *   { dist: 'lognormal', median: 8, sigma: 0.5 }   →   sampler(spec)(rng) → a number
 *
 * `validateDistributionSpec(spec, path)` returns every problem as "path.field: expected …, got …"
 * so the scenario loader can prefix the file and line; `sampler(spec)` throws with those messages.
 * Units are the caller's: a spec is just numbers (scenarios say the unit in the field name).
 * @module
 */

import {
  AliasTable,
  PiecewiseCdf,
  exponential,
  gamma,
  geometric,
  logGamma,
  lognormal,
  lognormalFromMeanCv,
  lognormalFromMedian,
  normal,
  poisson,
  triangular,
  uniform,
  weibull,
} from './distributions.ts';
import type { Rng } from './rng.ts';

/** A distribution spec. Lognormal takes either (median, sigma) or (mean, cv): exactly one pair. */
export type DistributionSpec =
  | { dist: 'constant'; value: number }
  | { dist: 'uniform'; min: number; max: number }
  | { dist: 'exponential'; mean: number }
  | { dist: 'normal'; mean: number; sd: number }
  | { dist: 'lognormal'; median: number; sigma: number }
  | { dist: 'lognormal'; mean: number; cv: number }
  | { dist: 'geometric'; p: number }
  | { dist: 'triangular'; min: number; mode: number; max: number }
  | { dist: 'gamma'; shape: number; scale: number }
  | { dist: 'weibull'; shape: number; scale: number }
  | { dist: 'poisson'; mean: number }
  | { dist: 'bernoulli'; p: number }
  | { dist: 'empirical'; values: number[]; weights?: number[] }
  | { dist: 'cdf'; points: [number, number][] };

export type DistributionName = DistributionSpec['dist'];

/** A sampler draws one number from an rng. Bernoulli yields 1 or 0. */
export type Sampler = (rng: Rng) => number;

/** Fields each distribution requires (lognormal: one of two pairs) and allows. */
const FIELDS: Record<DistributionName, readonly (readonly string[])[]> = {
  constant: [['value']],
  uniform: [['min', 'max']],
  exponential: [['mean']],
  normal: [['mean', 'sd']],
  lognormal: [['median', 'sigma'], ['mean', 'cv']],
  geometric: [['p']],
  triangular: [['min', 'mode', 'max']],
  gamma: [['shape', 'scale']],
  weibull: [['shape', 'scale']],
  poisson: [['mean']],
  bernoulli: [['p']],
  empirical: [['values', 'weights'], ['values']],
  cdf: [['points']],
};

/** The distribution names a spec may use. */
export const DISTRIBUTION_NAMES = Object.keys(FIELDS) as DistributionName[];

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return v.length > 6 ? `an array of ${v.length}` : JSON.stringify(v);
  if (v !== null && typeof v === 'object') return 'an object';
  return String(v);
}

/**
 * Checks a spec; returns [] when valid, else one message per problem, each starting with the
 * field path (`path` is the spec's own path, e.g. `fleet.unlocksPerDay`).
 */
export function validateDistributionSpec(spec: unknown, path = 'spec'): string[] {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    return [`${path}: expected a distribution object like { dist: 'exponential', mean: 5 }, got ${show(spec)}`];
  }
  const s = spec as Record<string, unknown>;
  const name = s['dist'];
  if (typeof name !== 'string' || !(name in FIELDS)) {
    return [`${path}.dist: expected one of ${DISTRIBUTION_NAMES.join(', ')}, got ${show(name)}`];
  }
  const errors: string[] = [];
  const shapes = FIELDS[name as DistributionName];
  const present = Object.keys(s).filter((k) => k !== 'dist');
  const shape = shapes.find((fields) => fields.every((f) => f in s) && present.every((k) => fields.includes(k)));
  if (shape === undefined) {
    const want = shapes.map((f) => f.join(', ')).join(' | or | ');
    return [`${path}: '${name}' expects the fields { ${want} }, got { ${present.join(', ')} }`];
  }
  const num = (field: string, ok: (x: number) => boolean, expected: string): number => {
    const v = s[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
      errors.push(`${path}.${field}: expected ${expected}, got ${show(v)}`);
      return NaN;
    }
    return v;
  };
  const any = () => true;
  const pos = (x: number) => x > 0;
  const nonneg = (x: number) => x >= 0;
  switch (name as DistributionName) {
    case 'constant':
      num('value', any, 'a finite number');
      break;
    case 'uniform': {
      const lo = num('min', any, 'a finite number');
      num('max', (x) => !(x <= lo), `a number > min (${lo})`);
      break;
    }
    case 'exponential':
    case 'poisson':
      num('mean', pos, 'a number > 0');
      break;
    case 'normal':
      num('mean', any, 'a finite number');
      num('sd', nonneg, 'a number ≥ 0');
      break;
    case 'lognormal':
      if ('median' in s) {
        num('median', pos, 'a number > 0');
        num('sigma', nonneg, 'a number ≥ 0');
      } else {
        num('mean', pos, 'a number > 0');
        num('cv', nonneg, 'a number ≥ 0');
      }
      break;
    case 'geometric':
      num('p', (x) => x > 0 && x <= 1, 'a probability in (0, 1]');
      break;
    case 'bernoulli':
      num('p', (x) => x >= 0 && x <= 1, 'a probability in [0, 1]');
      break;
    case 'triangular': {
      const lo = num('min', any, 'a finite number');
      const mode = num('mode', (x) => !(x < lo), `a number ≥ min (${lo})`);
      num('max', (x) => !(x < mode) && !(x <= lo), `a number ≥ mode (${mode}) and > min (${lo})`);
      break;
    }
    case 'gamma':
    case 'weibull':
      num('shape', pos, 'a number > 0');
      num('scale', pos, 'a number > 0');
      break;
    case 'empirical': {
      const values = s['values'];
      if (!Array.isArray(values) || values.length === 0) {
        errors.push(`${path}.values: expected a non-empty array of numbers, got ${show(values)}`);
        break;
      }
      values.forEach((v, i) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) errors.push(`${path}.values[${i}]: expected a finite number, got ${show(v)}`);
      });
      if ('weights' in s) {
        const w = s['weights'];
        if (!Array.isArray(w) || w.length !== values.length) {
          errors.push(`${path}.weights: expected an array of ${values.length} numbers (one per value), got ${show(w)}`);
          break;
        }
        let sum = 0;
        w.forEach((x, i) => {
          if (typeof x !== 'number' || !(x >= 0 && x < Infinity)) errors.push(`${path}.weights[${i}]: expected a finite number ≥ 0, got ${show(x)}`);
          else sum += x;
        });
        if (errors.length === 0 && !(sum > 0)) errors.push(`${path}.weights: expected a positive sum, got ${sum}`);
      }
      break;
    }
    case 'cdf': {
      const pts = s['points'];
      if (!Array.isArray(pts) || pts.length < 2) {
        errors.push(`${path}.points: expected at least 2 [x, p] pairs, got ${show(pts)}`);
        break;
      }
      let prevX = -Infinity;
      let prevP = 0;
      pts.forEach((pt, i) => {
        const at = `${path}.points[${i}]`;
        if (!Array.isArray(pt) || pt.length !== 2 || typeof pt[0] !== 'number' || typeof pt[1] !== 'number' || !Number.isFinite(pt[0])) {
          errors.push(`${at}: expected a pair [x, p] of numbers, got ${show(pt)}`);
          return;
        }
        const [x, p] = pt as [number, number];
        if (!(x > prevX)) errors.push(`${at}[0]: expected x > ${prevX} (x strictly increasing), got ${x}`);
        if (!(p >= prevP && p <= 1)) errors.push(`${at}[1]: expected p in [${prevP}, 1] (a non-decreasing CDF), got ${p}`);
        prevX = x;
        prevP = p;
      });
      if (errors.length > 0) break;
      const first = (pts[0] as [number, number])[1];
      const last = (pts[pts.length - 1] as [number, number])[1];
      if (first !== 0) errors.push(`${path}.points[0][1]: expected p = 0 (the CDF starts at 0), got ${first}`);
      if (last !== 1) errors.push(`${path}.points[${pts.length - 1}][1]: expected p = 1 (the CDF ends at 1), got ${last}`);
      break;
    }
  }
  return errors;
}

/** Throws if `spec` is invalid, listing every problem; narrows its type otherwise. */
export function assertDistributionSpec(spec: unknown, path = 'spec'): asserts spec is DistributionSpec {
  const errors = validateDistributionSpec(spec, path);
  if (errors.length > 0) throw new TypeError(`invalid distribution:\n  ${errors.join('\n  ')}`);
}

/** The analytic mean of a (valid) spec, for checks and reports. */
export function specMean(spec: DistributionSpec): number {
  switch (spec.dist) {
    case 'constant': return spec.value;
    case 'uniform': return (spec.min + spec.max) / 2;
    case 'exponential': case 'poisson': return spec.mean;
    case 'normal': return spec.mean;
    case 'lognormal': {
      const { mu, sigma } = 'median' in spec ? lognormalFromMedian(spec.median, spec.sigma) : lognormalFromMeanCv(spec.mean, spec.cv);
      return Math.exp(mu + (sigma * sigma) / 2);
    }
    case 'geometric': return 1 / spec.p;
    case 'triangular': return (spec.min + spec.mode + spec.max) / 3;
    case 'gamma': return spec.shape * spec.scale;
    case 'weibull': return spec.scale * Math.exp(logGamma(1 + 1 / spec.shape));
    case 'bernoulli': return spec.p;
    case 'empirical': {
      const w = spec.weights ?? spec.values.map(() => 1);
      const sum = w.reduce((a, b) => a + b, 0);
      return spec.values.reduce((a, v, i) => a + (v * w[i]!) / sum, 0);
    }
    case 'cdf': {
      let m = 0;
      for (let i = 1; i < spec.points.length; i++) {
        const [x0, p0] = spec.points[i - 1]!;
        const [x1, p1] = spec.points[i]!;
        m += ((x0 + x1) / 2) * (p1 - p0);
      }
      return m;
    }
  }
}

/** Builds a sampler from a spec, after validating it (throws with every problem and its path). */
export function sampler(spec: unknown, path = 'spec'): Sampler {
  assertDistributionSpec(spec, path);
  switch (spec.dist) {
    case 'constant': { const v = spec.value; return () => v; }
    case 'uniform': { const { min, max } = spec; return (rng) => uniform(rng, min, max); }
    case 'exponential': { const m = spec.mean; return (rng) => exponential(rng, m); }
    case 'normal': { const { mean, sd } = spec; return (rng) => normal(rng, mean, sd); }
    case 'lognormal': {
      const { mu, sigma } = 'median' in spec ? lognormalFromMedian(spec.median, spec.sigma) : lognormalFromMeanCv(spec.mean, spec.cv);
      return (rng) => lognormal(rng, mu, sigma);
    }
    case 'geometric': { const p = spec.p; return (rng) => geometric(rng, p); }
    case 'triangular': { const { min, mode, max } = spec; return (rng) => triangular(rng, min, mode, max); }
    case 'gamma': { const { shape, scale } = spec; return (rng) => gamma(rng, shape, scale); }
    case 'weibull': { const { shape, scale } = spec; return (rng) => weibull(rng, shape, scale); }
    case 'poisson': { const m = spec.mean; return (rng) => poisson(rng, m); }
    case 'bernoulli': { const p = spec.p; return (rng) => (rng.next() < p ? 1 : 0); }
    case 'empirical': {
      const values = Float64Array.from(spec.values);
      const table = new AliasTable(spec.weights ?? spec.values.map(() => 1));
      return (rng) => values[table.sample(rng)]!;
    }
    case 'cdf': {
      const cdf = new PiecewiseCdf(spec.points.map((p) => p[0]), spec.points.map((p) => p[1]));
      return (rng) => cdf.sample(rng);
    }
  }
}
