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
  let parsed;
  try {
    parsed = parseArgs({ args: negativeValues(argv, options), options, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    const valid = Object.keys(options).map((o) => `--${o}`).join(', ');
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (valid options: ${valid})`);
  }
  // parseArgs keeps the last of a repeated option: say so rather than drop the others silently.
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option' || options[t.name]?.multiple) continue;
    if (seen.has(t.name)) throw new UsageError(`--${t.name} is given more than once; give it once`);
    seen.add(t.name);
  }
  const { tokens: _tokens, ...rest } = parsed;
  return rest;
}

/**
 * `--workers -1` would make parseArgs read `-1` as an option ("argument is ambiguous"): bind a
 * value that looks like a negative number to its option (`--workers=-1`), so the option's own
 * check can say what is wrong with it.
 */
function negativeValues(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : null;
    if (name !== null && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
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

/** Parses a whole number >= min, or fails naming the option. */
export function wholeNumber(option: string, value: string, min = 1): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new UsageError(`--${option} must be a whole number >= ${min}, got '${value}'`);
  return n;
}
