/**
 * Validation against queueing theory: M/M/1 and M/M/c built on the engine must reproduce the
 * analytic mean wait in queue (Erlang C) within the 99 % confidence interval of the run
 * (batch means over one long run, after a warm-up).
 */
import { describe, expect, it } from 'vitest';
import { Resource, createEnvironment, createRng, exponential, timeout, type Environment, type Rng, type Yieldable } from '../../../sim/engine/index.ts';

/** Erlang C: probability that an arrival waits, for c servers and offered load a = λ/μ. */
function erlangC(c: number, a: number): number {
  let sum = 0;
  let term = 1; // a^k / k!
  for (let k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  const tail = term / (1 - a / c); // a^c / c! · 1/(1-ρ)
  return tail / (sum + tail);
}

/** Analytic mean wait in queue for M/M/c. */
function mmcWq(lambda: number, mu: number, c: number): number {
  return erlangC(c, lambda / mu) / (c * mu - lambda);
}

// t quantile 0.995 with 19 degrees of freedom (20 batches).
const T_995_19 = 2.861;

/** Batch-means 99 % CI of the mean of `xs` after dropping the first `warmup` values. */
function batchMeansCi(xs: number[], warmup: number, batches = 20): { mean: number; half: number } {
  const data = xs.slice(warmup);
  const size = Math.floor(data.length / batches);
  const means: number[] = [];
  for (let b = 0; b < batches; b++) {
    let s = 0;
    for (let i = b * size; i < (b + 1) * size; i++) s += data[i]!;
    means.push(s / size);
  }
  const mean = means.reduce((a, b) => a + b, 0) / batches;
  const variance = means.reduce((a, m) => a + (m - mean) ** 2, 0) / (batches - 1);
  return { mean, half: T_995_19 * Math.sqrt(variance / batches) };
}

/** M/M/c with generator processes and a FIFO Resource; returns waits in order of arrival. */
function mmcWithProcesses(env: Environment, rng: Rng, lambda: number, mu: number, c: number, customers: number) {
  const server = new Resource(env, c);
  const waits = new Array<number>(customers);
  const arrivals = rng.stream('arrivals');
  const service = rng.stream('service');
  function* customer(i: number): Generator<Yieldable, void, unknown> {
    const arrived = env.now;
    yield server.request();
    waits[i] = env.now - arrived;
    yield timeout(exponential(service, 1 / mu));
    server.release();
  }
  env.process(function* () {
    for (let i = 0; i < customers; i++) {
      env.process(customer(i));
      yield timeout(exponential(arrivals, 1 / lambda));
    }
  });
  env.run();
  return { waits, server };
}

describe('queueing validation', () => {
  it('erlangC matches textbook values', () => {
    // M/M/1: P(wait) = ρ; M/M/2 with a = 1: C = 1/3.
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 12);
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    expect(mmcWq(0.7, 1, 1)).toBeCloseTo(0.7 / 0.3, 12);
  });

  it('M/M/1 (ρ = 0.7) with processes + Resource: mean wait within the 99 % CI of the run', () => {
    const env = createEnvironment();
    const { waits, server } = mmcWithProcesses(env, createRng('mm1'), 0.7, 1, 1, 200_000);
    const ci = batchMeansCi(waits, 10_000);
    const analytic = mmcWq(0.7, 1, 1);
    expect(ci.half / ci.mean).toBeLessThan(0.1); // the CI is informative, not vacuous
    expect(Math.abs(ci.mean - analytic)).toBeLessThanOrEqual(ci.half);
    // Little's law on the time-weighted queue level: Lq = λ̂ · W̄q over the whole run.
    const meanWait = waits.reduce((a, b) => a + b, 0) / waits.length;
    const lambdaHat = waits.length / env.now;
    expect(server.queueLevel.timeAverage).toBeCloseTo(lambdaHat * meanWait, 2);
    expect(server.inUse).toBe(0);
  });

  it('M/M/3 (ρ = 0.8) with processes + Resource: mean wait within the 99 % CI (Erlang C)', () => {
    const env = createEnvironment();
    const { waits, server } = mmcWithProcesses(env, createRng('mm3'), 2.4, 1, 3, 200_000);
    const ci = batchMeansCi(waits, 10_000);
    const analytic = mmcWq(2.4, 1, 3);
    expect(analytic).toBeCloseTo(1.0787, 3);
    expect(ci.half / ci.mean).toBeLessThan(0.15);
    expect(Math.abs(ci.mean - analytic)).toBeLessThanOrEqual(ci.half);
    // Utilisation: time-average busy servers = λ/μ = 2.4 within 2 %.
    expect(server.busyLevel.timeAverage / 2.4).toBeCloseTo(1, 1);
  });

  it('M/M/1 on raw calendar events (no processes): mean wait within the 99 % CI', () => {
    const ARRIVAL = 0;
    const DEPARTURE = 1;
    const lambda = 0.8;
    const mu = 1;
    const customers = 300_000;
    const env = createEnvironment();
    const rng = createRng(2024);
    const arrivals = rng.stream('arrivals');
    const service = rng.stream('service');
    const queue: number[] = []; // arrival times, FIFO
    let qHead = 0;
    let busy = false;
    let arrived = 0;
    const waits: number[] = [];
    env.schedule(exponential(arrivals, 1 / lambda), ARRIVAL, 0);
    env.run(Infinity, (kind) => {
      if (kind === ARRIVAL) {
        if (++arrived < customers) env.scheduleIn(exponential(arrivals, 1 / lambda), ARRIVAL, 0);
        if (!busy) {
          busy = true;
          waits.push(0);
          env.scheduleIn(exponential(service, 1 / mu), DEPARTURE, 0);
        } else queue.push(env.now);
      } else if (qHead < queue.length) {
        waits.push(env.now - queue[qHead++]!);
        env.scheduleIn(exponential(service, 1 / mu), DEPARTURE, 0);
      } else busy = false;
    });
    expect(waits).toHaveLength(customers);
    const ci = batchMeansCi(waits, 20_000);
    expect(ci.half / ci.mean).toBeLessThan(0.1);
    expect(Math.abs(ci.mean - mmcWq(lambda, mu, 1))).toBeLessThanOrEqual(ci.half);
  });
});
