/**
 * Runs the points of a sweep (or the one point of a replicated run) with replications. Every
 * point's replication r runs on the same seed (stats/seeds.ts), so points differ only in what
 * they set: common random numbers across points. The runs share one pool of `workers` threads
 * (sim/twin/fleet-pool.ts), several in flight at once, and land in the points in their own order
 * whatever order they finish in.
 * @module
 */
import { readFileSync } from 'node:fs';
import { resolveScenario, type RunOverrides } from '../../scenarios/index.ts';
import { FleetPool } from '../../sim/twin/fleet-pool.ts';
import { mapConcurrent } from './concurrent.ts';
import { replicationSeeds, type PointRuns } from '../../stats/index.ts';
import { checkMemory, usefulWorkers } from '../preflight.ts';
import { num } from '../summary-table.ts';
import type { SweepPoint } from './grid.ts';
import { simulateRun } from './simulate.ts';

export interface ExecuteOptions {
  path: string;
  overrides: RunOverrides;
  replications: number;
  workers: number;
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
  // The runs in flight at once each hold their partial results: as many as keep the pool busy.
  const inFlight = Math.min(FleetPool.sizeFor(o.workers), runs.length);
  for (const p of plan) checkMemory(p.specs[0]!.fleet, usefulWorkers(o.workers, p.specs[0]!.fleet.devices).workers, undefined, inFlight);
  const pool = await FleetPool.open(o.workers);
  const t0 = performance.now();
  let done = 0;
  try {
    const results = await mapConcurrent(runs, inFlight, async ({ point, r, spec }) => {
      const result = await simulateRun({ ...spec, scenarioPath: o.path, scenarioText: text }, pool, o.workers);
      done++;
      o.log(`[${done}/${runs.length}] ${plan[point]!.name} replication ${r + 1} (seed ${String(seeds[r])}): ${num(result.manifest.wallMs / 1000)} s\n`);
      return result;
    });
    const out: PointRuns[] = plan.map((p, i) => ({ name: p.name, runs: results.filter((_, j) => runs[j]!.point === i) }));
    return { points: out, seeds, wallMs: performance.now() - t0 };
  } finally {
    await pool.close();
  }
}
