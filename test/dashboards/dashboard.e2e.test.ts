/**
 * The dashboard as a person sees it: a real server on an embedded (PGlite) store holding two
 * runs, opened in headless Chromium; screenshots go to test/output/screens/ (not in git).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../store/index.ts';
import { NO_CLOUD_MESSAGE } from '../../charts/index.ts';
import { startDashboard, type Dashboard, type LiveSnapshot } from '../../dashboards/index.ts';
import { fixtureRun } from '../reports/run-fixture.helpers.ts';
import { fixtureMessages } from '../reports/messages.helpers.ts';
import { openBrowser, type Browser } from './browser.helpers.ts';

const A = fixtureRun({ runId: 'office-768' });
const B = fixtureRun({ runId: 'office-1024', suite: 'mlkem1024-mldsa87-hybrid-aesgcm', handshakeCost: 1.35 });

let store: Store;
let emptyStore: Store;
let dash: Dashboard;
let emptyDash: Dashboard;
let browser: Browser;

beforeAll(async () => {
  [store, emptyStore, browser] = await Promise.all([openStore('memory://'), openStore('memory://'), openBrowser()]);
  await store.saveRun(A);
  await store.saveRun(B);
  dash = await startDashboard({ store, handshakeMessages: () => fixtureMessages() });
  emptyDash = await startDashboard({ store: emptyStore });
});

afterAll(async () => {
  await browser?.close();
  await dash?.close();
  await emptyDash?.close();
  await store?.close();
  await emptyStore?.close();
});

async function visit(url: string) {
  await browser.page.goto(url);
  await browser.page.waitForSelector('main[data-ready="true"]', { timeout: 20_000 });
}

describe('keytwin dashboard in Chromium', () => {
  it('lists the stored runs', async () => {
    await visit(dash.url);
    const rows = await browser.page.$$eval('table.runs a', (as) => as.map((a) => a.textContent));
    expect(rows.sort()).toEqual(['office-1024', 'office-768']);
    expect(await browser.page.textContent('#store')).toContain('memory://');
    await browser.shot('dashboard-runs');
  });

  it('selecting a run draws its charts with the expected marks and numbers', async () => {
    await browser.page.click('table.runs a:text("office-768")');
    await browser.page.waitForSelector('main[data-ready="true"]');
    const ids = await browser.page.$$eval('section.chart', (ss) => ss.map((s) => s.getAttribute('data-chart')));
    expect(ids).toEqual(['battery-life-histogram', 'battery-life-ecdf', 'soc-over-time', 'energy-by-state', 'handshake-phases', 'latency', 'handshake-sequence', 'failures', 'cloud-load']);
    const p50 = Math.round(A.summary.battery.lifeDays.p50.value);
    const hist = browser.page.locator('section[data-chart="battery-life-histogram"]');
    expect(await hist.locator('h3').textContent()).toContain(`Median battery life ${p50} days`);
    expect(await hist.locator('svg g[aria-label="rect"] rect').count()).toBeGreaterThan(5);
    expect(await hist.locator('svg text', { hasText: `p50 ${p50} d` }).count()).toBe(1);
    const seq = browser.page.locator('section[data-chart="handshake-sequence"]');
    expect(await seq.locator('svg text', { hasText: 'ServerHello · 2,553 B · 11 fragments' }).count()).toBe(1);
    const brownouts = new Set(A.socSamples.filter((s) => s.brownout).map((s) => s.device)).size;
    expect(await browser.page.locator('section[data-chart="soc-over-time"] svg text', { hasText: 'brown-out' }).count()).toBe(brownouts);
    // Every chart with data is an <svg>; the cloud chart says why it has none.
    expect(await browser.page.locator('section.chart[data-empty="false"] > svg').count()).toBe(8);
    expect(await browser.page.locator('section[data-chart="cloud-load"] .message').textContent()).toBe(NO_CLOUD_MESSAGE);
    await browser.shot('dashboard-run');
  });

  it('compares two selected runs', async () => {
    await visit(dash.url);
    await browser.page.check('input[data-run="office-768"]');
    expect(await browser.page.isDisabled('#compare')).toBe(true);
    await browser.page.check('input[data-run="office-1024"]');
    await browser.page.click('#compare');
    await browser.page.waitForSelector('main[data-ready="true"]');
    const title = await browser.page.locator('section[data-chart="compare-metrics"] h3').textContent();
    expect(title).toMatch(/^mlkem1024-mldsa87-hybrid-aesgcm vs mlkem768-mldsa44-hybrid-aesgcm: median battery life/);
    expect(await browser.page.locator('.pair').count()).toBe(9);
    await browser.shot('dashboard-compare');
  });

  it('a run id that does not exist gets a clear message, not a blank page', async () => {
    await visit(`${dash.url}#/run/no-such-run`);
    expect(await browser.page.locator('.message.error').textContent()).toBe("run 'no-such-run' is not in the store (memory://)");
    const res = await fetch(`${dash.url}api/runs/no-such-run`);
    expect(res.status).toBe(404);
    await browser.shot('dashboard-unknown-run');
  });

  it('an empty store says how to get runs', async () => {
    await visit(emptyDash.url);
    expect(await browser.page.locator('.message').textContent()).toMatch(/has no runs yet\. Run a simulation first/);
    await browser.shot('dashboard-empty-store');
  });

  it('shows a live run from the snapshots POSTed to /api/live', async () => {
    const snap: LiveSnapshot = {
      runId: 'live-1', scenario: 'office-fleet', devices: 36, durationDays: 14, simDay: 7, events: 123_456, eventsPerSecond: 4_100_000,
      wallMs: 2500, state: 'running', daily: A.daily.slice(0, 7), lifeDays: Array.from(A.devices.lifeDays),
      unlockLatencyMs: A.telemetry.filter((e) => e.eventType === 'unlock_attempt').map((e) => e.latencyMs),
    };
    const post = (body: unknown) => fetch(`${dash.url}api/live`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post(snap)).status).toBe(204);
    const bad = await post({ ...snap, simDay: 99 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe("live snapshot: field 'simDay' must be at most durationDays (14), got 99");
    await visit(`${dash.url}#/live/live-1`);
    expect(await browser.page.getAttribute('.progress', 'data-progress')).toBe('0.5000');
    expect(await browser.page.locator('.fact', { hasText: 'events/s' }).locator('b').textContent()).toBe('4,100,000');
    expect(await browser.page.locator('section[data-chart="battery-life-histogram"] > svg').count()).toBe(1);
    // The page polls: the next snapshot shows up without a reload.
    expect((await post({ ...snap, simDay: 14, state: 'done', daily: A.daily })).status).toBe(204);
    await browser.page.waitForSelector('.progress[data-progress="1.0000"]', { timeout: 5000 });
    await browser.shot('dashboard-live');
  });

  it('loads without console errors or failed requests', () => {
    expect(browser.problems.filter((p) => !p.includes('404'))).toEqual([]);
  });
});
