/**
 * The run manifest: the wall-clock and environment facts of a run (code version, Node, library
 * versions, when it started, how long it took). They live here, in the composition root, because
 * the simulator itself must never read the clock or the environment.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FleetConfig } from '../scenarios/index.ts';
import type { RunManifest } from '../results/index.ts';

const require = createRequire(import.meta.url);

let described: string | null = null;

/**
 * git describe of keytwin's own tree (wherever it is run from), with -dirty when it has
 * uncommitted changes. Asked once per process: the code a command runs is what it loaded at its
 * start, and a git process per run was half the wall time of a sensitivity analysis's small runs.
 */
export function codeVersion(): string {
  if (described !== null) return described;
  try {
    described = execFileSync('git', ['describe', '--always', '--dirty', '--abbrev=12'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], cwd: fileURLToPath(new URL('..', import.meta.url)) }).trim();
  } catch {
    described = 'unknown';
  }
  return described;
}

/**
 * The installed version of a dependency. Packages with an `exports` map (the @noble ones) do not
 * export package.json, so it is looked up in the node_modules folders Node would search.
 */
export function depVersion(name: string): string {
  for (const dir of require.resolve.paths(name) ?? []) {
    const file = join(dir, name, 'package.json');
    if (!existsSync(file)) continue;
    try {
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    } catch {
      break;
    }
  }
  return 'unknown';
}

export function createManifest(
  cfg: FleetConfig,
  scenario: { name: string; path: string | null; text: string },
  timing: { runId: string; startedAt: Date; wallMs: number; events: number; workers: number },
): RunManifest {
  return {
    runId: timing.runId,
    scenario: { name: scenario.name, path: scenario.path, sha256: createHash('sha256').update(scenario.text).digest('hex') },
    // The seed as run (a drawn `random` seed is already a number); a string seed from code is
    // recorded as given, as the summary does, rather than as NaN (null in JSON).
    seed: cfg.seed as number,
    devices: cfg.devices,
    durationDays: cfg.durationDays,
    profile: cfg.profile.profile,
    codeVersion: codeVersion(),
    node: process.version,
    deps: Object.fromEntries(['xstate', '@noble/post-quantum', '@noble/curves', '@noble/ciphers'].map((d) => [d, depVersion(d)])),
    workers: timing.workers,
    simStart: cfg.start,
    startedAt: timing.startedAt.toISOString(),
    wallMs: Math.round(timing.wallMs),
    eventsPerSecond: Math.round(timing.events / (timing.wallMs / 1000)),
  };
}
