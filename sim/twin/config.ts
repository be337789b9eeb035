/**
 * FleetConfig: everything a fleet run needs, resolved to numbers and samplers (the scenario file
 * is validated and resolved into this by scenarios/; tests build it directly).
 * @module
 */
import type { DistributionSpec } from '../engine/index.ts';
import type { Profile } from '../../firmware/profiles/index.ts';
import type { Phy } from '../device/index.ts';

export interface FleetBehaviour {
  /** Unlock intents per device per day (drawn once per device). */
  unlocksPerDay: DistributionSpec;
  /** Motion wakes per day that are not unlock intents (pocket, bag, desk bumps). */
  jostlesPerDay: DistributionSpec;
  /** 24 hourly weights of the daily rhythm (hour 0 = midnight, simulated time 0 is midnight). */
  diurnal: readonly number[];
  /** NFC taps per device per year (the owner taps the keychain with the phone: a wake with the phone present). */
  nfcTapsPerYear: number;
  /** Firmware releases: one every `everyDays`, delivered by the phone in a background session; null for none. */
  ota: { everyDays: number; imageBytes: number } | null;
  /** Probability that the phone is in range and the app answers when the owner wants to unlock. */
  phoneInRange: number;
  /** Mean RSSI of the phone link per device, dBm. */
  rssiDbm: DistributionSpec;
  /** Device temperature per device, °C (capacity derating, self-discharge). */
  temperatureC: DistributionSpec;
  /** Cell capacity factor per device (manufacturing spread), 1 = the profile's capacity. */
  capacityFactor: DistributionSpec;
}

export interface FleetRadio {
  phy: Phy;
  attMtu: number;
  connIntervalMs: number;
  packetsPerEvent: number;
  supervisionTimeoutMs: number;
  /** Body/pocket margin subtracted from each device's mean RSSI, dB. */
  shadowingDb: number;
  /** The phone's BLE scanner duty cycle, 0..1 (discovery latency). */
  scanDuty: number;
  /** Extra per-PDU loss from interference, 0..1. */
  interferencePer: number;
  /** A fixed per-PDU loss whatever the RSSI, or null for the RSSI waterfall. */
  fixedPer: number | null;
}

export interface FleetConfig {
  name: string;
  seed: number | string;
  devices: number;
  durationDays: number;
  /** Simulated time 0 as an ISO instant. */
  start: string;
  profile: Profile;
  /** Suite id → share of the fleet (shares are normalised). */
  suites: Readonly<Record<string, number>>;
  behaviour: FleetBehaviour;
  radio: FleetRadio;
  /** Devices [0, traceDevices) get SoC samples and telemetry events. */
  traceDevices: number;
}
