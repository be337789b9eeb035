/**
 * `keytwin run <scenario>`: simulate a fleet, show progress, print the summary, write
 * summary.json (byte-identical for the same scenario, seed and code), manifest.json and
 * result.json, and store the run (embedded PGlite by default, Postgres, InfluxDB). Sinks are
 * checked before the simulation starts, so a bad URL costs seconds, not a simulated year.
 * @module
 */
import { storeFor } from '../store-choice.ts';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EMBEDDED_STORE, expandSweep, OverrideError, resolveScenario, resolveSinks, type RunOverrides, type RunSinks, type Scenario } from '../../scenarios/index.ts';
import { checkSinks, DEFAULT_STORE, persistRun, type SinkOptions } from '../../store/index.ts';
import { twinMachinesFor } from '../../sim/twin/machines.ts';
import { resultToJson } from '../../results/index.ts';
import type { RunResult, RunSummary } from '../../results/index.ts';
import { runFleet } from '../../sim/twin/parallel.ts';
import { FleetPool } from '../../sim/twin/fleet-pool.ts';
import type { DaySlice } from '../../sim/twin/partition-result.ts';
import type { FleetOutput } from '../../sim/twin/simulate.ts';
import { createLiveRun } from '../live-run.ts';
import { cloudFromFleet } from '../cloud-model.ts';
import { randomUUID } from 'node:crypto';
import { parseCommand, UsageError, wholeNumber } from '../args.ts';
import { createManifest } from '../manifest.ts';
import { checkMemory, usefulWorkers } from '../preflight.ts';
import { createProgress, type Work } from '../progress.ts';
import { drawSeed, readOverrides, readScenario } from '../scenario-input.ts';
import { holdsRun, newRunDir, pointLatest, reportHint, safeName } from '../run-output.ts';
import { formatCloud, formatSummary, num, table } from '../summary-table.ts';
import { DAY_MS } from '../../units/index.ts';
import { sweepPoints } from '../sweep/grid.ts';
import { runSweep } from '../sweep/run-sweep.ts';
import { NATS_HELP, NATS_OPTIONS, natsRun, natsSweep } from '../nats-run.ts';
import { CHECKPOINT_HELP, checkpointRequest, fleetCheckpoint, rerunRecord } from '../checkpoint-options.ts';
import { eventsSaved, type LoadedCheckpoint } from '../../sim/twin/checkpoint-dir.ts';

const HELP = `Usage: keytwin run <scenario.yaml> [options]

Simulates the scenario's fleet and prints a summary; writes summary.json, manifest.json and
result.json to a new folder per run, out/<scenario>/<UTC time>-seed<seed>/ (out/<scenario>/latest
points at the newest), and stores the run.

Options:
  --devices <n>      override the number of keychains (1..10000000)
  --duration <d>     override the simulated time (e.g. 7d, 12w, 1y; at most 20y)
  --seed <s>         override the seed: an integer, or 'random' to draw one (printed and recorded)
  --out <dir>        write to this folder instead (refused if it holds a run, unless --force)
  --force            let --out replace the run already in that folder
  --store <url>      where to store the run: an embedded path (default ${DEFAULT_STORE}),
                     a postgres:// URL, or 'none' (default: the scenario's sinks.store)
  --influx <url>     also write time series to InfluxDB (default: the scenario's sinks.influx;
                     see docs/influx-schema.md)
  --workers <n>      worker threads (default 1; capped at the cores and at one per
                     2000 keychains; results are identical for any n)
  --trace <n>        devices with SoC samples and telemetry events (default 20)
  --handshakes ops|table  run each handshake per operation (default, the reference) or draw whole
                     handshakes from a table per suite and link (faster; its error is printed)
  --live <url>       publish progress to a running 'keytwin dashboard' (e.g. http://127.0.0.1:8787)
  --json             print only the summary as JSON on stdout (an array for a sweep)
  --replications <n> run n independent replications (1..100): replication 1 on the scenario's
                     seed, replication k on the first 47 bits of
                     SHA-256("keytwin/replication/<seed>/<k>"); prints each headline metric's
                     mean with a 95 % t-interval between replications (and, for a scenario with
                     a sweep:, paired differences against its first variant), writes
                     sweep.json/sweep.txt and stores the runs under one sweep id (with
                     --nats, each replication is a distributed run of its own)
${NATS_HELP}
${CHECKPOINT_HELP}`;

