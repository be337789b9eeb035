/**
 * Stored sweeps: the sweeps row (spec and analysis as JSON documents, read whole by reports) and
 * the links from it to its stored runs. Runs are saved by saveRun first; a sweep row is written
 * last, in one transaction with its links, so a stored sweep always finds its runs.
 * @module
 */
import type { Engine } from './engine.ts';

export interface SweepRunLink {
  runId: string;
  point: string;
  replication: number;
  seed: string;
}

export interface SweepRecord {
  sweepId: string;
  scenario: string;
  kind: 'replications' | 'grid' | 'sensitivity';
  createdAt?: string;
  spec: unknown;
  analysis: unknown;
  runs: SweepRunLink[];
}

export async function saveSweep(engine: Engine, sweep: SweepRecord): Promise<void> {
  await engine.transaction(async (tx) => {
    await tx.query('INSERT INTO sweeps (sweep_id, scenario, kind, spec, analysis) VALUES ($1, $2, $3, $4, $5)', [sweep.sweepId, sweep.scenario, sweep.kind, JSON.stringify(sweep.spec), JSON.stringify(sweep.analysis)]);
    for (const r of sweep.runs) {
      await tx.query('INSERT INTO sweep_runs (sweep_id, run_id, point, replication, seed) VALUES ($1, $2, $3, $4, $5)', [sweep.sweepId, r.runId, r.point, r.replication, r.seed]);
    }
  });
}

export async function getSweep(engine: Engine, sweepId: string): Promise<SweepRecord | null> {
  const rows = (await engine.query<{ sweep_id: string; scenario: string; kind: SweepRecord['kind']; created_at: Date | string; spec: unknown; analysis: unknown }>('SELECT sweep_id, scenario, kind, created_at, spec, analysis FROM sweeps WHERE sweep_id = $1', [sweepId])).rows;
  const row = rows[0];
  if (!row) return null;
  const links = (await engine.query<{ run_id: string; point: string; replication: number; seed: string }>('SELECT run_id, point, replication, seed FROM sweep_runs WHERE sweep_id = $1 ORDER BY point, replication', [sweepId])).rows;
  const parse = (x: unknown): unknown => (typeof x === 'string' ? JSON.parse(x) : x);
  return {
    sweepId: row.sweep_id, scenario: row.scenario, kind: row.kind,
    createdAt: row.created_at instanceof Date ? row.created_at.toISOString() : String(row.created_at),
    spec: parse(row.spec), analysis: parse(row.analysis),
    runs: links.map((l) => ({ runId: l.run_id, point: l.point, replication: Number(l.replication), seed: l.seed })),
  };
}
