/**
 * The dashboard's logic outside the browser: when an embedded store is reopened, the runs
 * table's sort and filter, the live view's rates and ETA, and the CSV and tooltip helpers.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Plot from '@observablehq/plot';
import { changeMarker, shortLivedStore, type LiveSnapshot } from '../../dashboards/index.ts';
import { tableCsv, withTips } from '../../dashboards/web/chart-tools.ts';
import { etaMs, eventRates, liveTotals } from '../../dashboards/web/live-progress.ts';
import { visibleRuns } from '../../dashboards/web/runs-table.ts';
import { lockHolder, lockStore, StoreLockedError, type RunListing, type Store } from '../../store/index.ts';

const listing = (runId: string, over: Partial<RunListing> = {}): RunListing => ({
  runId, scenario: 'office', seed: 1, devices: 10, durationDays: 30, profile: 'nrf52840', codeVersion: 'x', startedAt: '2026-01-01T00:00:00.000Z',
  wallMs: 1000, savedAt: '2026-01-01T00:00:00.000Z', batteryP5Days: 100, batteryP50Days: 200, unlockP95Ms: 300, failures: 0, unlockAttempts: 10,
  suites: ['mlkem768-mldsa44-hybrid-aesgcm'], ...over,
});

describe('shortLivedStore()', () => {
  const fakeDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'keytwin-marker-'));
    mkdirSync(join(dir, 'global'));
    mkdirSync(join(dir, 'pg_wal'));
    writeFileSync(join(dir, 'global', 'pg_control'), 'a');
    writeFileSync(join(dir, 'pg_wal', '000000010000000000000001'), 'wal');
    return dir;
  };
  const counting = (runs: () => RunListing[]) => {
    const log: string[] = [];
    const open = async () => {
      log.push('open');
      return { listRuns: async () => runs(), getRun: async () => null, close: async () => void log.push('close') } as unknown as Store;
    };
    return { log, open };
  };

  it('answers an unchanged store from the last listing, and reopens once it changed', async () => {
    const dir = fakeDir();
    try {
      let runs = [listing('a')];
      const { log, open } = counting(() => runs);
      const store = shortLivedStore(dir, open);
      expect((await store.listRuns()).map((r) => r.runId)).toEqual(['a']);
      expect((await store.listRuns()).map((r) => r.runId)).toEqual(['a']);
      expect(log).toEqual(['open', 'close']);
      runs = [listing('b'), listing('a')];
      const before = await store.version!();
      writeFileSync(join(dir, 'pg_wal', '000000010000000000000001'), 'wal + a commit');
      expect(await store.version!()).not.toBe(before);
      expect((await store.listRuns()).map((r) => r.runId)).toEqual(['b', 'a']);
      expect(log).toEqual(['open', 'close', 'open', 'close']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("its own close (which writes a checkpoint) is not a change: polling does not reopen the store", async () => {
    const dir = fakeDir();
    try {
      const log: string[] = [];
      let n = 0;
      const store = shortLivedStore(dir, async () => {
        log.push('open');
        return {
          listRuns: async () => [listing('a')], getRun: async () => null,
          close: async () => void writeFileSync(join(dir, 'global', 'pg_control'), `checkpoint ${++n}`),
        } as unknown as Store;
      });
      const v0 = await store.version!();
      await store.listRuns();
      await store.getRun('a');
      expect(await store.version!()).toBe(v0);
      await store.listRuns();
      expect(log).toEqual(['open', 'open']);
      writeFileSync(join(dir, 'pg_wal', '000000010000000000000001'), 'another process committed');
      expect(await store.version!()).not.toBe(v0);
      await store.listRuns();
      expect(log).toEqual(['open', 'open', 'open']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('requests that queue up share one open, and the store is closed when they are done', async () => {
    const dir = fakeDir();
    try {
      const { log, open } = counting(() => []);
      const store = shortLivedStore(dir, open);
      await Promise.all([store.getRun('x'), store.getRun('y'), store.getRun('z')]);
      expect(log).toEqual(['open', 'close']);
      await store.drain();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an open that fails is reported, and the next request tries again', async () => {
    const dir = fakeDir();
    try {
      let fail = true;
      const store = shortLivedStore(dir, async () => {
        if (fail) throw new Error('store is locked by pid 42 (keytwin run)');
        return { getRun: async () => null, close: async () => {} } as unknown as Store;
      });
      await expect(store.getRun('x')).rejects.toThrow('store is locked by pid 42 (keytwin run)');
      fail = false;
      await expect(store.getRun('x')).resolves.toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('while a writer holds the store: the runs list is the last one, a run waits for the writer instead of failing', async () => {
    const dir = fakeDir();
    const lock = lockStore(dir);
    try {
      const { log, open } = counting(() => [listing('a')]);
      let writerHolds = false;
      const store = shortLivedStore(dir, async (d) => {
        if (writerHolds) throw new StoreLockedError(d, lockHolder(d)!);
        return open();
      });
      lock.release();
      expect((await store.listRuns()).map((r) => r.runId)).toEqual(['a']);
      const writer = lockStore(dir);
      writerHolds = true;
      writeFileSync(join(dir, 'pg_wal', '000000010000000000000001'), 'the writer is committing');
      expect((await store.listRuns()).map((r) => r.runId)).toEqual(['a']);
      const run = store.getRun('a');
      await new Promise((r) => setTimeout(r, 600));
      expect(log).toEqual(['open', 'close']);
      writerHolds = false;
      writer.release();
      await expect(run).resolves.toBeNull();
      expect(log).toEqual(['open', 'close', 'open', 'close']);
    } finally {
      lock.release();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a directory that is not a store yet has a marker too', async () => {
    expect(await changeMarker('/nonexistent/keytwin')).toBe('/nonexistent/keytwin/global/pg_control:missing');
  });
});

describe('visibleRuns()', () => {
  const runs = [listing('r1', { scenario: 'office', batteryP50Days: 300, suites: ['mlkem768'] }), listing('r2', { scenario: 'warehouse', batteryP50Days: NaN, seed: 9 }), listing('r3', { scenario: 'campus', batteryP50Days: 500, suites: ['mlkem1024'] })];
  const ids = (rs: RunListing[]) => rs.map((r) => r.runId);
  it('keeps the server order unsorted; sorts numbers with missing values last in both directions', () => {
    expect(ids(visibleRuns(runs, { sort: null, filter: '', picked: [] }))).toEqual(['r1', 'r2', 'r3']);
    expect(ids(visibleRuns(runs, { sort: { key: 'battery-p50', dir: -1 }, filter: '', picked: [] }))).toEqual(['r3', 'r1', 'r2']);
    expect(ids(visibleRuns(runs, { sort: { key: 'battery-p50', dir: 1 }, filter: '', picked: [] }))).toEqual(['r1', 'r3', 'r2']);
    expect(ids(visibleRuns(runs, { sort: { key: 'name', dir: 1 }, filter: '', picked: [] }))).toEqual(['r3', 'r1', 'r2']);
  });
  it('filters on every word, case-insensitively, over name, id, suites and profile', () => {
    expect(ids(visibleRuns(runs, { sort: null, filter: 'MLKEM1024', picked: [] }))).toEqual(['r3']);
    expect(ids(visibleRuns(runs, { sort: null, filter: 'warehouse seed 9', picked: [] }))).toEqual(['r2']);
    expect(ids(visibleRuns(runs, { sort: null, filter: 'warehouse campus', picked: [] }))).toEqual([]);
    expect(ids(visibleRuns(runs, { sort: null, filter: 'r1', picked: [] }))).toEqual(['r1']);
  });
});

describe('live progress', () => {
  const base: LiveSnapshot = { runId: 'r', scenario: 's', devices: 100, durationDays: 10, simDay: 4, events: 4000, eventsPerSecond: 1000, wallMs: 4000, state: 'running' };
  it('events/s between consecutive reports', () => {
    expect(eventRates([{ wallMs: 1000, simDay: 1, events: 1000 }, { wallMs: 3000, simDay: 2, events: 5000 }])).toEqual([{ t: 3, rate: 2000 }]);
  });
  it('the ETA follows the recent pace, not the whole run average', () => {
    // 0→2 days took 3 s at first, the last 1 s did 2 days: 6 days left at 2 days/s = 3 s.
    const history = [{ wallMs: 0, simDay: 0, events: 0 }, { wallMs: 3000, simDay: 2, events: 1 }, { wallMs: 4000, simDay: 4, events: 2 }];
    expect(etaMs(base, history.slice(1))).toBe(3000);
    expect(etaMs(base, [])).toBe(6000);
    expect(etaMs({ ...base, simDay: 0, wallMs: 0 }, [])).toBeNull();
    expect(etaMs({ ...base, state: 'done' }, history)).toBe(0);
  });
  it("with the fleet's work forecast, the ETA is the work left at the recent pace of work done", () => {
    // Days get cheaper (keychains brown out): 2 days in the last second, but only 500 of the work.
    const history = [{ wallMs: 3000, simDay: 2, events: 1, work: 1500 }, { wallMs: 4000, simDay: 4, events: 2, work: 2000 }];
    // 6,000 left at 500 a second: 12 s, where the days' pace (6 days at 2 a second) would say 3 s.
    expect(etaMs({ ...base, workDone: 2000, workLeft: 6000 }, history)).toBe(12_000);
    // A run that does not report its work keeps the days' pace.
    expect(etaMs(base, history)).toBe(3000);
  });
  it('totals come from the fleet rows', () => {
    const row = (unlocks: number, failures: Record<string, number>) => ({ day: 0, socP5: 1, socP50: 1, socP95: 1, alive: 100, unlocks, handshakes: 0, failures, outcomes: {}, energyMjByState: {} });
    expect(liveTotals({ ...base, daily: [row(500, { rssi: 3 }), row(700, { rssi: 1, timeout: 2 })], unlockLatencyMs: [1, 2] })).toEqual({ unlocks: 1200, failures: 6, days: 2 });
  });
});

describe('chart tools', () => {
  it('CSV quotes what needs quoting and leaves missing numbers empty', () => {
    expect(tableCsv({ columns: ['reason', 'count'], rows: [['a, "b"', 3], ['c', NaN]] })).toBe('reason,count\r\n"a, ""b""",3\r\nc,\r\n');
  });
  it('tips go on data marks only, on copies', () => {
    const line = Plot.lineY([1, 2]);
    const text = Plot.text([1], { text: String });
    const out = withTips({ marks: [line, [text, Plot.ruleY([0]), Plot.barX([1])]] }).marks as unknown as { ariaLabel: string; tip?: unknown }[];
    expect(out.map((m) => [m.ariaLabel, m.tip ?? null])).toEqual([['line', { pointer: 'x' }], ['text', null], ['rule', null], ['bar', { pointer: 'y' }]]);
    expect((line as unknown as { tip?: unknown }).tip).toBeFalsy();
  });
});
