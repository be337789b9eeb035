/**
 * Reports and dashboard performance (issue 5 targets):
 *  - a report (HTML + Markdown + SVGs) for a 10,000-keychain × 365-day RunResult in ≤ 10 s,
 *    next to the time to serialise the same run to result.json (baseline, same run);
 *  - the dashboard's first chart of a stored run in ≤ 2 s, measured in headless Chromium from
 *    navigation to the first chart's <svg>, next to the time store.getRun takes on its own.
 * Run: npx tsx bench/reports.bench.ts
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildReport, writeReport } from '../reports/index.ts';
import { startDashboard } from '../dashboards/index.ts';
import { openStore } from '../store/index.ts';
import { resultFromJson, resultToJson } from '../results/index.ts';
import { fixtureRun } from '../test/reports/run-fixture.helpers.ts';
import { fixtureMessages } from '../test/reports/messages.helpers.ts';
import { openBrowser } from '../test/dashboards/browser.helpers.ts';

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function main(): Promise<void> {
  process.env.TZ = 'UTC';
  console.log(`reports bench on ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}`);
  let t = performance.now();
  const run = fixtureRun({ devices: 10_000, days: 365, runId: 'bench-10k-365' });
  console.log(`fixture 10,000 × 365 days built in ${s(performance.now() - t)} (${run.telemetry.length} telemetry events, ${run.daily.length} days)`);

  t = performance.now();
  const json = resultToJson(run);
  const baseline = performance.now() - t;
  const dir = mkdtempSync(join(tmpdir(), 'keytwin-bench-report-'));
  try {
    // Warm-up on a small run so module loading and JIT are not counted.
    buildReport(fixtureRun());
    t = performance.now();
    const report = buildReport(run, { handshakeMessages: () => fixtureMessages() });
    await writeReport(report, dir);
    const reportMs = performance.now() - t;
    t = performance.now();
    buildReport(resultFromJson(json, 'result.json'), { handshakeMessages: () => fixtureMessages() });
    const fromFileMs = performance.now() - t;
    console.log(`report 10k × 365 from result.json text (parse + build, no disk): ${s(fromFileMs)} (target ≤ 10 s) ${fromFileMs <= 10_000 ? 'OK' : 'OVER'}`);
    console.log(`report 10k × 365: ${s(reportMs)} (target ≤ 10 s) ${reportMs <= 10_000 ? 'OK' : 'OVER'}; baseline resultToJson of the same run ${s(baseline)} (${(json.length / 1e6).toFixed(1)} MB); ratio ${(reportMs / baseline).toFixed(1)}×; HTML ${(report.html.length / 1e6).toFixed(2)} MB, ${report.drawn.length} charts`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  await dashboardBench(run, 'memory://', 'embedded PGlite (memory://)');
  if (process.env.DATABASE_URL) await dashboardBench(run, process.env.DATABASE_URL, 'Postgres (DATABASE_URL)');
  else console.log('dashboard on Postgres: skipped (set DATABASE_URL)');
}

async function dashboardBench(run: ReturnType<typeof fixtureRun>, url: string, label: string): Promise<void> {
  const store = await openStore(url);
  const browser = await openBrowser();
  const runId = `${run.manifest.runId}-${process.pid}`;
  const stored = { ...run, manifest: { ...run.manifest, runId } };
  let dash = await startDashboard({ store, handshakeMessages: () => fixtureMessages() });
  try {
    let t = performance.now();
    await store.saveRun(stored, { replace: true });
    console.log(`[${label}] saved the run in ${s(performance.now() - t)}`);
    t = performance.now();
    await store.getRun(runId);
    const getRunMs = performance.now() - t;
    // Build the bundle once (a running dashboard has it) on a page that lists nothing heavy.
    await browser.page.goto(`${dash.url}#/live`);
    await browser.page.waitForSelector('main[data-ready="true"]');
    const toFirstChart = async (go: () => Promise<void>) => {
      const start = performance.now();
      await go();
      await browser.page.waitForSelector('section.chart svg', { timeout: 30_000 });
      return performance.now() - start;
    };
    const deep = await toFirstChart(async () => {
      await browser.page.goto(`${dash.url}#/run/${runId}`);
    });
    const cached = await toFirstChart(async () => {
      await browser.page.goto('about:blank');
      await browser.page.goto(`${dash.url}#/run/${runId}`);
    });
    // The usual path: a fresh server, the list of runs, then a click (the list prefetches views).
    await dash.close();
    dash = await startDashboard({ store, handshakeMessages: () => fixtureMessages() });
    await browser.page.goto(dash.url);
    await browser.page.waitForSelector('main[data-ready="true"]');
    await new Promise((r) => setTimeout(r, 1000)); // a person reads the list for at least a second
    const click = await toFirstChart(async () => {
      await browser.page.click(`table.runs a:text("${runId}")`);
    });
    console.log(
      `[${label}] dashboard first chart of a 10k × 365 run (target ≤ 2 s): deep link, nothing cached ${s(deep)} ${deep <= 2000 ? 'OK' : 'OVER'}; ` +
        `from the runs list (click) ${s(click)} ${click <= 2000 ? 'OK' : 'OVER'}; view cached ${s(cached)}; baseline store.getRun alone ${s(getRunMs)}`,
    );
  } finally {
    await store.deleteRun(runId).catch(() => false);
    await browser.close();
    await dash.close();
    await store.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
