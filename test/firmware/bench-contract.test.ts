// Contract between the C bench (firmware/bench/portable + host) and keytwin's parser: the C is
// compiled with gcc here, run, and what it prints is parsed by firmware/calibrate and compared.
// Needs gcc and libsodium-dev (installed by .ci/services.sh).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cyclesToMs,
  orderStats,
  parseBenchLog,
  REQUIRED_HEADER,
  type BenchLog,
} from '../../firmware/calibrate/index.ts';

const BENCH = 'firmware/bench';
const RUNS = 31; // odd and even medians are both exercised: 31 here, 30 in the second run
const FLAGS = ['-O2', '-std=c11', '-Wall', '-Wextra', '-Werror'];

function build(): string {
  if (!existsSync('/usr/include/sodium.h'))
    throw new Error(
      'libsodium-dev is not installed (apt-get install libsodium-dev; see .ci/services.sh)',
    );
  const dir = mkdtempSync(join(tmpdir(), 'ktbench-'));
  const exe = join(dir, 'ktbench-host');
  const flags = FLAGS;
  execFileSync(
    'gcc',
    [
      ...flags,
      `-I${BENCH}/portable`,
      `-DKT_CFLAGS="${flags.join(' ')}"`,
      `${BENCH}/host/host_main.c`,
      `${BENCH}/portable/ktbench.c`,
      '-lsodium',
      '-lm',
      '-o',
      exe,
    ],
    { stdio: 'pipe' },
  );
  return exe;
}

describe('bench contract: C prints, TypeScript parses', () => {
  let out: string;
  let log: BenchLog;
  beforeAll(() => {
    const exe = build();
    out = execFileSync(exe, [String(RUNS), '--samples'], { encoding: 'utf8' });
    log = parseBenchLog(out, 'host-bench.log');
  });

  it('header carries every required field, with the counter stated honestly', () => {
    // Each required field, as the host program was built and told to print it (no field may be
    // merely present: a wrong value is a wrong calibration).
    const expected: Record<(typeof REQUIRED_HEADER)[number], string | RegExp> = {
      format: '1',
      chip: 'host-x86_64',
      revision: 'n/a',
      clock_mhz: '1000',
      counter: 'clock_gettime(CLOCK_MONOTONIC) ns, not CPU cycles',
      compiler: /^gcc \d+\.\d+/,
      flags: FLAGS.join(' '),
      libs: /^libsodium@1\.\d+\.\d+$/,
    };
    for (const k of REQUIRED_HEADER) {
      const want = expected[k];
      if (typeof want === 'string') expect(log.header.fields[k], k).toBe(want);
      else expect(log.header.fields[k], k).toMatch(want);
    }
    expect(log.header.chip).toBe('host-x86_64');
    expect(log.header.clockMHz).toBe(1000);
    expect(log.header.fields.counter).toContain('clock_gettime');
    expect(log.header.fields.counter).toContain('not CPU cycles');
    expect(log.header.fields.compiler).toMatch(/^gcc \d+/);
    expect(log.header.fields.libs).toMatch(/^libsodium@1\.\d+\.\d+/);
    expect(log.header.fields.runs).toBe(String(RUNS));
  });

  it('prints the operations it ran, every row with n runs and ordered statistics', () => {
    const names = new Set(log.rows.map((r) => r.name));
    for (const n of ['x25519.scalarmult', 'xchacha20poly1305.seal', 'sha256', 'hkdf.sha256'])
      expect(names).toContain(n);
    if (log.header.fields.aesgcm === 'libsodium-aesni') expect(names).toContain('aesgcm.seal');
    expect(log.rows.filter((r) => r.name === 'xchacha20poly1305.seal').map((r) => r.bytes)).toEqual(
      [16, 64, 256, 1024],
    );
    for (const r of log.rows) {
      expect(r.n).toBe(RUNS);
      expect(r.min).toBeLessThanOrEqual(r.median);
      expect(r.median).toBeLessThanOrEqual(r.p95);
      expect(r.p95).toBeLessThanOrEqual(r.max);
      expect(r.min).toBeGreaterThan(0);
      expect(r.stack).toBeGreaterThan(0);
      expect(r.stack).toBeLessThan(64 * 1024);
    }
    expect(log.markers.map((m) => m.id)).toEqual(log.rows.map((_, i) => i + 1));
  });

  it('statistics agree with the same definitions recomputed in TypeScript from the samples', () => {
    for (const r of log.rows) {
      expect(r.samples).toHaveLength(RUNS);
      const s = orderStats(r.samples!);
      expect({ min: r.min, median: r.median, p95: r.p95, max: r.max }).toEqual({
        min: s.min,
        median: s.median,
        p95: s.p95,
        max: s.max,
      });
      expect(r.mean).toBeCloseTo(s.mean, 0);
      expect(Math.abs(r.sd - s.sd)).toBeLessThanOrEqual(0.06);
    }
  });

  it('even n: median is the floor of the two middle samples, as in TypeScript', () => {
    const even = parseBenchLog(
      execFileSync(build(), ['30', '--samples'], { encoding: 'utf8' }),
      'even.log',
    );
    for (const r of even.rows) expect(r.median).toBe(orderStats(r.samples!).median);
  });

  it('cycles convert to ms at the header clock (1000 MHz: ns)', () => {
    const x = log.rows.find((r) => r.name === 'x25519.scalarmult')!;
    expect(cyclesToMs(log, x.median)).toBeCloseTo(x.median / 1e6, 12);
    // libsodium's X25519 is tens of microseconds on any x86-64 of the last decade.
    expect(cyclesToMs(log, x.median)).toBeGreaterThan(0.005);
    expect(cyclesToMs(log, x.median)).toBeLessThan(5);
  });

  it('larger records cost more: the per-size rows are monotone in the median (SHA-256 64 B vs 4 KiB)', () => {
    const sha = log.rows.filter((r) => r.name === 'sha256');
    expect(sha[2]!.median).toBeGreaterThan(sha[0]!.median);
    expect(out.trimEnd().split('\n').at(-1)).toBe(`KTBENCH/1 end rows=${log.rows.length}`);
  });
});
