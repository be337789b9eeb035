/**
 * Checkpointing a whole fleet run (runFleet): how the devices are split (a resumed run keeps the
 * split its snapshots were taken with), which snapshot each partition starts from, and the
 * writer its snapshots go to. The identity check runs here, before anything is simulated.
 * @module
 */
import { checkIdentity, CheckpointError, CheckpointWriter, newManifest, resumedManifest, type CheckpointIdentity, type LoadedCheckpoint } from './checkpoint-dir.ts';
import type { FleetConfig } from './config.ts';

export interface FleetCheckpoint {
  /** Folder to write checkpoints to (ignored when resuming: the run continues in `from.dir`). */
  dir: string;
  /** Days between checkpoints (ignored when resuming: the checkpoint's own). */
  everyDays: number;
  /** This run's identity (fleetIdentity): a checkpoint of another run is refused. */
  identity: CheckpointIdentity;
  /** The caller's record of how to rerun the command, kept in checkpoint.json. */
  meta: unknown;
  /** Continue this checkpoint instead of starting at day 0. */
  from?: LoadedCheckpoint;
  /** Called when a day's checkpoint is complete on disk. */
  onSaved?: (day: number) => void;
}

export interface CheckpointPlan {
  /** Partition i simulates devices bounds[i]..bounds[i+1]−1. */
  bounds: number[];
  /** Per partition, the snapshot it resumes from (null: from day 0). */
  snapshots: (Uint8Array | null)[];
  /** Days already simulated in the saved state, and per partition the events handled by then. */
  startDay: number;
  startEvents: number[];
  everyDays: number;
  writer: CheckpointWriter;
}

export function planCheckpoint(cfg: FleetConfig, ck: FleetCheckpoint, workers: number): CheckpointPlan {
  if (!(Number.isInteger(ck.everyDays) && ck.everyDays >= 1)) throw new CheckpointError(`checkpoint every: expected a whole number of days ≥ 1, got ${ck.everyDays}`);
  const from = ck.from;
  if (from) {
    checkIdentity(from.manifest, ck.identity, from.dir);
    const parts = from.manifest.partitions;
    const bounds = [...parts.map((p) => p.lo), parts[parts.length - 1]!.hi];
    if (bounds[0] !== 0 || bounds[bounds.length - 1] !== cfg.devices || parts.some((p, i) => i > 0 && p.lo !== parts[i - 1]!.hi)) {
      throw new CheckpointError(`${from.dir}: corrupt checkpoint manifest (partitions do not cover devices 0..${cfg.devices - 1})`);
    }
    // Recorded at once (checkpoint.json is rewritten here), so a resume killed before its next
    // checkpoint still counts.
    const writer = new CheckpointWriter(from.dir, resumedManifest(from.manifest));
    return { bounds, snapshots: from.snapshots, startDay: from.manifest.day, startEvents: parts.map((p) => p.events ?? 0), everyDays: from.manifest.everyDays, writer };
  }
  const n = Math.max(1, workers);
  const bounds = Array.from({ length: n + 1 }, (_, i) => Math.round((i * cfg.devices) / n));
  const writer = new CheckpointWriter(ck.dir, newManifest(ck.identity, bounds, ck.everyDays, ck.meta));
  return { bounds, snapshots: bounds.slice(1).map(() => null), startDay: 0, startEvents: bounds.slice(1).map(() => 0), everyDays: ck.everyDays, writer };
}
