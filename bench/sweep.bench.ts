/**
 * The runs of a sweep (points × replications, or a sensitivity analysis' tornado and Morris runs)
 * on a shared pool of long-lived threads (sim/twin/fleet-pool.ts) against the baseline of one run
 * after another on threads of its own (what sweeps did before the pool), in the same process:
 * many small runs (a sensitivity analysis' 20 keychains × 3 days) and a few larger ones (1,000
 * keychains × 14 days, the size where a run is mostly simulation). Every pooled summary is
 * checked byte-identical to its own-threads run.
 *
 *   npx tsx bench/sweep.bench.ts
 * @module
 */
import { pathToFileURL } from 'node:url';
import { loadScenario, resolveScenario } from '../scenarios/index.ts';
import { runFleet } from '../sim/twin/parallel.ts';
import { FleetPool } from '../sim/twin/fleet-pool.ts';
import { mapConcurrent } from '../cli/sweep/concurrent.ts';
import type { FleetConfig } from '../sim/twin/config.ts';

async function compare(label: string, cfgs: FleetConfig[]): Promise<void> {
  let t0 = performance.now();
  const own: string[] = [];
  for (const cfg of cfgs) own.push(JSON.stringify((await runFleet(cfg, { workers: 1 })).summary));
  const ownS = (performance.now() - t0) / 1000;
  const line = [`${label}: ${cfgs.length} runs, each on a thread of its own ${ownS.toFixed(1)} s (${((ownS * 1000) / cfgs.length).toFixed(0)} ms a run)`];
  for (const threads of [1, 2]) {
    t0 = performance.now();
    const pool = await FleetPool.open(threads);
    const pooled = await mapConcurrent(cfgs, pool.size, async (cfg) => JSON.stringify((await runFleet(cfg, { workers: 1, pool })).summary));
    await pool.close();
    const s = (performance.now() - t0) / 1000;
    if (pooled.some((x, i) => x !== own[i])) throw new Error(`${label}: a pooled summary differs from its own-threads run`);
    line.push(`pool of ${pool.size} ${s.toFixed(1)} s (${(ownS / s).toFixed(1)}×)`);
  }
  console.log(line.join('; ') + '; summaries identical');
}

export async function main(): Promise<void> {
  const scenario = loadScenario('scenarios/quickstart.yaml');
  const small = Array.from({ length: 20 }, (_, i) => resolveScenario(scenario, { devices: 20, durationDays: 3, seed: 1000 + i }).fleet);
  await compare('sensitivity-sized runs (20 keychains × 3 d)', small);
  const kem = loadScenario('scenarios/kem-levels.yaml');
  const larger = Array.from({ length: 6 }, (_, i) => resolveScenario(kem, { devices: 1000, durationDays: 14, seed: 2000 + i }).fleet);
  await compare('larger runs (kem-levels, 1,000 keychains × 14 d)', larger);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
