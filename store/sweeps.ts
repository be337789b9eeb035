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

/** One stored sweep as the dashboard lists it: what was swept and how much was run, newest first. */
export interface SweepListing {
  sweepId: string;
  scenario: string;
  kind: SweepRecord['kind'];
  createdAt: string;
  /** Distinct points (variants) and stored runs linked to the sweep. */
  points: number;
  runs: number;
  /** Most replications of any point (every point has the same number in a grid). */
  replications: number;
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

export async function listSweeps(engine: Engine): Promise<SweepListing[]> {
  const rows = (await engine.query<{ sweep_id: string; scenario: string; kind: SweepRecord['kind']; created_at: Date | string; points: number | string; runs: number | string; replications: number | string | null }>(
    `SELECT s.sweep_id, s.scenario, s.kind, s.created_at,
       count(DISTINCT l.point) AS points, count(l.run_id) AS runs, max(l.replication) AS replications
     FROM sweeps s LEFT JOIN sweep_runs l USING (sweep_id)
     GROUP BY s.sweep_id ORDER BY s.created_at DESC, s.sweep_id`,
  )).rows;
  return rows.map((r) => ({
    sweepId: r.sweep_id, scenario: r.scenario, kind: r.kind,
    createdAt: r.created_at instanceof Date ? r.created_at.toISOString() : String(r.created_at),
    points: Number(r.points), runs: Number(r.runs), replications: Number(r.replications ?? 0),
  }));
}