/** `resumed`: continue that checkpoint (keytwin resume, which passes the command line it recorded). */
export async function run(argv: readonly string[], resumed?: LoadedCheckpoint): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      devices: { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean' },
      store: { type: 'string' },
      influx: { type: 'string' },
      workers: { type: 'string' },
      trace: { type: 'string' },
      handshakes: { type: 'string' },
      live: { type: 'string' },
      json: { type: 'boolean' },
      replications: { type: 'string' },
      ...NATS_OPTIONS,
      checkpoint: { type: 'string' },
      every: { type: 'string' },
    },
    HELP,
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`expected one scenario file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}\n${HELP}`);
  const path = positionals[0]!;
  const scenario = readScenario(path);
  const text = readFileSync(path, 'utf8');
  const overrides = readOverrides({ devices: values.devices, duration: values.duration, seed: values.seed, trace: values.trace, handshakes: values.handshakes });
  const requestedWorkers = values.workers === undefined ? 1 : wholeNumber('workers', values.workers);
  const ckRequest = checkpointRequest(values, expandSweep(scenario).length, resumed);
  if (values.replications !== undefined) return replicated(scenario, path, overrides, values, requestedWorkers);
  // With --json, stdout carries the JSON alone; everything else goes to stderr.
  const info = (line: string) => (values.json ? process.stderr : process.stdout).write(line);

  // Every check that can fail does so before anything is simulated or created.
  let chosen: RunSinks;
  try {
    chosen = resolveSinks(scenario, { store: values.store, influx: values.influx });
  } catch (err) {
    throw err instanceof OverrideError ? new UsageError(err.message) : err;
  }
  const sinks: SinkOptions = {};
  if (chosen.store !== 'none') sinks.store = chosen.store === EMBEDDED_STORE ? DEFAULT_STORE : chosen.store;
  if (chosen.influx !== null) sinks.influx = chosen.influx;
  // One seed for every variant of a sweep, so the variants differ only in what they set.
  let drawn: number | undefined;
  const seedSource = () => (drawn ??= drawSeed());
  const variants = expandSweep(scenario).map((variant) => ({ variant, ...resolveScenario(variant, overrides, seedSource) }));
  const nats = natsRun(values, variants.length);
  if (nats && ckRequest) throw new UsageError('--checkpoint does not combine with --nats: a distributed run keeps its finished partitions in the stream; continue it with --nats <url> --resume <run id>');
  const plans = variants.map(({ variant, fleet }) => {
    const { workers, note } = usefulWorkers(requestedWorkers, fleet.devices);
    checkMemory(fleet, workers);
    return { workers, note, dir: values.out ? (variants.length > 1 ? join(values.out, safeName(variant.name)) : values.out) : null };
  });
  for (const p of plans) if (p.dir !== null && !values.force && holdsRun(p.dir)) throw new UsageError(`--out ${p.dir} already holds a run (summary.json); choose another folder, or add --force to replace it`);
  if (plans[0]!.note) process.stderr.write(plans[0]!.note + '\n');
  if (drawn !== undefined) process.stderr.write(`seed: random, drew ${drawn} (recorded in the manifest; --seed ${drawn} repeats this run)\n`);
  if (sinks.store !== undefined || sinks.influx !== undefined) {
    for (const line of await checkSinks(sinks)) process.stderr.write(`sink ok: ${line}\n`);
  }

  // A scenario's variants share threads that compile once (sim/twin/fleet-pool.ts), unless a run
  // must have its partitions running together (a checkpoint, a live view) or runs on NATS.
  const pool = variants.length > 1 && !nats && !ckRequest && values.live === undefined ? await FleetPool.open(requestedWorkers) : null;
  try {
    return await runVariants();
  } finally {
    await pool?.close();
  }

  async function runVariants(): Promise<number> {
    const results: RunResult[] = [];
    let failed = false;
    for (const [i, { variant, fleet: cfg, cloud: cloudCfg }] of variants.entries()) {
      const { workers } = plans[i]!;
      // Worker threads compile their own machines; this thread needs them only to label a live run's failure reasons.
      const machines = values.live ? twinMachinesFor(cfg.firmware) : null;
      const label = variants.length > 1 ? `[${results.length + 1}/${variants.length}] ${variant.name}` : variant.name;
      const progress = createProgress({ unit: 'sim-days', total: cfg.durationDays, label: resumed ? `${label} (resumed at day ${resumed.manifest.day})` : label, ...(resumed ? { from: resumed.manifest.day } : {}) });
      const startedAt = new Date();
      const runId = nats?.resume ?? randomUUID();
      const t0 = performance.now();
      const live = values.live ? createLiveRun(values.live, cfg, runId, machines!, Math.min(workers, cfg.devices)) : null;
      // A resumed run's rates count only the events it simulates itself.
      const before = resumed ? eventsSaved(resumed.manifest) : 0;
      const checkpoint = ckRequest ? await fleetCheckpoint(ckRequest, cfg, rerunRecord(path, values, cfg.seed), resumed) : undefined;
      let out: FleetOutput;
      try {
        // The fleet's work forecast sets the ETA: keychains browning out make later days cheaper.
        const onProgress = (simMs: number, events: number, work?: Work) => {
          const ms = performance.now() - t0;
          progress.update(simMs / DAY_MS, `${num((events - before) / (ms / 1000) / 1e6)} M ev/s`, work);
          live?.progress(simMs, events, ms, work);
        };
        out = nats
          ? await nats.fleet(cfg, { runId, scenario: variant.name, onProgress })
          : await runFleet(cfg, { workers, ...(pool ? { pool } : {}), ...(checkpoint ? { checkpoint } : {}), onProgress, ...(live ? { onDay: (slice: DaySlice) => live.onDay(slice) } : {}) });
      } catch (err) {
        if (live) process.stderr.write((await live.finish('failed', 0, performance.now() - t0, (err as Error).message)) + '\n');
        throw err;
      }
      const wallMs = performance.now() - t0;
      progress.finish(`${num((out.summary.events - before) / (wallMs / 1000) / 1e6)} M ev/s`);
      if (live) process.stderr.write((await live.finish('done', out.summary.events, wallMs)) + '\n');
      const manifest = createManifest(cfg, { name: variant.name, path: resolve(path), text }, { runId, startedAt, wallMs, events: out.summary.events - before, workers: nats ? nats.workers : workers });
      const { activity: _activity, ...rest } = out;
      const cloud = cloudCfg === null ? null : cloudFromFleet(out, cloudCfg);
      const result: RunResult = { manifest, ...rest, ...(cloud ? { cloud } : {}) };
      results.push(result);

      const dir = plans[i]!.dir ?? newRunDir(join('out', safeName(variant.name)), startedAt, cfg.seed);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'summary.json'), JSON.stringify(result.summary, null, 2) + '\n');
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
      writeFileSync(join(dir, 'result.json'), resultToJson(result));
      if (plans[i]!.dir === null) pointLatest(dir);

      if (!values.json) process.stdout.write(formatSummary(result.summary, manifest) + '\n');
      if (cloud && !values.json) process.stdout.write('\n' + formatCloud(cloud) + '\n');
      info(`\nwrote ${join(dir, 'summary.json')}, manifest.json, result.json (run ${manifest.runId})\n`);

      if (sinks.store !== undefined || sinks.influx !== undefined) {
        const report = await persistRun(result, sinks);
        if (report.store) {
          if (report.store.error) process.stderr.write(`store: NOT saved to ${report.store.location}: ${report.store.error}\n`);
          else info(`stored in ${report.store.location} (${reportHint(manifest.runId, sinks.store!, report.store.location)})\n`);
        }
        if (report.influx) {
          const inf = report.influx;
          if (inf.error || !report.ok) process.stderr.write(`influx: ${JSON.stringify(inf)}\n`);
          else info(`influx: ${JSON.stringify({ written: (inf as { written?: number }).written })}\n`);
        }
        if (!report.ok) failed = true;
      }
      info('\n');
    }
    if (values.json) {
      const summaries: RunSummary[] = results.map((r) => r.summary);
      process.stdout.write(JSON.stringify(summaries.length === 1 ? summaries[0] : summaries, null, 2) + '\n');
    } else if (results.length > 1) process.stdout.write(compareTable(results) + '\n');
    return failed ? 1 : 0;
  }
}


