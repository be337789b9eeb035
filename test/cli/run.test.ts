import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { expandSweep, loadScenario, resolveScenario } from '../../scenarios/index.ts';
import { runFleet } from '../../sim/twin/parallel.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'keytwin-run-'));

async function keytwin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return keytwinIn(process.cwd(), ...args);
}

/** The CLI run from another working directory (where out/ and .keytwin/ are written). */
async function keytwinIn(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [resolve('cli/keytwin.mjs'), ...args], { encoding: 'utf8', timeout: 170_000, cwd });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('keytwin run', () => {
  it('runs a scenario\'s variants on shared threads, each variant\'s summary the one its run gives on threads of its own', async () => {
    const all = await keytwin('run', 'scenarios/firmware-strategies.yaml', '--devices', '6', '--duration', '1d', '--store', 'none', '--out', join(dir, 'variants'), '--json');
    expect(all.code, all.stderr).toBe(0);
    const printed = (JSON.parse(all.stdout) as unknown[]).map((x) => JSON.stringify(x));
    const variants = expandSweep(loadScenario('scenarios/firmware-strategies.yaml'));
    expect(printed).toHaveLength(variants.length);
    for (const [i, v] of variants.entries()) {
      const alone = await runFleet(resolveScenario(v, { devices: 6, durationDays: 1 }).fleet, { workers: 1 });
      expect(printed[i]).toBe(JSON.stringify(alone.summary));
    }
  });

  it('writes a summary that is byte-identical on a second run with the same seed, and prints the tables', async () => {
    const a = await keytwin('run', 'scenarios/quickstart.yaml', '--devices', '12', '--duration', '2d', '--store', 'none', '--out', join(dir, 'a'));
    const b = await keytwin('run', 'scenarios/quickstart.yaml', '--devices', '12', '--duration', '2d', '--store', 'none', '--out', join(dir, 'b'), '--workers', '2');
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    // 12 keychains gain nothing from a second worker: capped, and said so (identity across worker
    // counts is test/sim/twin/determinism.test.ts's).
    expect(b.stderr).toContain('--workers 2: using 1');
    expect(a.stdout).toMatch(/battery \(days\)\s+value\s+95 % CI/);
    expect(a.stdout).toMatch(/unlock \(wake → unlocked\)/);
    expect(a.stdout).toMatch(/per handshake\s+radio\s+crypto\s+secure element/);
    const sa = readFileSync(join(dir, 'a', 'summary.json'), 'utf8');
    expect(readFileSync(join(dir, 'b', 'summary.json'), 'utf8')).toBe(sa);
    const summary = JSON.parse(sa) as { devices: number; durationDays: number; unlocks: { succeeded: number } };
    expect(summary.devices).toBe(12);
    expect(summary.durationDays).toBe(2);
    expect(summary.unlocks.succeeded).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'a', 'manifest.json'), 'utf8')) as { runId: string; wallMs: number };
    expect(manifest.runId).toMatch(/^[0-9a-f-]{36}$/);
  }, 180_000);

  it('stores the run in an embedded store that `keytwin runs` lists', async () => {
    const store = join(dir, 'store');
    const r = await keytwin('run', 'scenarios/quickstart.yaml', '--devices', '5', '--duration', '1d', '--store', store, '--out', join(dir, 'c'));
    expect(r.code).toBe(0);
    const id = (JSON.parse(readFileSync(join(dir, 'c', 'manifest.json'), 'utf8')) as { runId: string }).runId;
    const list = await keytwin('runs', '--store', store);
    expect(list.stdout).toContain(id);
  }, 180_000);

  it('--json prints the JSON alone; --seed random draws a seed recorded as a number; each run gets its own folder', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'keytwin-cwd-'));
    const scenario = resolve('scenarios/quickstart.yaml');
    const r = await keytwinIn(cwd, 'run', scenario, '--devices', '4', '--duration', '1d', '--store', 'none', '--seed', 'random', '--json');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { seed: number; devices: number };
    expect(Number.isSafeInteger(summary.seed)).toBe(true);
    expect(r.stderr).toContain(`seed: random, drew ${summary.seed}`);
    const latest = join(cwd, 'out', 'quickstart', 'latest');
    const manifest = JSON.parse(readFileSync(join(latest, 'manifest.json'), 'utf8')) as { seed: number; codeVersion: string; deps: Record<string, string> };
    expect(manifest.seed).toBe(summary.seed);
    expect(manifest.codeVersion).not.toBe('unknown');
    for (const d of ['xstate', '@noble/post-quantum', '@noble/curves', '@noble/ciphers']) expect(manifest.deps[d]).toMatch(/^\d+\.\d+\.\d+/);
    const first = readFileSync(join(latest, 'summary.json'), 'utf8');
    const again = await keytwinIn(cwd, 'run', scenario, '--devices', '4', '--duration', '1d', '--store', 'none', '--seed', '3');
    expect(again.code).toBe(0);
    const runs = readdirSync(join(cwd, 'out', 'quickstart')).filter((n) => n !== 'latest').sort();
    expect(runs).toHaveLength(2);
    expect(runs[0]!.endsWith(`-seed${summary.seed}`) || runs[1]!.endsWith(`-seed${summary.seed}`)).toBe(true);
    expect(readFileSync(join(cwd, 'out', 'quickstart', runs.find((n) => n.endsWith(`-seed${summary.seed}`))!, 'summary.json'), 'utf8')).toBe(first);
    expect(JSON.parse(readFileSync(join(latest, 'summary.json'), 'utf8')).seed).toBe(3);
  }, 240_000);

  it('names the file, line and field of a bad scenario, and exits 1 before simulating', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync('scenarios/quickstart.yaml', 'utf8').replace('devices: 100', 'devices: lots'));
    const r = await keytwin('run', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: devices`));
    expect(r.stdout).not.toMatch(/events processed/);
  });

  it('rejects an unknown option with the list of valid ones (exit 2)', async () => {
    const r = await keytwin('run', 'scenarios/quickstart.yaml', '--devcies', '3');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--devcies/);
    expect(r.stderr).toMatch(/--devices/);
  });

  it('refuses an unreachable Postgres before the simulation starts', async () => {
    const r = await keytwin('run', 'scenarios/quickstart.yaml', '--store', 'postgres://nobody@127.0.0.1:1/none');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/127\.0\.0\.1:1/);
    expect(r.stdout).not.toMatch(/events processed/);
  });
});
