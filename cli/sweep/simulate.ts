/**
 * One run of a sweep point or replication: the fleet simulated on the sweep's thread pool (no
 * progress bar or live dashboard: a sweep prints one line per run), its manifest (its wall time
 * is the run's own, from its first partition queued to its last done, so it includes waiting for
 * a thread while other runs hold the pool), and the cloud model when the scenario has one. The same RunResult `keytwin run` produces, so it stores and reports alike.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { CloudConfig, FleetConfig } from '../../scenarios/index.ts';
import type { RunResult } from '../../results/index.ts';
import { runFleet } from '../../sim/twin/parallel.ts';
import type { FleetPool } from '../../sim/twin/fleet-pool.ts';
import { cloudFromFleet } from '../cloud-model.ts';
import { createManifest } from '../manifest.ts';
import { usefulWorkers } from '../preflight.ts';

export interface RunSpec {
  fleet: FleetConfig;
  cloud: CloudConfig | null;
  scenarioPath: string;
  scenarioText: string;
}

/** `pool`: the sweep's threads (its runs share them; the run is split as `requestedWorkers` says). */
export async function simulateRun(spec: RunSpec, pool: FleetPool, requestedWorkers: number): Promise<RunResult> {
  const { workers } = usefulWorkers(requestedWorkers, spec.fleet.devices);
  const startedAt = new Date();
  const t0 = performance.now();
  const out = await runFleet(spec.fleet, { workers, pool });
  const wallMs = performance.now() - t0;
  const manifest = createManifest(spec.fleet, { name: spec.fleet.name, path: resolve(spec.scenarioPath), text: spec.scenarioText }, { runId: randomUUID(), startedAt, wallMs, events: out.summary.events, workers });
  const { activity: _activity, ...rest } = out;
  const cloud = spec.cloud === null ? null : cloudFromFleet(out, spec.cloud);
  return { manifest, ...rest, ...(cloud ? { cloud } : {}) };
}
