/**
 * Analytic M/M/c results (Erlang C) and the batch-means confidence interval the simulation
 * reports, so the capacity model can be checked against theory: a station with Poisson arrivals
 * and exponential service must reproduce P(wait) and the mean wait within its own interval.
 * @module
 */
import type { Estimate } from '../../results/index.ts';

export interface ErlangC {
  /** Offered load per server, ρ = λ / (c μ). */
  rho: number;
  /** Probability that an arrival waits (all c servers busy): Erlang's C formula. */
  pWait: number;
  /** Mean wait in queue, ms: C / (c μ − λ). */
  meanWaitMs: number;
  /** Mean number waiting: λ · W_q. */
  meanQueue: number;
}

/**
 * Erlang C for c servers, arrival rate `lambdaPerMs` and mean service time `serviceMs`.
 * Uses the numerically stable Erlang B recursion B(k) = a B(k−1) / (k + a B(k−1)).
 * @throws RangeError unless 0 < ρ < 1 (no steady state otherwise)
 */
export function erlangC(servers: number, lambdaPerMs: number, serviceMs: number): ErlangC {
  if (!(Number.isInteger(servers) && servers >= 1)) throw new RangeError(`erlangC: servers: expected an integer >= 1, got ${servers}`);
  if (!(lambdaPerMs > 0) || !(serviceMs > 0)) throw new RangeError(`erlangC: expected a rate and a service time > 0, got ${lambdaPerMs}, ${serviceMs}`);
  const a = lambdaPerMs * serviceMs;
  const rho = a / servers;
  if (!(rho < 1)) throw new RangeError(`erlangC: offered load per server ρ = ${rho} must be < 1 for a steady state`);
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (a * b) / (k + a * b);
  const pWait = b / (1 - rho * (1 - b));
  const meanWaitMs = pWait / (servers / serviceMs - lambdaPerMs);
  return { rho, pWait, meanWaitMs, meanQueue: lambdaPerMs * meanWaitMs };
}


const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

/** The 97.5 % quantile of Student's t with `df` degrees of freedom (table, then Cornish–Fisher). */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) return NaN;
  const t = T975[Math.floor(df) - 1];
  if (t !== undefined) return t;
  const z = 1.959964;
  const z3 = z * z * z;
  return z + (z3 + z) / (4 * df) + (5 * z3 * z * z + 16 * z3 + 3 * z) / (96 * df * df);
}

/**
 * Ratio estimate Σ y / Σ n over batches (e.g. total wait / requests, one batch per hour) with a
 * 95 % batch-means interval: the batches are treated as independent, the standard error is that
 * of a ratio estimator, sqrt(Σ (y_i − r n_i)² / (k (k − 1))) / mean(n). Batches with n = 0 are
 * skipped. With fewer than 2 batches the interval is [NaN, NaN].
 */
export function batchRatio(y: ArrayLike<number>, n: ArrayLike<number>): Estimate {
  let sy = 0;
  let sn = 0;
  let k = 0;
  for (let i = 0; i < n.length; i++) {
    if (n[i]! > 0) {
      sy += y[i]!;
      sn += n[i]!;
      k++;
    }
  }
  if (sn === 0) return { value: NaN, lo: NaN, hi: NaN };
  const r = sy / sn;
  if (k < 2) return { value: r, lo: NaN, hi: NaN };
  let ss = 0;
  for (let i = 0; i < n.length; i++) {
    if (n[i]! > 0) {
      const e = y[i]! - r * n[i]!;
      ss += e * e;
    }
  }
  const se = Math.sqrt(ss / (k * (k - 1))) / (sn / k);
  const h = tQuantile975(k - 1) * se;
  return { value: r, lo: r - h, hi: r + h };
}
