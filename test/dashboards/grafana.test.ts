/**
 * Grafana cannot run here, so each panel query of dashboards/grafana/*.json is run against the
 * real servers with Grafana's macros and variables expanded the way Grafana expands them
 * ($timeFilter, $__timeFilter(expr), $__range, and the multi-value $run_id: 'a','b' in SQL,
 * (a|b) in a regex), on fixture runs written through keytwin's own schema (store/influx runPoints
 * for InfluxDB 1.x and VictoriaMetrics, store.saveRun for Postgres), and the result shape is
 * checked: columns, row counts, and values against the runs. With KEYTWIN_REQUIRE_SERVICES=1 a
 * missing server fails the file; otherwise its tests are skipped with the reason in their title.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, runPoints, type Store } from '../../store/index.ts';
import type { RunResult } from '../../results/index.ts';
import { dropSchema, influx1, postgres, schemaFor, titled, victoria, withSchema } from '../store/services.ts';
import { grafanaRuns } from './grafana-fixture.helpers.ts';

interface Target { refId: string; query?: string; rawSql?: string; expr?: string; instant?: boolean }
interface Panel { id: number; title: string; type: string; targets?: Target[]; fieldConfig?: { defaults?: { links?: { url: string }[] } } }
interface Variable { name: string; query: string | { query: string }; multi?: boolean }
interface GrafanaDashboard { panels: Panel[]; templating: { list: Variable[] } }

const dir = join(import.meta.dirname, '..', '..', 'dashboards', 'grafana');
const load = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as GrafanaDashboard;
const [inf, vm, pg] = await Promise.all([influx1(), victoria(), postgres()]);
const DB = 'keytwin_grafana_test';
const DAY = 86_400_000;

const [run, run2] = grafanaRuns('q');
const id = run.manifest.runId;
const ids = [id, run2.manifest.runId];
const days = run.daily.length;
const from = run.manifest.simStart;
const to = new Date(Date.parse(from) + (days + 1) * DAY).toISOString();
const failuresOf = (r: RunResult) => Object.values(r.summary.failures).reduce((a, b) => a + b, 0);
const reasons = Object.keys(run.daily[0]!.failures).sort();
const states = Object.keys(run.daily[0]!.energyMjByState).sort();
const stations = ['auth', 'ota'];
const variable = (d: GrafanaDashboard) => d.templating.list.find((v) => v.name === 'run_id')!;
const queryPanels = (d: GrafanaDashboard) => d.panels.filter((p) => p.targets?.length);

describe.each(['keytwin-influxdb.json', 'keytwin-postgres.json', 'keytwin-victoriametrics.json'])('%s', (file) => {
  it('selects several runs at once', () => {
    expect(variable(load(file)).multi).toBe(true);
  });
});

describe.skipIf(inf.skip)(titled('dashboards/grafana/keytwin-influxdb.json on InfluxDB 1.x', inf), () => {
  const dash = load('keytwin-influxdb.json');
  type Series = { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] };
  const influxql = async (q: string): Promise<Series[]> => {
    const res = await fetch(`${inf.url}/query?db=${DB}&epoch=ms&q=${encodeURIComponent(q)}`, { method: 'POST' });
    const body = (await res.json()) as { results?: { series?: Series[]; error?: string }[]; error?: string };
    const err = body.error ?? body.results?.[0]?.error;
    if (err) throw new Error(`InfluxQL error for ${q}: ${err}`);
    return body.results?.[0]?.series ?? [];
  };
  // Grafana's multi-value regex format: each value regex-escaped, several joined as (a|b).
  const regex = (values: string[]) => {
    const esc = values.map((v) => v.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    return esc.length === 1 ? esc[0]! : `(${esc.join('|')})`;
  };
  const expand = (q: string, runs = [id]) => q.replaceAll('$run_id', regex(runs)).replaceAll('$timeFilter', `time >= '${from}' AND time <= '${to}'`);
  const panel = (pid: number, runs = [id]) => influxql(expand(dash.panels.find((x) => x.id === pid)!.targets![0]!.query!, runs));

  beforeAll(async () => {
    await influxql(`CREATE DATABASE ${DB}`);
    const lines = [...runPoints(run), ...runPoints(run2)].join('\n');
    const res = await fetch(`${inf.url}/write?db=${DB}&precision=u`, { method: 'POST', body: lines });
    if (res.status !== 204) throw new Error(`write failed: ${res.status} ${await res.text()}`);
  });
  afterAll(async () => {
    for (const r of ids) await influxql(`DROP SERIES WHERE "run_id" = '${r}'`).catch(() => {});
  });

  it('the run variable lists both runs', async () => {
    const [s] = await influxql(variable(dash).query as string);
    expect(s!.values.map((v) => v[1])).toEqual(expect.arrayContaining(ids));
  });
  it('every panel query runs, for one run and for two', async () => {
    for (const p of queryPanels(dash)) {
      const one = await panel(p.id);
      const two = await panel(p.id, ids);
      expect(one.length, p.title).toBeGreaterThan(0);
      expect(new Set(two.map((s) => s.tags!.run_id)), p.title).toEqual(new Set(ids));
    }
  });
  it('fleet battery: one row per day with p5/p50/p95', async () => {
    const [s, ...rest] = await panel(1);
    expect(rest).toEqual([]);
    expect(s!.columns).toEqual(['time', 'p5', 'p50', 'p95']);
    expect(s!.values).toHaveLength(days);
    expect(s!.values[0]![2]).toBeCloseTo(run.daily[0]!.socP50, 9);
  });
  it('keychains alive per day', async () => {
    const [s] = await panel(2);
    expect(s!.values.map((v) => v[1])).toEqual(run.daily.map((d) => d.alive));
  });
  it('battery life percentiles of each run', async () => {
    const series = await panel(3, ids);
    expect(series.map((s) => s.columns)).toEqual([['time', 'p5', 'p50', 'p95'], ['time', 'p5', 'p50', 'p95']]);
    for (const r of [run, run2]) {
      const s = series.find((x) => x.tags!.run_id === r.manifest.runId)!;
      expect(s.values[0]![2]).toBeCloseTo(r.summary.battery.lifeDays.p50.value, 9);
    }
  });
  it('handshake and unlock latency percentiles per day', async () => {
    const [h] = await panel(4);
    expect(h!.columns).toEqual(['time', 'p50', 'p95', 'p99']);
    expect(h!.values).toHaveLength(days);
    const [u] = await panel(5);
    expect(u!.columns).toEqual(['time', 'p50', 'p95']);
    expect(u!.values).toHaveLength(days);
    for (const row of u!.values) expect(row[1] as number).toBeGreaterThan(100);
  });
  it('failures per day: one series per reason and run, summing to each run total', async () => {
    const series = await panel(6, ids);
    expect([...new Set(series.filter((s) => s.tags!.run_id === id).map((s) => s.tags!.reason))].sort()).toEqual(reasons);
    for (const r of [run, run2]) {
      const sum = series.filter((s) => s.tags!.run_id === r.manifest.runId).flatMap((s) => s.values.map((v) => v[1] as number)).reduce((a, b) => a + b, 0);
      expect(sum).toBe(failuresOf(r));
    }
  });
  it('energy per day: one series per power state', async () => {
    const series = await panel(7);
    expect(series.map((s) => s.tags!.state).sort()).toEqual(states);
    expect(series[0]!.values).toHaveLength(days);
  });
  it('cloud load: requests per day and station', async () => {
    const series = await panel(8);
    expect(series.map((s) => s.tags!.station).sort()).toEqual(stations);
    const auth = series.find((s) => s.tags!.station === 'auth')!;
    expect(auth.values.map((v) => v[1])).toEqual(run.cloud!.daily.filter((c) => c.station === 'auth').map((c) => c.requests));
  });
});

describe.skipIf(pg.skip)(titled('dashboards/grafana/keytwin-postgres.json on PostgreSQL', pg), () => {
  const dash = load('keytwin-postgres.json');
  const schema = schemaFor('grafana');
  let store: Store;
  // Grafana's SQL format of a (multi-)value variable: each value single-quoted, joined by commas.
  const quoted = (values: string[]) => values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',');
  const expand = (sql: string, runs = [id]) =>
    sql.replaceAll('$run_id', quoted(runs))
      // Grafana: $__timeFilter(expr) → expr BETWEEN '<from>' AND '<to>'
      .replace(/\$__timeFilter\(((?:[^()]|\([^()]*\))*)\)/g, (_m, expr: string) => `${expr} BETWEEN '${from}' AND '${to}'`);
  const sql = async (text: string) => (await store.engine.query<Record<string, unknown>>(text)).rows;
  const panel = (pid: number, runs = [id]) => sql(expand(dash.panels.find((x) => x.id === pid)!.targets![0]!.rawSql!, runs));

  beforeAll(async () => {
    store = await openStore(withSchema(pg.url, schema));
    await store.saveRun(run);
    await store.saveRun(run2);
  });
  afterAll(async () => {
    await store?.close();
    await dropSchema(pg.url, schema);
  });

  it('the run variable lists each run by name, with its id as the value', async () => {
    const rows = await sql(variable(dash).query as string);
    expect(rows.find((r) => r.__value === id)).toEqual({ __value: id, __text: 'office-fleet · 2026-11-28 10:00 · seed 7' });
    expect(rows.map((r) => r.__value)).toEqual(expect.arrayContaining(ids));
  });
  it('every panel query runs, for one run and for two', async () => {
    expect(queryPanels(dash).map((p) => p.id).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    for (const p of queryPanels(dash)) {
      expect((await panel(p.id)).length, p.title).toBeGreaterThan(0);
      expect((await panel(p.id, ids)).length, p.title).toBeGreaterThan(0);
    }
  });
  it("the runs table links each run to the dashboard with the run selected and the time range of its simulated span", async () => {
    const rows = await panel(9);
    const row = rows.find((r) => r.run_id === id)!;
    expect(Number(row.from_ms)).toBe(Date.parse(from));
    expect(Number(row.to_ms)).toBe(Date.parse(to));
    const link = dash.panels.find((p) => p.id === 9)!.fieldConfig!.defaults!.links![0]!.url;
    // Grafana's data-link variables, filled from this row the way Grafana fills them:
    const url = link.replace(/\$\{__data\.fields\.(\w+)\}/g, (_m, f: string) => encodeURIComponent(String(row[f])));
    const q = new URL(url, 'http://grafana').searchParams;
    expect([q.get('var-run_id'), q.get('from'), q.get('to')]).toEqual([id, String(Date.parse(from)), String(Date.parse(to))]);
  });
  it('fleet battery: a time column, the run, and p5/p50/p95 per day; two runs give two series', async () => {
    const rows = await panel(1);
    expect(rows).toHaveLength(days);
    expect(Object.keys(rows[0]!)).toEqual(['time', 'run_id', 'p5', 'p50', 'p95']);
    expect(new Date(rows[1]!.time as string).toISOString()).toBe(new Date(Date.parse(from) + DAY).toISOString());
    expect(rows[0]!.p50).toBeCloseTo(run.daily[0]!.socP50, 9);
    const both = await panel(1, ids);
    expect(both).toHaveLength(2 * days);
    expect(new Set(both.map((r) => r.run_id))).toEqual(new Set(ids));
  });
  it('battery life: one value per keychain, and its percentiles per run', async () => {
    expect(await panel(2)).toHaveLength(run.devices.count);
    const ps = await panel(3, ids);
    expect(ps.map((p) => Object.keys(p))).toEqual([['run_id', 'p5', 'p50', 'p95'], ['run_id', 'p5', 'p50', 'p95']]);
    for (const r of [run, run2]) expect(ps.find((p) => p.run_id === r.manifest.runId)!.p50).toBeCloseTo(r.summary.battery.lifeDays.p50.value, 6);
  });
  it('handshake and unlock latency percentiles per day', async () => {
    const h = await panel(4);
    expect(h).toHaveLength(days);
    expect(Object.keys(h[0]!)).toEqual(['time', 'run_id', 'p50', 'p95', 'p99']);
    expect(await panel(5)).toHaveLength(days);
  });
  it('failures and energy in long format (time, metric, value); with two runs the metric names the run', async () => {
    const f = await panel(6);
    expect(Object.keys(f[0]!)).toEqual(['time', 'metric', 'value']);
    expect([...new Set(f.map((r) => r.metric))].sort()).toEqual(reasons);
    expect(f.reduce((a, r) => a + (r.value as number), 0)).toBe(failuresOf(run));
    const f2 = await panel(6, ids);
    for (const r of [run, run2]) {
      const mine = f2.filter((x) => (x.metric as string).startsWith(`${r.manifest.runId}: `));
      expect(mine.reduce((a, x) => a + (x.value as number), 0)).toBe(failuresOf(r));
    }
    expect(await panel(7)).toHaveLength(days * states.length);
  });
  it('cloud panels read run_cloud: utilisation and queue per hour, p99 per day, per station', async () => {
    const util = await panel(8);
    expect(util).toHaveLength(run.cloud!.hourly.length);
    expect(new Date(util[2]!.time as string).toISOString()).toBe(new Date(Date.parse(from) + 3_600_000).toISOString());
    const first = run.cloud!.hourly.find((h) => h.hour === 1 && h.station === 'ota')!;
    expect(util.find((r) => r.metric === 'ota' && new Date(r.time as string).getTime() === Date.parse(from) + 3_600_000)!.value).toBeCloseTo(first.utilisation, 9);
    const queue = await panel(10);
    expect([...new Set(queue.map((r) => r.metric))].sort()).toEqual(stations);
    expect(queue.find((r) => r.metric === 'ota' && new Date(r.time as string).getTime() === Date.parse(from) + 3_600_000)!.value).toBeCloseTo(first.meanQueue, 9);
    const p99 = await panel(11);
    expect(p99).toHaveLength(run.cloud!.daily.length);
    expect(p99.filter((r) => r.metric === 'auth').map((r) => r.value)).toEqual(run.cloud!.daily.filter((c) => c.station === 'auth').map((c) => c.p99Ms));
    expect((await panel(8, ids)).length).toBe(2 * run.cloud!.hourly.length);
  });
  it('no panel is a text panel standing in for missing data', () => {
    expect(dash.panels.filter((p) => p.type === 'text')).toEqual([]);
  });
});

describe.skipIf(vm.skip)(titled('dashboards/grafana/keytwin-victoriametrics.json on VictoriaMetrics (PromQL)', vm), () => {
  const dash = load('keytwin-victoriametrics.json');
  const RUNS_TABLE = 10;
  type Result = { metric: Record<string, string>; values?: [number, string][]; value?: [number, string] }[];
  const prom = async (path: string, params: Record<string, string>): Promise<Result> => {
    const u = new URL(path, vm.url);
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    u.searchParams.set('nocache', '1');
    const res = await fetch(u);
    const body = (await res.json()) as { status: string; error?: string; data?: { result: Result } };
    if (body.status !== 'success') throw new Error(`PromQL error for ${params.query}: ${body.error}`);
    return body.data!.result;
  };
  // Grafana's Prometheus multi-value format for =~: regex-escaped values joined with |.
  const expand = (expr: string, runs = [id]) =>
    expr.replaceAll('$run_id', runs.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|')).replaceAll('$__range', `${Math.round((Date.parse(to) - Date.parse(from)) / 1000)}s`);
  // Daily steps from the end of the first simulated day: each [1d] window is one simulated day.
  const query = (t: Target, runs = [id]) =>
    t.instant
      ? prom('/api/v1/query', { query: expand(t.expr!, runs), time: String(Date.parse(to) / 1000) })
      : prom('/api/v1/query_range', { query: expand(t.expr!, runs), start: String(Date.parse(from) / 1000), end: String(Date.parse(to) / 1000), step: '1d' });
  const panel = (pid: number, runs = [id], target = 0) => query(dash.panels.find((p) => p.id === pid)!.targets![target]!, runs);
  const values = (s: Result[number]) => s.values!.map((v) => Number(v[1]));
  /** The values at the simulated days' timestamps (NaN where a series has no point that day). */
  const daily = (s: Result[number]) => Array.from({ length: days }, (_, i) => Number(s.values!.find((v) => v[0] * 1000 === Date.parse(from) + i * DAY)?.[1]));

  beforeAll(async () => {
    const lines = [...runPoints(run), ...runPoints(run2)].join('\n');
    const res = await fetch(new URL(`/write?db=${DB}&precision=u`, vm.url), { method: 'POST', body: lines });
    if (res.status !== 204) throw new Error(`write failed: ${res.status} ${await res.text()}`);
    await fetch(new URL('/internal/force_flush', vm.url));
    // Written points become searchable shortly after the flush.
    const seen = async () => {
      const u = new URL('/api/v1/series', vm.url);
      u.searchParams.set('match[]', `fleet_daily_alive{run_id="${ids[1]}"}`);
      return ((await (await fetch(u)).json()) as { data: unknown[] }).data.length > 0;
    };
    for (let i = 0; i < 50 && !(await seen()); i++) await new Promise((r) => setTimeout(r, 200));
  });
  afterAll(async () => {
    for (const r of ids) await fetch(new URL(`/api/v1/admin/tsdb/delete_series?match[]=${encodeURIComponent(`{run_id="${r}"}`)}`, vm.url), { method: 'POST' }).catch(() => {});
  });

  it('the run variable (label_values) lists both runs', async () => {
    const v = variable(dash).query as { query: string };
    const m = /^label_values\((\w+), (\w+)\)$/.exec(v.query)!;
    const res = await fetch(new URL(`/api/v1/label/${m[2]}/values?match[]=${m[1]}`, vm.url));
    expect(((await res.json()) as { data: string[] }).data).toEqual(expect.arrayContaining(ids));
  });
  it('every target of every panel runs, for one run and for two', async () => {
    for (const p of queryPanels(dash)) {
      for (let t = 0; t < p.targets!.length; t++) {
        expect((await panel(p.id, [id], t)).length, `${p.title} ${p.targets![t]!.refId}`).toBeGreaterThan(0);
        const shown = new Set((await panel(p.id, ids, t)).map((s) => s.metric.run_id));
        // The runs table lists every run in the time range (other tests' runs too), the selected ones among them.
        if (p.id === RUNS_TABLE) expect([...shown], p.title).toEqual(expect.arrayContaining(ids));
        else expect(shown, p.title).toEqual(new Set(ids));
      }
    }
  });
  it("the runs table links each run to the dashboard with the run selected and the time range of its simulated span", async () => {
    const p = dash.panels.find((x) => x.id === RUNS_TABLE)!;
    // Grafana's merge transformation joins the two instant queries on their labels; then the
    // organize transformation names Value #A from_ms and Value #B to_ms.
    const [a, b] = await Promise.all([panel(RUNS_TABLE, ids, 0), panel(RUNS_TABLE, ids, 1)]);
    const row = { run_id: id, from_ms: Number(a.find((s) => s.metric.run_id === id)!.value![1]), to_ms: Number(b.find((s) => s.metric.run_id === id)!.value![1]) };
    expect(row.from_ms).toBe(Date.parse(from));
    expect(row.to_ms).toBe(Date.parse(to));
    const link = p.fieldConfig!.defaults!.links![0]!.url;
    const url = link.replace(/\$\{__data\.fields\.(\w+)\}/g, (_m, f: string) => encodeURIComponent(String(row[f as keyof typeof row])));
    const q = new URL(url, 'http://grafana').searchParams;
    expect([q.get('var-run_id'), q.get('from'), q.get('to')]).toEqual([id, String(Date.parse(from)), String(Date.parse(to))]);
  });
  it('fleet battery p50 and keychains alive per day match the run', async () => {
    const [p50] = await panel(1, [id], 1);
    // Exactly one value per simulated day: no look-back repeats after the last day.
    expect(values(p50!)).toHaveLength(days);
    daily(p50!).forEach((v, i) => expect(v).toBeCloseTo(run.daily[i]!.socP50, 9));
    const [alive] = await panel(2);
    expect(daily(alive!)).toEqual(run.daily.map((d) => d.alive));
  });
  it('battery life percentiles of the run', async () => {
    const [p50] = await panel(3, [id], 1);
    // The stat's reducer (firstNotNull) picks the point at simStart.
    expect(p50!.values![0]![0] * 1000).toBe(Date.parse(from));
    expect(Number(p50!.values![0]![1])).toBeCloseTo(run.summary.battery.lifeDays.p50.value, 6);
  });
  it('failures per day by reason sum to the run total; energy has one series per state', async () => {
    const f = await panel(6);
    expect(f.map((s) => s.metric.reason).sort()).toEqual(reasons);
    // All values returned, summed: a reason missing on a day must not repeat the day before.
    expect(f.flatMap(values).reduce((a, b) => a + b, 0)).toBe(failuresOf(run));
    const gaps = run.daily.filter((d) => reasons.some((r) => !d.failures[r])).length;
    expect(gaps, 'the fixture has days without some failure reason').toBeGreaterThan(0);
    expect((await panel(7)).map((s) => s.metric.state).sort()).toEqual(states);
  });
  it('unlock latency p95 per day is within the histogram buckets of the exact value', async () => {
    const [u] = await query(dash.panels.find((p) => p.id === 5)!.targets![1]!);
    const day0 = run.telemetry.filter((e) => e.eventType === 'unlock_attempt' && e.timeMs < DAY).map((e) => e.latencyMs).sort((a, b) => a - b);
    const exact = day0[Math.ceil(0.95 * day0.length) - 1]!;
    // The value at the end of day 1 covers day 0's unlocks.
    const at = u!.values!.find((v) => v[0] * 1000 === Date.parse(from) + DAY)!;
    expect(Math.abs(Number(at[1]) / exact - 1)).toBeLessThan(0.1);
  });
  it('cloud utilisation and p99 per day by station', async () => {
    const util = await panel(8);
    expect(util.map((s) => s.metric.station).sort()).toEqual(stations);
    const auth = util.find((s) => s.metric.station === 'auth')!;
    daily(auth).forEach((v, i) => expect(v).toBeCloseTo(run.cloud!.daily.filter((c) => c.station === 'auth')[i]!.utilisation, 9));
    expect((await panel(9)).map((s) => s.metric.station).sort()).toEqual(stations);
  });
});
