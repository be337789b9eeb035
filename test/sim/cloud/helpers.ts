/** Test fixtures for the cloud model: synthetic fleet activity and a config with every station idle. */
import type { CloudConfig, StationConfig } from '../../../sim/cloud/index.ts';
import type { FleetActivity } from '../../../results/index.ts';

export function constantActivity(bins: number, perBin: Partial<Record<'wakes' | 'handshakes' | 'unlocks' | 'failures', number>>): FleetActivity {
  const col = (v = 0) => new Float64Array(bins).fill(v);
  return { binMs: 60_000, wakes: col(perBin.wakes), handshakes: col(perBin.handshakes), unlocks: col(perBin.unlocks), failures: col(perBin.failures) };
}

export function station(servers: number, meanMs: number, extra: Partial<StationConfig> = {}): StationConfig {
  return { servers, serviceMs: { dist: 'exponential', mean: meanMs }, queueLimit: null, rateLimitPerS: null, rateBurst: null, ...extra };
}

/** Every station present, no demand: tests switch on what they exercise. */
export function idleConfig(devices = 1000): CloudConfig {
  return {
    stations: { provisioning: station(1, 50), attestation: station(1, 20), telemetry: station(1, 10), ota: station(1, 5), policy: station(1, 10) },
    demand: { devices, telemetryBatchEvents: 1, attestEveryHandshakes: 0, policyPushesPerDevicePerDay: 0, otaChecksPerDevicePerDay: 0, provisioning: { share: 0, startHour: 0, hours: 1 } },
    ota: null,
  };
}
