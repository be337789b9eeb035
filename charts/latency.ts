/**
 * Unlock and handshake latency: histograms of what the traced keychains saw, with the fleet's
 * p50/p95/p99 (from the run summary) marked.
 * @module
 */
import * as Plot from '@observablehq/plot';
import type { Percentiles } from '../results/index.ts';
import { FRAME, type ChartSpec } from './chart-spec.ts';
import { num, round } from './format.ts';

export interface LatencyInput {
  unlockMs: readonly number[];
  handshakeMs: readonly number[];
  unlock: Percentiles;
  handshake: Percentiles;
}

const KINDS = ['unlock', 'handshake'] as const;

export function latencyDistributions(input: LatencyInput): ChartSpec {
  const id = 'latency';
  const values = [
    ...input.unlockMs.map((ms) => ({ kind: 'unlock', ms })),
    ...input.handshakeMs.map((ms) => ({ kind: 'handshake', ms })),
  ];
  const stats = { unlock: input.unlock, handshake: input.handshake };
  const anyStats = input.unlock.count > 0 || input.handshake.count > 0;
  if (!anyStats && values.length === 0) {
    const why = 'No unlock or handshake completed in this run.';
    return { id, title: 'No latency data', subtitle: why, plot: null, empty: why, table: { columns: [], rows: [] } };
  }
  const marks = KINDS.flatMap((kind) =>
    stats[kind].count > 0 ? (['p50', 'p95', 'p99'] as const).map((q) => ({ kind, q, ms: stats[kind][q] })) : [],
  );
  const has = (k: (typeof KINDS)[number]) => stats[k].count > 0 || values.some((v) => v.kind === k);
  const kinds = KINDS.filter(has);
  const parts: string[] = [];
  if (input.unlock.count > 0) parts.push(`Unlocks take ${num(input.unlock.p50)} ms at the median and ${num(input.unlock.p95)} ms at p95`);
  if (input.handshake.count > 0) parts.push(`${parts.length ? 'handshakes' : 'Handshakes take'} ${num(input.handshake.p50)} / ${num(input.handshake.p95)} ms${parts.length ? '' : ' (p50 / p95)'}`);
  const title = parts.join('; ');
  return {
    id,
    title,
    subtitle: `Histograms of successful operations of traced keychains (${num(input.unlockMs.length)} unlocks, ${num(input.handshakeMs.length)} handshakes); red rules: fleet p50 / p95 / p99.`,
    plot: {
      ...FRAME,
      height: kinds.length > 1 ? 380 : 220,
      x: { label: 'Latency (ms) →', nice: true },
      y: { label: '↑ Operations', grid: true },
      fy: { label: null, domain: kinds },
      facet: { data: values, y: 'kind', marginRight: 90 },
      marks: [
        Plot.rectY(values, Plot.binX<Plot.RectYOptions>({ y: 'count' }, { x: 'ms', fy: 'kind', thresholds: 40, fill: '#59a14f', inset: 0.5 })),
        Plot.ruleY([0]),
        Plot.ruleX(marks, { x: 'ms', fy: 'kind', stroke: '#d62728', strokeDasharray: '4,3' }),
        // One text mark per percentile, each lower than the last, so p95 and p99 never collide.
        ...(['p50', 'p95', 'p99'] as const).map((q, i) =>
          Plot.text(marks.filter((m) => m.q === q), {
            x: 'ms', fy: 'kind', text: (d: { q: string; ms: number }) => `${d.q} ${num(d.ms)} ms`, frameAnchor: 'top',
            dy: 4 + 13 * i, dx: 3, textAnchor: 'start', fill: '#d62728', fontSize: 10, stroke: 'white', strokeWidth: 3, paintOrder: 'stroke',
          }),
        ),
      ],
    },
    table: {
      columns: ['operation', 'count (fleet)', 'mean (ms)', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)'],
      rows: kinds.map((k) => [k, stats[k].count, round(stats[k].mean, 1), round(stats[k].p50, 1), round(stats[k].p95, 1), round(stats[k].p99, 1)]),
    },
  };
}
