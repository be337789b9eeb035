/**
 * `keytwin calibrate`, the pure part: bench log and power trace (as text) + base profile (as
 * parsed JSON) → calibrated profile JSON, the changes, and everything the report draws.
 * The CLI (cli/commands/calibrate.ts) reads and writes the files.
 * @module
 */
import { validateProfile, type Profile } from '../profiles/index.ts';
import { applyFits, type Change } from './apply.ts';
import { fitBench, type BenchFit } from './bench-fit.ts';
import { parseBenchLog, type BenchLog } from './bench-log.ts';
import { parsePowerCsv, type PowerTrace } from './power-csv.ts';
import { fitPower, type PowerFit, type PowerFitOptions } from './power-fit.ts';

export interface TextFile {
  readonly text: string;
  /** As the user named it: used in error messages and (base name) in the profile's refs. */
  readonly file: string;
}

export interface CalibrateInput {
  readonly bench: TextFile;
  readonly power?: TextFile;
  readonly base: { readonly json: unknown; readonly file: string };
  readonly powerOptions?: PowerFitOptions;
}

export interface Calibration {
  readonly base: Profile;
  readonly baseFile: string;
  readonly log: BenchLog;
  readonly bench: BenchFit;
  readonly trace?: PowerTrace;
  readonly power?: PowerFit;
  /** The calibrated profile as JSON (units as in the base) and validated. */
  readonly json: Record<string, unknown>;
  readonly profile: Profile;
  readonly changes: readonly Change[];
  readonly warnings: readonly string[];
}

export function calibrate(input: CalibrateInput): Calibration {
  const base = validateProfile(input.base.json, input.base.file);
  const log = parseBenchLog(input.bench.text, input.bench.file);
  const bench = fitBench(log, base);
  const trace = input.power ? parsePowerCsv(input.power.text, input.power.file) : undefined;
  const power = trace ? fitPower(trace, log, base, input.powerOptions) : undefined;
  const sources = [input.bench.file, ...(input.power ? [input.power.file] : [])];
  const { json, profile, changes } = applyFits(
    input.base.json,
    input.base.file,
    [...bench.fitted, ...(power?.fitted ?? [])],
    sources,
  );
  return {
    base,
    baseFile: input.base.file,
    log,
    bench,
    trace,
    power,
    json,
    profile,
    changes,
    warnings: [...bench.warnings, ...(power?.warnings ?? [])],
  };
}
