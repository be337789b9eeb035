/**
 * `keytwin sweep <scenario> --sensitivity`: the profile sensitivity analysis on a small fleet
 * (20 keychains for 3 days unless --devices/--duration say otherwise, so hundreds of runs stay
 * practical), printed ranked, written to out/ and stored as a sweep of kind 'sensitivity' (its
 * runs are not stored: there are hundreds and only their two outputs matter).
 * @module
 */
import { storeFor } from '../store-choice.ts';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveScenario } from '../../scenarios/index.ts';
import { openStore, saveSweep } from '../../store/index.ts';
import { parseCommand, UsageError, wholeNumber } from '../args.ts';
import { drawSeed, readOverrides, readScenario } from '../scenario-input.ts';
import { safeName } from '../run-output.ts';
import { num, table } from '../summary-table.ts';
import { listFigures, readProfileSource } from './figures.ts';
import { OUTPUTS, runSensitivity, type SensitivityResult } from './sensitivity.ts';
import { sensitivityChartSpecs } from './report-charts.ts';
import { writeSweepReport } from '../../reports/index.ts';
import { DEFAULT_PARTITIONS } from '../../distributed/index.ts';
import { natsSweep } from '../nats-run.ts';

const HELP = `Usage: keytwin sweep <scenario.yaml> --sensitivity [options]

How much battery life (p50) and unlock latency (p95) move with the profile's uncertain figures:
a one-at-a-time tornado (each figure at the low and high end of its documented range, or ±pct %
where the profile gives none; the others nominal), then Morris elementary effects (r
trajectories, 4 levels on each figure's low..high) over the figures the tornado found to move
either output. Every run uses the same seed (common random numbers).
Cost: 1 + 2k runs for k figures, plus r(k' + 1) for the k' figures that move an output.

Options:
  --figures <set>    low-confidence (conf L, default) or all
  --r <n>            Morris trajectories (default 10; 0 for the tornado alone)
  --pct <p>          ± spread for figures without a range (default 20)
  --devices <n>      keychains per run (default 20)
  --duration <d>     simulated time per run (default 3d)
  --seed <s>         the seed every run uses (default the scenario's)
  --store <url>      where the analysis is stored (default: the scenario's sinks.store; 'none')
  --out <dir>        where sensitivity.json and sensitivity.txt go
  --workers <n>      worker threads the runs share, several runs at once (default 1;
                     at most one per core); results are the same for any count
  --nats <url>       run each of the analysis' runs as a distributed run on 'keytwin worker
                     --nats <url>' processes (several at once; the analysis is the same)
  --partitions <n>   with --nats: work items per run (default ${DEFAULT_PARTITIONS})
  --ack-wait <s>     with --nats: seconds before a silent worker's item is redelivered
  --json             print the analysis as JSON on stdout
`;

