import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'keytwin-sensitivity-'));

interface Analysis {
  runs: number;
  wallMs: number;
  figures: unknown[];
  screenedOut: string[];
  tornado: { figure: string; output: string; swing: number }[];
  morris: { figure: string; output: string; muStar: number }[];
}

async function sensitivity(workers: number): Promise<{ analysis: Analysis; text: string; stderr: string }> {
  const out = join(dir, `w${workers}`);
  const { stdout, stderr } = await exec(
    process.execPath,
    [resolve('cli/keytwin.mjs'), 'sweep', 'scenarios/quickstart.yaml', '--sensitivity', '--r', '1', '--devices', '5', '--duration', '1d', '--store', 'none', '--out', out, '--workers', String(workers), '--json'],
    { encoding: 'utf8', timeout: 300_000 },
  );
  return { analysis: (JSON.parse(stdout) as { analysis: Analysis }).analysis, text: readFileSync(join(out, 'sensitivity.txt'), 'utf8'), stderr };
}

describe('keytwin sweep --sensitivity on a shared thread pool', () => {
  it('gives the same tornado and Morris effects on 1 and 2 threads, runs as many runs as it says, and names the figures its own table ranks first', async () => {
    const one = await sensitivity(1);
    const two = await sensitivity(2);
    const { wallMs: _a, ...a } = one.analysis;
    const { wallMs: _b, ...b } = two.analysis;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));

    // 1 nominal + 2 per figure, then r (= 1) × (k' + 1) for the k' figures that moved an output.
    const k = a.figures.length;
    const moving = k - a.screenedOut.length;
    expect(moving).toBeGreaterThan(0);
    expect(a.runs).toBe(1 + 2 * k + (moving + 1));
    expect(one.stderr.match(/^run \d+ \(/gm)).toHaveLength(a.runs);
    const total = Number(new RegExp(`${a.runs} runs in ([\\d.]+) s`).exec(one.stderr)![1]);
    // A run's figure is its time from queued to done, so none can exceed the whole analysis'.
    const each = [...two.stderr.matchAll(/^run \d+ \(.*\): done ([\d.]+) s after it was queued$/gm)].map((m) => Number(m[1]));
    expect(each).toHaveLength(a.runs);
    const twoTotal = Number(new RegExp(`${a.runs} runs in ([\\d.]+) s`).exec(two.stderr)![1]);
    expect(Math.max(...each)).toBeLessThanOrEqual(twoTotal + 0.01);
    expect(total).toBeGreaterThan(0);

    // The headline's three figures are the three largest Morris μ* on battery life, in order.
    const top = a.morris.filter((m) => m.output === 'batteryP50').sort((x, y) => y.muStar - x.muStar).slice(0, 3).map((m) => m.figure);
    const line = one.text.split('\n').find((l) => l.startsWith('The 3 figures that move battery life p50 most'))!;
    expect(line.match(/: (.*)$/)![1]!.split(', ').map((s) => s.replace(/ \(.*\)$/, ''))).toEqual(top);
  });
});
