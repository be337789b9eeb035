/**
 * Types, constants and the event catalog of the device statechart (device-machine.ts): what the
 * keychain's firmware loop accepts, the finite payload variants it distinguishes, and the bounded
 * counters it keeps. Kept apart from the machine so the simulator, the twin and the tests can
 * read the vocabulary without pulling in the machine definition.
 * @module
 */
import type { CatalogEvent } from '../index.ts';
import { HANDSHAKE_REASONS, type HandshakeReason } from '../handshake/index.ts';

/** Consecutive handshake failures that put the device into lockout (counter saturates here). */
export const MAX_AUTH_FAILURES = 5;
/** Wrong PINs in the manual override before lockout (counter saturates here). */
export const MAX_PIN_ATTEMPTS = 3;

/**
 * Reasons the handshake machine reports in `hs.failed`: exactly the protocol's (models/handshake
 * HANDSHAKE_REASONS: one per firmware check, plus the handshake's own timeouts and link loss).
 */
export const HANDSHAKE_FAILURE_REASONS = HANDSHAKE_REASONS;
export type HandshakeFailureReason = HandshakeReason;

/**
 * Failure categories: one failure sink state each (`failed.<category>`, tag `failure:<category>`).
 * The precise reason travels in the `recordFailure` action's params.
 */
export const FAILURE_CATEGORIES = ['connect', 'link', 'handshake', 'pin', 'ota', 'provision'] as const;
export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

/** Every `recordFailure` reason: the handshake's own plus the device-level ones. */
export const DEVICE_FAILURE_REASONS = [
  ...HANDSHAKE_FAILURE_REASONS,
  'handshakeTimeout',
  'lockedOut',
  'connectFailed',
  'connectTimeout',
  'linkLost',
  'pinBad',
  'pinExhausted',
  'pinTimeout',
  'otaTransferFailed',
  'otaBadSignature',
  'otaRollbackRejected',
  'otaBootFailed',
  'provisionFailed',
  'keyUnwrap',
  'flashWrite',
] as const;
export type DeviceFailureReason = (typeof DEVICE_FAILURE_REASONS)[number];

/** Offered firmware version relative to the installed one (the anti-rollback check's input). */
export const OTA_VERSIONS = ['newer', 'same', 'older'] as const;
export type OtaVersion = (typeof OTA_VERSIONS)[number];

/** Persistent provisioning state (lives in flash/SE; survives brown-out). */
export type Lifecycle = 'unprovisioned' | 'provisioned' | 'lockdown';

/** How an unlock was authorised (params of `recordUnlock`). */
export type UnlockVia = 'ble' | 'override';

/** Timeouts in ms. All are finite constants per device: they do not grow the state space. */
export interface DeviceTiming {
  /** BLE advertising window for the proximity check. */
  advertiseWindowMs: number;
  /** Shorter advertising window used while the battery is low. */
  lowBatteryAdvertiseWindowMs: number;
  /** Connection set-up backstop. */
  connectTimeoutMs: number;
  /** Whole-handshake backstop (the handshake machine has its own per-message timeouts). */
  handshakeTimeoutMs: number;
  /** Authenticated session with no command before it closes. */
  sessionIdleMs: number;
  /** Manual override: time the owner has to type the PIN. */
  pinTimeoutMs: number;
  /** Rate limit: after any failure the device ignores wakes this long. */
  failureBackoffMs: number;
  /** Lockout after MAX_AUTH_FAILURES / MAX_PIN_ATTEMPTS. */
  lockoutMs: number;
}

export const DEFAULT_DEVICE_TIMING: Readonly<DeviceTiming> = Object.freeze({
  advertiseWindowMs: 3_000,
  lowBatteryAdvertiseWindowMs: 1_000,
  connectTimeoutMs: 2_000,
  handshakeTimeoutMs: 5_000,
  sessionIdleMs: 10_000,
  pinTimeoutMs: 30_000,
  failureBackoffMs: 2_000,
  lockoutMs: 300_000,
});

