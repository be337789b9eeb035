/**
 * `keytwin run <scenario>`: simulate a fleet, show progress, print the summary, write
 * summary.json (byte-identical for the same scenario, seed and code), manifest.json and
 * result.json, and store the run (embedded PGlite by default, Postgres, InfluxDB). Sinks are
 * checked before the simulation starts, so a bad URL costs seconds, not a simulated year.
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expandSweep, loadScenario, parseDuration, ScenarioError, type Scenario } from '../../scenarios/index.ts';
import { checkSinks, DEFAULT_STORE, persistRun, type SinkOptions } from '../../store/index.ts';
import { compileTwinMachines } from '../../sim/twin/machines.ts';
import { resultToJson } from '../../results/index.ts';
import type { RunResult } from '../../results/index.ts';
import { runFleet } from '../../sim/twin/parallel.ts';
import type { DaySlice } from '../../sim/twin/partition-result.ts';
import type { FleetOutput } from '../../sim/twin/simulate.ts';
import { createLiveRun } from '../live-run.ts';
import { cloudFromFleet } from '../cloud-model.ts';
import { randomUUID } from 'node:crypto';
import { parseCommand, positiveNumber, UsageError, UserError } from '../args.ts';
import { fleetConfig, type RunOverrides } from '../fleet-config.ts';
import { createManifest } from '../manifest.ts';
import { createProgress } from '../progress.ts';
import { formatCloud, formatSummary, num, table } from '../summary-table.ts';
import { DAY_MS } from '../../units/index.ts';

const HELP = `Usage: keytwin run <scenario.yaml> [options]

Simulates the scenario's fleet and prints a summary; writes <out>/summary.json, manifest.json
and result.json, and stores the run.

Options:
  --devices <n>      override the number of keychains
  --duration <d>     override the simulated time (e.g. 7d, 12w, 1y)
  --seed <s>         override the seed (an integer or a string)
  --out <dir>        output folder (default out/<scenario name>)
  --store <url>      where to store the run: an embedded path (default ${DEFAULT_STORE}),
                     a postgres:// URL, or 'none'
  --influx <url>     also write time series to InfluxDB (see docs/influx-schema.md)
  --workers <n>      worker threads (default: 1; results are identical for any n)
  --trace <n>        devices with SoC samples and telemetry events (default 20)
  --live <url>       publish progress to a running 'keytwin dashboard' (e.g. http://127.0.0.1:8787)
  --json             print the summary as JSON instead of tables
`;

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      devices: { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      store: { type: 'string' },
      influx: { type: 'string' },
      workers: { type: 'string' },
      trace: { type: 'string' },
      live: { type: 'string' },
      json: { type: 'boolean' },
    },
    HELP,
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`expected one scenario file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}\n${HELP}`);
  const path = positionals[0]!;
  let scenario: Scenario;
  let text: string;
  try {
    scenario = loadScenario(path);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof ScenarioError) throw new UserError(err.message);
    throw err;
  }
  const overrides: RunOverrides = {};
  if (values.devices !== undefined) {
    const n = positiveNumber('devices', values.devices);
    if (!Number.isInteger(n)) throw new UsageError(`--devices must be a whole number, got '${values.devices}'`);
    overrides.devices = n;
  }
  if (values.duration !== undefined) {
    const ms = parseDuration(values.duration);
    if (ms === undefined || ms <= 0) throw new UsageError(`--duration '${values.duration}' is not a duration (e.g. 7d, 12w, 1y, 36h)`);
    overrides.durationDays = ms / DAY_MS;
  }
  if (values.seed !== undefined) overrides.seed = /^-?\d+$/.test(values.seed) ? Number(values.seed) : values.seed;
  if (values.trace !== undefined) overrides.traceDevices = Math.floor(positiveNumber('trace', values.trace));
  const workers = values.workers === undefined ? 1 : Math.floor(positiveNumber('workers', values.workers));

  const storeUrl = values.store ?? (scenario.sinks.store === 'none' ? 'none' : DEFAULT_STORE);
  const sinks: SinkOptions = {};
  if (storeUrl !== 'none') sinks.store = storeUrl;
  if (values.influx !== undefined) sinks.influx = values.influx;
  if (sinks.store !== undefined || sinks.influx !== undefined) {
    for (const line of await checkSinks(sinks)) process.stderr.write(`sink ok: ${line}\n`);
  }

  const variants = expandSweep(scenario);
  const machines = compileTwinMachines();
  const results: RunResult[] = [];
  let failed = false;
  for (const variant of variants) {
    const cfg = fleetConfig(variant, overrides);
    const label = variants.length > 1 ? `[${results.length + 1}/${variants.length}] ${variant.name}` : variant.name;
    const progress = createProgress({ unit: 'sim-days', total: cfg.durationDays, label });
    const startedAt = new Date();
    const runId = randomUUID();
    const t0 = performance.now();
    const live = values.live ? createLiveRun(values.live, cfg, runId, machines, Math.min(workers, cfg.devices)) : null;
    let out: FleetOutput;
    try {
      out = await runFleet(cfg, {
        machines,
        workers,
        onProgress: (simMs, events) => {
          const ms = performance.now() - t0;
          progress.update(simMs / DAY_MS, `${num(events / (ms / 1000) / 1e6)} M ev/s`);
          live?.progress(simMs, events, ms);
        },
        ...(live ? { onDay: (slice: DaySlice) => live.onDay(slice) } : {}),
      });
    } catch (err) {
      if (live) process.stderr.write((await live.finish('failed', 0, performance.now() - t0, (err as Error).message)) + '\n');
      throw err;
    }
    const wallMs = performance.now() - t0;
    progress.finish(`${num(out.summary.events / (wallMs / 1000) / 1e6)} M ev/s`);
    if (live) process.stderr.write((await live.finish('done', out.summary.events, wallMs)) + '\n');
    const manifest = createManifest(cfg, { name: variant.name, path: resolve(path), text }, { runId, startedAt, wallMs, events: out.summary.events, workers });
    const { activity: _activity, ...rest } = out;
    const cloud = cloudFromFleet(out, variant);
    const result: RunResult = { manifest, ...rest, ...(cloud ? { cloud } : {}) };
    results.push(result);

    const dir = values.out ? (variants.length > 1 ? join(values.out, safeName(variant.name)) : values.out) : join('out', safeName(variant.name));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(result.summary, null, 2) + '\n');
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    writeFileSync(join(dir, 'result.json'), resultToJson(result));

    if (values.json) process.stdout.write(JSON.stringify(result.summary, null, 2) + '\n');
    else process.stdout.write(formatSummary(result.summary, manifest) + '\n');
    if (cloud && !values.json) process.stdout.write('\n' + formatCloud(cloud) + '\n');
    process.stdout.write(`\nwrote ${join(dir, 'summary.json')}, manifest.json, result.json (run ${manifest.runId})\n`);

    if (sinks.store !== undefined || sinks.influx !== undefined) {
      const report = await persistRun(result, sinks);
      if (report.store) {
        if (report.store.error) process.stderr.write(`store: NOT saved to ${report.store.location}: ${report.store.error}\n`);
        else process.stdout.write(`stored in ${report.store.location} (keytwin report ${manifest.runId})\n`);
      }
      if (report.influx) {
        const i = report.influx;
        if (i.error || !report.ok) process.stderr.write(`influx: ${JSON.stringify(i)}\n`);
        else process.stdout.write(`influx: ${JSON.stringify({ written: (i as { written?: number }).written })}\n`);
      }
      if (!report.ok) failed = true;
    }
    process.stdout.write('\n');
  }
  if (results.length > 1) process.stdout.write(compareTable(results) + '\n');
  return failed ? 1 : 0;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** One line per variant of a sweep, for the numbers people compare. */
function compareTable(results: readonly RunResult[]): string {
  const rows = [['variant', 'battery p50 (d)', 'p5 (d)', 'handshake p50 (ms)', 'p99 (ms)', 'mJ/handshake', 'unlock p95 (ms)']];
  for (const r of results) {
    const s = r.summary;
    const e = s.handshake.meanEnergyMjByPhase;
    rows.push([
      s.scenario,
      num(s.battery.lifeDays.p50.value),
      num(s.battery.lifeDays.p5.value),
      num(s.handshake.timeMs.p50),
      num(s.handshake.timeMs.p99),
      num(e.radio + e.crypto + e.secureElement + e.other),
      num(s.unlocks.latencyMs.p95),
    ]);
  }
  return table(rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r']);
}
