/**
 * How run, capacity and load read what they are given: the scenario file, and the command-line
 * values that override it, through scenarios/' one resolution (checkOverrides, resolveScenario).
 * Mistakes become one line naming the file and field (exit 1) or the option (exit 2).
 * @module
 */
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { checkOverrides, loadScenario, OverrideError, ScenarioError, type OverrideArgs, type RunOverrides, type Scenario } from '../scenarios/index.ts';
import { UsageError, UserError } from './args.ts';

export function readScenario(path: string): Scenario {
  if (!existsSync(path)) throw new UserError(`${path}: no such scenario file (the shipped ones are in scenarios/)`);
  try {
    return loadScenario(path);
  } catch (err) {
    if (err instanceof ScenarioError) throw new UserError(err.message);
    throw err;
  }
}

/** --devices, --duration, --seed, --trace by the scenario's own field rules. */
export function readOverrides(args: OverrideArgs): RunOverrides {
  try {
    return checkOverrides(args);
  } catch (err) {
    if (err instanceof OverrideError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * The seed source for `seed: random` and `--seed random` alike: the OS generator, up to 2^47 so
 * the seed prints and stores as an exact integer. The drawn seed is printed and recorded.
 */
export function drawSeed(): number {
  return randomInt(2 ** 47);
}
