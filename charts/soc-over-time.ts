/**
 * State of charge over time: the fleet's p5–p95 band and median, the traced devices as lines,
 * and each brown-out marked where it happened.
 * @module
 */
import * as Plot from '@observablehq/plot';
import type { DailyRow, SocSample } from '../results/index.ts';
import { FRAME, type ChartSpec } from './chart-spec.ts';
import { num, percent, round } from './format.ts';

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
  const sampled = input.samples.map((s) => ({ ...s, label: `#${s.device}` }));
  return {
    id,
    title,
    subtitle: 'Grey band: fleet p5–p95 of alive keychains, dark line: fleet median; thin lines: traced keychains (labelled #device); red ✕: brown-out.',
    plot: {
      ...FRAME,
      x: { label: 'Simulated day →' },
      y: { label: '↑ State of charge (%)', percent: true, domain: [0, 100], grid: true },
      marks: [
        Plot.areaY(band, { x: 'day', y1: 'p5', y2: 'p95', fill: '#bbb', fillOpacity: 0.35 }),
        Plot.lineY(band, { x: 'day', y: 'p50', stroke: '#333', strokeWidth: 2 }),
        Plot.lineY(sampled, { x: 'day', y: 'soc', z: 'device', stroke: '#4e79a7', strokeOpacity: 0.7, strokeWidth: 1 }),
        Plot.text(sampled, Plot.selectLast({ x: 'day', y: 'soc', z: 'device', text: 'label', textAnchor: 'start', dx: 4, fill: '#4e79a7', fontSize: 9 })),
        Plot.dot(outs, { x: 'day', y: 'soc', symbol: 'times', stroke: '#d62728', r: 5, strokeWidth: 2 }),
        Plot.text(outs, { x: 'day', y: 'soc', text: (d: SocSample) => `#${d.device} brown-out`, dy: -10, fill: '#d62728', fontSize: 9 }),
        Plot.ruleY([0]),
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
