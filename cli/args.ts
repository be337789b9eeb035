/**
 * Argument parsing for every subcommand: node:util parseArgs in strict mode, with errors that
 * list what is valid instead of a stack trace.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in how the command was called: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An error whose message is meant for the user as it is (bad file, unreachable server): exit 1. */
export class UserError extends Error {
  override name = 'UserError';
  readonly userFacing = true;
}

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommand<O extends Options>(argv: readonly string[], options: O, help: string) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(help.endsWith('\n') ? help : help + '\n');
    return null;
  }
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    const valid = Object.keys(options).map((o) => `--${o}`).join(', ');
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (valid options: ${valid})`);
  }
}

/** Parses a value that must be one of `choices`; the error names the option and the choices. */
export function oneOf<T extends string>(option: string, value: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${option} '${value}' is not valid; choose one of: ${choices.join(', ')}`);
}

/** Parses a positive number, or fails naming the option. */
export function positiveNumber(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${option} must be a positive number, got '${value}'`);
  return n;
}
