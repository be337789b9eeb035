/**
 * Runs SPIN on the Promela model that models/verify exports: writes it to a temporary folder,
 * `spin -a`, compiles pan with gcc, searches, and on a violation replays the trail into a readable
 * message sequence (the MSC lines the model prints, plus each role's states). The I/O half of
 * `keytwin verify`; models/verify stays pure.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportPromela, type Bounds } from '../../models/verify/index.ts';

export interface SpinResult {
  readonly mutant: string | null;
  readonly bounds: Bounds;
  readonly ok: boolean;
  readonly errors: number;
  readonly states: number;
  readonly depth: number;
  readonly seconds: number;
  /** The violated assertion, as SPIN reports it. */
  readonly violation: string | null;
  /** The counterexample as a message sequence (empty when none). */
  readonly trace: readonly string[];
  /** The search was exhaustive within the bounds (no memory or depth cut-off). */
  readonly complete: boolean;
}

const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });

export function spinAvailable(): boolean {
  try {
    execFileSync('spin', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function runSpin(options: { mutant?: string; bounds?: Partial<Bounds>; keep?: boolean } = {}): SpinResult {
  const { promela, bounds, mutant } = exportPromela({ mutant: options.mutant, bounds: options.bounds });
  const dir = mkdtempSync(join(tmpdir(), 'keytwin-spin-'));
  try {
    writeFileSync(join(dir, 'model.pml'), promela);
    run('spin', ['-a', 'model.pml'], dir);
    // COLLAPSE: exact state compression (no hash compaction, so a completed search is exhaustive).
    run('gcc', ['-O2', '-DSAFETY', '-DCOLLAPSE', '-DMEMLIM=2048', '-o', 'pan', 'pan.c'], dir);
    const t0 = performance.now();
    let out: string;
    try {
      out = run('./pan', ['-m200000'], dir);
    } catch (err) {
      out = String((err as { stdout?: string }).stdout ?? '');
    }
    const seconds = (performance.now() - t0) / 1000;
    const num = (re: RegExp) => Number(out.match(re)?.[1] ?? NaN);
    const errors = num(/errors: (\d+)/);
    const complete = !/reached -DMEMLIM|max search depth too small|Search not completed/.test(out);
    let violation: string | null = null;
    let trace: string[] = [];
    if (errors > 0 && existsSync(join(dir, 'model.pml.trail'))) {
      const replay = run('spin', ['-t', '-p', '-g', 'model.pml'], dir);
      violation = replay.match(/spin: .*assertion violated.*/)?.[0] ?? out.match(/pan:1: (.*)/)?.[1] ?? 'violation';
      trace = renderTrace(replay);
    }
    return { mutant: mutant?.id ?? null, bounds, ok: errors === 0 && complete, errors, states: num(/(\d+) states, stored/), depth: num(/depth reached (\d+)/), seconds, violation, trace, complete };
  } finally {
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

/** Keeps what a reader needs from `spin -t -p -g`: messages, each role's state changes, the failed assertion. */
export function renderTrace(replay: string): string[] {
  const lines: string[] = [];
  for (const raw of replay.split('\n')) {
    const msc = raw.match(/^\s*MSC: (.*)$/);
    if (msc) {
      lines.push(msc[1]!);
      continue;
    }
    const bad = raw.match(/spin: (.*assertion violated.*)/);
    if (bad) lines.push(`VIOLATED: ${bad[1]}`);
  }
  return lines;
}
