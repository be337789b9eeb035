/**
 * Failures by reason over time: stacked per day (per week for long runs, so bars stay readable),
 * each reason labelled at its last bar instead of an HTML legend.
 * @module
 */
import * as Plot from '@observablehq/plot';
import type { DailyRow } from '../results/index.ts';
import { FRAME, type ChartSpec } from './chart-spec.ts';
import { num, percentClaim } from './format.ts';

export interface FailuresInput {
  daily: readonly DailyRow[];
  /** Totals by reason from the summary. */
  totals: Record<string, number>;
  unlocksAttempted: number;
  unlocksSucceeded: number;
}

export function failuresOverTime(input: FailuresInput): ChartSpec {
  const id = 'failures';
  const reasons = Object.keys(input.totals).filter((r) => (input.totals[r] ?? 0) > 0).sort((a, b) => (input.totals[b] ?? 0) - (input.totals[a] ?? 0) || a.localeCompare(b));
  const total = reasons.reduce((a, r) => a + (input.totals[r] ?? 0), 0);
  if (total === 0) {
    // Intents the phone never answered record no failure reason, but they were not served either.
    const unserved = input.unlocksAttempted - input.unlocksSucceeded;
    const why =
      unserved > 0
        ? `No failure reasons recorded, but ${num(unserved)} of ${num(input.unlocksAttempted)} unlock intents (${percentClaim(unserved / input.unlocksAttempted)}) did not unlock (phone not in range or no answer).`
        : `No failures: all ${num(input.unlocksAttempted)} unlock intents unlocked.`;
    const title = unserved > 0 ? `No recorded failures; ${num(unserved)} unlock intents not served` : 'No failures in this run';
    return { id, title, subtitle: why, plot: null, empty: why, table: { columns: ['reason', 'count'], rows: [] } };
  }
  const week = input.daily.length > 60;
  const unit = week ? 7 : 1;
  const buckets = new Map<string, { t: number; reason: string; n: number }>();
  for (const d of input.daily) {
    const t = Math.floor(d.day / unit) * unit + 1;
    for (const r of reasons) {
      const key = `${t}|${r}`;
      const b = buckets.get(key) ?? { t, reason: r, n: 0 };
      b.n += d.failures[r] ?? 0;
      buckets.set(key, b);
    }
  }
  const rows = [...buckets.values()];
  const top = reasons[0]!;
  return {
    id,
    title: `${num(total)} failures (${percentClaim(total / Math.max(1, input.unlocksAttempted))} of unlock attempts); most are '${top}' (${percentClaim((input.totals[top] ?? 0) / total, 0)})`,
    subtitle: `Failures per ${week ? 'week (bar starts at its first day)' : 'simulated day'}, stacked by reason.`,
    plot: {
      ...FRAME,
      x: { label: `Simulated ${week ? 'week starting day' : 'day'} →`, interval: unit, ticks: Math.min(12, rows.length) },
      y: { label: `↑ Failures per ${week ? 'week' : 'day'}`, grid: true },
      color: { domain: reasons, scheme: 'tableau10' },
      marks: [
        Plot.rectY(rows, { x1: 't', x2: (d: { t: number }) => d.t + unit, y: 'n', fill: 'reason', order: reasons, inset: 0.5 }),
        Plot.text(rows, Plot.selectLast(Plot.stackY({
          x: (d: { t: number }) => d.t + unit, y: 'n', z: 'reason', order: reasons, text: 'reason', textAnchor: 'start', dx: 4, fill: 'reason',
        }))),
        Plot.ruleY([0]),
      ],
    },
    table: {
      columns: ['reason', 'count', 'share of failures', 'per 1,000 unlock attempts'],
      rows: reasons.map((r) => [r, input.totals[r] ?? 0, percentClaim((input.totals[r] ?? 0) / total), num(((input.totals[r] ?? 0) * 1000) / Math.max(1, input.unlocksAttempted), 2)]),
    },
  };
}
