/**
 * The cloud view: load per simulated hour and station, one chart per measure (utilisation, mean
 * queue length, p99 latency), each with the OTA rollout's waves and its halt marked on the
 * timeline, so a queue that builds up can be read against the wave that caused it. Pure
 * (rows in, ChartSpec out); every title is computed from the rows it draws.
 * @module
 */
import * as Plot from '@observablehq/plot';
import { HOUR_MS } from '../units/index.ts';
import type { CloudHourRow, RolloutPlan } from '../results/index.ts';
import { FRAME, type ChartSpec } from './chart-spec.ts';
import { num, percentClaim, round, sig } from './format.ts';

export interface CloudDetail {
  hourly: CloudHourRow[];
  rollout: RolloutPlan | null;
}

export type CloudMeasure = 'utilisation' | 'queue' | 'p99';
export const CLOUD_MEASURES: readonly CloudMeasure[] = ['utilisation', 'queue', 'p99'];

/** A mark on the timeline: a wave's start or the halt. */
export interface RolloutMark {
  hour: number;
  label: string;
  kind: 'wave' | 'halt';
}

const HALT_REASONS: Record<string, string> = { failureRate: 'too many failed updates', deadline: 'a wave missed its deadline', none: '' };

export function rolloutMarks(rollout: RolloutPlan | null): RolloutMark[] {
  if (!rollout) return [];
  const marks: RolloutMark[] = rollout.waves.map((w) => ({ hour: w.startMs / HOUR_MS, label: `${w.wave === 0 ? 'canary' : `wave ${w.wave}`} (${num(w.devices)})`, kind: 'wave' }));
  if (rollout.haltedAtMs !== null) marks.push({ hour: rollout.haltedAtMs / HOUR_MS, label: `halted: ${HALT_REASONS[rollout.haltReason] ?? rollout.haltReason}`, kind: 'halt' });
  return marks;
}

const hourText = (h: number) => num(h, Number.isInteger(h) ? 0 : 1);

/** One sentence on the rollout, for the subtitles. */
export function rolloutSentence(rollout: RolloutPlan | null): string {
  if (!rollout) return 'No OTA rollout in this run.';
  const n = rollout.waves.length;
  const failed = rollout.waves.reduce((a, w) => a + w.failed, 0);
  const updated = rollout.waves.reduce((a, w) => a + w.devices, 0);
  const started = n === 0 ? 'OTA rollout not started before the run ended' : `OTA rollout: ${n} wave${n === 1 ? '' : 's'} started (${num(updated)} keychains, ${num(failed)} failed updates)`;
  const end = rollout.haltedAtMs !== null ? `, halted at hour ${hourText(rollout.haltedAtMs / HOUR_MS)} (${HALT_REASONS[rollout.haltReason] ?? rollout.haltReason})` : `, state at the end: ${rollout.state}`;
  return `${started}${end}; dashed lines mark wave starts, red the halt.`;
}

interface Def {
  label: string;
  unit: string;
  value(r: CloudHourRow): number;
  /** Hours where the measure exists (p99 needs a request that started service). */
  keep(r: CloudHourRow): boolean;
  fmt(v: number): string;
  population: string;
}

const DEFS: Record<CloudMeasure, Def> = {
  utilisation: { label: 'utilisation', unit: '%', value: (r) => r.utilisation * 100, keep: () => true, fmt: (v) => percentClaim(v / 100, v < 1 ? 2 : 0), population: 'mean busy servers / servers over each hour' },
  queue: { label: 'mean queue length', unit: 'requests', value: (r) => r.meanQueue, keep: () => true, fmt: (v) => `${sig(v)} requests`, population: 'time-weighted mean of requests waiting over each hour' },
  p99: { label: 'p99 latency', unit: 'ms', value: (r) => r.p99Ms, keep: (r) => r.served > 0, fmt: (v) => `${sig(v)} ms`, population: 'wait + service of requests that started service in the hour; hours with none are left out' },
};

