/**
 * What `keytwin run --store --influx` calls: `checkSinks` before the simulation (a bad URL or
 * credential fails in seconds, not after an hour of simulation), `persistRun` after it (the
 * run in Postgres in one transaction and its points in InfluxDB, concurrently), and
 * `replaySpill` for `keytwin store replay`.
 * @module
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import type { RunResult } from '../results/index.ts';
import { parsePgUrl } from './engine-pg.ts';
import { influxConfig, describeTarget, type InfluxConfig, type InfluxEnv } from './influx/config.ts';
import { openInflux, runPoints, type InfluxWriteReport, type PointCounts } from './influx/index.ts';
import { readSpill } from './influx/spill.ts';
import { postLines, v1Headers, v1WriteUrl, WriteError } from './influx/sink-v1.ts';
import type { SaveRunReport } from './runs.ts';
import { DEFAULT_STORE, isPostgresUrl, openStore } from './store.ts';
import { lockHolder, StoreLockedError } from './store-lock.ts';

export interface SinkOptions {
  /** A postgres:// URL, an embedded directory, or memory://. */
  store?: string;
  /** An InfluxDB URL (settings as query parameters or from the environment), or a full config. */
  influx?: string | InfluxConfig;
  /** Where spill files go (default .keytwin/spill). */
  spillDir?: string;
  /** Environment for INFLUX_* (default process.env). */
  env?: InfluxEnv;
}

export interface PersistReport {
  /** True when the run is stored and every point was written. */
  ok: boolean;
  store?: { location: string; saved: SaveRunReport | null; error: string | null };
  influx?: InfluxWriteReport & { points: PointCounts; error: string | null };
}

/** A sink that cannot be used: the message names the URL and what failed. */
export class SinkError extends Error {
  override name = 'SinkError';
  readonly userFacing = true;
}

function resolveInflux(influx: string | InfluxConfig, opts: SinkOptions, extra: Partial<InfluxConfig> = {}): InfluxConfig {
  const base = typeof influx === 'string' ? influxConfig(influx, opts.env ?? (process.env as InfluxEnv)) : influx;
  return { ...base, ...(opts.spillDir ? { spillDir: opts.spillDir } : {}), ...extra };
}

/**
 * Checks every configured sink can be written to, before any simulation: connects to Postgres
 * (or checks the embedded directory is writable) and asks the InfluxDB server to accept an
 * empty write (which checks the URL, the credentials and that the database exists).
 * Throws one SinkError listing every failure.
 */
export async function checkSinks(options: SinkOptions): Promise<string[]> {
  const jobs: (() => Promise<string>)[] = [];
  if (options.store !== undefined) jobs.push(() => checkStore(options.store!));
  if (options.influx !== undefined) jobs.push(async () => checkInflux(resolveInflux(options.influx!, options)));
  // Both run at once; messages keep the order store, influx.
  const results = await Promise.allSettled(jobs.map((j) => j()));
  const problems = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (problems.length > 0) throw new SinkError(problems.join('\n'));
  return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}

async function checkStore(url: string): Promise<string> {
  if (isPostgresUrl(url)) {
    const parsed = parsePgUrl(url);
    const client = new pg.Client({ connectionString: parsed.connectionString, connectionTimeoutMillis: 5000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
    } catch (err) {
      const e = err as Error & { code?: string };
      const why = e.code === 'ECONNREFUSED' ? 'nothing is listening there (is the server running?)'
        : e.code === '28P01' || e.code === '28000' ? `the server refused the credentials (${e.message})`
          : e.code === '3D000' ? `${e.message} (create it with createdb)`
            : e.message || e.code || String(err);
      throw new Error(`store ${parsed.display}: cannot connect: ${why}`, { cause: err });
    } finally {
      await client.end().catch(() => {});
    }
    return `store ${parsed.display}: reachable`;
  }
  if (url === 'memory://') return 'store memory://: in memory';
  const dir = resolve(url.startsWith('file://') ? new URL(url).pathname : url);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new Error(`store ${dir}: the embedded store directory is not writable: ${(err as Error).message}`, { cause: err });
  }
  if (readdirSync(dir).length > 0 && !existsSync(resolve(dir, 'PG_VERSION'))) {
    throw new Error(`store ${dir}: the directory is not empty and is not an embedded store (no PG_VERSION); choose another --store`);
  }
  // Fail before the simulation, not after it, when another process holds the store (it may
  // still hold it when the run ends: persistRun takes the lock for real).
  const holder = lockHolder(dir);
  if (holder && holder.pid !== process.pid && !holder.brief) throw new Error(`store ${dir}: ${new StoreLockedError(dir, holder).message}`);
  return `store ${dir}: writable`;
}

