/**
 * The dashboard on an embedded store that another process writes (the way `keytwin dashboard`
 * and `keytwin run` share .keytwin/store): a run saved by a separate process after the page
 * loaded appears in the list by itself, and opens. Before, the dashboard's PGlite, opened once,
 * never saw it ("Open the stored run" said the run was missing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openDashboardStore, startDashboard, type Dashboard, type RunStore } from '../../dashboards/index.ts';
import { openBrowser, type Browser } from './browser.helpers.ts';

const run = promisify(execFile);
const TSX = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsx');
const SAVE = join(import.meta.dirname, 'save-run.process.ts');
/** Another process saving a fixture run into the store directory (minutes on a loaded machine: opening PGlite is CPU-bound). */
async function saveFromAnotherProcess(dir: string, runId: string): Promise<void> {
  try {
    await run(TSX, [SAVE, dir, runId], { timeout: 280_000 });
  } catch (err) {
    const e = err as Error & { stderr?: string; killed?: boolean; signal?: string };
    throw new Error(`saving '${runId}' from another process failed${e.killed ? ` (killed by the timeout, ${e.signal})` : ''}: ${e.stderr || e.message}`);
  }
}

let dir: string;
let opened: { store: RunStore; close(): Promise<void> };
let dash: Dashboard;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keytwin-dash-store-'));
  await saveFromAnotherProcess(dir, 'first-run');
  [opened, browser] = await Promise.all([openDashboardStore(dir), openBrowser()]);
  dash = await startDashboard({ store: opened.store });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await dash?.close();
  await opened?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('keytwin dashboard on an embedded store written by another process', () => {
  it('shows a run stored after the page loaded without a reload, and opens it', async () => {
    await browser.page.goto(dash.url);
    await browser.page.waitForSelector('main[data-ready="true"]', { timeout: 60_000 });
    expect(await browser.page.$$eval('table.runs tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-row')))).toEqual(['first-run']);
    await saveFromAnotherProcess(dir, 'second-run');
    // The page polls every 3 s; opening the changed store takes a few seconds on a busy machine.
    await browser.page.waitForSelector('tr[data-row="second-run"]', { timeout: 120_000 });
    expect(await browser.page.locator('h2.page').textContent()).toBe('Runs in the store (2)');
    await browser.shot('dashboard-refreshed');
    await browser.page.click('a[data-run-id="second-run"]');
    // The list stays ready until the hashchange: wait for the run's page.
    await browser.page.waitForSelector('main[data-ready="true"][data-route="#/run/second-run"]', { timeout: 60_000 });
    expect(await browser.page.locator('.message.error').count()).toBe(0);
    expect(await browser.page.locator('p.runid code').textContent()).toBe('second-run');
    expect(await browser.page.locator('section.chart').count()).toBe(9);
  }, 600_000);

  it('holds the store only while answering: another process can open it between requests', async () => {
    // With the dashboard idle, a third writer succeeds, and the dashboard then lists its run.
    await saveFromAnotherProcess(dir, 'third-run');
    const runs = await opened.store.listRuns();
    expect(runs.map((r) => r.runId).sort()).toEqual(['first-run', 'second-run', 'third-run']);
  }, 600_000);

  it('loads without console errors or failed requests', () => {
    // ERR_ABORTED: a list poll cut short by the click that opened the run.
    expect(browser.problems.filter((p) => !/\/api\/runs\S* net::ERR_ABORTED$/.test(p))).toEqual([]);
  });
});
