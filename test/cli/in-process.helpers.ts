/**
 * `keytwin …` run in this process (cli/main.ts), its stdout and stderr captured: for tests whose
 * commands stop before anything slow, where spawning a process per case would cost seconds.
 */
import { vi } from 'vitest';
import { main } from '../../cli/main.ts';

export interface CliOutcome {
  code: number;
  out: string;
  err: string;
}

export async function keytwinInProcess(...argv: string[]): Promise<CliOutcome> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await main(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
