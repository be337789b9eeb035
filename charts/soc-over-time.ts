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

function maxDayOf(band: readonly { day: number }[], samples: readonly SocSample[]): number {
  return Math.max(...band.map((b) => b.day), ...samples.map((x) => x.day));
}

/** Inner plot width in px (FRAME less its side margins). */
const INNER_W = FRAME.width - FRAME.marginLeft - FRAME.marginRight;

export interface BrownoutLabel { device: number; day: number; soc: number; label: string; row: number }

/**
 * "#device" above each brown-out ✕, stacked in rows so that labels closer than their width
 * (brown-outs days apart on a long run) do not print over each other: each goes to the lowest
 * row whose previous label ends left of it.
 */
export function brownoutLabels(outs: readonly SocSample[], maxDay: number): BrownoutLabel[] {
  const pxPerDay = maxDay > 0 ? INNER_W / maxDay : 0;
  const rowsEnd: number[] = [];
  return [...outs].sort((a, b) => a.day - b.day || a.device - b.device).map((o) => {
    const label = `#${o.device}`;
    const x = o.day * pxPerDay;
    const half = (label.length * 5.5) / 2 + 2;
    let row = rowsEnd.findIndex((end) => end < x - half);
    if (row < 0) row = rowsEnd.length;
    rowsEnd[row] = x + half;
    return { device: o.device, day: o.day, soc: o.soc, label, row };
  });
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
  // A dead keychain is labelled at its ✕, not at the end of its flat line at 0.
  const labels = socLabels(input.samples.filter((x) => !firstOut.has(x.device)), domain);
  const outLabels = brownoutLabels(outs, maxDayOf(band, input.samples));
  const maxDay = maxDayOf(band, input.samples);
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
        // One text mark per row: Plot's dy is a constant.
        ...[...new Set(outLabels.map((l) => l.row))].map((row) =>
          Plot.text(outLabels.filter((l) => l.row === row), { x: 'day', y: 'soc', text: 'label', dy: -10 - 11 * row, fill: '#d62728', fontSize: 9 })),
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
