/**
 * The resolved configuration a scenario becomes (resolve.ts): FleetConfig for the fleet simulator
 * (sim/twin) and CloudConfig for the capacity model (sim/cloud). The types live here, where they
 * are produced, so scenarios/ never imports the simulator it configures; sim/ imports them (and
 * re-exports them for its own callers). Only the generic engine's DistributionSpec and the
 * firmware's Profile are borrowed, both upstream of sim/twin and sim/cloud.
 * @module
 */
import type { DistributionSpec } from '../sim/engine/index.ts';
import type { Profile } from '../firmware/profiles/index.ts';
import type { ScanModeId } from '../sim/device/phone-scan.ts';

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
  /** Share of owners per phone scan mode (sim/device/phone-scan.ts), normalised. */
  phoneScan: Readonly<Partial<Record<ScanModeId, number>>>;
  /** Mean RSSI of the phone link per device, dBm. */
  rssiDbm: DistributionSpec;
  /** Device temperature per device, °C (capacity derating, self-discharge). */
  temperatureC: DistributionSpec;
  /** Cell capacity factor per device (manufacturing spread), 1 = the profile's capacity; draws below MIN_CAPACITY_FACTOR are raised to it. */
  capacityFactor: DistributionSpec;
}

/**
 * The smallest cell capacity factor the fleet simulates: a draw below it (a distribution's tail)
 * is raised to it, and a scenario whose distribution reaches below it is refused.
 */
export const MIN_CAPACITY_FACTOR = 0.05;

export interface FleetRadio {
  phy: '1M' | '2M';
  attMtu: number;
  connIntervalMs: number;
  packetsPerEvent: number;
  supervisionTimeoutMs: number;
  /** Body/pocket margin subtracted from each device's mean RSSI, dB. */
  shadowingDb: number;
  /** Extra per-PDU loss from interference, 0..1. */
  interferencePer: number;
  /** A fixed per-PDU loss whatever the RSSI, or null for the RSSI waterfall. */
  fixedPer: number | null;
}

/**
 * The firmware strategies as the simulators take them (scenarios/firmware-schema.ts says what
 * each is and where its default comes from). Advertising intervals are applied to the profile.
 */
export interface FleetFirmware {
  /** Light sleep keeps the BLE stack between wakes; deep sleep re-initialises it on each wake. */
  keepsStackInSleep: boolean;
  /** How long a wake advertises before the keychain sleeps again, ms. */
  advertiseWindowMs: number;
  /** Share of jostles (motion that is not an unlock) that reaches the MCU as a wake, 0..1. */
  jostlePassRate: number;
}

/** Today's firmware: deep sleep, a 3 s advertising window, every jostle wakes. */
export const DEFAULT_FLEET_FIRMWARE: Readonly<FleetFirmware> = Object.freeze({ keepsStackInSleep: false, advertiseWindowMs: 3000, jostlePassRate: 1 });

/** Rows per suite and link of the handshake table when a scenario says only `handshakes: table`. */
export const DEFAULT_HANDSHAKE_TABLE_ROWS = 1024;

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
  /** Firmware strategies the device machine is compiled with and the physics follows. */
  firmware: FleetFirmware;
  /** Devices [0, traceDevices) get SoC samples and telemetry events. */
  traceDevices: number;
  /**
   * Handshakes: run per operation (0 or absent, the reference), or drawn from a table of this many
   * precomputed handshakes per suite and link condition (sim/twin/handshake-table.ts).
   */
  handshakeTable?: number;
}

/** The stations, in the order used for streams, rows and summaries. */
export const STATIONS = ['provisioning', 'attestation', 'telemetry', 'ota', 'policy'] as const;
export type StationName = (typeof STATIONS)[number];

/** The API endpoint each station stands for (DESIGN.md's API). */
export const STATION_ENDPOINTS: Readonly<Record<StationName, string>> = Object.freeze({
  provisioning: 'POST /api/v1/provision',
  attestation: 'POST /api/v1/auth/challenge',
  telemetry: 'POST /api/v1/telemetry',
  ota: 'GET /api/v1/ota/latest',
  policy: 'POST /api/v1/policy/{device_id}',
});

export interface StationConfig {
  /** Servers working in parallel (worker processes, connections to the database, ...). */
  servers: number;
  /** Service time of one request, ms. */
  serviceMs: DistributionSpec;
  /** Requests allowed to wait when every server is busy; beyond it a request is rejected (503). null: unbounded. */
  queueLimit: number | null;
  /** Token-bucket rate limit in requests/s over the whole station (429 beyond it); null: none. */
  rateLimitPerS: number | null;
  /** Bucket size (the burst let through at once); defaults to one second of rate. */
  rateBurst: number | null;
}

/** How fleet activity becomes requests (all rates are fleet-wide expectations per bin). */
export interface CloudDemand {
  /** Keychains in the fleet (provisioning, policy and OTA volumes scale with it). */
  devices: number;
  /** The phone uploads one telemetry batch per this many device events (unlocks + failures). */
  telemetryBatchEvents: number;
  /** One attestation challenge per this many established handshakes; 0: none. */
  attestEveryHandshakes: number;
  /** Policy pushes per device per day (admin changes), spread over the day; 0: none. */
  policyPushesPerDevicePerDay: number;
  /** Routine OTA checks per device per day, following the fleet's wakes (phones sync when keychains are used). */
  otaChecksPerDevicePerDay: number;
  /** Devices provisioned at the start: `share` of the fleet over `hours` from `startHour`. */
  provisioning: { share: number; startHour: number; hours: number };
}

/** A firmware release rolled out in waves (canary + ROLLOUT_WAVES waves of models/cloud). */
export interface OtaRelease {
  /** Hour of the run at which the rollout starts (the canary wave). */
  atHour: number;
  /** Share of the fleet in each wave, canary first (ROLLOUT_WAVES + 1 entries, sum ≤ 1). */
  waves: number[];
  /** Time from a wave's start to its verdict (install reports collected), hours. */
  waveIntervalHours: number;
  /** A wave's devices all fetch the manifest and image within this many minutes of its start. */
  herdMinutes: number;
  /** Service time of an image download at the OTA station, ms. */
  downloadMs: DistributionSpec;
  /** Probability that one device's update fails. */
  deviceFailureRate: number;
  /** A wave whose failure rate exceeds this halts the rollout (waveVerdict). */
  haltRate: number;
  /** A wave without a verdict after this long halts the rollout (the machine's deadline), hours. */
  waveDeadlineHours: number;
}

export interface CloudConfig {
  stations: Record<StationName, StationConfig>;
  demand: CloudDemand;
  ota: OtaRelease | null;
}

