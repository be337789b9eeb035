/**
 * Types, constants and event catalogs of the cloud statecharts: the per-device record
 * (cloud-machine.ts: lifecycle, attestation, policy) and the OTA rollout (rollout-machine.ts).
 * Counters are bounded and every payload is a small finite variant, so the machines compile to
 * finite tables; decisions that need unbounded numbers (a wave's failure rate) are made outside
 * by `waveVerdict` and arrive as a variant.
 * @module
 */
import type { CatalogEvent } from '../index.ts';
import { DAY_MS } from '../../units/index.ts';

/** Replayed attestation responses tolerated before the device is suspended automatically. */
export const MAX_ATTEST_FAILURES = 3;
/** Policy versions are kept modulo this (only "which one is current/pending" matters). */
export const POLICY_VERSION_MODULUS = 4;
/** Waves after the canary (wave 0 is the canary). */
export const ROLLOUT_WAVES = 3;
/** A wave whose failure rate exceeds this halts the rollout (2 %, the default). */
export const DEFAULT_HALT_FAILURE_RATE = 0.02;

export const REGISTRATION_VARIANTS = ['valid', 'invalid'] as const;
export type Registration = (typeof REGISTRATION_VARIANTS)[number];

/** Who sent a registration: the device's owner (the app) or an operator. */
export const ACTORS = ['owner', 'admin'] as const;
export type Actor = (typeof ACTORS)[number];

/**
 * Why a record is suspended, which decides who may lift the suspension. `tamper`: reported by
 * the owner's app (or an operator) after a physical compromise; the owner may re-key it with a
 * valid registration. `admin`: an operator's decision; `forged`: a forged attestation (a clone or
 * a stolen key); `replayed`: MAX_ATTEST_FAILURES replays. The last three are lifted only by an
 * admin (reinstate or re-key): a re-key by whoever holds the owner's token would otherwise undo
 * an operator's decision, or install a key the attacker chose. `none` outside `suspended`.
 */
export const SUSPENSION_REASONS = ['none', 'tamper', 'admin', 'forged', 'replayed'] as const;
export type SuspensionReason = (typeof SUSPENSION_REASONS)[number];

/** Outcome of checking an attestation response against the outstanding challenge. */
export const ATTESTATION_RESULTS = ['valid', 'forged', 'replayed', 'expired'] as const;
export type AttestationResult = (typeof ATTESTATION_RESULTS)[number];

export const WAVE_VERDICTS = ['below', 'above'] as const;
export type WaveVerdict = (typeof WAVE_VERDICTS)[number];

export interface CloudTiming {
  /** Lifetime of an attestation challenge. */
  challengeTtlMs: number;
}

export const DEFAULT_CLOUD_TIMING: Readonly<CloudTiming> = Object.freeze({ challengeTtlMs: 30_000 });

/** Input of the cloud machine; the record always starts unprovisioned. */
export type CloudInput = Partial<CloudTiming>;

export interface CloudContext {
  /** Consecutive rejected (replayed) attestation responses, 0..MAX_ATTEST_FAILURES. */
  attestFailures: number;
  /** Latest published policy version, modulo POLICY_VERSION_MODULUS. */
  policyVersion: number;
  /** Why the record is suspended ('none' outside `suspended`): who may lift it. */
  suspension: SuspensionReason;
  timing: Readonly<CloudTiming>;
}

export type CloudEvent =
  | { type: 'provision.requested'; registration: Registration; by: Actor }
  | { type: 'attest.requested' }
  | { type: 'attest.response'; result: AttestationResult }
  | { type: 'policy.published' }
  | { type: 'policy.acked' }
  | { type: 'tamper.reported' }
  | { type: 'admin.suspend' }
  | { type: 'admin.reinstate' }
  | { type: 'admin.revoke' };

export const cloudCatalog: readonly CatalogEvent[] = Object.freeze([
  {
    type: 'provision.requested',
    variants: REGISTRATION_VARIANTS.flatMap((registration) => ACTORS.map((by) => ({ registration, by }))),
  },
  { type: 'attest.requested' },
  { type: 'attest.response', variants: ATTESTATION_RESULTS.map((result) => ({ result })) },
  { type: 'policy.published' },
  { type: 'policy.acked' },
  { type: 'tamper.reported' },
  { type: 'admin.suspend' },
  { type: 'admin.reinstate' },
  { type: 'admin.revoke' },
]);

export interface RolloutTiming {
  /** A wave that reports no verdict within this time halts the rollout. */
  waveDeadlineMs: number;
}

export const DEFAULT_ROLLOUT_TIMING: Readonly<RolloutTiming> = Object.freeze({ waveDeadlineMs: DAY_MS });

export type RolloutInput = Partial<RolloutTiming>;

export type HaltReason = 'none' | 'failureRate' | 'deadline';

export interface RolloutContext {
  /** Current wave: 0 is the canary, 1..ROLLOUT_WAVES the waves. */
  wave: number;
  haltReason: HaltReason;
  timing: Readonly<RolloutTiming>;
}

export type RolloutEvent =
  | { type: 'rollout.started' }
  | { type: 'wave.completed'; failureRate: WaveVerdict }
  | { type: 'rollout.resumed' }
  | { type: 'rollout.cancelled' };

export const rolloutCatalog: readonly CatalogEvent[] = Object.freeze([
  { type: 'rollout.started' },
  { type: 'wave.completed', variants: WAVE_VERDICTS.map((failureRate) => ({ failureRate })) },
  { type: 'rollout.resumed' },
  { type: 'rollout.cancelled' },
]);

/**
 * The threshold decision made outside the machine (the counts are unbounded): 'above' when the
 * wave's failure rate exceeds `haltRate`.
 * @param failed devices whose update failed in the wave
 * @param total devices in the wave (> 0)
 * @param haltRate threshold in 0..1, defaults to DEFAULT_HALT_FAILURE_RATE
 */
export function waveVerdict(failed: number, total: number, haltRate = DEFAULT_HALT_FAILURE_RATE): WaveVerdict {
  if (!Number.isInteger(total) || total <= 0) throw new RangeError(`waveVerdict: total: expected a positive integer, got ${total}`);
  if (!Number.isInteger(failed) || failed < 0 || failed > total) {
    throw new RangeError(`waveVerdict: failed: expected an integer in 0..${total}, got ${failed}`);
  }
  if (!(haltRate >= 0 && haltRate <= 1)) throw new RangeError(`waveVerdict: haltRate: expected 0..1, got ${haltRate}`);
  return failed / total > haltRate ? 'above' : 'below';
}
