/**
 * Profile sensitivity of battery life (p50) and unlock latency (p95): a one-at-a-time tornado
 * (each figure at its low and its high level, the others nominal) and Morris elementary effects
 * (stats/morris.ts) over the figures the tornado found to move either output. Every run uses the
 * same seed, so differences come from the figures (common random numbers); a figure this scenario
 * never reads (another suite's timings) moves nothing exactly and is screened out of Morris,
 * which keeps its r(k + 1) runs practical.
 * @module
 */
import type { FleetConfig } from '../../scenarios/index.ts';
import type { RunSummary } from '../../results/index.ts';
import { createRng } from '../../sim/engine/index.ts';
import { mapConcurrent } from './concurrent.ts';
import { openExecutor, type NatsExecutorOptions, type RunExecutor } from './executor.ts';
import { morrisDesign, morrisEffects } from '../../stats/index.ts';
import { listFigures, profileWith, type Figure, type ProfileSource } from './figures.ts';
import { simulateRun } from './simulate.ts';

export const OUTPUTS = [
  { key: 'batteryP50', label: 'battery life p50 (d)', read: (s: RunSummary) => s.battery.lifeDays.p50.value },
  { key: 'unlockP95', label: 'unlock latency p95 (ms)', read: (s: RunSummary) => s.unlocks.latencyMs.p95 },
] as const;
export type OutputKey = (typeof OUTPUTS)[number]['key'];

export interface TornadoRow {
  figure: string;
  unit: string;
  levels: string;
  low: number;
  high: number;
  output: OutputKey;
  atLow: number;
  atHigh: number;
  base: number;
  /** |atHigh − atLow|. */
  swing: number;
}

export interface MorrisRow {
  figure: string;
  output: OutputKey;
  muStar: number;
  mu: number;
  sigma: number;
  /** Per unit of the figure's low..high span (so μ* reads as the output change across the range). */
  trajectories: number;
}

export interface SensitivityResult {
  figures: Figure[];
  base: Record<OutputKey, number>;
  tornado: TornadoRow[];
  screenedOut: string[];
  morris: MorrisRow[];
  runs: number;
  wallMs: number;
}

export interface SensitivityOptions {
  fleet: FleetConfig;
  source: ProfileSource;
  which: 'low-confidence' | 'all';
  pct: number;
  r: number;
  scenarioPath: string;
  scenarioText: string;
  /** Threads of the local pool (also how each run is split), unless `nats`. */
  workers: number;
  /** Run on `keytwin worker --nats` processes instead of local threads. */
  nats?: Omit<NatsExecutorOptions, 'log'>;
  log: (line: string) => void;
}

export async function runSensitivity(o: SensitivityOptions): Promise<SensitivityResult> {
  const figures = listFigures(o.source.raw, o.which, o.pct);
  if (figures.length === 0) throw new Error(`${o.source.file}: no ${o.which === 'all' ? '' : 'low-confidence '}figures to vary`);
  const executor = await openExecutor(o, [o.fleet]);
  try {
    return await analyse(o, figures, executor);
  } finally {
    await executor.close();
  }
}

/** The tornado's runs, then Morris' over the figures that moved, each stage's runs in flight together (on the pool or NATS). */
async function analyse(o: SensitivityOptions, figures: Figure[], executor: RunExecutor): Promise<SensitivityResult> {
  const t0 = performance.now();
  let runs = 0;
  const evaluate = async (values: ReadonlyMap<Figure, number>, what: string): Promise<Record<OutputKey, number>> => {
    const fleet = { ...o.fleet, profile: profileWith(o.source, values) };
    const result = await simulateRun({ fleet, cloud: null, scenarioPath: o.scenarioPath, scenarioText: o.scenarioText }, executor, what);
    runs++;
    o.log(`run ${runs} (${what}): done ${(result.manifest.wallMs / 1000).toFixed(2)} s after it was queued\n`);
    return Object.fromEntries(OUTPUTS.map((out) => [out.key, out.read(result.summary)])) as Record<OutputKey, number>;
  };
  // The nominal run, then each figure at its low and at its high end.
  const settings: [ReadonlyMap<Figure, number>, string][] = [[new Map(), 'nominal']];
  for (const f of figures) settings.push([new Map([[f, f.low]]), `${f.name} low`], [new Map([[f, f.high]]), `${f.name} high`]);
  const ys = await mapConcurrent(settings, executor.inFlight, ([values, what]) => evaluate(values, what));
  const base = ys[0]!;
  const tornado: TornadoRow[] = [];
  const moving: Figure[] = [];
  for (const [i, f] of figures.entries()) {
    const lo = ys[1 + 2 * i]!;
    const hi = ys[2 + 2 * i]!;
    let moved = false;
    for (const out of OUTPUTS) {
      const swing = Math.abs(hi[out.key] - lo[out.key]);
      if (swing !== 0 || lo[out.key] !== base[out.key]) moved = true;
      tornado.push({ figure: f.name, unit: f.unit, levels: f.levels, low: f.low, high: f.high, output: out.key, atLow: lo[out.key], atHigh: hi[out.key], base: base[out.key], swing });
    }
    if (moved) moving.push(f);
  }
  const morris: MorrisRow[] = [];
  if (moving.length > 0 && o.r > 0) {
    // The design's own generator, seeded from the scenario seed: the same command gives the same design.
    const rng = createRng(`morris:${String(o.fleet.seed)}`);
    const design = morrisDesign(moving.length, o.r, () => rng.next());
    const points = design.trajectories.flatMap((trajectory, t) => trajectory.map((x, j) => ({ t, j, x, n: trajectory.length })));
    const at = await mapConcurrent(points, executor.inFlight, ({ t, j, x, n }) =>
      evaluate(new Map(moving.map((f, i) => [f, f.low + x[i]! * (f.high - f.low)] as const)), `Morris trajectory ${t + 1}/${o.r} point ${j + 1}/${n}`),
    );
    for (const out of OUTPUTS) {
      const rows = design.trajectories.map((_, t) => points.flatMap((p, k) => (p.t === t ? [at[k]![out.key]] : [])));
      for (const e of morrisEffects(design, rows)) {
        morris.push({ figure: moving[e.factor]!.name, output: out.key, muStar: e.muStar, mu: e.mu, sigma: e.sigma, trajectories: o.r });
      }
    }
  }
  const screenedOut = figures.filter((f) => !moving.includes(f)).map((f) => f.name);
  return { figures, base, tornado, screenedOut, morris, runs, wallMs: performance.now() - t0 };
}