export async function sensitivity(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    figures: { type: 'string' }, r: { type: 'string' }, pct: { type: 'string' }, devices: { type: 'string' }, duration: { type: 'string' },
    seed: { type: 'string' }, store: { type: 'string' }, out: { type: 'string' }, workers: { type: 'string' }, json: { type: 'boolean' },
    nats: { type: 'string' }, partitions: { type: 'string' }, 'ack-wait': { type: 'string' },
  }, HELP);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`expected one scenario file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}\n${HELP}`);
  const path = positionals[0]!;
  const scenario = readScenario(path);
  if (scenario.sweep.length > 0) throw new UsageError(`${path} has a sweep: section; --sensitivity varies the profile of one scenario (use a scenario without sweep:)`);
  const which = values.figures ?? 'low-confidence';
  if (which !== 'low-confidence' && which !== 'all') throw new UsageError(`--figures: expected low-confidence or all, got ${which}`);
  // --r 0 is the tornado alone (the help says so); whole numbers otherwise.
  const r = values.r === undefined ? 10 : values.r === '0' ? 0 : wholeNumber('r', values.r);
  const pct = values.pct === undefined ? 20 : Number(values.pct);
  if (!(pct > 0 && pct < 100)) throw new UsageError(`--pct: expected a percentage between 0 and 100, got ${values.pct}`);
  const overrides = readOverrides({ devices: values.devices ?? '20', duration: values.duration ?? '3d', seed: values.seed });
  const nats = natsSweep(values);
  const store = storeFor(scenario, values.store);
  const { fleet } = resolveScenario(scenario, overrides, drawSeed);
  const source = readProfileSource(scenario.profile);
  const k = listFigures(source.raw, which, pct).length;
  const info = (line: string) => (values.json ? process.stderr : process.stdout).write(line);
  info(`sensitivity of ${scenario.name} (${fleet.devices} keychains × ${num(fleet.durationDays)} d, seed ${String(fleet.seed)}): ${k} ${which} figures; ${1 + 2 * k} tornado runs + up to ${r * (k + 1)} Morris runs\n`);
  const result = await runSensitivity({ fleet, source, which, pct, r, scenarioPath: path, scenarioText: readFileSync(path, 'utf8'), workers: values.workers === undefined ? 1 : wholeNumber('workers', values.workers), ...(nats ? { nats } : {}), log: (l) => process.stderr.write(l) });
  const text = formatSensitivity(result);
  const sweepId = randomUUID();
  const spec = { kind: 'sensitivity', scenario: scenario.name, figures: which, r, pct, devices: fleet.devices, durationDays: fleet.durationDays, seed: String(fleet.seed), runs: result.runs, wallMs: Math.round(result.wallMs) };
  const dir = values.out ?? join('out', safeName(scenario.name), `sensitivity-${sweepId}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'sensitivity.json'), JSON.stringify({ sweepId, spec, analysis: result }, null, 2) + '\n');
  writeFileSync(join(dir, 'sensitivity.txt'), text + '\n');
  const report = writeSweepReport(join(dir, 'report'), `keytwin sensitivity: ${scenario.name}`, `${result.runs} runs · ${fleet.devices} keychains × ${num(fleet.durationDays)} d · seed ${String(fleet.seed)} · ${which} figures · ${formatTop(result)}`, sensitivityChartSpecs(result));
  if (values.json) process.stdout.write(JSON.stringify({ sweepId, spec, analysis: result }, null, 2) + '\n');
  else process.stdout.write('\n' + text + '\n');
  info(`\n${result.runs} runs in ${num(result.wallMs / 1000)} s (${num(result.wallMs / 1000 / result.runs)} s per run); wrote ${join(dir, 'sensitivity.json')}, sensitivity.txt, report ${report[0]}\n`);
  if (store !== null) {
    const s = await openStore(store);
    try {
      await saveSweep(s.engine, { sweepId, scenario: scenario.name, kind: 'sensitivity', spec, analysis: result, runs: [] });
      info(`stored sensitivity analysis ${sweepId} in ${s.location} (its runs are not stored)\n`);
    } finally {
      await s.close();
    }
  }
  return 0;
}

/** The figures that move battery life most: by Morris μ* when it ran, else by tornado swing. */
export function topBatteryFigures(r: SensitivityResult, n = 3): { figure: string; by: 'Morris μ*' | 'tornado swing'; value: number }[] {
  const m = r.morris.filter((x) => x.output === 'batteryP50' && x.muStar > 0).sort((a, b) => b.muStar - a.muStar);
  if (m.length > 0) return m.slice(0, n).map((x) => ({ figure: x.figure, by: 'Morris μ*', value: x.muStar }));
  return r.tornado.filter((x) => x.output === 'batteryP50' && x.swing > 0).sort((a, b) => b.swing - a.swing).slice(0, n).map((x) => ({ figure: x.figure, by: 'tornado swing', value: x.swing }));
}

/** The report's and the table's closing line: the figures that move battery life most. */
export function formatTop(r: SensitivityResult): string {
  const top = topBatteryFigures(r);
  return top.length === 0 ? 'No figure moved battery life p50.' : `The ${top.length === 1 ? 'figure' : `${top.length} figures`} that move battery life p50 most (by ${top[0]!.by}): ${top.map((t) => `${t.figure} (${num(t.value)} d)`).join(', ')}`;
}

export function formatSensitivity(r: SensitivityResult): string {
  const parts: string[] = [];
  for (const out of OUTPUTS) {
    const rows = r.tornado.filter((t) => t.output === out.key && t.swing > 0).sort((a, b) => b.swing - a.swing);
    parts.push(`Tornado: ${out.label}, nominal ${num(r.base[out.key])}; one figure at a time at its low / high level (same seed)\n` +
      (rows.length === 0 ? '(no figure moved it)' : table([['figure', 'levels', 'low → high', 'at low', 'at high', 'swing'], ...rows.map((t) => [t.figure, t.levels, `${num(t.low)} → ${num(t.high)} ${t.unit}`, num(t.atLow), num(t.atHigh), num(t.swing)])], ['l', 'l', 'r', 'r', 'r', 'r'])));
    const m = r.morris.filter((x) => x.output === out.key).sort((a, b) => b.muStar - a.muStar);
    if (m.length > 0)
      parts.push(`Morris elementary effects: ${out.label} per full low..high span of each figure, ${m[0]!.trajectories} trajectories (μ* ranks influence; σ large against μ* means interaction or non-linearity)\n` +
        table([['figure', 'μ*', 'μ', 'σ'], ...m.map((x) => [x.figure, num(x.muStar), num(x.mu), num(x.sigma)])], ['l', 'r', 'r', 'r']));
  }
  if (r.screenedOut.length > 0) parts.push(`${r.screenedOut.length} figures moved neither output at either level (not read by this scenario) and were left out of Morris: ${r.screenedOut.join(', ')}`);
  parts.push(formatTop(r));
  return parts.join('\n\n');
}
