/**
 * A checkpoint folder: checkpoint.json (what run it belongs to and which saved day is complete)
 * and one snapshot file per partition (checkpoint-state.ts), part-<i>-day-<d>.bin.
 *
 * Crash safety (kill -9 at any moment): every file is written to a temporary name, fsynced and
 * renamed over its final name, and the folder fsynced, so a file is either whole or absent.
 * Partitions run in parallel at their own pace, so a partition's file for day d may exist before
 * the others'; checkpoint.json moves to day d only once every partition's day-d file is in place,
 * and only then are older files deleted. A resumed run therefore always finds one complete,
 * consistent day, even if killed while writing. checkpoint.json exists from the start (day 0:
 * nothing saved yet, a resume starts over), so a run killed before its first checkpoint resumes too.
 *
 * Corruption (a truncated or edited file) is found by the SHA-256 of each snapshot kept in
 * checkpoint.json; a checkpoint of another run (other code, scenario, seed, devices) by
 * comparing its identity with the run's. Both are refused with what differs.
 * @module
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import type { FleetConfig } from './config.ts';

export const CHECKPOINT_FILE = 'checkpoint.json';
const FORMAT = 'keytwin-checkpoint/1';

/** A refused checkpoint: shown to the user as one message (cli prints userFacing errors). */
export class CheckpointError extends Error {
  readonly userFacing = true;
}

/** What a checkpoint must agree on with the run that resumes it. */
export interface CheckpointIdentity {
  /** Hash of the simulator's code (checkpoint-code.ts). */
  codeVersion: string;
  /** SHA-256 of the resolved fleet config (scenario, overrides, profile). */
  fleetSha256: string;
  scenario: string;
  seed: number | string;
  devices: number;
  durationDays: number;
}

export interface CheckpointPartition {
  lo: number;
  hi: number;
  /** Snapshot file of `day` (null at day 0) and its SHA-256. */
  file: string | null;
  sha256: string | null;
  /** Events the partition had handled by then. */
  events: number;
}

export interface CheckpointManifest extends CheckpointIdentity {
  format: typeof FORMAT;
  everyDays: number;
  /** Days completed in the saved state (0: nothing saved yet). */
  day: number;
  partitions: CheckpointPartition[];
  /**
   * The day each resume of this run started from, in order (day 0: killed before its first
   * checkpoint); empty or absent for a run never resumed. A resumed summary is byte-identical to
   * an uninterrupted one, so this is where it shows that the run was interrupted, and how often.
   */
  resumedFrom?: number[];
  /** The caller's record of how to rerun the command (cli: argv and working directory). */
  meta: unknown;
}

export interface LoadedCheckpoint {
  dir: string;
  manifest: CheckpointManifest;
  /** Per partition, its snapshot (null at day 0: the partition starts afresh). */
  snapshots: (Uint8Array | null)[];
}

export function fleetIdentity(cfg: FleetConfig, codeVersion: string): CheckpointIdentity {
  return {
    codeVersion,
    fleetSha256: createHash('sha256').update(serialize(cfg)).digest('hex'),
    scenario: cfg.name,
    seed: cfg.seed,
    devices: cfg.devices,
    durationDays: cfg.durationDays,
  };
}

