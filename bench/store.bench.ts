/**
 * Store benchmark (issue 4): keytwin's writers next to the raw baseline of each server, measured
 * in the same run on the same data:
 *  - Postgres: rows/s of `store.saveRun` (one transaction, COPY FROM STDIN) vs `psql \copy` of
 *    the same rows (as COPY text files) into an identical schema;
 *  - PGlite: rows/s of `store.saveRun` vs PGlite's own `COPY ... FROM '/dev/blob'` of the same
 *    rows prepared in advance;
 *  - InfluxDB 1.6 and VictoriaMetrics: points/s of keytwin's sinks (formatting the RunResult
 *    included) vs the same line protocol, prebuilt, POSTed directly to /write with fetch.
 * keytwin and baseline alternate, best of --reps (default 2). Target: keytwin ≥ 0.7× baseline.
 * Servers come from DATABASE_URL, INFLUX1_URL, VM_URL (loopback defaults); an absent server is
 * reported and skipped.
 * Run: npx tsx bench/store.bench.ts [--reps 2] [--quick]
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { copyTables, loadMigrations, openInflux, openStore, runPoints, type InfluxConfig } from '../store/index.ts';
import type { RunResult } from '../results/index.ts';
import { makeRunResult } from '../test/store/fixture.ts';

interface Row {
  what: string;
  unit: string;
  n: number;
  keytwinS: number;
  baselineS: number;
}

const best = (xs: number[]) => Math.min(...xs);

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

function rowCount(r: RunResult): number {
  return r.devices.count + r.daily.length + r.socSamples.length + r.telemetry.length + 2;
}

const TABLES = ['device_results', 'run_daily', 'run_soc_samples', 'run_telemetry'];

async function reachable(fn: () => Promise<unknown>): Promise<string | null> {
  try {
    await fn();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

async function benchPostgres(url: string, result: RunResult, reps: number, dir: string): Promise<Row> {
  const ks = `kt_bench_${process.pid}`;
  const raw = `kt_bench_raw_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const u = (schema: string) => {
    const x = new URL(url);
    x.searchParams.set('schema', schema);
    return x.toString();
  };
  try {
    const store = await openStore(u(ks));
    const rawStore = await openStore(u(raw));
    // The baseline's input: the same rows as COPY text files, exported from a first save.
    await store.saveRun(result);
    for (const t of TABLES) execFileSync('psql', [url, '-qc', `\\copy (SELECT * FROM ${ks}.${t}) TO '${join(dir, t)}.tsv'`]);
    await rawStore.engine.query("INSERT INTO runs SELECT * FROM " + `${ks}.runs`);
    const k: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < reps; i++) {
      await store.deleteRun(result.manifest.runId);
      await admin.query(`DELETE FROM ${raw}.device_results; DELETE FROM ${raw}.run_daily; DELETE FROM ${raw}.run_soc_samples; DELETE FROM ${raw}.run_telemetry`);
      await admin.query(`VACUUM ${ks}.device_results, ${ks}.run_telemetry, ${raw}.device_results, ${raw}.run_telemetry`);
      k.push(await time(() => store.saveRun(result)));
      b.push(await time(async () => {
        // One psql, one transaction, all tables: what a hand-written loader would do.
        const script = ['BEGIN;', ...TABLES.map((t) => `\\copy ${raw}.${t} FROM '${join(dir, t)}.tsv'`), 'COMMIT;'].join('\n');
        writeFileSync(join(dir, 'load.sql'), script);
        execFileSync('psql', [url, '-q', '-v', 'ON_ERROR_STOP=1', '-f', join(dir, 'load.sql')]);
      }));
    }
    const n = await admin.query(`SELECT (SELECT count(*) FROM ${raw}.run_telemetry)::int AS t`);
    if (n.rows[0].t !== result.telemetry.length) throw new Error(`baseline loaded ${n.rows[0].t} telemetry rows, expected ${result.telemetry.length}`);
    await store.close();
    await rawStore.close();
    return { what: 'Postgres 15: store.saveRun vs psql \\copy', unit: 'rows/s', n: rowCount(result), keytwinS: best(k), baselineS: best(b) };
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${ks} CASCADE; DROP SCHEMA IF EXISTS ${raw} CASCADE`);
    await admin.end();
  }
}

async function benchPglite(result: RunResult, reps: number): Promise<Row> {
  const store = await openStore('memory://');
  // The baseline: PGlite's API directly, COPY FROM '/dev/blob' of the rows prepared in advance
  // (the same COPY text keytwin produces), into the same schema, in one transaction.
  const raw = await PGlite.create('memory://');
  for (const m of loadMigrations()) await raw.exec(m.sql);
  const tables = copyTables(result).map((t) => ({ ...t, text: [...t.chunks()].join('') }));
  const k: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < reps; i++) {
    await store.deleteRun(result.manifest.runId);
    await raw.exec('DELETE FROM runs');
    k.push(await time(() => store.saveRun(result)));
    b.push(await time(() => raw.transaction(async (tx) => {
      await tx.query('INSERT INTO runs SELECT * FROM json_populate_record(NULL::runs, $1)', [JSON.stringify(RUN_ROW(result))]);
      for (const t of tables) await tx.query(`COPY ${t.table} (${t.columns.join(', ')}) FROM '/dev/blob'`, [], { blob: new Blob([t.text]) });
    })));
  }
  const n = await raw.query<{ n: number }>('SELECT count(*)::int AS n FROM run_telemetry');
  if (n.rows[0]!.n !== result.telemetry.length) throw new Error(`PGlite baseline loaded ${n.rows[0]!.n} telemetry rows, expected ${result.telemetry.length}`);
  await store.close();
  await raw.close();
  return { what: 'PGlite 0.5 in memory: store.saveRun vs raw COPY FROM /dev/blob', unit: 'rows/s', n: rowCount(result), keytwinS: best(k), baselineS: best(b) };
}

const RUN_ROW = (r: RunResult) => ({
  run_id: r.manifest.runId, scenario: r.manifest.scenario.name, scenario_sha256: r.manifest.scenario.sha256, seed: r.manifest.seed,
  devices: r.manifest.devices, duration_days: r.manifest.durationDays, profile: r.manifest.profile, code_version: r.manifest.codeVersion,
  parameters: {}, manifest: r.manifest, sim_start: r.manifest.simStart, started_at: r.manifest.startedAt, wall_ms: r.manifest.wallMs,
  events_per_second: r.manifest.eventsPerSecond, saved_at: r.manifest.startedAt,
});

function withRunId(r: RunResult, runId: string): RunResult {
  return { ...r, manifest: { ...r.manifest, runId } };
}

/** Posts prebuilt line protocol in bodies of `batch` lines, one request at a time. */
async function postRaw(writeUrl: string, lines: string[], batch = 5000): Promise<void> {
  for (let i = 0; i < lines.length; i += batch) {
    const res = await fetch(writeUrl, { method: 'POST', body: lines.slice(i, i + batch).join('\n') });
    if (res.status !== 204) throw new Error(`baseline POST ${writeUrl}: ${res.status} ${await res.text()}`);
  }
}