/** Input of the device machine; every field optional. */
export interface DeviceInput extends Partial<DeviceTiming> {
  /** Start state of the persistent lifecycle. Defaults to 'provisioned' (a fleet in service). */
  lifecycle?: Lifecycle;
  batteryLow?: boolean;
  charging?: boolean;
  /**
   * Sleep strategy: true keeps the BLE stack in light sleep between wakes (higher floor, µs
   * wake); false (default) deep-sleeps and re-initialises the stack on every wake.
   */
  keepsStackInSleep?: boolean;
}

export interface DeviceContext {
  lifecycle: Lifecycle;
  /** Consecutive handshake failures, 0..MAX_AUTH_FAILURES (SE monotonic counter: survives brown-out). */
  authFailures: number;
  /** Consecutive wrong PINs, 0..MAX_PIN_ATTEMPTS. */
  pinFailures: number;
  batteryLow: boolean;
  charging: boolean;
  /** Version class of the OTA image being processed; 'none' outside the OTA flow. */
  otaCandidate: OtaVersion | 'none';
  timing: Readonly<DeviceTiming>;
  /** Sleep strategy, fixed per compiled variant (DeviceInput.keepsStackInSleep). */
  keepsStackInSleep: boolean;
}

export type DeviceEvent =
  | { type: 'motion.detected' }
  | { type: 'nfc.tapped' }
  | { type: 'nfc.lost' }
  | { type: 'provision.requested' }
  | { type: 'override.requested' }
  | { type: 'op.done' }
  | { type: 'op.failed' }
  | { type: 'phone.found' }
  | { type: 'phone.absent' }
  | { type: 'ble.disconnected' }
  | { type: 'hs.established' }
  | { type: 'hs.failed'; reason: HandshakeFailureReason }
  | { type: 'request.unlock' }
  | { type: 'request.log' }
  | { type: 'request.decommission' }
  | { type: 'ota.offered'; version: OtaVersion }
  | { type: 'boot.ok' }
  | { type: 'boot.failed' }
  | { type: 'pin.ok' }
  | { type: 'pin.bad' }
  | { type: 'battery.low' }
  | { type: 'battery.recovered' }
  | { type: 'battery.brownout' }
  | { type: 'charger.connected' }
  | { type: 'charger.disconnected' }
  | { type: 'tamper.detected' };

export type DeviceEventType = DeviceEvent['type'];

const PLAIN: readonly Exclude<DeviceEventType, 'hs.failed' | 'ota.offered'>[] = [
  'motion.detected',
  'nfc.tapped',
  'nfc.lost',
  'provision.requested',
  'override.requested',
  'op.done',
  'op.failed',
  'phone.found',
  'phone.absent',
  'ble.disconnected',
  'hs.established',
  'request.unlock',
  'request.log',
  'request.decommission',
  'boot.ok',
  'boot.failed',
  'pin.ok',
  'pin.bad',
  'battery.low',
  'battery.recovered',
  'battery.brownout',
  'charger.connected',
  'charger.disconnected',
  'tamper.detected',
];

/** Every event the device machine accepts, with its finite payload variants. */
export const deviceCatalog: readonly CatalogEvent[] = Object.freeze([
  ...PLAIN.map((type) => ({ type })),
  { type: 'hs.failed', variants: HANDSHAKE_FAILURE_REASONS.map((reason) => ({ reason })) },
  { type: 'ota.offered', variants: OTA_VERSIONS.map((version) => ({ version })) },
]);

/** Session-record message names used in `meta.message` (firmware/codec MESSAGE_TYPES, plus OTA). */
export const DEVICE_MESSAGES = Object.freeze({
  record: 'Record',
  bondRequest: 'BondRequest',
  deviceRegistration: 'DeviceRegistration',
  // The suite's PQ private keys as AES-GCM blobs (firmware/key-store.ts), written at provisioning.
  wrappedKeys: 'WrappedKeys',
  // NOTE: the OTA image is not a protocol message of firmware/codec; its size comes from the profile.
  otaImage: 'OtaImage',
} as const);
