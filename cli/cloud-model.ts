/**
 * The scenario's `cloud:` section resolved into the capacity model's config, and the model run
 * on a fleet's output: what `keytwin run` calls to put `cloud` into the RunResult, and what
 * `keytwin capacity` and `keytwin load` share.
 * @module
 */
import type { Scenario, ScenarioCloud } from '../scenarios/index.ts';
import { simulateCloud, type CloudConfig } from '../sim/cloud/index.ts';
import type { CloudResult } from '../results/index.ts';
import type { FleetOutput } from '../sim/twin/simulate.ts';

/** The capacity model's config for a fleet of `devices` keychains. */
export function cloudConfig(cloud: ScenarioCloud, devices: number): CloudConfig {
  return {
    stations: structuredClone(cloud.stations),
    demand: {
      devices,
      telemetryBatchEvents: cloud.telemetryBatchEvents,
      attestEveryHandshakes: cloud.attestEveryHandshakes,
      policyPushesPerDevicePerDay: cloud.policyPushesPerDevicePerDay,
      otaChecksPerDevicePerDay: cloud.otaChecksPerDevicePerDay,
      provisioning: { ...cloud.provisioning },
    },
    ota: cloud.ota === null ? null : { ...cloud.ota, waves: [...cloud.ota.waves] },
  };
}

/**
 * Runs the capacity model on a fleet run (its per-minute activity), seeded by the run's seed.
 * @returns null when the scenario has no `cloud:` section
 */
export function cloudFromFleet(output: FleetOutput, scenario: Scenario): CloudResult | null {
  if (scenario.cloud === null) return null;
  return simulateCloud(output.activity, cloudConfig(scenario.cloud, output.summary.devices), output.summary.seed);
}
