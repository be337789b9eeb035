import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildReport, writeReport } from '../../reports/index.ts';
import { resultToJson } from '../../results/index.ts';
import { NO_CLOUD_MESSAGE } from '../../charts/index.ts';
import { fixtureRun } from './run-fixture.helpers.ts';
import { fixtureMessages } from './messages.helpers.ts';
import { openBrowser, type Browser } from '../dashboards/browser.helpers.ts';

const A = fixtureRun({ runId: 'office-768' });
const B = fixtureRun({ runId: 'office-1024', suite: 'mlkem1024-mldsa87-hybrid-aesgcm', handshakeCost: 1.35 });
let dir: string;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keytwin-report-'));
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('buildReport()', () => {
  it('writes a self-contained HTML report: every chart inline, no script, no external URL', async () => {
    const report = buildReport(A, { handshakeMessages: () => fixtureMessages() });
    expect(report.drawn).toHaveLength(8);
    expect(report.empty).toEqual(['cloud-load']);
    expect(report.html).not.toMatch(/<script|<link|src="http|href="http|@import/);
    expect(report.html.match(/<svg/g)?.length).toBe(8);
    await writeReport(report, join(dir, 'one'));
    expect(existsSync(join(dir, 'one', 'charts', 'battery-life-histogram.svg'))).toBe(true);
  });

  it('the Markdown report links one SVG per chart and carries the tables', () => {
    const md = readFileSync(join(dir, 'one', 'report.md'), 'utf8');
    const links = [...md.matchAll(/!\[[^\]]*\]\((charts\/[^)]+\.svg)\)/g)].map((m) => m[1]!);
    expect(links).toHaveLength(8);
    for (const l of links) expect(existsSync(join(dir, 'one', l))).toBe(true);
    expect(md).toContain(`> **No chart:** ${NO_CLOUD_MESSAGE}`);
    expect(md).toContain('| percentile | days | CI 95 % low | CI 95 % high |');
  });

  it('--png writes a PNG next to each SVG', () => {
    const report = buildReport(A, { png: true });
    const pngs = report.files.filter((f) => f.path.endsWith('.png'));
    expect(pngs).toHaveLength(report.drawn.length);
    // PNG signature.
    expect(Array.from((pngs[0]!.content as Uint8Array).slice(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('opened in Chromium, the report shows every chart with its numbers and loads nothing from the network', async () => {
    const requests: string[] = [];
    browser.page.on('request', (r) => requests.push(r.url()));
    await browser.page.goto(pathToFileURL(join(dir, 'one', 'index.html')).toString());
    const charts = await browser.page.$$eval('section.chart', (ss) => ss.map((s) => [s.getAttribute('data-chart'), s.querySelector('svg') ? 'svg' : 'message']));
    expect(charts).toEqual([
      ['battery-life-histogram', 'svg'], ['battery-life-ecdf', 'svg'], ['soc-over-time', 'svg'], ['energy-by-state', 'svg'], ['handshake-phases', 'svg'],
      ['latency', 'svg'], ['handshake-sequence', 'svg'], ['failures', 'svg'], ['cloud-load', 'message'],
    ]);
    const p50 = Math.round(A.summary.battery.lifeDays.p50.value);
    expect(await browser.page.locator('#battery-life-histogram svg text', { hasText: `p50 ${p50} d` }).count()).toBe(1);
    // The SVG is really laid out (not a zero-size element).
    const box = await browser.page.locator('#battery-life-histogram svg').boundingBox();
    expect(box!.width).toBeGreaterThan(500);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    await browser.shot('report-run');
  });

  it('--vs puts two runs side by side with the differences', async () => {
    const report = buildReport(A, { vs: B, handshakeMessages: () => fixtureMessages() });
    await writeReport(report, join(dir, 'vs'));
    await browser.page.goto(pathToFileURL(join(dir, 'vs', 'index.html')).toString());
    const first = await browser.page.locator('section.chart').first().getAttribute('data-chart');
    expect(first).toBe('compare-metrics');
    const rows = await browser.page.$$eval('#compare-metrics table tr', (trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent)));
    const life = rows.find((r) => r[0] === 'battery life p50')!;
    expect(Number(life[2])).toBeCloseTo(A.summary.battery.lifeDays.p50.value, 1);
    expect(Number(life[3])).toBeCloseTo(B.summary.battery.lifeDays.p50.value, 1);
    expect(await browser.page.locator('.pair').count()).toBe(9);
    await browser.shot('report-vs');
  });
});

describe('keytwin report (the command)', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['cli/keytwin.mjs', 'report', ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, cwd: join(import.meta.dirname, '..', '..') });

  it('report <dir> --vs <file> writes index.html and report.md', () => {
    writeFileSync(join(dir, 'a.json'), resultToJson(A));
    const runDir = join(dir, 'run-b');
    rmSync(runDir, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', runDir]);
    writeFileSync(join(runDir, 'result.json'), resultToJson(B));
    const out = join(dir, 'cli');
    const r = cli(join(dir, 'a.json'), '--vs', runDir, '--out', out);
    expect(r.stderr).not.toMatch(/Error|at /);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`report: ${out}/index.html`);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('keytwin comparison: mlkem1024-mldsa87-hybrid-aesgcm vs mlkem768-mldsa44-hybrid-aesgcm');
  });

  it('a run id that is nowhere gets one clear line and exit code 1, not a stack trace', () => {
    const r = cli('no-such-run', '--store', 'memory://');
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toBe("keytwin report: run 'no-such-run' is not in the store memory:// (the store is empty)");
  });

  it('a file that is not a result.json is named with what is missing', () => {
    writeFileSync(join(dir, 'bad.json'), '{"manifest": {}}');
    const r = cli(join(dir, 'bad.json'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'bad.json')}: missing field 'summary' (is this a keytwin result.json?)`);
  });
});
