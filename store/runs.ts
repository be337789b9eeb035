/**
 * Run results in Postgres: `saveRun` writes a RunResult (run row, summary, per-device columns,
 * daily series, SoC samples, telemetry) in ONE transaction, bulk tables through the engine's
 * COPY path, so a run that fails half way leaves nothing behind. `getRun` rebuilds the same
 * RunResult (typed arrays, NaN where the simulator had NaN).
 * @module
 */
import type { DailyRow, DeviceColumns, RunResult, SocSample, TelemetryEvent } from '../results/index.ts';
import { bool, float, int, json, rowsToCopyText, text } from './copy-text.ts';
import type { Engine, Queryable, Tx } from './engine.ts';

/** Steps of saveRun, in order; `onStep` sees each one after it is written (tests inject faults here). */
export type SaveStep = 'run' | 'summary' | 'device_results' | 'run_daily' | 'run_soc_samples' | 'run_telemetry';

export interface SaveRunOptions {
  /** The run's parameters as JSON; defaults to the manifest's scenario, seed, devices, days, profile, workers. */
  parameters?: unknown;
  /** Replace a run already stored under the same id (in the same transaction). */
  replace?: boolean;
  onStep?: (step: SaveStep, tx: Tx) => void | Promise<void>;
}

export interface SaveRunReport {
  runId: string;
  rows: Record<'device_results' | 'run_daily' | 'run_soc_samples' | 'run_telemetry', number>;
}

export interface RunListing {
  runId: string;
  scenario: string;
  seed: number;
  devices: number;
  durationDays: number;
  profile: string;
  codeVersion: string;
  startedAt: string;
  wallMs: number;
  savedAt: string;
  /** Result columns from the run's summary (NaN where the summary lacks them). */
  batteryP5Days: number;
  batteryP50Days: number;
  unlockP95Ms: number;
  /** All failures of the run, over every reason. */
  failures: number;
  unlockAttempts: number;
  /** Suite ids the fleet ran, sorted. */
  suites: string[];
}

const DEVICE_COLUMNS = ['run_id', 'device', 'suite', 'capacity_mah', 'depleted_day', 'life_days', 'final_soc', 'unlocks', 'handshakes', 'failures', 'energy_mj'];
const DAILY_COLUMNS = ['run_id', 'seq', 'day', 'soc_p5', 'soc_p50', 'soc_p95', 'alive', 'unlocks', 'handshakes', 'failures', 'energy_mj_by_state', 'outcomes'];
const SOC_COLUMNS = ['run_id', 'seq', 'device', 'day', 'soc', 'brownout'];
const TELEMETRY_COLUMNS = ['run_id', 'seq', 'device', 'time_ms', 'event_type', 'success', 'latency_ms', 'rssi', 'session_kdf', 'suite', 'reason', 'soc'];

