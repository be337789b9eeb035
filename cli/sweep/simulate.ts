/**
 * One run of a sweep point or replication: the fleet simulated by the sweep's executor (its
 * thread pool or NATS workers; no progress bar or live dashboard: a sweep prints one line per
 * run), its manifest (its wall time is the run's own, from its first partition queued to its last
 * done, so it includes waiting while other runs hold the threads), and the cloud model when the
 * scenario has one. The same RunResult `keytwin run` produces, so it stores and reports alike.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { CloudConfig, FleetConfig } from '../../scenarios/index.ts';
import type { RunResult } from '../../results/index.ts';
import { cloudFromFleet } from '../cloud-model.ts';
import { createManifest } from '../manifest.ts';
import type { RunExecutor } from './executor.ts';

export interface RunSpec {
  fleet: FleetConfig;
  cloud: CloudConfig | null;
  scenarioPath: string;
  scenarioText: string;
}

/** `label` names the run in the executor's lines (a point and replication). */
export async function simulateRun(spec: RunSpec, executor: RunExecutor, label: string): Promise<RunResult> {
  const runId = randomUUID();
  const startedAt = new Date();
  const t0 = performance.now();
  const { output: out, workers } = await executor.fleet(spec.fleet, { runId, label });
  const wallMs = performance.now() - t0;
  const manifest = createManifest(spec.fleet, { name: spec.fleet.name, path: resolve(spec.scenarioPath), text: spec.scenarioText }, { runId, startedAt, wallMs, events: out.summary.events, workers });
  const { activity: _activity, ...rest } = out;
  const cloud = spec.cloud === null ? null : cloudFromFleet(out, spec.cloud);
  return { manifest, ...rest, ...(cloud ? { cloud } : {}) };
}
