/**
 * The cloud view of a real run: `keytwin run` (a separate process) on the ota-storm scenario made
 * small and made to halt (3,000 keychains, one slow OTA server, 5 % of updates failing against a
 * 2 % halt rate), stored in an embedded store; the dashboard's run page links to its cloud view,
 * which draws utilisation, queue and p99 per hour with the canary and the halt on the timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { cloudHourly, type RunView } from '../../charts/index.ts';
import { openDashboardStore, startDashboard, type Dashboard, type RunStore } from '../../dashboards/index.ts';
import { openBrowser, type Browser } from './browser.helpers.ts';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

let dir: string;
let out: string;
let opened: { store: RunStore; close(): Promise<void> };
let dash: Dashboard;
let browser: Browser;
let runId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keytwin-dash-cloud-'));
  out = mkdtempSync(join(tmpdir(), 'keytwin-dash-cloud-out-'));
  const scenario = parse(readFileSync(join(ROOT, 'scenarios', 'ota-storm.yaml'), 'utf8')) as { name: string; cloud: { stations: { ota: Record<string, unknown> }; ota: Record<string, unknown> } };
  scenario.name = 'ota-halt';
  scenario.cloud.stations.ota = { servers: 1, serviceMs: { dist: 'lognormal', median: 2000, sigma: 0.3 } };
  scenario.cloud.ota.deviceFailureRate = 0.05;
  const file = join(out, 'ota-halt.yaml');
  writeFileSync(file, stringify(scenario));
  try {
    // ~15 s alone; a minute or more on the shared machine.
    await exec('node', [join(ROOT, 'cli', 'keytwin.mjs'), 'run', file, '--devices', '3000', '--store', dir, '--out', join(out, 'run')], { cwd: ROOT, timeout: 400_000 });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`keytwin run failed: ${e.stderr || e.message}`);
  }
  [opened, browser] = await Promise.all([openDashboardStore(dir), openBrowser({ width: 1280, height: 1000 })]);
  dash = await startDashboard({ store: opened.store });
  runId = (await opened.store.listRuns())[0]!.runId;
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await dash?.close();
  await opened?.close();
  for (const d of [dir, out]) if (d) rmSync(d, { recursive: true, force: true });
});

async function ready() {
  await browser.page.waitForSelector('main[data-ready="true"]', { timeout: 120_000 });
}

describe('the cloud view of a stored run with an OTA rollout that halts', () => {
  it('the run page links to it; it shows the waves and three hourly charts whose titles are those of the stored rows', async () => {
    await browser.page.goto(`${dash.url}#/run/${encodeURIComponent(runId)}`);
    await ready();
    await browser.page.click('a#cloud-view');
    await ready();
    const view = (await (await fetch(new URL(`/api/runs/${encodeURIComponent(runId)}`, dash.url))).json()) as RunView;
    const rollout = view.cloudDetail!.rollout!;
    expect(rollout.state).toBe('halted');
    expect(rollout.haltReason).toBe('failureRate');
    // The waves table: one row per wave the plan started, the verdict the statechart got.
    expect(await browser.page.locator('#rollout-waves tr').count()).toBe(1 + rollout.waves.length);
    expect(await browser.page.locator('#rollout-waves tr').nth(1).locator('td').allTextContents()).toEqual(['canary', '30.0', String(rollout.waves[0]!.devices), String(rollout.waves[0]!.failed), 'above the halt rate']);
    for (const measure of ['utilisation', 'queue', 'p99'] as const) {
      const section = browser.page.locator(`section[data-chart="cloud-hourly-${measure}"]`);
      expect(await section.locator('h3').textContent()).toBe(cloudHourly(view.cloudDetail, measure).title);
      const svg = (await section.locator('svg').first().textContent())!;
      expect(svg).toContain('canary (30)');
      expect(svg).toContain('halted: too many failed updates');
    }
    // The one slow OTA server is the busiest station (its peak is the morning's checks, not the 30-keychain canary).
    expect(await browser.page.locator('section[data-chart="cloud-hourly-utilisation"] h3').textContent()).toMatch(/^Highest hourly utilisation: ota at /);
    await browser.shot('dashboard-cloud');
    expect(await browser.page.locator('.message.error').count()).toBe(0);
    expect(browser.problems).toEqual([]);
  }, 300_000);
});
