/**
 * A release's staged rollout is the `cloud.rollout` statechart of models/, stepped with XState's
 * pure `transition()` on the snapshot persisted in `ota_releases`. Which devices a wave reaches
 * is the cohort rule here: each device falls in a stable bucket 0..99 per release (SHA-256 of
 * release id and device id), and wave w offers the image to buckets below WAVE_PERCENT[w].
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { ROLLOUT_WAVES, rolloutMachine, type RolloutEvent } from '../models/cloud/index.ts';
import { canonicalJson } from './canonical-json.ts';

type Snapshot = SnapshotFrom<typeof rolloutMachine>;

export interface PersistedRollout {
  value: Snapshot['value'];
  context: Snapshot['context'];
}

/** Share of the fleet (percent) reached by the canary (wave 0) and each wave after it. */
export const WAVE_PERCENT: readonly number[] = [1, 10, 50, 100];
if (WAVE_PERCENT.length !== ROLLOUT_WAVES + 1) throw new Error(`WAVE_PERCENT needs ${ROLLOUT_WAVES + 1} entries (canary + ${ROLLOUT_WAVES} waves)`);

export function newRollout(): PersistedRollout {
  const [s] = initialTransition(rolloutMachine, {});
  return { value: s.value, context: s.context };
}

export function stepRollout(r: PersistedRollout, event: RolloutEvent): { rollout: PersistedRollout; state: string; actions: string[]; changed: boolean } {
  const [after, actions] = transition(rolloutMachine, rolloutMachine.resolveState({ value: r.value, context: r.context }), event);
  const next = { value: after.value, context: after.context };
  const names = actions.map((a) => a.type).filter((t) => !t.startsWith('xstate.'));
  return { rollout: next, state: String(after.value), actions: names, changed: names.length > 0 || canonicalJson(next) !== canonicalJson(r) };
}

/** The device's bucket 0..99 for this release. */
export function cohort(releaseId: string, deviceId: string): number {
  const h = sha256(new TextEncoder().encode(`${releaseId.toLowerCase()}/${deviceId.toLowerCase()}`));
  return ((h[0]! << 8) | h[1]!) % 100;
}

/** Whether the release is offered to the device (null: no device named, only complete releases). */
export function offered(r: PersistedRollout, releaseId: string, deviceId: string | null): boolean {
  const state = String(r.value);
  if (state === 'complete') return true;
  if (state !== 'canary' && state !== 'waves') return false;
  return deviceId !== null && cohort(releaseId, deviceId) < WAVE_PERCENT[r.context.wave]!;
}
