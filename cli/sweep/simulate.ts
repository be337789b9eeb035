/**
 * One run of a sweep point or replication: the fleet simulated (no progress bar or live
 * dashboard: a sweep prints one line per run), its manifest, and the cloud model when the
 * scenario has one. The same RunResult `keytwin run` produces, so it stores and reports alike.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { CloudConfig, FleetConfig } from '../../scenarios/index.ts';
import type { RunResult } from '../../results/index.ts';
import { runFleet } from '../../sim/twin/parallel.ts';
import type { compileTwinMachines } from '../../sim/twin/machines.ts';
import { cloudFromFleet } from '../cloud-model.ts';
import { createManifest } from '../manifest.ts';
import { usefulWorkers } from '../preflight.ts';

export interface RunSpec {
  fleet: FleetConfig;
  cloud: CloudConfig | null;
  scenarioPath: string;
  scenarioText: string;
}

export async function simulateRun(spec: RunSpec, machines: ReturnType<typeof compileTwinMachines>, requestedWorkers: number): Promise<RunResult> {
  const { workers } = usefulWorkers(requestedWorkers, spec.fleet.devices);
  const startedAt = new Date();
  const t0 = performance.now();
  const out = await runFleet(spec.fleet, { machines, workers });
  const wallMs = performance.now() - t0;
  const manifest = createManifest(spec.fleet, { name: spec.fleet.name, path: resolve(spec.scenarioPath), text: spec.scenarioText }, { runId: randomUUID(), startedAt, wallMs, events: out.summary.events, workers });
  const { activity: _activity, ...rest } = out;
  const cloud = spec.cloud === null ? null : cloudFromFleet(out, spec.cloud);
  return { manifest, ...rest, ...(cloud ? { cloud } : {}) };
}
