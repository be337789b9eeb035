/**
 * Runs the points of a sweep (or the one point of a replicated run) with replications. Every
 * point's replication r runs on the same seed (stats/seeds.ts), so points differ only in what
 * they set: common random numbers across points. The runs share one pool of `workers` threads
 * (sim/twin/fleet-pool.ts), or NATS workers (executor.ts), several in flight at once, and land in
 * the points in their own order whatever order they finish in.
 * @module
 */
import { readFileSync } from 'node:fs';
import { resolveScenario, type RunOverrides } from '../../scenarios/index.ts';
import { mapConcurrent } from './concurrent.ts';
import { openExecutor, type NatsExecutorOptions } from './executor.ts';
import { replicationSeeds, type PointRuns } from '../../stats/index.ts';
import { num } from '../summary-table.ts';
import type { SweepPoint } from './grid.ts';
import { simulateRun } from './simulate.ts';

export interface ExecuteOptions {
  path: string;
  overrides: RunOverrides;
  replications: number;
  /** Threads of the local pool (also how each run is split), unless `nats`. */
  workers: number;
  /** Run on `keytwin worker --nats` processes instead of local threads. */
  nats?: Omit<NatsExecutorOptions, 'log'>;
  /** The base seed (a drawn one when the scenario says `random`). */
  seed: number;
  log: (line: string) => void;
}

export interface Executed {
  points: PointRuns[];
  seeds: (number | string)[];
  wallMs: number;
}

export async function executePoints(points: readonly SweepPoint[], o: ExecuteOptions): Promise<Executed> {
  const text = readFileSync(o.path, 'utf8');
  const seeds = replicationSeeds(o.seed, o.replications);
  // Resolve every run first, so a bad point fails before anything is simulated.
  const plan = points.map((p) => ({ name: p.name, specs: seeds.map((seed) => resolveScenario(p.scenario, { ...o.overrides, seed: seed as number })) }));
  const runs = plan.flatMap((p, i) => p.specs.map((spec, r) => ({ point: i, r, spec })));
  const executor = await openExecutor(o, plan.map((p) => p.specs[0]!.fleet), runs.length);
  const t0 = performance.now();
  let done = 0;
  try {
    const results = await mapConcurrent(runs, executor.inFlight, async ({ point, r, spec }) => {
      const label = `${plan[point]!.name} replication ${r + 1}`;
      const result = await simulateRun({ ...spec, scenarioPath: o.path, scenarioText: text }, executor, label);
      done++;
      o.log(`[${done}/${runs.length}] ${label} (seed ${String(seeds[r])}): done ${num(result.manifest.wallMs / 1000)} s after it was queued\n`);
      return result;
    });
    const out: PointRuns[] = plan.map((p, i) => ({ name: p.name, runs: results.filter((_, j) => runs[j]!.point === i) }));
    return { points: out, seeds, wallMs: performance.now() - t0 };
  } finally {
    await executor.close();
  }
}