/** Writes `data` to `path` atomically: temporary file, fsync, rename, fsync of the folder. */
export function writeAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    for (let off = 0; off < buf.byteLength; ) off += writeSync(fd, buf, off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dirFd = openSync(join(path, '..'), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const partFile = (part: number, day: number) => `part-${part}-day-${day}.bin`;

/** Saves partition snapshots as they come and moves checkpoint.json forward when a day is complete. */
export class CheckpointWriter {
  readonly dir: string;
  private readonly manifest: CheckpointManifest;
  /** Per day not yet committed: the partitions' files written so far (file, sha256). */
  private readonly pending = new Map<number, (CheckpointPartition | undefined)[]>();

  /** Starts (day 0) or continues (a resumed manifest) the checkpoint in `dir`. */
  constructor(dir: string, manifest: CheckpointManifest) {
    this.dir = dir;
    this.manifest = structuredClone(manifest);
    mkdirSync(dir, { recursive: true });
    writeAtomic(join(dir, CHECKPOINT_FILE), JSON.stringify(this.manifest, null, 2) + '\n');
    this.removeUnreferenced();
  }

  /** The day the folder's complete state is at. */
  get day(): number {
    return this.manifest.day;
  }

  /** Partition `part`'s snapshot after `day` days; returns true when this completed that day's checkpoint. */
  save(part: number, day: number, snapshot: Uint8Array, events: number): boolean {
    const parts = this.manifest.partitions;
    const file = partFile(part, day);
    writeAtomic(join(this.dir, file), snapshot);
    let row = this.pending.get(day);
    if (!row) this.pending.set(day, (row = new Array<CheckpointPartition | undefined>(parts.length)));
    row[part] = { ...parts[part]!, file, sha256: sha256(snapshot), events };
    for (let i = 0; i < parts.length; i++) if (row[i] === undefined) return false;
    if (day <= this.manifest.day) return false;
    this.manifest.day = day;
    this.manifest.partitions = row as CheckpointPartition[];
    writeAtomic(join(this.dir, CHECKPOINT_FILE), JSON.stringify(this.manifest, null, 2) + '\n');
    for (const d of [...this.pending.keys()]) if (d <= day) this.pending.delete(d);
    this.removeUnreferenced();
    return true;
  }

  /** Snapshot files of older days, of days still pending elsewhere, and temporaries of killed writers. */
  private removeUnreferenced(): void {
    const keep = new Set(this.manifest.partitions.map((p) => p.file));
    for (const row of this.pending.values()) for (const p of row) if (p) keep.add(p.file);
    for (const name of readdirSync(this.dir)) {
      if (name === CHECKPOINT_FILE || keep.has(name)) continue;
      if (/^part-\d+-day-\d+\.bin(\.tmp-\d+)?$/.test(name) || name.startsWith(`${CHECKPOINT_FILE}.tmp-`)) rmSync(join(this.dir, name), { force: true });
    }
  }
}

/** A new checkpoint's manifest: day 0, devices split as `bounds` (partition i is bounds[i]..bounds[i+1]−1). */
export function newManifest(identity: CheckpointIdentity, bounds: readonly number[], everyDays: number, meta: unknown): CheckpointManifest {
  return {
    format: FORMAT,
    ...identity,
    everyDays,
    day: 0,
    partitions: bounds.slice(0, -1).map((lo, i) => ({ lo, hi: bounds[i + 1]!, file: null, sha256: null, events: 0 })),
    resumedFrom: [],
    meta,
  };
}

/** `m` as a run resuming it continues it: this resume's starting day appended to resumedFrom. */
export function resumedManifest(m: CheckpointManifest): CheckpointManifest {
  return { ...m, resumedFrom: [...(m.resumedFrom ?? []), m.day] };
}

/** Events the saved state had handled (all partitions): what a resumed run does not simulate again. */
export function eventsSaved(m: CheckpointManifest): number {
  return m.partitions.reduce((a, p) => a + (p.events ?? 0), 0);
}

/** Whether `dir` holds a checkpoint. */
export function holdsCheckpoint(dir: string): boolean {
  return existsSync(join(dir, CHECKPOINT_FILE));
}

/** Reads and verifies the checkpoint in `dir` (every snapshot against its SHA-256). */
export function readCheckpoint(dir: string): LoadedCheckpoint {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) throw new CheckpointError(`${dir}: not a checkpoint folder (no ${CHECKPOINT_FILE}; write one with 'keytwin run <scenario> --checkpoint ${dir}')`);
  let m: CheckpointManifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as CheckpointManifest;
  } catch (err) {
    throw new CheckpointError(`${path}: corrupt checkpoint manifest (${(err as Error).message})`);
  }
  if (m === null || typeof m !== 'object' || m.format !== FORMAT) throw new CheckpointError(`${path}: not a ${FORMAT} manifest (format ${JSON.stringify((m as { format?: unknown } | null)?.format)})`);
  if (!Number.isInteger(m.day) || m.day < 0 || !Array.isArray(m.partitions) || m.partitions.length === 0) throw new CheckpointError(`${path}: corrupt checkpoint manifest (day or partitions missing)`);
  if (m.resumedFrom !== undefined && !(Array.isArray(m.resumedFrom) && m.resumedFrom.every((d) => Number.isInteger(d) && d >= 0 && d <= m.day))) throw new CheckpointError(`${path}: corrupt checkpoint manifest (resumedFrom is not a list of days up to ${m.day})`);
  const snapshots = m.partitions.map((p, i) => {
    if (m.day === 0) return null;
    if (typeof p.file !== 'string' || !/^part-\d+-day-\d+\.bin$/.test(p.file)) throw new CheckpointError(`${path}: partition ${i} names no snapshot file for day ${m.day}`);
    const file = join(dir, p.file);
    if (!existsSync(file)) throw new CheckpointError(`${file}: missing (checkpoint.json says partition ${i} of day ${m.day} is here)`);
    const bytes = readFileSync(file);
    const got = sha256(bytes);
    if (got !== p.sha256) throw new CheckpointError(`${file}: corrupt (SHA-256 ${got.slice(0, 12)}…, checkpoint.json records ${String(p.sha256).slice(0, 12)}…)`);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  });
  return { dir, manifest: m, snapshots };
}

/** Refuses a checkpoint whose identity differs from the run's, naming every difference. */
export function checkIdentity(m: CheckpointManifest, run: CheckpointIdentity, dir: string): void {
  const diffs: string[] = [];
  const cmp = (what: string, saved: unknown, here: unknown) => {
    if (saved !== here) diffs.push(`${what}: checkpoint ${JSON.stringify(saved)}, this run ${JSON.stringify(here)}`);
  };
  cmp('code version', m.codeVersion, run.codeVersion);
  cmp('scenario', m.scenario, run.scenario);
  cmp('seed', m.seed, run.seed);
  cmp('devices', m.devices, run.devices);
  cmp('duration (days)', m.durationDays, run.durationDays);
  if (diffs.length === 0) cmp('fleet config (scenario file or profile changed) SHA-256', m.fleetSha256, run.fleetSha256);
  if (diffs.length > 0) throw new CheckpointError(`${dir}: checkpoint of another run, refused:\n  ${diffs.join('\n  ')}`);
}
