// `keytwin calibrate` end to end: on the host-built bench's real log (plus a synthetic PPK2 trace)
// and on a synthetic ESP32-S3 log; writes a profile that `keytwin profile validate` accepts and a
// report with its charts; malformed input exits 1 naming file:line:column.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { run as calibrateCmd } from '../../cli/commands/calibrate.ts';
import { UsageError } from '../../cli/args.ts';
import { defaultProfile } from '../../firmware/profiles/index.ts';
import { loadProfile } from '../../scenarios/load-profile.ts';
import { benchLog, opsFrom, phasesFrom, rng, traceCsv } from '../firmware/calibrate-synth.ts';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'keytwin-calibrate-'));

async function keytwin(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['cli/keytwin.mjs', ...args], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('keytwin calibrate', () => {
  const f = (name: string) => join(dir, name);
  beforeAll(() => {
    // The host bench, really compiled and run (needs gcc + libsodium-dev, see .ci/services.sh).
    const exe = f('ktbench-host');
    execFileSync('gcc', [
      '-O2',
      '-std=c11',
      '-Ifirmware/bench/portable',
      '-DKT_CFLAGS="-O2 -std=c11"',
      'firmware/bench/host/host_main.c',
      'firmware/bench/portable/ktbench.c',
      '-lsodium',
      '-lm',
      '-o',
      exe,
    ]);
    writeFileSync(
      f('host-bench.log'),
      execFileSync(exe, ['40', '--samples'], { encoding: 'utf8' }),
    );
    // A synthetic ESP32-S3 session generated from the default profile, with its PPK2 trace.
    const u = rng(1);
    const { text, markers } = benchLog(
      opsFrom(defaultProfile(), u, { runs: 50, signRuns: 1000, jitter: 0.01 }),
      u,
    );
    writeFileSync(f('s3-bench.log'), text);
    writeFileSync(
      f('s3-ppk2.csv'),
      traceCsv(
        phasesFrom(defaultProfile(), markers),
        { format: 'ppk2-columns', rateHz: 5000, noise: 0.02, floorMa: 0.0005 },
        u,
      ),
    );
  });

  it('calibrates the host-built bench log: diff table, profile JSON, report', async () => {
    const r = await keytwin(
      'calibrate',
      '--bench',
      f('host-bench.log'),
      '--power',
      f('s3-ppk2.csv'),
      '--base',
      'default',
      '--out',
      f('host.json'),
      '--report',
      f('host-report'),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^bench {2}.*host-bench\.log: host-x86_64 n\/a @ 1000 MHz, gcc/m);
    expect(r.stdout).toMatch(/counter: clock_gettime/);
    expect(r.stdout).toMatch(/^key\s+base\s+calibrated\s+unit\s+change\s+residual\s+ref$/m);
    // The host bench ran libsodium: its figures go to the `optimised` set, the active choice stays.
    expect(r.stdout).toMatch(
      /^classical\.x25519\.optimised\.shared\s+15\.6 L\s+[\d.]+ H\s+ms\s+-\d+\.\d%\s+[\d.]+%\s+measured:host-bench\.log#L\d+$/m,
    );
    expect(r.stdout).toMatch(/warning: .*X25519 ran libsodium: its figures go to classical\.x25519\.optimised/);
    expect(loadProfile(f('host.json')).classical.x25519.optimised.shared.ref).toMatch(
      /^measured:host-bench\.log#L\d+$/,
    );
    const html = readFileSync(join(f('host-report'), 'calibration.html'), 'utf8');
    expect(html).toMatch(/<h2>Per-operation distributions<\/h2>/);
    expect(html).toMatch(/<h2>Power trace: /);
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThan(10);
    expect(html).not.toMatch(/<script/);
  });

  it('calibrates a synthetic ESP32-S3 log + PPK2 trace back to the default profile (nothing moves beyond noise)', async () => {
    const r = await keytwin(
      'calibrate',
      '--bench',
      f('s3-bench.log'),
      '--power',
      f('s3-ppk2.csv'),
      '--base',
      'default',
      '--out',
      f('s3.json'),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /ppk2, \d+ samples over [\d.]+ s, \d+ segments by markers; deepSleep 0\.00[78]\d* mA, lightSleep 0\.24\d mA, idle 47\.\d mA, active 65\.\d mA/,
    );
    // Every change is within a few per cent of the base (the truth here); the ML-DSA sign model
    // within the round trip's tolerances (test/firmware/calibrate-roundtrip.test.ts).
    const rows = [...r.stdout.matchAll(/^(\S+)\s+\S+ \w\s+\S+ H\s+\S+\s+([+-][\d.]+)%/gm)];
    expect(rows.length).toBeGreaterThan(30);
    for (const m of rows) {
      const limit = m[1]!.endsWith('.sign.base') ? 20 : m[1]!.includes('.sign.') ? 10 : 3;
      expect(Math.abs(Number(m[2])), m[0]).toBeLessThan(limit);
    }
  });

  it('rejects malformed input naming file, line and column (exit 1)', async () => {
    writeFileSync(
      f('bad.log'),
      readFileSync(f('s3-bench.log'), 'utf8').replace(/ p95=\d+/, ' p95=lots'),
    );
    const r = await keytwin('calibrate', '--bench', f('bad.log'), '--base', 'default');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.log:\d+:\d+: expected p95= a non-negative integer, got "lots"/);
  });

  it('names the file for a bad trace, an unreadable file and a missing option (in process)', async () => {
    writeFileSync(f('bad.csv'), 'Timestamp(ms),Current(uA)\n0,1\n1,one\n');
    await expect(
      calibrateCmd(['--bench', f('s3-bench.log'), '--power', f('bad.csv'), '--base', 'default']),
    ).rejects.toThrow(/bad\.csv:3:3: expected a number \(current in microamperes\), got "one"/);
    await expect(calibrateCmd(['--bench', f('nope.log'), '--base', 'default'])).rejects.toThrow(
      /nope\.log: cannot read the bench log \(ENOENT\)/,
    );
    await expect(
      calibrateCmd(['--bench', f('s3-bench.log'), '--base', f('nope.json')]),
    ).rejects.toThrow(/nope\.json: cannot read the base profile \(ENOENT\)/);
    await expect(calibrateCmd(['--base', 'default'])).rejects.toThrow(UsageError);
  });
});