async function benchInflux(what: string, config: InfluxConfig, rawWriteUrl: string, result: RunResult, reps: number): Promise<Row> {
  const k: number[] = [];
  const b: number[] = [];
  let n = 0;
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  for (let i = 0; i < reps; i++) {
    const mine = withRunId(result, `bench-k${i}-${tag}`);
    const rawLines = [...runPoints(withRunId(result, `bench-b${i}-${tag}`))];
    n = rawLines.length;
    k.push(await time(async () => {
      const sink = openInflux(config);
      await sink.write(runPoints(mine));
      const rep = await sink.close();
      if (rep.written !== n || rep.failed !== 0) throw new Error(`${what}: wrote ${rep.written}/${n}, failed ${rep.failed}: ${rep.errors.join('; ')}`);
    }));
    b.push(await time(() => postRaw(rawWriteUrl, rawLines)));
  }
  return { what, unit: 'points/s', n, keytwinS: best(k), baselineS: best(b) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { reps: { type: 'string', default: '2' }, quick: { type: 'boolean', default: false } } });
  const reps = Number(values.reps);
  const quick = values.quick;
  const pgUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const influxUrl = process.env.INFLUX1_URL ?? 'http://127.0.0.1:8086';
  const vmUrl = process.env.VM_URL ?? 'http://127.0.0.1:8428';
  const dir = mkdtempSync(join(tmpdir(), 'keytwin-store-bench-'));
  const rows: Row[] = [];
  const skipped: string[] = [];
  try {
    const big = makeRunResult({ runId: `bench-${process.pid}`, devices: quick ? 20_000 : 100_000, days: 10, sampledDevices: quick ? 100 : 500, eventsPerDay: 20 });
    const pgDown = await reachable(async () => {
      const c = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
      await c.connect();
      await c.end();
    });
    if (pgDown) skipped.push(`Postgres at ${pgUrl}: ${pgDown}`);
    else rows.push(await benchPostgres(pgUrl, big, reps, dir));
    rows.push(await benchPglite(big, reps));

    const series = makeRunResult({ runId: 'bench-series', devices: 1000, days: quick ? 10 : 30, sampledDevices: 500, eventsPerDay: 12 });
    const influxDown = await reachable(async () => {
      const r = await fetch(`${influxUrl}/query`, { method: 'POST', body: new URLSearchParams({ q: 'CREATE DATABASE keytwin_bench' }) });
      if (!r.ok) throw new Error(`CREATE DATABASE: ${r.status}`);
    });
    if (influxDown) skipped.push(`InfluxDB 1.x at ${influxUrl}: ${influxDown}`);
    else rows.push(await benchInflux('InfluxDB 1.6: 1.x /write sink vs fetch /write', { url: influxUrl, api: 'v1', db: 'keytwin_bench' }, `${influxUrl}/write?db=keytwin_bench&precision=u`, series, reps));
    const vmDown = await reachable(async () => {
      if (!(await fetch(`${vmUrl}/health`)).ok) throw new Error('/health not OK');
    });
    if (vmDown) skipped.push(`VictoriaMetrics at ${vmUrl}: ${vmDown}`);
    else {
      rows.push(await benchInflux('VictoriaMetrics: official 2.x client sink vs fetch /write', { url: vmUrl, api: 'v2', org: 'keytwin', bucket: 'bench' }, `${vmUrl}/write?db=bench&precision=u`, series, reps));
      rows.push(await benchInflux('VictoriaMetrics: 1.x /write sink vs fetch /write', { url: vmUrl, api: 'v1', db: 'bench' }, `${vmUrl}/write?db=bench&precision=u`, series, reps));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  print(rows, skipped);
}

function print(rows: Row[], skipped: string[]): void {
  const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`);
  console.log(`store benchmark on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
  for (const r of rows) {
    const k = r.n / r.keytwinS;
    const b = r.n / r.baselineS;
    const ratio = k / b;
    console.log(`${r.what}: ${r.n} ${r.unit.split('/')[0]}  keytwin ${fmt(k)} ${r.unit} (${r.keytwinS.toFixed(2)} s)  baseline ${fmt(b)} ${r.unit} (${r.baselineS.toFixed(2)} s)  ratio ${ratio.toFixed(2)}x ${ratio >= 0.7 ? 'OK' : 'UNDER 0.7x'}`);
  }
  for (const s of skipped) console.log(`skipped: ${s}`);
}

export { main };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