async function checkInflux(config: InfluxConfig): Promise<string> {
  const target = describeTarget(config);
  const timeout = Math.min(config.timeoutMs ?? 15_000, 10_000);
  try {
    if (config.api === 'v1') {
      await postLines(v1WriteUrl(config), v1Headers(config), '', timeout);
    } else {
      const u = new URL(config.url + '/api/v2/write');
      u.searchParams.set('org', config.org ?? '');
      u.searchParams.set('bucket', config.bucket ?? '');
      u.searchParams.set('precision', 'us');
      await postLines(u, { 'content-type': 'text/plain; charset=utf-8', authorization: `Token ${config.token ?? ''}` }, '', timeout);
    }
  } catch (err) {
    const e = err as WriteError;
    const hint = e.status === 401 || e.status === 403 ? ' (the credentials were refused: check INFLUX_TOKEN or the URL user:password)'
      : e.status === 404 && config.api === 'v1' ? ` (create the database: keytwin store migrate --influx '${config.url}?db=${config.db}')`
        : e.status === 404 ? ' (no 2.x write API or no such bucket: for InfluxDB 1.x older than 1.8 use ?db=<database>)'
          : e.status === 0 ? ' (is the server running?)' : '';
    throw new Error(`influx ${target}: ${e.message}${hint}`, { cause: err });
  }
  return `influx ${target}: accepts writes`;
}

/** Creates the 1.x database (idempotent); for the 2.x API the bucket must already exist. */
export async function createInfluxDatabase(influx: string | InfluxConfig, options: SinkOptions = {}): Promise<string> {
  const config = resolveInflux(influx, options);
  if (config.api !== 'v1') return `influx ${describeTarget(config)}: buckets are created in the server's own UI or CLI, nothing to do`;
  const u = new URL(config.url + '/query');
  if (config.username) u.searchParams.set('u', config.username);
  if (config.password) u.searchParams.set('p', config.password);
  const body = new URLSearchParams({ q: `CREATE DATABASE "${(config.db ?? '').replace(/"/g, '\\"')}"` });
  let res: Response;
  try {
    res = await fetch(u, { method: 'POST', body, headers: config.token ? { authorization: `Token ${config.token}` } : {}, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new SinkError(`influx ${config.url}: cannot reach the server: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok || /"error"/.test(text)) throw new SinkError(`influx ${config.url}: CREATE DATABASE ${config.db} failed: ${res.status} ${text.slice(0, 200)}`);
  return `influx ${describeTarget(config)}: database ready`;
}

/** Stores a finished run: Postgres (one transaction) and InfluxDB (acknowledged or spilled). */
export async function persistRun(result: RunResult, options: SinkOptions): Promise<PersistReport> {
  const report: PersistReport = { ok: true };
  const tasks: Promise<void>[] = [];
  if (options.store !== undefined) {
    const url = options.store || DEFAULT_STORE;
    tasks.push((async () => {
      let location = url;
      try {
        const store = await openStore(url);
        location = store.location;
        try {
          const saved = await store.saveRun(result);
          report.store = { location, saved, error: null };
        } finally {
          await store.close();
        }
      } catch (err) {
        report.store = { location, saved: null, error: (err as Error).message };
        report.ok = false;
      }
    })());
  }
  if (options.influx !== undefined) {
    tasks.push((async () => {
      const points: PointCounts = {};
      const config = resolveInflux(options.influx!, options, { spillName: result.manifest.runId });
      const sink = openInflux(config);
      let error: string | null = null;
      try {
        await sink.write(runPoints(result, points));
      } catch (err) {
        error = (err as Error).message;
      }
      const r = await sink.close();
      report.influx = { ...r, points, error };
      if (error !== null || r.failed > 0 || r.written !== r.attempted) report.ok = false;
    })());
  }
  await Promise.all(tasks);
  return report;
}

export interface ReplayReport extends InfluxWriteReport {
  /** The spill file that was replayed (removed when every line was written or re-spilled). */
  source: string;
}

/**
 * Sends a spill file's lines to its target (or `url` instead). Lines that fail again go to a new
 * spill file; the replayed file is removed once all its lines are either written or re-spilled.
 */
export async function replaySpill(file: string, options: { url?: string; spillDir?: string; env?: InfluxEnv } = {}): Promise<ReplayReport> {
  const { target, lines } = readSpill(file);
  const env = options.env ?? (process.env as InfluxEnv);
  const config: InfluxConfig = {
    ...(target as InfluxConfig),
    ...(options.url ? { url: options.url.replace(/\/$/, '') } : {}),
    ...(env.INFLUX_TOKEN ? { token: env.INFLUX_TOKEN } : {}),
    ...(options.spillDir ? { spillDir: options.spillDir } : {}),
    spillName: 'replay',
  };
  const sink = openInflux(config);
  await sink.write(lines);
  const report = await sink.close();
  if (report.written + report.failed === lines.length && report.attempted === lines.length && (report.failed === 0 || report.spillFile !== null)) unlinkSync(file);
  return { ...report, source: file };
}
