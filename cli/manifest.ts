/**
 * The run manifest: the wall-clock and environment facts of a run (code version, Node, library
 * versions, when it started, how long it took). They live here, in the composition root, because
 * the simulator itself must never read the clock or the environment.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FleetConfig } from '../sim/twin/config.ts';
import type { RunManifest } from '../results/index.ts';

const require = createRequire(import.meta.url);

/** git describe of the working tree, with -dirty when it has uncommitted changes. */
export function codeVersion(): string {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty', '--abbrev=12'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function depVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function createManifest(
  cfg: FleetConfig,
  scenario: { name: string; path: string | null; text: string },
  timing: { runId: string; startedAt: Date; wallMs: number; events: number; workers: number },
): RunManifest {
  return {
    runId: timing.runId,
    scenario: { name: scenario.name, path: scenario.path, sha256: createHash('sha256').update(scenario.text).digest('hex') },
    seed: typeof cfg.seed === 'number' ? cfg.seed : Number.NaN,
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
