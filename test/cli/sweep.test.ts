import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE_FILE } from '../../firmware/profiles/index.ts';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'keytwin-sweep-'));

async function keytwin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [resolve('cli/keytwin.mjs'), ...args], { encoding: 'utf8', timeout: 580_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('keytwin sweep: bad --set input names itself', () => {
  it.each([
    ['radio.attMtu=abc', /--set: quickstart\/radio\.attMtu=abc: radio\.attMtu: expected an integer in 23\.\.517, got "abc"/],
    ['radio.bogus=1,2', /radio\.bogus: expected a known field/],
    ['radio.attMtu', /--set radio\.attMtu: expected path=value1,value2/],
    ['radio.attMtu=185,,247', /--set radio\.attMtu=185,,247: an empty value/],
    ['radio.attMtu=185,185', /a value is given twice/],
  ])('--set %s', async (set, message) => {
    const r = await keytwin('sweep', 'scenarios/quickstart.yaml', '--set', set, '--store', 'none', '--out', join(dir, 'bad'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n').length).toBe(1);
  });
  it('--baseline must name a point', async () => {
    const r = await keytwin('sweep', 'scenarios/quickstart.yaml', '--set', 'radio.attMtu=185,247', '--baseline', 'x', '--store', 'none');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--baseline x: no such point (points: radio.attMtu=185, radio.attMtu=247)");
  });
});

describe('keytwin sweep end to end', () => {
  it('finds no difference for a variant that changes nothing and the right sign for a doubled sleep current', async () => {
    const text = readFileSync(join('firmware/profiles', DEFAULT_PROFILE_FILE), 'utf8');
    const same = join(dir, 'same.json');
    const doubled = join(dir, 'doubled.json');
    const base = join(dir, 'base.json');
    writeFileSync(base, text);
    writeFileSync(same, text);
    const p = JSON.parse(text) as { mcu: { deepSleepRtcPeriphOn: { v: number } } };
    p.mcu.deepSleepRtcPeriphOn.v *= 2;
    writeFileSync(doubled, JSON.stringify(p));
    const out = join(dir, 'grid');
    const store = join(dir, 'store');
    const r = await keytwin('sweep', 'scenarios/quickstart.yaml', '--set', `profile=${base},${same},${doubled}`, '--devices', '3', '--duration', '1d', '--replications', '2', '--store', store, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as {
      sweepId: string;
      spec: { seeds: string[]; points: string[] };
      analysis: { differences: { point: string; metric: string; pairs: string; diff: { mean: number; lo: number; hi: number; n: number; significant: boolean } }[] };
    };
    expect(sweep.spec.seeds[0]).toBe('42');
    const diff = (point: string, metric: string) => sweep.analysis.differences.find((d) => d.point === `profile=${point}` && d.metric === metric)!.diff;
    const none = diff(same, 'batteryLifeDevice');
    expect([none.mean, none.lo, none.hi, none.n]).toEqual([0, 0, 0, 6]);
    expect(none.significant).toBe(false);
    for (const d of sweep.analysis.differences.filter((x) => x.point === `profile=${same}`)) expect(d.diff.mean).toBe(0);
    const more = diff(doubled, 'batteryLifeDevice');
    expect(more.significant).toBe(true);
    expect(more.hi).toBeLessThan(0);
    expect(r.stdout).toMatch(/battery life per keychain \(d\)\s+\+0\.00\s+0\.00 – 0\.00\s+.*not significant/);
    expect(r.stdout).toMatch(new RegExp(`profile=${doubled.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s+battery life per keychain \\(d\\)\\s+-[\\d.]+.*lower`));
    expect(r.stdout).toContain(`stored sweep ${sweep.sweepId} with its 6 runs`);
    expect(readFileSync(join(out, 'report', 'index.html'), 'utf8')).toContain('battery life per keychain: 1 of 2 points differs significantly');
    const rep = await keytwin('report', '--sweep', sweep.sweepId, '--store', store, '--out', join(dir, 'rep'));
    expect(rep.code, rep.stderr).toBe(0);
    expect(readFileSync(join(dir, 'rep', 'index.html'), 'utf8')).toContain('battery life per keychain: 1 of 2 points differs significantly');
  }, 600_000);
});

describe('keytwin run --replications', () => {
  it('runs replication 1 on the scenario seed and prints t-intervals between replications', async () => {
    const out = join(dir, 'reps');
    const r = await keytwin('run', 'scenarios/quickstart.yaml', '--devices', '2', '--duration', '1d', '--replications', '2', '--store', 'none', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Headline metrics: mean of 2 replications, 95 % t-interval between replications');
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as { spec: { kind: string; seeds: string[] }; analysis: { intervals: { metric: string; ci: { n: number } }[] } };
    expect(sweep.spec.kind).toBe('replications');
    expect(sweep.spec.seeds).toEqual(['42', '86661310586394']);
    expect(sweep.analysis.intervals.find((i) => i.metric === 'batteryP50')!.ci.n).toBe(2);
  }, 600_000);
});
