/**
 * `keytwin resume <dir>`: continues a run saved by `keytwin run --checkpoint <dir>` to the same
 * end with the same outputs (summary.json byte-identical to an uninterrupted run; manifest,
 * result.json, stored run and report as `run` writes them). It reruns the command line the
 * checkpoint recorded, in the working directory it was given in, from the last complete day.
 * @module
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readCheckpoint } from '../../sim/twin/checkpoint-dir.ts';
import { parseCommand, UsageError, UserError } from '../args.ts';
import type { RerunRecord } from '../checkpoint-options.ts';
import { run as runCommand } from './run.ts';

const HELP = `Usage: keytwin resume <checkpoint dir>

Continues the run whose state 'keytwin run <scenario> --checkpoint <dir>' saved, from the last
complete checkpoint to the end, and writes, prints and stores what that run would have (the
summary is byte-identical to an uninterrupted run's). It keeps checkpointing into <dir>.
Refused, saying what differs, when the code, the scenario file, the profile, the seed or the
devices are not the ones the checkpoint was written with, or when a file in <dir> is corrupt.
`;

export async function resume(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, {}, HELP);
  if (!parsed) return 0;
  if (parsed.positionals.length !== 1) throw new UsageError(`expected one checkpoint folder, got ${parsed.positionals.length === 0 ? 'none' : parsed.positionals.join(' ')}\n${HELP}`);
  // Absolute before the working directory changes below.
  const dir = resolve(parsed.positionals[0]!);
  const loaded = readCheckpoint(dir);
  const m = loaded.manifest;
  const rerun = m.meta as RerunRecord | null;
  if (rerun === null || typeof rerun !== 'object' || !Array.isArray(rerun.argv) || typeof rerun.cwd !== 'string') {
    throw new UserError(`${dir}: the checkpoint records no command line to rerun (written by runFleet, not 'keytwin run --checkpoint')`);
  }
  if (!existsSync(rerun.cwd)) throw new UserError(`${dir}: the run was started in ${rerun.cwd}, which no longer exists (its relative paths mean nothing elsewhere)`);
  if (resolve(rerun.cwd) !== process.cwd()) {
    process.stderr.write(`working directory: ${rerun.cwd} (where the run was started)\n`);
    process.chdir(rerun.cwd);
  }
  const at = m.day === 0 ? 'from the start (it was stopped before its first checkpoint)' : `from day ${m.day} of ${m.durationDays} (days 1..${m.day} are not simulated again)`;
  const before = m.resumedFrom ?? [];
  const again = before.length === 0 ? '' : `; resumed ${before.length} time${before.length > 1 ? 's' : ''} before (from day ${before.join(', ')})`;
  process.stderr.write(`resuming ${m.scenario} (seed ${m.seed}, ${m.devices} keychains, ${m.partitions.length} partition${m.partitions.length > 1 ? 's' : ''}) ${at}${again}\n`);
  process.stderr.write(`  keytwin run ${rerun.argv.join(' ')}\n`);
  return runCommand(rerun.argv, loaded);
}

export { resume as run };
