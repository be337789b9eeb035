/** A small FleetConfig for twin tests: the default profile, the default suite, plausible habits. */
import { defaultProfile } from '../../../firmware/profiles/index.ts';
import type { FleetConfig } from '../../../sim/twin/config.ts';
import { DIURNAL_PRESETS } from '../../../scenarios/index.ts';
import { DEFAULT_FLEET_FIRMWARE } from '../../../scenarios/config.ts';

export function smallFleet(overrides: Partial<FleetConfig> = {}): FleetConfig {
  return {
    name: 'test-fleet',
    seed: 42,
    devices: 50,
    durationDays: 3,
    start: '2026-01-01T00:00:00Z',
    profile: defaultProfile(),
    suites: { 'mlkem768-mldsa65-hybrid-aesgcm': 1 },
    behaviour: {
      unlocksPerDay: { dist: 'lognormal', median: 8, sigma: 0.4 },
      jostlesPerDay: { dist: 'lognormal', median: 20, sigma: 0.5 },
      diurnal: DIURNAL_PRESETS.office!,
      phoneInRange: 0.95,
      nfcTapsPerYear: 4,
      ota: null,
      rssiDbm: { dist: 'normal', mean: -65, sd: 6 },
      phoneScan: { 'android-low-latency': 1 },
      temperatureC: { dist: 'normal', mean: 22, sd: 3 },
      capacityFactor: { dist: 'normal', mean: 1, sd: 0.03 },
    },
    radio: { phy: '2M', attMtu: 247, connIntervalMs: 15, packetsPerEvent: 6, supervisionTimeoutMs: 6000, shadowingDb: 0, interferencePer: 0, fixedPer: null },
    firmware: DEFAULT_FLEET_FIRMWARE,
    traceDevices: 5,
    ...overrides,
  };
}

/** Three keychains that never wake, at 20 °C and full capacity: the load is the deep-sleep current all day, every day. */
export function quietFleet(days: number): FleetConfig {
  return smallFleet({
    devices: 3,
    durationDays: days,
    behaviour: {
      ...smallFleet().behaviour,
      unlocksPerDay: { dist: 'constant', value: 0 },
      jostlesPerDay: { dist: 'constant', value: 0 },
      nfcTapsPerYear: 0,
      temperatureC: { dist: 'constant', value: 20 },
      capacityFactor: { dist: 'constant', value: 1 },
    },
  });
}
