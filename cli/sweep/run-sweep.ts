/**
 * The shared tail of `keytwin sweep` and `keytwin run --replications`: run the points, analyse,
 * print, write sweep.json and sweep.txt, store the runs and the sweep.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunOverrides, Scenario } from '../../scenarios/index.ts';
import { safeName } from '../run-output.ts';
import { num } from '../summary-table.ts';
import { analyse, formatAnalysis } from './analyse.ts';
import { executePoints } from './execute.ts';
import type { SweepPoint } from './grid.ts';
import { storeSweep } from './persist.ts';
import { sweepChartSpecs } from './report-charts.ts';
import { writeSweepReport } from '../../reports/index.ts';

export interface SweepJob {
  kind: 'grid' | 'replications';
  scenario: Scenario;
  points: SweepPoint[];
  baseline: number;
  path: string;
  overrides: RunOverrides;
  replications: number;
  workers: number;
  /** Run on `keytwin worker --nats` processes (cli/nats-run.ts natsSweep) instead of local threads. */
  nats?: { url: string; partitions?: number; ackWaitMs?: number };
  seed: number;
  /** null: not stored. */
  store: string | null;
  out: string | undefined;
  json: boolean;
  /** What the command was asked beyond the points (e.g. the --set axes), recorded in the spec. */
  extra: Record<string, unknown>;
}

export async function runSweep(job: SweepJob): Promise<string> {
  const { points, replications, baseline } = job;
  const info = (line: string) => (job.json ? process.stderr : process.stdout).write(line);
  const runs = points.length * replications;
  info(`${job.kind === 'grid' ? 'sweep' : 'replications of'} ${job.scenario.name}: ${points.length} point${points.length === 1 ? '' : 's'} × ${replications} replications = ${runs} runs${points.length > 1 ? `; baseline '${points[baseline]!.name}'` : ''}\n`);
  const done = await executePoints(points, { path: job.path, overrides: job.overrides, replications, workers: job.workers, ...(job.nats ? { nats: job.nats } : {}), seed: job.seed, log: (l) => process.stderr.write(l) });
  const analysis = analyse(done.points, baseline);
  const sweepId = randomUUID();
  const spec = { kind: job.kind, scenario: job.scenario.name, ...job.extra, points: points.map((p) => p.name), baseline: points[baseline]!.name, replications, seeds: done.seeds.map(String), overrides: job.overrides, wallMs: Math.round(done.wallMs) };
  const text = formatAnalysis(analysis);
  const dir = job.out ?? join('out', safeName(job.scenario.name), `sweep-${sweepId}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'sweep.json'), JSON.stringify({ sweepId, spec, analysis }, null, 2) + '\n');
  writeFileSync(join(dir, 'sweep.txt'), text + '\n');
  const report = writeSweepReport(join(dir, 'report'), `keytwin sweep: ${job.scenario.name}`, `sweep ${sweepId} · ${points.length} points × ${replications} replications · seeds ${done.seeds.map(String).join(', ')} · baseline ${points[baseline]!.name}`, sweepChartSpecs(analysis));
  if (job.json) process.stdout.write(JSON.stringify({ sweepId, spec, analysis }, null, 2) + '\n');
  else process.stdout.write('\n' + text + '\n');
  info(`\n${runs} runs in ${num(done.wallMs / 1000)} s (${num(done.wallMs / 1000 / runs)} s per run); wrote ${join(dir, 'sweep.json')}, sweep.txt, report ${report[0]}\n`);
  if (job.store !== null) {
    const location = await storeSweep(job.store, { sweepId, scenario: job.scenario.name, kind: job.kind, spec, analysis }, done.points, done.seeds);
    info(`stored sweep ${sweepId} with its ${runs} runs in ${location}\n`);
  }
  return sweepId;
}
