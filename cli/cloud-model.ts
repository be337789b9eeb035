/**
 * Runs the capacity model on a fleet run: what `keytwin run` calls to put `cloud` into the
 * RunResult. The model's config comes from scenarios/ (resolveScenario), the one resolution.
 * @module
 */
import type { CloudConfig } from '../scenarios/index.ts';
import { simulateCloud } from '../sim/cloud/index.ts';
import type { CloudResult } from '../results/index.ts';
import type { FleetOutput } from '../sim/twin/simulate.ts';

/** The capacity model on the fleet's per-minute activity, seeded by the run's seed. */
export function cloudFromFleet(output: FleetOutput, cloud: CloudConfig): CloudResult {
  return simulateCloud(output.activity, cloud, output.summary.seed);
}
