/**
 * A real kem-levels sweep in the dashboard: `keytwin sweep` (a separate process, small fleet and
 * short run, 2 replications) stores its 18 runs and its analysis in an embedded store; the
 * dashboard lists the sweep under the runs and draws it as one chart of all nine suites with
 * their intervals. The chart's numbers are checked against the stored runs themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { keychainLifeDifferenceChart, sweepOverview, type RunView, type SweepView } from '../../charts/index.ts';
import { KEYCHAIN_LIFE_METRIC } from '../../stats/index.ts';
import { openDashboardStore, startDashboard, type Dashboard, type RunStore } from '../../dashboards/index.ts';
import type { SweepListing } from '../../store/index.ts';
import { openBrowser, type Browser } from './browser.helpers.ts';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

let dir: string;
let out: string;
let opened: { store: RunStore; close(): Promise<void> };
let dash: Dashboard;
let browser: Browser;
let sweepId: string;

const get = async <T>(path: string): Promise<T> => {
  const res = await fetch(new URL(path, dash.url));
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keytwin-dash-sweep-'));
  out = mkdtempSync(join(tmpdir(), 'keytwin-dash-sweep-out-'));
  // 9 suites × 2 replications of 10 keychains for 3 days: ~40 s alone, minutes on a shared machine.
  try {
    await exec('node', [join(ROOT, 'cli', 'keytwin.mjs'), 'sweep', join(ROOT, 'scenarios', 'kem-levels.yaml'), '--devices', '10', '--duration', '3d', '--replications', '2', '--store', dir, '--out', out], { cwd: ROOT, timeout: 500_000 });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`keytwin sweep failed: ${e.stderr || e.message}`);
  }
  [opened, browser] = await Promise.all([openDashboardStore(dir), openBrowser({ width: 1280, height: 1000 })]);
  dash = await startDashboard({ store: opened.store });
  const { sweeps } = await get<{ sweeps: SweepListing[] }>('/api/sweeps');
  sweepId = sweeps[0]!.sweepId;
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await dash?.close();
  await opened?.close();
  for (const d of [dir, out]) if (d) rmSync(d, { recursive: true, force: true });
});

async function ready() {
  await browser.page.waitForSelector('main[data-ready="true"]', { timeout: 60_000 });
}

describe('a stored kem-levels sweep in the dashboard', () => {
  it('the API lists it and 404s an unknown sweep with a sentence', async () => {
    const { sweeps } = await get<{ sweeps: SweepListing[] }>('/api/sweeps');
    expect(sweeps).toHaveLength(1);
    expect(sweeps[0]).toMatchObject({ scenario: 'kem-levels', kind: 'grid', points: 9, replications: 2, runs: 18 });
    const res = await fetch(new URL('/api/sweeps/no-such-sweep', dash.url));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toContain("sweep 'no-such-sweep' is not in the store");
  });

  it("the chart's means and differences are those of the stored runs", async () => {
    const view = await get<SweepView>(`/api/sweeps/${sweepId}`);
    expect(view.points).toHaveLength(9);
    expect(view.baseline).toBe('mlkem512-mldsa44');
    const p50 = new Map<string, number[]>();
    const lives = new Map<string, number[][]>();
    // All at once: queued requests share one opening of the embedded store (each opening costs seconds).
    const runs = await Promise.all(view.runs.map((link) => get<RunView>(`/api/runs/${encodeURIComponent(link.runId)}`)));
    for (const [k, link] of view.runs.entries()) {
      const run = runs[k]!;
      const list = p50.get(link.point) ?? [];
      list[link.replication - 1] = run.summary.battery.lifeDays.p50.value;
      p50.set(link.point, list);
      const l = lives.get(link.point) ?? [];
      expect(run.lifeDaysOf).toBe(run.lifeDays.length);
      l[link.replication - 1] = run.lifeDays;
      lives.set(link.point, l);
    }
    const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const point of view.points) {
      const values = p50.get(point)!;
      const interval = view.intervals.find((i) => i.point === point && i.metric === 'batteryP50')!;
      expect(interval.n).toBe(2);
      expect(interval.mean).toBeCloseTo((values[0]! + values[1]!) / 2, 9);
      if (point === view.baseline) continue;
      // Paired over replications: replication r of every point ran on the same seed.
      const base = p50.get(view.baseline!)!;
      const d = view.differences.find((x) => x.point === point && x.metric === 'batteryP50')!;
      expect(d.pairs).toBe('replications');
      expect(d.mean).toBeCloseTo((values[0]! - base[0]! + values[1]! - base[1]!) / 2, 9);
      expect(d.lo).toBeLessThanOrEqual(d.mean);
      expect(d.hi).toBeGreaterThanOrEqual(d.mean);
      // Paired keychain by keychain: 10 keychains × 2 replications; the mean of the pairs is the
      // difference of the means, whatever order the run view lists its lives in.
      const k = view.differences.find((x) => x.point === point && x.metric === KEYCHAIN_LIFE_METRIC)!;
      expect(k.pairs).toBe('keychains');
      expect(k.n).toBe(20);
      const own = lives.get(point)!;
      const theirs = lives.get(view.baseline!)!;
      expect(k.mean).toBeCloseTo((mean(own[0]!) - mean(theirs[0]!) + mean(own[1]!) - mean(theirs[1]!)) / 2, 6);
      expect(k.lo).toBeLessThanOrEqual(k.mean);
      expect(k.hi).toBeGreaterThanOrEqual(k.mean);
    }
  }, 300_000);

  it('is listed under the runs, and its page draws all nine suites on one chart with intervals', async () => {
    await browser.page.goto(dash.url);
    await ready();
    await browser.page.waitForSelector(`a[data-sweep-id="${sweepId}"]`, { timeout: 30_000 });
    expect(await browser.page.locator(`tr[data-sweep="${sweepId}"] td`).allTextContents()).toEqual([expect.stringContaining('kem-levels · grid'), '9', '2', '18']);
    await browser.page.click(`a[data-sweep-id="${sweepId}"]`);
    await ready();
    const view = await get<SweepView>(`/api/sweeps/${sweepId}`);
    const section = browser.page.locator('section[data-chart="sweep-overview-batteryP50"]');
    expect(await section.locator('h3').textContent()).toBe(sweepOverview(view, 'batteryP50').title);
    await browser.shot('dashboard-sweep');
    // One dot per suite; a whisker per suite (two replications each give every point an interval)
    // plus the dashed line at the baseline's mean.
    expect(await section.locator('svg circle').count()).toBe(9);
    expect(await section.locator('svg [aria-label="rule"] line').count()).toBe(9 + 1);
    for (const p of view.points) expect(await section.locator('svg').textContent()).toContain(p);
    expect(await browser.page.locator('.message.error').count()).toBe(0);
    // Battery life paired keychain by keychain, under the overview: the eight suites against the baseline.
    const keychains = browser.page.locator('#sweep-keychains section[data-chart="difference-battery-life-device"]');
    const perKeychain = view.differences.filter((d) => d.metric === KEYCHAIN_LIFE_METRIC);
    expect(perKeychain).toHaveLength(8);
    expect(await keychains.locator('h3').textContent()).toBe(keychainLifeDifferenceChart(perKeychain, view.baseline!).title);
    expect(await keychains.locator('svg circle').count()).toBe(8);
    await browser.page.selectOption('#sweep-metric', 'unlockP95');
    const latency = browser.page.locator('section[data-chart="sweep-overview-unlockP95"] h3');
    expect(await latency.textContent()).toBe(sweepOverview(view, 'unlockP95').title);
    expect(browser.problems).toEqual([]);
  }, 300_000);
});
