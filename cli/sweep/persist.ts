/**
 * Stores a sweep: every run (as `keytwin run` stores one), then the sweep row linking them with
 * its spec and analysis, so `keytwin report --sweep <id>` can rebuild the comparison.
 * @module
 */
import { openStore, saveSweep, type SweepRecord } from '../../store/index.ts';
import type { PointRuns } from '../../stats/index.ts';

export async function storeSweep(url: string, sweep: Omit<SweepRecord, 'runs'>, points: readonly PointRuns[], seeds: readonly (number | string)[]): Promise<string> {
  const store = await openStore(url);
  try {
    const runs: SweepRecord['runs'] = [];
    for (const p of points) {
      for (const [r, result] of p.runs.entries()) {
        await store.saveRun(result);
        runs.push({ runId: result.manifest.runId, point: p.name, replication: r + 1, seed: String(seeds[r]) });
      }
    }
    await saveSweep(store.engine, { ...sweep, runs });
    return store.location;
  } finally {
    await store.close();
  }
}