export async function saveRun(engine: Engine, result: RunResult, options: SaveRunOptions = {}): Promise<SaveRunReport> {
  checkResult(result);
  const m = result.manifest;
  const id = m.runId;
  const parameters = options.parameters ?? {
    scenario: m.scenario,
    seed: m.seed,
    devices: m.devices,
    durationDays: m.durationDays,
    profile: m.profile,
    workers: m.workers,
  };
  return engine.transaction(async (tx) => {
    const step = async (s: SaveStep) => {
      if (options.onStep) await options.onStep(s, tx);
    };
    if (options.replace) await tx.query('DELETE FROM runs WHERE run_id = $1', [id]);
    else {
      const existing = await tx.query('SELECT 1 FROM runs WHERE run_id = $1', [id]);
      if (existing.rows.length > 0) throw new Error(`run '${id}' is already stored in ${engine.location} (delete it first, or save with replace)`);
    }
    await tx.query(
      `INSERT INTO runs (run_id, scenario, scenario_path, scenario_sha256, seed, devices, duration_days, profile,
         code_version, parameters, manifest, sim_start, started_at, wall_ms, events_per_second)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [id, m.scenario.name, m.scenario.path, m.scenario.sha256, m.seed, m.devices, m.durationDays, m.profile, m.codeVersion,
        JSON.stringify(parameters), JSON.stringify(m), m.simStart, m.startedAt, m.wallMs, m.eventsPerSecond],
    );
    await step('run');
    const summaryText = JSON.stringify(result.summary);
    await tx.query('INSERT INTO run_summaries (run_id, summary, summary_text) VALUES ($1, $2, $3)', [id, summaryText, summaryText]);
    if (result.cloud) await tx.query('INSERT INTO run_cloud (run_id, cloud) VALUES ($1, $2)', [id, JSON.stringify(result.cloud)]);
    await step('summary');

    const rows = { device_results: 0, run_daily: 0, run_soc_samples: 0, run_telemetry: 0 };
    for (const t of copyTables(result)) {
      rows[t.table] = await tx.copyIn(t.table, t.columns, t.chunks());
      await step(t.table);
    }
    return { runId: id, rows };
  });
}

export interface CopyTable {
  table: 'device_results' | 'run_daily' | 'run_soc_samples' | 'run_telemetry';
  columns: string[];
  /** The rows in COPY text format, in chunks. */
  chunks(): Iterable<string>;
}

/** The bulk tables of a run as COPY text, in the order saveRun loads them. */
export function copyTables(result: RunResult): CopyTable[] {
  const runIdText = text(result.manifest.runId);
  const d = result.devices;
  const daily = result.daily;
  const soc = result.socSamples;
  const tel = result.telemetry;
  return [
    { table: 'device_results', columns: DEVICE_COLUMNS, chunks: () => rowsToCopyText(d.count, (i) =>
      `${runIdText}\t${i}\t${text(d.suite[i]!)}\t${float(d.capacityMah[i]!)}\t${float(d.depletedDay[i]!)}\t${float(d.lifeDays[i]!)}\t${float(d.finalSoc[i]!)}\t${d.unlocks[i]}\t${d.handshakes[i]}\t${d.failures[i]}\t${float(d.energyMj[i]!)}`) },
    { table: 'run_daily', columns: DAILY_COLUMNS, chunks: () => rowsToCopyText(daily.length, (i) => {
      const r = daily[i]!;
      return `${runIdText}\t${i}\t${float(r.day)}\t${float(r.socP5)}\t${float(r.socP50)}\t${float(r.socP95)}\t${int(r.alive, `daily[${i}].alive`)}\t${int(r.unlocks, `daily[${i}].unlocks`)}\t${int(r.handshakes, `daily[${i}].handshakes`)}\t${json(r.failures)}\t${json(r.energyMjByState)}\t${json(r.outcomes)}`;
    }) },
    { table: 'run_soc_samples', columns: SOC_COLUMNS, chunks: () => rowsToCopyText(soc.length, (i) => {
      const s = soc[i]!;
      return `${runIdText}\t${i}\t${int(s.device, `socSamples[${i}].device`)}\t${float(s.day)}\t${float(s.soc)}\t${bool(s.brownout)}`;
    }) },
    { table: 'run_telemetry', columns: TELEMETRY_COLUMNS, chunks: () => rowsToCopyText(tel.length, (i) => {
      const e = tel[i]!;
      return `${runIdText}\t${i}\t${int(e.device, `telemetry[${i}].device`)}\t${float(e.timeMs)}\t${text(e.eventType)}\t${bool(e.success)}\t${float(e.latencyMs)}\t${float(e.rssi)}\t${text(e.sessionKdf)}\t${text(e.suite)}\t${text(e.reason)}\t${float(e.soc)}`;
    }) },
  ];
}

/** Checks the parts of a RunResult that would otherwise fail deep inside a COPY with a vague error. */
function checkResult(r: RunResult): void {
  const where = `RunResult ${r.manifest?.runId ?? '(no runId)'}`;
  for (const key of ['manifest', 'summary', 'devices', 'daily', 'socSamples', 'telemetry'] as const) {
    if (r[key] === undefined || r[key] === null) throw new Error(`${where}: missing field '${key}'`);
  }
  if (typeof r.manifest.runId !== 'string' || r.manifest.runId === '') throw new Error(`${where}: manifest.runId must be a non-empty string`);
  for (const f of ['simStart', 'startedAt'] as const) {
    if (Number.isNaN(Date.parse(r.manifest[f]))) throw new Error(`${where}: manifest.${f} must be an ISO 8601 date, got '${r.manifest[f]}'`);
  }
  const d = r.devices;
  const cols: (keyof DeviceColumns)[] = ['suite', 'capacityMah', 'depletedDay', 'lifeDays', 'finalSoc', 'unlocks', 'handshakes', 'failures', 'energyMj'];
  for (const c of cols) {
    const col = d[c] as ArrayLike<unknown> | undefined;
    if (!col || col.length !== d.count) throw new Error(`${where}: devices.${c} must have devices.count = ${d.count} entries, got ${col?.length ?? 'none'}`);
  }
}

export async function listRuns(db: Queryable): Promise<RunListing[]> {
  // The result columns come from the summary's jsonb so the list needs no second query per run
  // (the dashboard's runs table sorts and filters on them).
  const res = await db.query<Record<string, unknown>>(
    `SELECT r.run_id, r.scenario, r.seed, r.devices, r.duration_days, r.profile, r.code_version, r.started_at, r.wall_ms, r.saved_at,
       (s.summary #>> '{battery,lifeDays,p5,value}')::double precision AS battery_p5,
       (s.summary #>> '{battery,lifeDays,p50,value}')::double precision AS battery_p50,
       (s.summary #>> '{unlocks,latencyMs,p95}')::double precision AS unlock_p95,
       (s.summary #>> '{unlocks,attempted}')::double precision AS unlock_attempts,
       (SELECT coalesce(sum(f.value::double precision), 0) FROM jsonb_each_text(coalesce(s.summary -> 'failures', '{}'::jsonb)) f) AS failures,
       (SELECT coalesce(string_agg(k, ',' ORDER BY k), '') FROM jsonb_object_keys(coalesce(s.summary -> 'suites', '{}'::jsonb)) k) AS suites
     FROM runs r LEFT JOIN run_summaries s USING (run_id)
     ORDER BY r.started_at DESC, r.run_id`,
  );
  return res.rows.map((r) => ({
    runId: String(r.run_id),
    scenario: String(r.scenario),
    seed: Number(r.seed),
    devices: Number(r.devices),
    durationDays: Number(r.duration_days),
    profile: String(r.profile),
    codeVersion: String(r.code_version),
    startedAt: iso(r.started_at),
    wallMs: Number(r.wall_ms),
    savedAt: iso(r.saved_at),
    batteryP5Days: num(r.battery_p5),
    batteryP50Days: num(r.battery_p50),
    unlockP95Ms: num(r.unlock_p95),
    failures: Number(r.failures ?? 0),
    unlockAttempts: num(r.unlock_attempts),
    suites: r.suites ? String(r.suites).split(',') : [],
  }));
}

/** The stored run as a RunResult, or null when no run has this id. */
export async function getRun(db: Queryable, runId: string): Promise<RunResult | null> {
  const run = (await db.query<{ manifest: RunResult['manifest']; summary_text: string }>(
    'SELECT r.manifest, s.summary_text FROM runs r JOIN run_summaries s USING (run_id) WHERE r.run_id = $1', [runId])).rows[0];
  if (!run) return null;
  const devRows = (await db.query<Record<string, unknown>>('SELECT * FROM device_results WHERE run_id = $1 ORDER BY device', [runId])).rows;
  const n = devRows.length;
  const devices: DeviceColumns = {
    count: n,
    suite: new Array<string>(n),
    capacityMah: new Float64Array(n),
    depletedDay: new Float64Array(n),
    lifeDays: new Float64Array(n),
    finalSoc: new Float64Array(n),
    unlocks: new Uint32Array(n),
    handshakes: new Uint32Array(n),
    failures: new Uint32Array(n),
    energyMj: new Float64Array(n),
  };
  devRows.forEach((r, i) => {
    if (Number(r.device) !== i) throw new Error(`run '${runId}': device_results has no row for device ${i} (found device ${String(r.device)})`);
    devices.suite[i] = String(r.suite);
    devices.capacityMah[i] = num(r.capacity_mah);
    devices.depletedDay[i] = num(r.depleted_day);
    devices.lifeDays[i] = num(r.life_days);
    devices.finalSoc[i] = num(r.final_soc);
    devices.unlocks[i] = Number(r.unlocks);
    devices.handshakes[i] = Number(r.handshakes);
    devices.failures[i] = Number(r.failures);
    devices.energyMj[i] = num(r.energy_mj);
  });
  const daily: DailyRow[] = (await db.query<Record<string, unknown>>('SELECT * FROM run_daily WHERE run_id = $1 ORDER BY seq', [runId])).rows.map((r) => ({
    day: num(r.day),
    socP5: num(r.soc_p5),
    socP50: num(r.soc_p50),
    socP95: num(r.soc_p95),
    alive: Number(r.alive),
    unlocks: Number(r.unlocks),
    handshakes: Number(r.handshakes),
    failures: r.failures as Record<string, number>,
    outcomes: r.outcomes as Record<string, number>,
    energyMjByState: r.energy_mj_by_state as Record<string, number>,
  }));
  const socSamples: SocSample[] = (await db.query<Record<string, unknown>>('SELECT * FROM run_soc_samples WHERE run_id = $1 ORDER BY seq', [runId])).rows.map((r) => ({
    device: Number(r.device),
    day: num(r.day),
    soc: num(r.soc),
    brownout: Boolean(r.brownout),
  }));
  const telemetry: TelemetryEvent[] = (await db.query<Record<string, unknown>>('SELECT * FROM run_telemetry WHERE run_id = $1 ORDER BY seq', [runId])).rows.map((r) => ({
    device: Number(r.device),
    timeMs: num(r.time_ms),
    eventType: String(r.event_type) as TelemetryEvent['eventType'],
    success: Boolean(r.success),
    latencyMs: num(r.latency_ms),
    rssi: num(r.rssi),
    sessionKdf: String(r.session_kdf),
    suite: String(r.suite),
    reason: String(r.reason),
    soc: num(r.soc),
  }));
  const cloud = (await db.query<{ cloud: RunResult['cloud'] | string }>('SELECT cloud FROM run_cloud WHERE run_id = $1', [runId])).rows[0]?.cloud;
  const result: RunResult = { manifest: run.manifest, summary: JSON.parse(run.summary_text) as RunResult['summary'], devices, daily, socSamples, telemetry };
  if (cloud) result.cloud = typeof cloud === 'string' ? (JSON.parse(cloud) as RunResult['cloud']) : cloud;
  return result;
}

/** Deletes a run and everything stored with it; returns whether it existed. */
export async function deleteRun(db: Queryable, runId: string): Promise<boolean> {
  const res = await db.query('DELETE FROM runs WHERE run_id = $1', [runId]);
  return res.affected > 0;
}

function num(v: unknown): number {
  return v === null || v === undefined ? NaN : Number(v);
}

function iso(v: unknown): string {
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}

