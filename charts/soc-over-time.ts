/**
 * State of charge over time: the fleet's p5–p95 band and median, the traced devices as lines,
 * and each brown-out marked where it happened.
 * @module
 */
import * as Plot from '@observablehq/plot';
import type { DailyRow, SocSample } from '../results/index.ts';
import { FRAME, type ChartSpec } from './chart-spec.ts';
import { dodge } from './dodge.ts';
import { num, percent, round } from './format.ts';

/** Inner plot height in px (FRAME height less default top margin 20 and FRAME's bottom margin). */
const INNER_PX = FRAME.height - 20 - FRAME.marginBottom;
/** Vertical room a 9 px device label needs, px. */
const LABEL_PX = 11;

/**
 * The y domain (in %) that shows the data: from the lowest to the highest value drawn, padded by
 * a tenth of the range (at least 1 point), clamped to 0–100. A week of a 200-day battery stays
 * within 95–100 %: on a 0–100 axis every line would be flat.
 */
export function socDomain(values: readonly number[]): [number, number] {
  const pct = values.filter(Number.isFinite).map((v) => v * 100);
  if (pct.length === 0) return [0, 100];
  const min = Math.min(...pct);
  const max = Math.max(...pct);
  const pad = Math.max(1, (max - min) / 10);
  return [Math.max(0, Math.floor(min - pad)), Math.min(100, Math.ceil(max + pad))];
}

export interface SocLabel {
  device: number;
  day: number;
  /** The device's last state of charge (0–1). */
  soc: number;
  /** Where its label is drawn (0–1), dodged so no two labels overlap. */
  y: number;
  label: string;
}

/** Each traced device's label at its last sample, moved apart to at least LABEL_PX. */
export function socLabels(samples: readonly SocSample[], domain: [number, number]): SocLabel[] {
  const last = new Map<number, SocSample>();
  for (const s of samples) {
    const l = last.get(s.device);
    if (!l || s.day >= l.day) last.set(s.device, s);
  }
  const ends = [...last.values()].sort((a, b) => a.device - b.device);
  const gap = ((domain[1] - domain[0]) / 100) * (LABEL_PX / INNER_PX);
  const ys = dodge(ends.map((e) => e.soc), gap, domain[0] / 100, domain[1] / 100);
  return ends.map((e, i) => ({ device: e.device, day: e.day, soc: e.soc, y: ys[i]!, label: `#${e.device}` }));
}

export interface SocInput {
  daily: readonly DailyRow[];
  samples: readonly SocSample[];
}

export function socOverTime(input: SocInput): ChartSpec {
  const id = 'soc-over-time';
  if (input.daily.length === 0 && input.samples.length === 0) {
    const why = 'The run recorded no daily state of charge and no traced devices.';
    return { id, title: 'No state-of-charge data', subtitle: why, plot: null, empty: why, table: { columns: [], rows: [] } };
  }
  const devices = [...new Set(input.samples.map((s) => s.device))].sort((a, b) => a - b);
  const brownouts = input.samples.filter((s) => s.brownout);
  // First brown-out of each device only: later samples of a dead device stay at 0.
  const firstOut = new Map<number, SocSample>();
  for (const s of brownouts) if (!firstOut.has(s.device)) firstOut.set(s.device, s);
  const outs = [...firstOut.values()];
  const band = input.daily.filter((d) => Number.isFinite(d.socP50)).map((d) => ({ day: d.day + 1, p5: d.socP5, p50: d.socP50, p95: d.socP95 }));
  const last = band[band.length - 1];
  const title = [
    last ? `Fleet median state of charge ${percent(last.p50, 0)} after ${num(last.day)} days` : `State of charge of ${devices.length} traced keychains`,
    devices.length ? `${outs.length} of ${devices.length} traced keychains browned out` : 'no devices traced',
  ].join('; ');
  const domain = socDomain([...band.flatMap((b) => [b.p5, b.p95]), ...input.samples.map((s) => s.soc)]);
  const labels = socLabels(input.samples, domain);
  const maxDay = Math.max(...band.map((b) => b.day), ...input.samples.map((s) => s.day));
  const cut = domain[0] > 0 ? ` The y axis starts at ${domain[0]} %, not 0, so small drops show.` : '';
  return {
    id,
    title,
    subtitle: `Grey band: fleet p5–p95 of alive keychains, dark line: fleet median; thin lines: traced keychains (labelled #device, labels moved apart where they would overlap); red ✕: brown-out.${cut}`,
    plot: {
      ...FRAME,
      x: { label: 'Simulated day →', domain: [0, maxDay] },
      y: { label: domain[0] > 0 ? `↑ State of charge (%, axis from ${domain[0]} %)` : '↑ State of charge (%)', percent: true, domain, grid: true },
      marks: [
        Plot.areaY(band, { x: 'day', y1: 'p5', y2: 'p95', fill: '#bbb', fillOpacity: 0.35 }),
        Plot.lineY(band, { x: 'day', y: 'p50', stroke: '#333', strokeWidth: 2 }),
        Plot.lineY(input.samples, { x: 'day', y: 'soc', z: 'device', stroke: '#4e79a7', strokeOpacity: 0.7, strokeWidth: 1 }),
        // Leaders from each line's end to its dodged label, then the label.
        Plot.link(labels, { x1: 'day', y1: 'soc', x2: 'day', y2: 'y', dx: 0, stroke: '#4e79a7', strokeOpacity: 0.4 }),
        Plot.text(labels, { x: 'day', y: 'y', text: 'label', textAnchor: 'start', dx: 4, fill: '#4e79a7', fontSize: 9 }),
        Plot.dot(outs, { x: 'day', y: 'soc', symbol: 'times', stroke: '#d62728', r: 5, strokeWidth: 2 }),
        Plot.text(outs, { x: 'day', y: 'soc', text: (d: SocSample) => `#${d.device} brown-out`, dy: -10, fill: '#d62728', fontSize: 9 }),
        ...(domain[0] === 0 ? [Plot.ruleY([0])] : []),
      ],
    },
    table: {
      columns: ['day', 'fleet SoC p5 (%)', 'p50 (%)', 'p95 (%)', 'alive', 'brown-outs (traced)'],
      rows: input.daily.map((d) => [
        d.day + 1, round(d.socP5 * 100, 1), round(d.socP50 * 100, 1), round(d.socP95 * 100, 1), d.alive,
        outs.filter((o) => Math.ceil(o.day) === d.day + 1).map((o) => `#${o.device}`).join(' '),
      ]),
    },
  };
}