export function cloudHourly(detail: CloudDetail | null, measure: CloudMeasure): ChartSpec {
  const d = DEFS[measure];
  const id = `cloud-hourly-${measure}`;
  const rows = (detail?.hourly ?? []).filter(d.keep);
  const data = rows.map((r) => ({ hour: r.hour, station: r.station, value: d.value(r) }));
  const table = { columns: ['hour', 'station', `${d.label} (${d.unit})`], rows: data.map((r) => [r.hour, r.station, round(r.value, 3)]) };
  if (!detail || data.length === 0) {
    const why = !detail ? 'This run did not model the cloud (no cloud section in its scenario).' : `No hour has a ${d.label}.`;
    return { id, title: `No hourly cloud ${d.label}`, subtitle: why, plot: null, empty: why, table };
  }
  const stations = [...new Set(data.map((r) => r.station))].sort();
  const top = data.reduce((a, r) => (r.value > a.value ? r : a));
  const peakOf = (st: string) => Math.max(...data.filter((r) => r.station === st).map((r) => r.value));
  const loaded = stations.filter((st) => peakOf(st) > 0);
  // Stations present in the run but without a single value here (p99 of a station that served nothing).
  const absent = [...new Set(detail.hourly.map((r) => r.station))].filter((st) => !stations.includes(st)).sort();
  const idle = stations.filter((st) => !loaded.includes(st));
  // Names of stations whose lines stay near the axis would pile up there: they are named in the subtitle instead.
  const named = loaded.filter((st) => peakOf(st) >= 0.05 * top.value);
  const low = loaded.filter((st) => !named.includes(st));
  const marks = rolloutMarks(detail.rollout);
  const waves = marks.filter((m) => m.kind === 'wave');
  const halts = marks.filter((m) => m.kind === 'halt');
  return {
    id,
    title: `Highest hourly ${d.label}: ${top.station} at ${d.fmt(top.value)} in hour ${num(top.hour)} (day ${num(Math.floor(top.hour / 24) + 1)}, ${String(top.hour % 24).padStart(2, '0')}:00)`,
    subtitle: `Per station and simulated hour since the run's start: ${d.population}.${idle.length ? ` At 0 throughout: ${idle.join(', ')}.` : ''}${absent.length ? ` No hour with a value: ${absent.join(', ')}.` : ''}${low.length ? ` Below 5 % of the peak throughout (unlabelled, at the bottom): ${low.join(', ')}.` : ''} ${rolloutSentence(detail.rollout)}`,
    plot: {
      ...FRAME,
      marginTop: 28,
      x: { label: 'Simulated hour →', domain: [0, Math.max(...data.map((r) => r.hour)) + 1] },
      y: { label: `↑ ${d.label} (${d.unit})`, grid: true, zero: true },
      color: { domain: stations, scheme: 'tableau10' },
      marks: [
        Plot.ruleX(waves, { x: 'hour', stroke: '#666', strokeDasharray: '4,3' }),
        Plot.text(waves, { x: 'hour', text: 'label', frameAnchor: 'top', dy: -10, fontSize: 9, fill: '#444', textAnchor: 'start', dx: 2 }),
        Plot.ruleX(halts, { x: 'hour', stroke: '#c23b3b', strokeWidth: 2 }),
        Plot.text(halts, { x: 'hour', text: 'label', frameAnchor: 'top', dy: 12, fontSize: 10, fill: '#c23b3b', textAnchor: 'start', dx: 4 }),
        Plot.lineY(data, { x: 'hour', y: 'value', stroke: 'station', curve: 'step-after' }),
        // Stations named at their peaks, where the lines part (at the end they often all sit at 0
        // and the names would pile up; a Plot legend would wrap the SVG in HTML).
        Plot.text(data.filter((r) => named.includes(r.station)), Plot.selectMaxY({ x: 'hour', y: 'value', z: 'station', text: 'station', fill: 'station', textAnchor: 'start', dx: 4, dy: -7, fontSize: 10 })),
        Plot.ruleY([0]),
      ],
    },
    table,
  };
}

/** The three charts of the cloud view, in page order. */
export function cloudHourlyCharts(detail: CloudDetail | null): ChartSpec[] {
  return CLOUD_MEASURES.map((m) => cloudHourly(detail, m));
}