/** `--replications N`: the scenario's variants (or the scenario) as sweep points, N replications each. */
async function replicated(scenario: Scenario, path: string, overrides: RunOverrides, values: { replications?: string; store?: string; out?: string; json?: boolean; live?: string; influx?: string; nats?: string; partitions?: string; resume?: string; 'ack-wait'?: string }, workers: number): Promise<number> {
  const replications = wholeNumber('replications', values.replications!);
  if (replications < 1 || replications > 100) throw new UsageError(`--replications: expected 1..100, got ${replications}`);
  if (values.live !== undefined || values.influx !== undefined) throw new UsageError('--replications does not combine with --live or --influx (runs are stored in the store only)');
  const nats = natsSweep(values);
  const store = storeFor(scenario, values.store);
  const wanted = overrides.seed ?? scenario.seed;
  const seed = wanted === 'random' ? drawSeed() : wanted;
  if (wanted === 'random') process.stderr.write(`seed: random, drew ${seed} (--seed ${seed} repeats these replications)\n`);
  const points = sweepPoints(scenario, []);
  await runSweep({ kind: 'replications', scenario, points, baseline: 0, path, overrides, replications, workers, ...(nats ? { nats } : {}), seed, store, out: values.out, json: Boolean(values.json), extra: {} });
  return 0;
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
