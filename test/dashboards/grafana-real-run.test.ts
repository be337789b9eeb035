/**
 * The PromQL dashboard (dashboards/grafana/keytwin-victoriametrics.json) on data written by a real
 * run: `keytwin run` of the ota-storm scenario (300 keychains, 3 days, with its cloud model and OTA
 * rollout; phones 20 dB further away than in the shipped file, so that unlocks fail and the
 * failure panel has data) in a separate process, its result.json written to the real VictoriaMetrics through
 * keytwin's own line protocol (store/influx runPoints), then every target of every panel run the
 * way Grafana runs it and the answers checked against the run. grafana.test.ts does the same on
 * fixture runs (two at once, fields the simulator leaves empty); this file guards against the
 * dashboard and the simulator's real output drifting apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { runPoints } from '../../store/index.ts';
import { resultFromJson, type RunResult } from '../../results/index.ts';
import { titled, victoria } from '../store/services.ts';

interface Target { refId: string; expr: string; instant?: boolean }
interface Panel { id: number; title: string; targets?: Target[]; fieldConfig?: { defaults?: { links?: { url: string }[] } } }

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const DAY = 86_400_000;
const dash = JSON.parse(readFileSync(join(ROOT, 'dashboards', 'grafana', 'keytwin-victoriametrics.json'), 'utf8')) as { panels: Panel[] };
const vm = await victoria();

describe.skipIf(vm.skip)(titled('keytwin-victoriametrics.json on VictoriaMetrics, with a real ota-storm run', vm), () => {
  let out: string;
  let run: RunResult;
  let id: string;
  let from: number;
  let to: number;
  type Series = { metric: Record<string, string>; values?: [number, string][]; value?: [number, string] };
  const prom = async (path: string, params: Record<string, string>): Promise<Series[]> => {
    const u = new URL(path, vm.url);
    for (const [k, v] of Object.entries({ ...params, nocache: '1' })) u.searchParams.set(k, v);
    const body = (await (await fetch(u)).json()) as { status: string; error?: string; data?: { result: Series[] } };
    if (body.status !== 'success') throw new Error(`PromQL error for ${params.query}: ${body.error}`);
    return body.data!.result;
  };
  // Grafana's expansion for one selected run: the regex-escaped id for $run_id, the range in seconds for $__range.
  const expand = (expr: string) => expr.replaceAll('$run_id', id.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).replaceAll('$__range', `${Math.round((to - from) / 1000)}s`);
  const query = (t: Target) => t.instant
    ? prom('/api/v1/query', { query: expand(t.expr), time: String(to / 1000) })
    : prom('/api/v1/query_range', { query: expand(t.expr), start: String(from / 1000), end: String(to / 1000), step: '1d' });
  const panel = (pid: number, target = 0) => query(dash.panels.find((p) => p.id === pid)!.targets![target]!);
  const mine = (s: Series[]) => s.filter((x) => x.metric.run_id === id);
  /** The series' values at each simulated day's start. */
  const daily = (s: Series) => Array.from({ length: run.daily.length }, (_, i) => Number(s.values!.find((v) => v[0] * 1000 === from + i * DAY)?.[1]));

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'keytwin-grafana-real-'));
    const scenario = parse(readFileSync(join(ROOT, 'scenarios', 'ota-storm.yaml'), 'utf8')) as { name: string; behaviour: Record<string, unknown> };
    scenario.name = 'ota-storm-weak-radio';
    scenario.behaviour.rssiDbm = { dist: 'normal', mean: -88, sd: 6 };
    const file = join(out, 'ota-storm-weak-radio.yaml');
    writeFileSync(file, stringify(scenario));
    try {
      await exec('node', [join(ROOT, 'cli', 'keytwin.mjs'), 'run', file, '--devices', '300', '--store', 'memory://', '--out', join(out, 'run')], { cwd: ROOT, timeout: 400_000 });
    } catch (err) {
      const e = err as Error & { stderr?: string };
      throw new Error(`keytwin run failed: ${e.stderr || e.message}`);
    }
    run = resultFromJson(readFileSync(join(out, 'run', 'result.json'), 'utf8'), 'result.json');
    id = run.manifest.runId;
    from = Date.parse(run.manifest.simStart);
    to = from + (run.daily.length + 1) * DAY;
    const res = await fetch(new URL('/write?db=keytwin_grafana_real&precision=u', vm.url), { method: 'POST', body: [...runPoints(run)].join('\n') });
    if (res.status !== 204) throw new Error(`write failed: ${res.status} ${await res.text()}`);
    await fetch(new URL('/internal/force_flush', vm.url));
    const seen = async () => {
      const u = new URL('/api/v1/series', vm.url);
      u.searchParams.set('match[]', `fleet_daily_alive{run_id="${id}"}`);
      return ((await (await fetch(u)).json()) as { data: unknown[] }).data.length > 0;
    };
    for (let i = 0; i < 50 && !(await seen()); i++) await new Promise((r) => setTimeout(r, 200));
  }, 500_000);

  afterAll(async () => {
    if (id) await fetch(new URL(`/api/v1/admin/tsdb/delete_series?match[]=${encodeURIComponent(`{run_id="${id}"}`)}`, vm.url), { method: 'POST' }).catch(() => {});
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('the run modelled the cloud and its OTA rollout (the panels below have something to show)', () => {
    expect(run.cloud!.daily.length).toBeGreaterThan(0);
    expect(run.cloud!.summary.rollout!.waves.length).toBeGreaterThan(0);
  });

  it('every target of every panel answers for the run', async () => {
    for (const p of dash.panels.filter((x) => x.targets?.length)) {
      for (const t of p.targets!) expect(mine(await query(t)).length, `${p.title} ${t.refId}`).toBeGreaterThan(0);
    }
  });

  it('keychains alive, battery p50 and unlocks per day are the run\'s daily rows', async () => {
    const [alive] = mine(await panel(2));
    expect(daily(alive!)).toEqual(run.daily.map((d) => d.alive));
    const [p50] = mine(await panel(1, 1));
    daily(p50!).forEach((v, i) => expect(v).toBeCloseTo(run.daily[i]!.socP50, 9));
    const [p50life] = mine(await panel(3, 1));
    expect(Number(p50life!.values![0]![1])).toBeCloseTo(run.summary.battery.lifeDays.p50.value, 6);
  });

  it('failures per day by reason sum to the run total', async () => {
    const total = Object.values(run.summary.failures).reduce((a, b) => a + b, 0);
    expect(total, 'the weak radio makes unlocks fail').toBeGreaterThan(0);
    const sum = mine(await panel(6)).flatMap((s) => s.values!.map((v) => Number(v[1]))).reduce((a, b) => a + b, 0);
    expect(sum).toBe(total);
  });

  it('cloud utilisation and p99 per day and station are the cloud model\'s daily rows', async () => {
    const util = mine(await panel(8));
    const stations = [...new Set(run.cloud!.daily.map((c) => c.station))].sort();
    expect(util.map((s) => s.metric.station).sort()).toEqual(stations);
    for (const s of util) daily(s).forEach((v, i) => expect(v).toBeCloseTo(run.cloud!.daily.find((c) => c.day === i && c.station === s.metric.station)!.utilisation, 9));
    for (const s of mine(await panel(9))) daily(s).forEach((v, i) => expect(v).toBeCloseTo(run.cloud!.daily.find((c) => c.day === i && c.station === s.metric.station)!.p99Ms, 6));
  });

  it('the runs table gives the run\'s simulated span, which its link puts in the URL', async () => {
    const [a] = mine(await panel(10, 0));
    const [b] = mine(await panel(10, 1));
    expect([Number(a!.value![1]), Number(b!.value![1])]).toEqual([from, to]);
  });
});
