/**
 * Stores a `keytwin load` run (migration 004_load_runs) in one transaction: the run row with its
 * reconciled counts, and one row per endpoint.
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import { openStore } from '../../store/index.ts';
import type { LoadReport } from './session.ts';

export interface LoadRunRecord {
  scenario: string;
  scenarioText: string;
  seed: number | string;
  target: string;
  speed: number;
  startedAt: Date;
  report: LoadReport;
  passed: boolean;
}

/** Saves the run; returns its id. */
export async function saveLoadRun(url: string, r: LoadRunRecord): Promise<string> {
  const store = await openStore(url);
  const id = randomUUID();
  const s = r.report.stats;
  const q = (x: { count: number; quantile(p: number): number }, p: number) => (x.count > 0 ? x.quantile(p) : null);
  try {
    await store.engine.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO load_runs (load_id, scenario, scenario_sha256, seed, target, speed, started_at, wall_ms, requests, sent, received, errors, p50_ms, p99_ms, bodies_sha256, by_status, passed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
        [id, r.scenario, createHash('sha256').update(r.scenarioText).digest('hex'), String(r.seed), r.target, r.speed, r.startedAt, s.wallMs,
          r.report.requests, s.sent, s.received, s.errors, q(s.latencyMs, 0.5), q(s.latencyMs, 0.99), r.report.bodiesSha256, JSON.stringify(s.byStatus), r.passed],
      );
      for (const k of s.byKind) {
        if (k.sent === 0) continue;
        await tx.query('INSERT INTO load_run_endpoints (load_id, endpoint, sent, received, errors, non_2xx, p50_ms, p99_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
          [id, k.kind, k.sent, k.received, k.errors, k.non2xx, q(k.latencyMs, 0.5), q(k.latencyMs, 0.99)]);
      }
    });
  } finally {
    await store.close();
  }
  return id;
}
