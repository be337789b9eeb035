/**
 * The dashboard as a person sees it: a real server on an embedded (PGlite) store holding two
 * runs, opened in headless Chromium; screenshots go to test/output/screens/ (not in git).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../../store/index.ts';
import type { RunResult } from '../../results/index.ts';
import { NO_CLOUD_MESSAGE } from '../../charts/index.ts';
import { startDashboard, type Dashboard, type LiveSnapshot } from '../../dashboards/index.ts';
import { fixtureRun } from '../reports/run-fixture.helpers.ts';
import { fixtureMessages } from '../reports/messages.helpers.ts';
import { openBrowser, SCREENS, type Browser } from './browser.helpers.ts';

/** Different scenario names, start times and seeds, so the runs table has something to sort and filter. */
function named(run: RunResult, scenario: string, startedAt: string): RunResult {
  return { ...run, manifest: { ...run.manifest, scenario: { ...run.manifest.scenario, name: scenario }, startedAt } };
}
const A = named(fixtureRun({ runId: 'office-768' }), 'office-pq768', '2026-03-02T09:15:00.000Z');
const B = named(fixtureRun({ runId: 'office-1024', seed: 11, suite: 'mlkem1024-mldsa87-hybrid-aesgcm', handshakeCost: 1.35 }), 'office-pq1024', '2026-03-03T10:30:00.000Z');

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
  // Two in-memory PGlites and Chromium: seconds alone, minutes on a machine shared by many jobs.
}, 400_000);

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

/** After a click: the page of `hash` drawn (the old page stays ready until the hashchange). */
const readyAt = (hash: string) => browser.page.waitForSelector(`main[data-ready="true"][data-route="${hash}"]`, { timeout: 20_000 });

