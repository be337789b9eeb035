/**
 * The CLI validates what it is given, as the scenario file does (issue 9): every case a new user
 * tried fails before anything is simulated or created, in one line naming the option, with the
 * scenario's own rules and wording. Runs `main` in-process: these all stop in pre-flight.
 */
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keytwinInProcess } from './in-process.helpers.ts';
import { checkMemory, estimateBytes, usefulWorkers } from '../../cli/preflight.ts';
import { newRunDir, pointLatest, reportHint } from '../../cli/run-output.ts';
import { DEFAULT_STORE } from '../../store/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'keytwin-validate-'));

const keytwin = keytwinInProcess;

afterEach(() => {
  delete process.env.KEYTWIN_MEMORY_BYTES;
});

describe('keytwin run: command-line values go through the scenario rules, before anything runs', () => {
  it.each([
    [['--duration', '100000y'], '--duration: expected a duration like 7d, 12h, 1y (units ms, s, min, h, d, w, y; at most 20y), got "100000y"'],
    [['--duration', '21y'], '--duration: expected a duration like 7d, 12h, 1y (units ms, s, min, h, d, w, y; at most 20y), got "21y"'],
    [['--devices', '99999999'], '--devices: expected an integer in 1..10000000, got 99999999'],
    [['--devices', '1.5'], '--devices: expected an integer in 1..10000000, got 1.5'],
    [['--seed', 'lucky'], '--seed: expected a non-negative integer, or "random" to opt in to a fresh seed, got "lucky"'],
    [['--workers', '-1'], "--workers must be a whole number >= 1, got '-1'"],
    [['--workers', '0'], "--workers must be a whole number >= 1, got '0'"],
    [['--trace', '-3'], '--trace: expected a whole number of traced devices >= 0, got -3'],
  ])('%j fails with one line naming the option (exit 2)', async (args, message) => {
    const r = await keytwin('run', 'scenarios/quickstart.yaml', ...args, '--store', 'none', '--out', join(dir, 'never'));
    expect(r.code).toBe(2);
    expect(r.err).toBe(`keytwin run: ${message}\n`);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('the same rule and words as the scenario file (duration over 20 y)', async () => {
    const bad = join(dir, 'long.yaml');
    writeFileSync(bad, readFileSync('scenarios/quickstart.yaml', 'utf8').replace(/^duration: .*$/m, 'duration: 21y'));
    const r = await keytwin('run', bad, '--store', 'none');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/:\d+:\d+: duration: expected a duration like 7d, 12h, 1y \(units ms, s, min, h, d, w, y; at most 20y\), got "21y"/);
  });

  it('--store mysql://foo fails in pre-flight with a clear message and creates nothing', async () => {
    const r = await keytwin('run', 'scenarios/quickstart.yaml', '--store', 'mysql://foo', '--out', join(dir, 'never'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('--store: expected "pglite" (the embedded store), "none", a postgres://user@host:port/db URL, memory://, or a directory (the scheme mysql:// is not supported), got "mysql://foo"');
    expect(existsSync('mysql:')).toBe(false);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('a repeated option is an error, not the last one silently kept', async () => {
    const r = await keytwin('report', 'a', '--vs', 'b', '--vs', 'c');
    expect(r.code).toBe(2);
    expect(r.err).toBe('keytwin report: --vs is given more than once; give it once\n');
  });

  it('refuses a run that cannot fit in memory, before it starts, saying what would', async () => {
    process.env.KEYTWIN_MEMORY_BYTES = String(400 * 2 ** 20);
    const r = await keytwin('run', 'scenarios/quickstart.yaml', '--devices', '200000', '--store', 'none');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^keytwin run: 200000 keychains for 7 days need about 0\.5 GiB of memory and 0\.4 GiB is available \(.*\): at most about \d+ keychains fit for this duration\n$/);
  });

  it('a sensitivity analysis that cannot fit in memory is refused before its first run, counting its runs in flight', async () => {
    process.env.KEYTWIN_MEMORY_BYTES = String(400 * 2 ** 20);
    const out = join(dir, 'sens-refused');
    const r = await keytwin('sweep', 'scenarios/quickstart.yaml', '--sensitivity', '--devices', '110000', '--workers', '2', '--store', 'none', '--out', out);
    expect(r.code).toBe(1);
    // Two runs in flight where two threads run (a 1-core machine runs one at a time).
    const inFlight = availableParallelism() >= 2 ? ', 2 runs at once,' : '';
    expect(r.err).toMatch(new RegExp(`^keytwin sweep: 110000 keychains for 3 days${inFlight} need about 0\\.[45] GiB`));
    expect(r.err).toMatch(/ need about 0\.[45] GiB of memory and 0\.4 GiB is available \(.*\): at most about \d+ keychains fit for this duration\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('--out holding a run is refused unless --force', async () => {
    const out = join(dir, 'held');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'summary.json'), '{}');
    const r = await keytwin('run', 'scenarios/quickstart.yaml', '--store', 'none', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--out ${out} already holds a run (summary.json); choose another folder, or add --force to replace it`);
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe('{}');
  });
});

describe('reading commands refuse a store that is not there (they would create an empty one)', () => {
  it.each([['runs'], ['dashboard'], ['report', 'some-run']])('%s --store <missing dir>', async (...cmd) => {
    const missing = join(dir, 'no-such-store');
    const r = await keytwin(...cmd, '--store', missing);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`no store at ${missing}: check the path`);
    expect(existsSync(missing)).toBe(false);
  });

  it('runs --store mysql://foo names the option and the accepted forms', async () => {
    const r = await keytwin('runs', '--store', 'mysql://foo');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--store: expected "pglite"');
  });
});

describe('keytwin --version', () => {
  it('prints the package version, the code version and Node', async () => {
    const r = await keytwin('--version');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^keytwin \d+\.\d+\.\d+ \(code \S+, node v\d+/);
  });
});

describe('pre-flight: workers and memory', () => {
  it('caps workers at what helps and says so', () => {
    expect(usefulWorkers(99, 20, 2)).toEqual({ workers: 1, note: expect.stringContaining('--workers 99: using 1, since 20 keychains need no more') });
    expect(usefulWorkers(99, 1_000_000, 2).note).toContain('this machine has 2 cores');
    expect(usefulWorkers(2, 100_000, 8)).toEqual({ workers: 2, note: null });
  });

  it('the estimate grows with keychains, days and workers; checkMemory passes what fits', () => {
    const small = estimateBytes({ devices: 100, durationDays: 7 }, 1);
    expect(estimateBytes({ devices: 100_000, durationDays: 7 }, 1)).toBeGreaterThan(small);
    expect(estimateBytes({ devices: 100, durationDays: 7300 }, 2)).toBeGreaterThan(estimateBytes({ devices: 100, durationDays: 7300 }, 1));
    expect(() => checkMemory({ devices: 100, durationDays: 7 }, 1, 2 ** 30)).not.toThrow();
    expect(() => checkMemory({ devices: 10_000_000, durationDays: 7300 }, 2, 2 ** 30)).toThrow(/need about .* GiB of memory and 1\.0 GiB is available/);
  });
});

describe('run output', () => {
  it('a new folder per run, never an earlier run\'s, and latest points at the newest', () => {
    const base = join(dir, 'out', 'quickstart');
    const at = new Date('2026-12-04T20:05:00Z');
    const a = newRunDir(base, at, 42);
    const b = newRunDir(base, at, 42);
    expect(a).toBe(join(base, '2026-12-04T20-05-00Z-seed42'));
    expect(b).toBe(join(base, '2026-12-04T20-05-00Z-seed42-2'));
    pointLatest(a);
    pointLatest(b);
    expect(readlinkSync(join(base, 'latest'))).toBe('2026-12-04T20-05-00Z-seed42-2');
  });

  it('the report hint names --store unless it is the default, and never a password', () => {
    expect(reportHint('r1', DEFAULT_STORE, DEFAULT_STORE)).toBe('keytwin report r1');
    expect(reportHint('r1', 'postgres://postgres@127.0.0.1:5432/test', 'x')).toBe("keytwin report r1 --store 'postgres://postgres@127.0.0.1:5432/test'");
    expect(reportHint('r1', 'postgres://u:secret@h/db', 'postgres://u:***@h/db')).toBe("keytwin report r1 --store 'postgres://u:***@h/db'");
  });
});
