/**
 * A validated scenario (scenarios/) resolved into what the simulator runs (sim/twin FleetConfig):
 * the profile loaded, seeds fixed, per-run overrides from the command line applied.
 * @module
 */
import { randomInt } from 'node:crypto';
import { loadProfile, type Scenario } from '../scenarios/index.ts';
import type { FleetConfig } from '../sim/twin/config.ts';
import { DAY_MS } from '../units/index.ts';

export interface RunOverrides {
  devices?: number;
  durationDays?: number;
  seed?: number | string;
  traceDevices?: number;
}

export function fleetConfig(s: Scenario, overrides: RunOverrides = {}): FleetConfig {
  // 'random' is an explicit opt-in: draw a seed now and record it (it is printed and stored).
  const seed = overrides.seed ?? (s.seed === 'random' ? randomInt(2 ** 47) : s.seed);
  return {
    name: s.name,
    seed,
    devices: overrides.devices ?? s.devices,
    durationDays: overrides.durationDays ?? s.durationMs / DAY_MS,
    start: s.start,
    profile: loadProfile(s.profile),
    suites: s.fleet.suites,
    behaviour: {
      unlocksPerDay: s.behaviour.unlocksPerDay,
      jostlesPerDay: s.behaviour.jostlesPerDay,
      diurnal: s.behaviour.diurnal.weights,
      phoneInRange: s.behaviour.phoneInRange,
      nfcTapsPerYear: s.behaviour.nfcTapsPerYear,
      ota: s.behaviour.ota,
      rssiDbm: s.behaviour.rssiDbm,
      temperatureC: s.fleet.temperatureC,
      capacityFactor: s.fleet.capacityFactor,
    },
    radio: {
      phy: s.radio.phy,
      attMtu: s.radio.attMtu,
      connIntervalMs: s.radio.connIntervalMs,
      packetsPerEvent: s.radio.packetsPerEvent,
      supervisionTimeoutMs: s.radio.supervisionTimeoutMs,
      scanDuty: s.radio.scanDuty,
      shadowingDb: s.radio.loss.model === 'rssi' ? s.radio.loss.shadowingDb : 0,
      interferencePer: s.radio.loss.model === 'rssi' ? s.radio.loss.interferencePer : 0,
      fixedPer: s.radio.loss.model === 'fixed' ? s.radio.loss.per : null,
    },
    traceDevices: overrides.traceDevices ?? Math.min(20, overrides.devices ?? s.devices),
  };
}