describe('keytwin dashboard in Chromium', () => {
  const rowIds = () => browser.page.$$eval('table.runs tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-row')));
  const cellOf = (id: string, col: number) => browser.page.locator(`table.runs tr[data-row="${id}"] td`).nth(col).textContent();

  it('lists the stored runs by name, newest first, with their results', async () => {
    await visit(dash.url);
    expect(await rowIds()).toEqual(['office-1024', 'office-768']);
    expect(await browser.page.locator('a[data-run-id="office-768"]').textContent()).toBe('office-pq768 · 2026-03-02 09:15 · seed 7');
    // The id is still on the page, under the name, and in the link.
    expect(await browser.page.locator('tr[data-row="office-768"] code.id').textContent()).toBe('office-768');
    const headers = await browser.page.$$eval('table.runs thead th', (ths) => ths.map((t) => t.getAttribute('data-sort')));
    expect(headers).toEqual([null, 'name', 'suites', 'devices', 'days', 'battery-p5', 'battery-p50', 'unlock-p95', 'failures', 'profile', 'wall']);
    const failures = Object.values(A.summary.failures).reduce((a, b) => a + b, 0);
    expect(await cellOf('office-768', 2)).toBe('mlkem768-mldsa44-hybrid-aesgcm');
    expect(await cellOf('office-768', 5)).toBe(`${Math.round(A.summary.battery.lifeDays.p5.value)} d`);
    expect(await cellOf('office-768', 6)).toBe(`${Math.round(A.summary.battery.lifeDays.p50.value)} d`);
    expect(await cellOf('office-768', 8)).toBe(failures.toLocaleString('en-US'));
    expect(await browser.page.textContent('#store')).toContain('memory://');
    await browser.shot('dashboard-runs');
  });

  it('sorts by a clicked column (largest first, again for smallest) and filters by typed words', async () => {
    await visit(dash.url);
    const p50 = (r: RunResult) => r.summary.battery.lifeDays.p50.value;
    const longest = p50(A) > p50(B) ? ['office-768', 'office-1024'] : ['office-1024', 'office-768'];
    await browser.page.click('th[data-sort="battery-p50"]');
    expect(await rowIds()).toEqual(longest);
    expect(await browser.page.getAttribute('th[data-sort="battery-p50"]', 'aria-sort')).toBe('descending');
    await browser.page.click('th[data-sort="battery-p50"]');
    expect(await rowIds()).toEqual([...longest].reverse());
    await browser.page.click('th[data-sort="name"]');
    expect(await rowIds()).toEqual(['office-1024', 'office-768']); // 'office-pq1024' < 'office-pq768'
    await browser.page.fill('#filter', 'mlkem1024');
    expect(await rowIds()).toEqual(['office-1024']);
    expect(await browser.page.locator('h2.page').textContent()).toBe('Runs in the store (2, 1 shown)');
    await browser.page.fill('#filter', 'pq768 seed 7');
    expect(await rowIds()).toEqual(['office-768']);
    await browser.shot('dashboard-runs-filtered');
    await browser.page.fill('#filter', 'no such run');
    expect(await rowIds()).toEqual([]);
    await browser.page.fill('#filter', '');
    expect(await rowIds()).toHaveLength(2);
  });

  it('selecting a run draws its charts with the expected marks and numbers', async () => {
    await visit(dash.url);
    await browser.page.click('a[data-run-id="office-768"]');
    await readyAt('#/run/office-768');
    const ids = await browser.page.$$eval('section.chart', (ss) => ss.map((s) => s.getAttribute('data-chart')));
    expect(ids).toEqual(['battery-life-histogram', 'battery-life-ecdf', 'soc-over-time', 'energy-by-state', 'handshake-phases', 'latency', 'handshake-sequence', 'failures', 'cloud-load']);
    const p50 = Math.round(A.summary.battery.lifeDays.p50.value);
    const hist = browser.page.locator('section[data-chart="battery-life-histogram"]');
    expect(await hist.locator('h3').textContent()).toContain(`Median time to brown-out ${p50} days`);
    expect(await hist.locator('svg g[aria-label="rect"] rect').count()).toBeGreaterThan(5);
    expect(await hist.locator('svg text', { hasText: `p50 ${p50} d` }).count()).toBe(1);
    const seq = browser.page.locator('section[data-chart="handshake-sequence"]');
    expect(await seq.locator('svg text', { hasText: 'ServerHello · 2,553 B · 11 fragments' }).count()).toBe(1);
    const brownouts = new Set(A.socSamples.filter((s) => s.brownout).map((s) => s.device)).size;
    const soc = browser.page.locator('section[data-chart="soc-over-time"]');
    expect(await soc.locator('h3').textContent()).toContain(`${brownouts} of `);
    // One red ✕ (Plot's 'times' symbol) per keychain that browned out.
    expect(await soc.locator('svg g[aria-label="dot"] path').count()).toBe(brownouts);
    // Every chart with data is an <svg>; the cloud chart says why it has none.
    expect(await browser.page.locator('section.chart[data-empty="false"] > svg').count()).toBe(8);
    expect(await browser.page.locator('section[data-chart="cloud-load"] .message').textContent()).toBe(NO_CLOUD_MESSAGE);
    await browser.shot('dashboard-run');
  });

  it('every drawn chart has a tooltip, CSV and PNG; hovering shows the tip, CSV holds the table', async () => {
    const sections = browser.page.locator('section.chart[data-empty="false"]');
    expect(await sections.count()).toBe(8);
    expect(await browser.page.locator('section.chart[data-empty="false"] button[data-download="csv"]').count()).toBe(8);
    expect(await browser.page.locator('section.chart[data-empty="false"] button[data-download="png"]').count()).toBe(8);
    // Every chart with data has a pointer tip layer (Plot adds an empty <g aria-label="tip"> per tip mark).
    for (const id of await sections.evaluateAll((ss) => ss.map((s) => s.getAttribute('data-chart')!))) {
      expect(await browser.page.locator(`section[data-chart="${id}"] svg g[aria-label="tip"]`).count(), id).toBeGreaterThan(0);
    }
    const hist = browser.page.locator('section[data-chart="battery-life-histogram"]');
    await hist.scrollIntoViewIfNeeded();
    const bar = hist.locator('svg g[aria-label="rect"] rect').nth(3);
    const box = (await bar.boundingBox())!;
    await browser.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tip = hist.locator('svg g[aria-label="tip"] text');
    await tip.first().waitFor({ timeout: 5000 });
    expect(await tip.first().textContent()).toMatch(/\d/);
    await browser.shot('dashboard-tooltip');
    await hist.screenshot({ path: join(SCREENS, 'dashboard-tooltip-chart.png') });

    const [csv] = await Promise.all([browser.page.waitForEvent('download'), hist.locator('button[data-download="csv"]').click()]);
    expect(csv.suggestedFilename()).toBe('office-pq768-2026-03-02-09-15-seed-7-battery-life-histogram.csv');
    const text = readFileSync((await csv.path())!, 'utf8');
    const table = await hist.locator('table').first().evaluate((t) => Array.from(t.querySelectorAll('tr'), (tr) => Array.from(tr.children, (c) => c.textContent)));
    const lines = text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(table.length);
    expect(lines[0]).toBe(table[0]!.join(','));
    expect(lines[1]!.split(',')[0]).toBe(table[1]![0]);

    const [png] = await Promise.all([browser.page.waitForEvent('download'), hist.locator('button[data-download="png"]').click()]);
    expect(png.suggestedFilename()).toMatch(/battery-life-histogram\.png$/);
    const bytes = readFileSync((await png.path())!);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // IHDR: width and height, big-endian, at bytes 16 and 20: twice the chart's 760 px frame.
    expect(bytes.readUInt32BE(16)).toBe(1520);
    expect(bytes.length).toBeGreaterThan(10_000);
  });

  it('a page still loading when another route starts neither replaces the newer page nor adds to it', async () => {
    await visit(dash.url);
    // Two routes at once: the first run's page is still loading when the second starts.
    await browser.page.evaluate(() => {
      location.hash = '#/run/office-768';
      setTimeout(() => (location.hash = '#/run/office-1024'), 0);
    });
    await readyAt('#/run/office-1024');
    // Long enough for the first page's requests and frames to have come back.
    await browser.page.waitForTimeout(1500);
    expect(await browser.page.locator('p.runid code').allTextContents()).toEqual(['office-1024']);
    expect(await browser.page.locator('section.chart').count()).toBe(9);
    expect(await browser.page.getAttribute('main', 'data-route')).toBe('#/run/office-1024');
  });

  it('compares two selected runs', async () => {
    await visit(dash.url);
    await browser.page.check('input[data-run="office-768"]');
    expect(await browser.page.isDisabled('#compare')).toBe(true);
    await browser.page.check('input[data-run="office-1024"]');
    await browser.page.click('#compare');
    await readyAt('#/compare/office-768/office-1024');
    const title = await browser.page.locator('section[data-chart="compare-metrics"] h3').textContent();
    expect(title).toMatch(/^mlkem1024-mldsa87-hybrid-aesgcm vs mlkem768-mldsa44-hybrid-aesgcm: median battery life/);
    expect(await browser.page.locator('h2.page').textContent()).toBe('Comparison: B office-pq1024 · 2026-03-03 10:30 · seed 11 against A office-pq768 · 2026-03-02 09:15 · seed 7');
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
    expect(await browser.page.locator('.message').textContent()).toMatch(/has no runs yet\. Run a simulation first.*appears here by itself/);
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
    // A second report 1 s later: the page has a rate between the two and an ETA from their pace.
    expect((await post({ ...snap, simDay: 8, wallMs: 3500, events: 223_456 })).status).toBe(204);
    await visit(`${dash.url}#/live/live-1`);
    expect(await browser.page.getAttribute('.progress', 'data-progress')).toBe(String((8 / 14).toFixed(4)));
    expect(await browser.page.locator('.fact', { hasText: 'events/s' }).locator('b').textContent()).toBe('4,100,000');
    // 6 days left at 1 day per second of wall time.
    expect(await browser.page.locator('[data-fact="eta"] b').textContent()).toBe('6 s');
    // Fleet counts from the fleet's daily rows, not from the traced devices' latency samples.
    const unlocks = A.daily.slice(0, 7).reduce((a, d) => a + d.unlocks, 0);
    const failures = A.daily.slice(0, 7).reduce((a, d) => a + Object.values(d.failures).reduce((x, y) => x + y, 0), 0);
    expect(unlocks).toBeGreaterThan(snap.unlockLatencyMs!.length);
    expect(await browser.page.locator('[data-fact="unlocks"] b').textContent()).toBe(unlocks.toLocaleString('en-US'));
    expect(await browser.page.locator('[data-fact="failures"] b').textContent()).toBe(failures.toLocaleString('en-US'));
    expect(await browser.page.locator('section[data-chart="live-event-rate"] h3').textContent()).toBe('100,000 events/s now');
    expect(await browser.page.locator('section[data-chart="live-unlocks-failures"] svg g[aria-label="line"] path').count()).toBe(2);
    expect(await browser.page.locator('section[data-chart="battery-life-histogram"] > svg').count()).toBe(1);
    // The latency table counts the fleet's unlocks, not the traced sample's latencies.
    expect(await browser.page.locator('section[data-chart="latency"] table tr').nth(1).locator('td').nth(1).textContent()).toBe(String(unlocks));
    await browser.shot('dashboard-live-running');
    // The page polls: the next snapshot shows up without a reload.
    expect((await post({ ...snap, simDay: 14, wallMs: 9500, events: 823_456, state: 'done', daily: A.daily })).status).toBe(204);
    await browser.page.waitForSelector('.progress[data-progress="1.0000"]', { timeout: 5000 });
    // Not in the store (yet): the page says so instead of linking to a run that is missing.
    expect(await browser.page.locator('p[data-stored="false"]').textContent()).toMatch(/being saved to the store/);
    // A finished live run that is stored links to it.
    expect((await post({ ...snap, runId: 'office-768', simDay: 14, wallMs: 9500, state: 'done', daily: A.daily })).status).toBe(204);
    await visit(`${dash.url}#/live/office-768`);
    await browser.page.click('p[data-stored="true"] a');
    await readyAt('#/run/office-768');
    expect(await browser.page.locator('p.runid code').textContent()).toBe('office-768');
    await browser.shot('dashboard-live');
  });

  it('loads without console errors or failed requests', () => {
    // 404s are the tests' own unknown run; ERR_ABORTED is a list or live poll cut short by the
    // next navigation, which is how a polling page ends.
    expect(browser.problems.filter((p) => !p.includes('404') && !/\/api\/(runs|live)\S* net::ERR_ABORTED$/.test(p))).toEqual([]);
  });
});
