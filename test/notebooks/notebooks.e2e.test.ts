/**
 * The notebooks as people use them: built once with `npm run notebooks`' script, served by the
 * real dashboard on an embedded store holding a real quickstart run (simulated here, with the
 * manifest `keytwin run` writes) and a second run, opened in headless Chromium with every request
 * that is not to the dashboard blocked. Screenshots go to test/output/screens/notebook-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openStore, type Store } from '../../store/index.ts';
import { startDashboard, type Dashboard } from '../../dashboards/index.ts';
import { parseScenario, resolveScenario } from '../../scenarios/index.ts';
import { simulateFleet } from '../../sim/twin/simulate.ts';
import { createManifest } from '../../cli/manifest.ts';
import { fixtureRun } from '../reports/run-fixture.helpers.ts';
import { openBrowser, type Browser } from '../dashboards/browser.helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const QUICKSTART = 'scenarios/quickstart.yaml';

let store: Store;
let dash: Dashboard;
let bare: Dashboard;
let browser: Browser;
let buildSeconds = 0;

beforeAll(async () => {
  const t0 = performance.now();
  const built = spawnSync(process.execPath, ['--import', 'tsx', 'notebooks/build.ts'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: 'true' } });
  buildSeconds = (performance.now() - t0) / 1000;
  if (built.status !== 0) throw new Error(`npm run notebooks failed:\n${built.stdout.slice(-2000)}\n${built.stderr.slice(-2000)}`);
  // The quickstart run, as `keytwin run scenarios/quickstart.yaml` stores it.
  const text = readFileSync(ROOT + QUICKSTART, 'utf8');
  const { fleet } = resolveScenario(parseScenario(text, QUICKSTART));
  const out = simulateFleet(fleet);
  const manifest = createManifest(fleet, { name: 'quickstart', path: QUICKSTART, text }, { runId: 'quickstart-42', startedAt: new Date('2026-12-04T10:00:00Z'), wallMs: 1000, events: out.summary.events, workers: 1 });
  [store, browser] = await Promise.all([openStore('memory://'), openBrowser({ width: 1280, height: 1000 })]);
  await store.saveRun({ ...out, manifest });
  await store.saveRun(fixtureRun({ runId: 'office-1024', seed: 11, suite: 'mlkem1024-mldsa87-hybrid-aesgcm', handshakeCost: 1.35 }));
  dash = await startDashboard({ store });
  bare = await startDashboard({ store, notebooksDir: '/nonexistent/notebooks/dist' });
  // Everything not served by the dashboard is refused: the pages must work offline.
  await browser.page.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort('internetdisconnected');
  });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await dash?.close();
  await bare?.close();
  await store?.close();
});

const page = () => browser.page;
const text = (sel: string) => page().locator(sel).textContent();
const noProblems = () => expect(browser.problems).toEqual([]);

describe('notebooks build', () => {
  it('builds offline into notebooks/dist with no external URL in any page', () => {
    process.stdout.write(`notebooks build: ${buildSeconds.toFixed(1)} s (machine shared with other jobs)\n`);
    for (const p of ['learn/unlock.html', 'explore/energy.html', 'explore/runs.html']) {
      const html = readFileSync(`${ROOT}notebooks/dist/${p}`, 'utf8');
      expect(html, p).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
      expect(html, p).not.toContain('npm:');
    }
  });
});

describe('The unlock, step by step', () => {
  it('is linked from the dashboard and runs an honest handshake to an unlock', async () => {
    await page().goto(dash.url);
    await page().click('header a:has-text("Learn")');
    await page().waitForSelector('#verdict', { timeout: 60_000 });
    expect(page().url()).toMatch(/\/learn\/unlock$/);
    expect(await page().getAttribute('#verdict', 'data-outcome')).toBe('established');
    // The six protocol messages, each with its decoded fields.
    const names = await page().$$eval('.msg', (ms) => ms.map((m) => m.getAttribute('data-name')));
    expect(names).toEqual(['ClientHello', 'ServerHello', 'ClientFinished', 'SessionReady', 'UnlockRequest', 'UnlockResult']);
    expect(await page().locator('.msg[data-name="ClientHello"] .field').count()).toBeGreaterThanOrEqual(7);
    expect(await page().locator('.msg[data-name="ClientHello"] .field[title^="kemCiphertext"]').textContent()).toContain('1088 B');
    // Beside the classical-only suite: more bytes, time and energy for post-quantum.
    const rows = await page().$$eval('#versus tr', (trs) => trs.slice(1).map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent!)));
    expect(rows.map((r) => r[0])).toEqual(['mlkem768-mldsa65-hybrid-aesgcm', 'classical-p256-aesgcm']);
    for (const col of [1, 2, 3]) expect(Number(rows[0]![col])).toBeGreaterThan(Number(rows[1]![col]));
    await browser.shot('notebook-unlock');
    noProblems();
  }, 120_000);

  it('ticks time and energy as the step slider moves', async () => {
    const step = page().getByRole('spinbutton', { name: 'Step' });
    const end = { clock: parseFloat((await text('#clock'))!), energy: parseFloat((await text('#energy'))!) };
    await step.fill('0');
    await page().waitForFunction(() => document.querySelector('#clock')?.textContent === '0.0 ms');
    expect(await text('#energy')).toBe('0.00 mJ');
    await step.fill('10');
    await page().waitForFunction(() => document.querySelector('#clock')?.textContent !== '0.0 ms');
    const mid = { clock: parseFloat((await text('#clock'))!), energy: parseFloat((await text('#energy'))!) };
    expect(mid.clock).toBeGreaterThan(0);
    expect(mid.clock).toBeLessThan(end.clock);
    expect(mid.energy).toBeLessThan(end.energy);
    noProblems();
  }, 60_000);

  // A replayed record is caught after the genuine one was executed: one unlock, none from the replay.
  it.each([
    ['bitflip-serverhello', 'sig.device', 'phone', 'nothing unlocked (0 unlocks)'],
    ['replay-record', 'replay.seq', 'device', '1 genuine unlock before the attack, none from the attacker'],
    ['downgrade-strip-hybrid', 'suite.downgrade', 'device', 'nothing unlocked (0 unlocks)'],
  ])('attack %s ends locked, caught by %s on the %s', async (attack, check, by, unlocks) => {
    // Inputs.select's option values are indices; its labels are "<kind>: <description>".
    const select = page().getByLabel('Attack');
    const labels = await select.locator('option').allTextContents();
    await select.selectOption({ index: labels.findIndex((l) => l.startsWith(`${attack}:`)) });
    await page().waitForSelector(`#verdict[data-outcome="locked"][data-check="${check}"]`, { timeout: 60_000 });
    expect(await page().getAttribute('#verdict', 'data-by')).toBe(by);
    const verdict = (await text('#verdict'))!;
    expect(verdict).toContain('as expected');
    expect(verdict).toMatch(/phone (failed|closed)/);
    expect(verdict).toContain(unlocks);
    if (attack === 'bitflip-serverhello') await browser.shot('notebook-unlock-attack');
    noProblems();
  }, 60_000);
});

describe('Energy what-if', () => {
  const lifeP50 = async () => Number(await page().getAttribute('#life-p50', 'data-days'));

  it('runs the simulator in the browser and matches the stored quickstart run exactly', async () => {
    await page().goto(dash.url);
    await page().click('header a:has-text("Explore")');
    await page().waitForSelector('#stored', { timeout: 120_000 });
    expect(page().url()).toMatch(/\/explore\/energy$/);
    expect(await page().getAttribute('#stored', 'data-state')).toBe('identical');
    expect(await text('#stored')).toContain('quickstart-42');
    const stored = (await store.getRun('quickstart-42'))!.summary.battery.lifeDays.p50.value;
    expect(await lifeP50()).toBe(stored);
    await browser.shot('notebook-energy');
    noProblems();
  }, 180_000);

  it('gives a shorter battery life for more unlocks a day, and no stored match for new inputs', async () => {
    const before = await lifeP50();
    await page().getByRole('spinbutton', { name: 'Unlocks/day (median)' }).fill('40');
    await page().waitForFunction((b) => Number(document.querySelector('#life-p50')?.getAttribute('data-days')) !== b, before, { timeout: 120_000 });
    const after = await lifeP50();
    expect(after).toBeLessThan(before * 0.8);
    await page().waitForSelector('#stored[data-state="none"]', { timeout: 60_000 });
    await browser.shot('notebook-energy-40-unlocks');
    noProblems();
  }, 240_000);
});

describe('Explore a stored run or sweep', () => {
  it('plots every stored run by suite and opens one', async () => {
    await page().goto(new URL('/explore/runs', dash.url).href);
    await page().waitForSelector('#run-detail', { timeout: 60_000 });
    expect(await page().locator('figure svg g[aria-label="dot"] circle, svg g[aria-label="dot"] circle').count()).toBe(2);
    const first = await page().getAttribute('#run-detail', 'data-run');
    expect(['quickstart-42', 'office-1024']).toContain(first);
    // Unticking a suite removes its run from the chart.
    await page().getByLabel('mlkem1024-mldsa87-hybrid-aesgcm').uncheck();
    await page().waitForFunction(() => document.querySelectorAll('svg g[aria-label="dot"] circle').length === 1);
    await browser.shot('notebook-runs');
    noProblems();
  }, 120_000);
});

describe('dashboard without a notebooks build', () => {
  it('says how to build them instead of failing', async () => {
    const res = await fetch(new URL('/learn/unlock', bare.url));
    expect(res.status).toBe(503);
    const body = await res.text();
    expect(body).toContain('npm run notebooks');
    expect(body).toContain('/nonexistent/notebooks/dist');
    const home = await fetch(new URL('/explore', bare.url), { redirect: 'manual' });
    expect(home.status).toBe(302);
    expect(home.headers.get('location')).toBe('/explore/energy');
    const escape = await fetch(new URL('/learn/%2e%2e/%2e%2e/package.json', dash.url));
    expect(escape.status).toBe(404);
  });
});
