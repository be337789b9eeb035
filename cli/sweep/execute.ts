/**
 * Runs the points of a sweep (or the one point of a replicated run) with replications. Every
 * point's replication r runs on the same seed (stats/seeds.ts), so points differ only in what
 * they set: common random numbers across points.
 * @module
 */
import { readFileSync } from 'node:fs';
import { resolveScenario, type RunOverrides } from '../../scenarios/index.ts';
import { compileTwinMachines } from '../../sim/twin/machines.ts';
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
  const machines = compileTwinMachines();
  // Resolve every run first, so a bad point fails before anything is simulated.
  const plan = points.map((p) => ({ name: p.name, specs: seeds.map((seed) => resolveScenario(p.scenario, { ...o.overrides, seed: seed as number })) }));
  for (const p of plan) checkMemory(p.specs[0]!.fleet, usefulWorkers(o.workers, p.specs[0]!.fleet.devices).workers);
  const total = plan.length * seeds.length;
  const out: PointRuns[] = [];
  const t0 = performance.now();
  let done = 0;
  for (const p of plan) {
    const runs = [];
    for (const [r, spec] of p.specs.entries()) {
      const result = await simulateRun({ ...spec, scenarioPath: o.path, scenarioText: text }, machines, o.workers);
      runs.push(result);
      done++;
      o.log(`[${done}/${total}] ${p.name} replication ${r + 1} (seed ${String(seeds[r])}): ${num(result.manifest.wallMs / 1000)} s\n`);
    }
    out.push({ name: p.name, runs });
  }
  return { points: out, seeds, wallMs: performance.now() - t0 };
}
