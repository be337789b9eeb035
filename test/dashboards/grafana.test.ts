/**
 * Grafana cannot run here, so each panel query of dashboards/grafana/*.json is run against the
 * real servers with Grafana's macros expanded the way Grafana expands them ($timeFilter,
 * $__timeFilter(expr), $run_id), on a fixture run written through keytwin's own schema
 * (store/influx runPoints for InfluxDB 1.x, store.saveRun for Postgres), and the result shape is
 * checked: columns, row counts, and values against the run. Skips when a server is absent,
 * unless KEYTWIN_REQUIRE_SERVICES=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../../store/index.ts';
import { runPoints } from '../../store/influx/index.ts';
import { fixtureRun } from '../reports/run-fixture.helpers.ts';

interface Target { refId: string; query?: string; rawSql?: string }
interface Panel { id: number; title: string; type: string; targets?: Target[] }
interface GrafanaDashboard { panels: Panel[]; templating: { list: { name: string; query: string }[] } }

const dir = join(import.meta.dirname, '..', '..', 'dashboards', 'grafana');
const load = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as GrafanaDashboard;
const INFLUX = process.env.INFLUX1_URL ?? 'http://127.0.0.1:8086';
const PG = process.env.DATABASE_URL;
const REQUIRE = process.env.KEYTWIN_REQUIRE_SERVICES === '1';
const DB = 'keytwin_grafana_test';

const run = fixtureRun({ runId: `grafana-test.${process.pid}` });
const days = run.daily.length;
const from = run.manifest.simStart;
const to = new Date(Date.parse(from) + (days + 1) * 86_400_000).toISOString();
const totalFailures = Object.values(run.summary.failures).reduce((a, b) => a + b, 0);
const reasons = Object.keys(run.daily[0]!.failures).sort();
const states = Object.keys(run.daily[0]!.energyMjByState).sort();

const influxUp = await fetch(`${INFLUX}/ping`).then((r) => r.status === 204, () => false);
if (REQUIRE && !influxUp) throw new Error(`InfluxDB 1.x not reachable at ${INFLUX} (KEYTWIN_REQUIRE_SERVICES=1)`);
if (REQUIRE && !PG) throw new Error('DATABASE_URL is not set (KEYTWIN_REQUIRE_SERVICES=1)');

type Series = { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] };

describe.skipIf(!influxUp)('dashboards/grafana/keytwin-influxdb.json on InfluxDB 1.x', () => {
  const dash = load('keytwin-influxdb.json');
  const influxql = async (q: string): Promise<Series[]> => {
    const res = await fetch(`${INFLUX}/query?db=${DB}&epoch=ms&q=${encodeURIComponent(q)}`, { method: 'POST' });
    const body = (await res.json()) as { results?: { series?: Series[]; error?: string }[]; error?: string };
    const err = body.error ?? body.results?.[0]?.error;
    if (err) throw new Error(`InfluxQL error for ${q}: ${err}`);
    return body.results?.[0]?.series ?? [];
  };
  const expand = (q: string) =>
    q.replaceAll('$run_id', run.manifest.runId.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).replaceAll('$timeFilter', `time >= '${from}' AND time <= '${to}'`);
  const panel = (id: number) => {
    const p = dash.panels.find((x) => x.id === id)!;
    return influxql(expand(p.targets![0]!.query!));
  };

  beforeAll(async () => {
    await influxql(`CREATE DATABASE ${DB}`);
    const lines = [...runPoints(run)].join('\n');
    const res = await fetch(`${INFLUX}/write?db=${DB}&precision=u`, { method: 'POST', body: lines });
    if (res.status !== 204) throw new Error(`write failed: ${res.status} ${await res.text()}`);
  });
  afterAll(async () => {
    await influxql(`DROP SERIES WHERE "run_id" = '${run.manifest.runId}'`).catch(() => {});
  });

  it('the run variable lists the run', async () => {
    const [s] = await influxql(dash.templating.list.find((v) => v.name === 'run_id')!.query);
    expect(s!.values.map((v) => v[1])).toContain(run.manifest.runId);
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
  it('battery life percentiles of the run', async () => {
    const [s] = await panel(3);
    expect(s!.columns).toEqual(['time', 'p5', 'p50', 'p95']);
    expect(s!.values[0]![2]).toBeCloseTo(run.summary.battery.lifeDays.p50.value, 9);
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
  it('failures per day: one series per reason, summing to the run total', async () => {
    const series = await panel(6);
    expect(series.map((s) => s.tags!.reason).sort()).toEqual(reasons);
    const sum = series.flatMap((s) => s.values.map((v) => v[1] as number)).reduce((a, b) => a + b, 0);
    expect(sum).toBe(totalFailures);
  });
  it('energy per day: one series per power state', async () => {
    const series = await panel(7);
    expect(series.map((s) => s.tags!.state).sort()).toEqual(states);
    expect(series[0]!.values).toHaveLength(days);
  });
  it('cloud load runs and returns no series (the simulator has no cloud model yet)', async () => {
    expect(await panel(8)).toEqual([]);
  });
});

describe.skipIf(!PG)('dashboards/grafana/keytwin-postgres.json on PostgreSQL', () => {
  const dash = load('keytwin-postgres.json');
  let store: Store;
  const expand = (sql: string) =>
    sql.replaceAll("'$run_id'", `'${run.manifest.runId.replaceAll("'", "''")}'`)
      // Grafana: $__timeFilter(expr) → expr BETWEEN '<from>' AND '<to>'
      .replace(/\$__timeFilter\(((?:[^()]|\([^()]*\))*)\)/g, (_m, expr: string) => `${expr} BETWEEN '${from}' AND '${to}'`);
  const panel = async (id: number) => {
    const p = dash.panels.find((x) => x.id === id)!;
    const res = await store.engine.query<Record<string, unknown>>(expand(p.targets![0]!.rawSql!));
    return res.rows;
  };

  beforeAll(async () => {
    store = await openStore(PG!);
    await store.saveRun(run, { replace: true });
  });
  afterAll(async () => {
    await store?.deleteRun(run.manifest.runId);
    await store?.close();
  });

  it('the run variable lists the run', async () => {
    const rows = (await store.engine.query<{ run_id: string }>(dash.templating.list.find((v) => v.name === 'run_id')!.query)).rows;
    expect(rows.map((r) => r.run_id)).toContain(run.manifest.runId);
  });
  it('fleet battery: a time column and p5/p50/p95 per day', async () => {
    const rows = await panel(1);
    expect(rows).toHaveLength(days);
    expect(Object.keys(rows[0]!)).toEqual(['time', 'p5', 'p50', 'p95']);
    expect(new Date(rows[1]!.time as string).toISOString()).toBe('2026-01-06T00:00:00.000Z');
    expect(rows[0]!.p50).toBeCloseTo(run.daily[0]!.socP50, 9);
  });
  it('battery life: one value per keychain, and its percentiles', async () => {
    expect(await panel(2)).toHaveLength(run.devices.count);
    const [p] = await panel(3);
    expect(Object.keys(p!)).toEqual(['p5', 'p50', 'p95']);
    expect(p!.p50).toBeCloseTo(run.summary.battery.lifeDays.p50.value, 6);
  });
  it('handshake and unlock latency percentiles per day', async () => {
    const h = await panel(4);
    expect(h).toHaveLength(days);
    expect(Object.keys(h[0]!)).toEqual(['time', 'p50', 'p95', 'p99']);
    const u = await panel(5);
    expect(u).toHaveLength(days);
  });
  it('failures and energy in long format (time, metric, value)', async () => {
    const f = await panel(6);
    expect(Object.keys(f[0]!)).toEqual(['time', 'metric', 'value']);
    expect([...new Set(f.map((r) => r.metric))].sort()).toEqual(reasons);
    expect(f.reduce((a, r) => a + (r.value as number), 0)).toBe(totalFailures);
    const e = await panel(7);
    expect(e).toHaveLength(days * states.length);
  });
  it('the cloud panel is a text panel saying there is no cloud data', () => {
    const p = dash.panels.find((x) => x.id === 8)!;
    expect(p.type).toBe('text');
  });
});
