/**
 * How the owner's unlock intents ended, over time: the intents that were not unlocked, stacked
 * per day (per week for long runs, so bars stay readable) by outcome (phone not in range, busy,
 * a named failure, ...), each labelled at its last bar instead of an HTML legend. The title
 * counts every intent, so it never says "no failures" while intents went unserved.
 * @module
 */
import * as Plot from '@observablehq/plot';
import type { DailyRow } from '../results/index.ts';
import { FRAME, type ChartSpec } from './chart-spec.ts';
import { num, percentClaim } from './format.ts';

export interface FailuresInput {
  daily: readonly DailyRow[];
  /** Outcome counts of all intents from the summary (unlocks.outcomes). */
  outcomes: Record<string, number>;
  /** Owner intents (the outcomes add up to it). */
  intents: number;
}

/** The outcome an intent has when it was served. */
const UNLOCKED = 'unlocked';

export function failuresOverTime(input: FailuresInput): ChartSpec {
  const id = 'failures';
  const totals = input.outcomes;
  const reasons = Object.keys(totals).filter((r) => r !== UNLOCKED && (totals[r] ?? 0) > 0).sort((a, b) => (totals[b] ?? 0) - (totals[a] ?? 0) || a.localeCompare(b));
  const total = reasons.reduce((a, r) => a + (totals[r] ?? 0), 0);
  const unlocked = totals[UNLOCKED] ?? 0;
  if (total === 0) {
    const why = input.intents === 0 ? 'The owners expressed no unlock intent in this run.' : `All ${num(input.intents)} unlock intents ended unlocked.`;
    const title = input.intents === 0 ? 'No unlock intents in this run' : `Outcomes of ${num(input.intents)} unlock intents: all unlocked`;
    return { id, title, subtitle: why, plot: null, empty: why, table: { columns: ['outcome', 'count'], rows: [[UNLOCKED, unlocked]] } };
  }
  const week = input.daily.length > 60;
  const unit = week ? 7 : 1;
  const buckets = new Map<string, { t: number; reason: string; n: number }>();
  for (const d of input.daily) {
    const t = Math.floor(d.day / unit) * unit + 1;
    for (const r of reasons) {
      const key = `${t}|${r}`;
      const b = buckets.get(key) ?? { t, reason: r, n: 0 };
      b.n += d.outcomes[r] ?? 0;
      buckets.set(key, b);
    }
  }
  const rows = [...buckets.values()];
  const top = reasons[0]!;
  return {
    id,
    title: `Outcomes of ${num(input.intents)} unlock intents: ${num(total)} not unlocked (${percentClaim(total / Math.max(1, input.intents))}); most '${top}' (${percentClaim((totals[top] ?? 0) / total, 0)})`,
    subtitle: `Intents not unlocked per ${week ? 'week (bar starts at its first day)' : 'simulated day'}, stacked by outcome; ${num(unlocked)} unlocked.`,
    plot: {
      ...FRAME,
      x: { label: `Simulated ${week ? 'week starting day' : 'day'} →`, interval: unit, ticks: Math.min(12, rows.length) },
      y: { label: `↑ Intents not unlocked per ${week ? 'week' : 'day'}`, grid: true },
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
      columns: ['outcome', 'count', 'share of intents', 'per 1,000 intents'],
      rows: [UNLOCKED, ...reasons].map((r) => [r, totals[r] ?? 0, percentClaim((totals[r] ?? 0) / Math.max(1, input.intents)), num(((totals[r] ?? 0) * 1000) / Math.max(1, input.intents), 2)]),
    },
  };
}
