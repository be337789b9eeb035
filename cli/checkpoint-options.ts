/**
 * `keytwin run --checkpoint <dir> [--every 30d]` and what `keytwin resume <dir>` needs to rerun
 * the same command: the checks of the options (before anything is simulated), and the record
 * kept in the checkpoint (the command line with its seed made explicit, and the working
 * directory its relative paths mean something in).
 * @module
 */
import { resolve } from 'node:path';
import { parseDuration } from '../scenarios/index.ts';
import { fleetIdentity, holdsCheckpoint, readCheckpoint, type LoadedCheckpoint } from '../sim/twin/checkpoint-dir.ts';
import type { FleetCheckpoint } from '../sim/twin/checkpoint-fleet.ts';
import { simulatorCodeVersion } from '../sim/twin/checkpoint-code.ts';
import type { FleetConfig } from '../sim/twin/config.ts';
import { DAY_MS } from '../units/index.ts';
import { UsageError } from './args.ts';

export const DEFAULT_EVERY_DAYS = 30;

export const CHECKPOINT_HELP = `  --checkpoint <dir> save the complete simulation state to <dir> every --every days (atomically:
                     a kill at any moment leaves the last complete one); continue a stopped run
                     with 'keytwin resume <dir>' (refused with another scenario, seed or code)
  --every <d>        days between checkpoints (default ${DEFAULT_EVERY_DAYS}d; whole days, e.g. 7d, 2w)
`;

/** What resume reruns: kept in checkpoint.json as its `meta`. */
export interface RerunRecord {
  argv: string[];
  cwd: string;
}

export interface CheckpointRequest {
  dir: string;
  everyDays: number;
}

type Values = Record<string, string | boolean | undefined>;

/** The checked --checkpoint/--every request, or null without --checkpoint. */
export function checkpointRequest(values: Values, variants: number, resumed: LoadedCheckpoint | undefined): CheckpointRequest | null {
  const dir = values.checkpoint as string | undefined;
  if (dir === undefined) {
    if (values.every !== undefined) throw new UsageError('--every needs --checkpoint <dir>');
    return null;
  }
  if (values.replications !== undefined) throw new UsageError('--checkpoint does not combine with --replications (checkpoint one run at a time)');
  if (values.live !== undefined) throw new UsageError('--checkpoint does not combine with --live (a resumed run could not replay the days before it to the dashboard)');
  if (variants > 1) throw new UsageError(`--checkpoint: the scenario is a sweep of ${variants} variants; checkpoint one run at a time (run a variant's own scenario)`);
  let everyDays = DEFAULT_EVERY_DAYS;
  if (values.every !== undefined) {
    const ms = parseDuration(values.every as string);
    everyDays = ms === undefined ? NaN : ms / DAY_MS;
    if (!(Number.isInteger(everyDays) && everyDays >= 1)) throw new UsageError(`--every: expected a whole number of days such as 7d or 2w, got '${values.every as string}'`);
  }
  if (!resumed && !values.force && holdsCheckpoint(dir)) {
    const m = readCheckpoint(dir).manifest;
    throw new UsageError(`--checkpoint ${dir} already holds a checkpoint (${m.scenario}, seed ${m.seed}, day ${m.day} of ${m.durationDays}); continue it with 'keytwin resume ${dir}', or add --force to start over`);
  }
  return { dir, everyDays };
}

/** The command line resume reruns: this one, with the seed as run (a drawn random seed made explicit) and --force for its --out. */
export function rerunRecord(path: string, values: Values, seed: number | string): RerunRecord {
  const argv = [path];
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === false || k === 'seed' || k === 'force') continue;
    argv.push(`--${k}`, ...(v === true ? [] : [v]));
  }
  argv.push('--seed', String(seed));
  // The killed run may have written its output folder already (it writes it at the very end).
  if (values.out !== undefined) argv.push('--force');
  return { argv, cwd: process.cwd() };
}

/** runFleet's checkpoint option for `cfg`: new, or continuing `resumed`; a line on stderr per saved day. */
export async function fleetCheckpoint(req: CheckpointRequest, cfg: FleetConfig, meta: RerunRecord, resumed: LoadedCheckpoint | undefined): Promise<FleetCheckpoint> {
  const identity = fleetIdentity(cfg, await simulatorCodeVersion());
  const dir = resumed ? resumed.dir : req.dir;
  const ck: FleetCheckpoint = {
    dir,
    everyDays: req.everyDays,
    identity,
    meta,
    onSaved: (day) => process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[2K' : ''}checkpoint: day ${day} of ${cfg.durationDays} saved in ${resolve(dir)}\n`),
  };
  if (resumed) ck.from = resumed;
  else if (req.everyDays >= Math.ceil(cfg.durationDays)) {
    process.stderr.write(`checkpoint: --every ${req.everyDays}d is not shorter than the run (${cfg.durationDays} days): only its start is saved, a resume starts over\n`);
  }
  return ck;
}
