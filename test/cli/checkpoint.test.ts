/**
 * `keytwin run --checkpoint` killed with SIGKILL at random moments (each after at least one new
 * checkpoint was written), then `keytwin resume`, ends in the summary and result of a run that was
 * never disturbed, byte for byte; a checkpoint of a changed scenario is refused.
 * The kill moments are random on purpose (wall-clock, under whatever load the machine has); they
 * are printed, so a failure says where it was killed.
 */
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'keytwin-ckpt-cli-'));
const BIN = resolve('cli/keytwin.mjs');

async function keytwin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 280_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const savedDay = (ck: string): number => {
  try {
    return (JSON.parse(readFileSync(join(ck, 'checkpoint.json'), 'utf8')) as { day: number }).day;
  } catch {
    return -1; // not written yet (it is renamed into place whole, so never half written)
  }
};

/** Starts `keytwin <args>`, waits for a checkpoint newer than `after`, then a random 0–`jitterMs`, and kills it with SIGKILL. Returns the day it was at, or null if it finished first. */
async function killAfterCheckpoint(args: string[], ck: string, after: number, jitterMs: number): Promise<number | null> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: 'ignore' });
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  let done = false;
  void exited.then(() => (done = true));
  while (!done && savedDay(ck) <= after) await new Promise((r) => setTimeout(r, 50));
  if (!done) await new Promise((r) => setTimeout(r, Math.random() * jitterMs));
  if (done) return null;
  child.kill('SIGKILL');
  await exited;
  return savedDay(ck);
}

/** result.json without its manifest (run id, wall time and start differ by nature). */
const resultBody = (out: string) => {
  const r = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as Record<string, unknown>;
  delete r.manifest;
  return JSON.stringify(r);
};

async function killAndResume(name: string, common: string[], kills: number, jitterMs: number, partitions: number): Promise<void> {
  const ref = await keytwin('run', ...common, '--out', join(dir, `${name}-ref`));
  expect(ref.code, ref.stderr).toBe(0);
  const ck = join(dir, `${name}-ck`);
  const out = join(dir, `${name}-out`);
  let args = ['run', ...common, '--out', out, '--checkpoint', ck, '--every', '2d'];
  let day = 0;
  const at: (number | null)[] = [];
  for (let k = 0; k < kills; k++) {
    const killed = await killAfterCheckpoint(args, ck, day, jitterMs);
    at.push(killed);
    if (killed === null) break;
    expect(killed).toBeGreaterThan(day);
    day = killed;
    args = ['resume', ck];
  }
  console.log(`${name}: killed with SIGKILL at checkpoint days ${at.map((d) => d ?? 'finished first').join(', ')}`);
  expect(at[0], 'the first run was killed, not finished').not.toBeNull();
  expect((JSON.parse(readFileSync(join(ck, 'checkpoint.json'), 'utf8')) as { partitions: unknown[] }).partitions).toHaveLength(partitions);
  // The last checkpoint: the last kill's, or a later one when a resumed run finished first (fast machines).
  const from = savedDay(ck);
  expect(from).toBeGreaterThanOrEqual(day);
  const last = await keytwin('resume', ck);
  expect(last.code, last.stderr).toBe(0);
  expect(last.stderr).toMatch(new RegExp(`resuming quickstart \\(seed 42, .*from day ${from} of `));
  expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe(readFileSync(join(dir, `${name}-ref`, 'summary.json'), 'utf8'));
  expect(resultBody(out)).toBe(resultBody(join(dir, `${name}-ref`)));
}

describe('keytwin run --checkpoint, killed, then keytwin resume', () => {
  it('one worker, 200 keychains × 40 days, killed up to three times (a resumed run may finish first): the same summary and result as an undisturbed run', async () => {
    await killAndResume('w1', ['scenarios/quickstart.yaml', '--devices', '200', '--duration', '40d', '--store', 'none', '--seed', '42'], 3, 300, 1);
  }, 600_000);

  it('two workers (4000 keychains × 6 days), killed once: the same summary as an undisturbed run', async () => {
    await killAndResume('w2', ['scenarios/quickstart.yaml', '--devices', '4000', '--duration', '6d', '--store', 'none', '--seed', '42', '--workers', '2'], 1, 1000, 2);
  }, 600_000);

  it('refuses to resume after the scenario file changed, and to overwrite a checkpoint without --force', async () => {
    const scenario = join(dir, 'edited.yaml');
    copyFileSync('scenarios/quickstart.yaml', scenario);
    const ck = join(dir, 'edited-ck');
    const first = await keytwin('run', scenario, '--devices', '5', '--duration', '3d', '--store', 'none', '--out', join(dir, 'edited-out'), '--checkpoint', ck, '--every', '1d');
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(join(ck, 'part-0-day-2.bin'))).toBe(true);
    const again = await keytwin('run', scenario, '--devices', '5', '--duration', '3d', '--store', 'none', '--checkpoint', ck);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`--checkpoint ${ck} already holds a checkpoint (quickstart, seed 42, day 2 of 3); continue it with 'keytwin resume ${ck}', or add --force`);
    writeFileSync(scenario, readFileSync(scenario, 'utf8').replace('phoneInRange: 0.9 ', 'phoneInRange: 0.8 '));
    const r = await keytwin('resume', ck);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/checkpoint of another run, refused:\n {2}fleet config \(scenario file or profile changed\) SHA-256: checkpoint "[0-9a-f]{64}", this run "[0-9a-f]{64}"/);
    const bad = await keytwin('run', scenario, '--devices', '5', '--duration', '3d', '--store', 'none', '--checkpoint', join(dir, 'x'), '--every', '36h');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--every: expected a whole number of days such as 7d or 2w, got '36h'");
    const both = await keytwin('run', scenario, '--devices', '5', '--duration', '3d', '--store', 'none', '--checkpoint', join(dir, 'y'), '--nats', 'nats://127.0.0.1:1');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--checkpoint does not combine with --nats');
  }, 300_000);
});
