/**
 * The `keytwin` command: the composition root. Each subcommand lives in cli/commands/<name>.ts
 * and exports `run(argv): Promise<number>` (the exit code) plus a one-line `summary`.
 * @module
 */
import { commands } from './commands/index.ts';
import { UsageError } from './args.ts';
import { codeVersion } from './manifest.ts';
import { readFileSync } from 'node:fs';

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`keytwin ${packageVersion()} (code ${codeVersion()}, node ${process.version})\n`);
    return 0;
  }
  const entry = commands[name];
  if (!entry) {
    process.stderr.write(`keytwin: unknown command '${name}'. Valid commands: ${Object.keys(commands).join(', ')}\n`);
    return 2;
  }
  try {
    const mod = await entry.load();
    return await mod.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`keytwin ${name}: ${err.message}\n`);
      return 2;
    }
    if (err instanceof Error && 'userFacing' in err && err.userFacing) {
      process.stderr.write(`keytwin ${name}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return `keytwin: digital twin of a quantum-resilient smart keychain\n\nUsage: keytwin <command> [options]   (keytwin --version)\n\n${lines.join('\n')}\n\nRun 'keytwin <command> --help' for a command's options.\n`;
}
