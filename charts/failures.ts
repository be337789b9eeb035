/**
 * How the owner's unlock intents ended, over time: the intents that were not unlocked, stacked
 * per day by outcome (phone not in range, busy, a named failure, ...); for long runs a bar per
 * week, so bars stay readable, whose height is that week's mean per day and whose width the days
 * it holds, so a run's last, shorter week is neither a drop nor stretched. Outcomes are named as
 * in stack-labels.ts (a year's last week may hold only 'batteryDead': the other names piled up
 * at its foot when they were put beside the last bar). The title
 * counts every intent, so it never says "no failures" while intents went unserved.
 * @module
 */
import * as Plot from '@observablehq/plot';
import type { DailyRow } from '../results/index.ts';
import { FRAME, type ChartSpec } from './chart-spec.ts';
import { num, percentClaim } from './format.ts';
import { stackLabels } from './stack-labels.ts';

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
  // Bars from day t (1-based) to `end`, their heights the mean per day over the days they hold.
  const buckets = new Map<string, { t: number; end: number; reason: string; n: number; days: number }>();
  for (const d of input.daily) {
    const t = Math.floor(d.day / unit) * unit + 1;
    for (const r of reasons) {
      const key = `${t}|${r}`;
      const b = buckets.get(key) ?? { t, end: t, reason: r, n: 0, days: 0 };
      b.n += d.outcomes[r] ?? 0;
      b.days++;
      b.end = t + b.days;
      buckets.set(key, b);
    }
  }
  const rows = [...buckets.values()].map((b) => ({ ...b, perDay: b.n / b.days }));
  const labels = stackLabels(rows.map((r) => ({ day: r.t, end: r.end, state: r.reason, mj: r.perDay })), reasons);
  const top = reasons[0]!;
  return {
    id,
    title: `Outcomes of ${num(input.intents)} unlock intents: ${num(total)} not unlocked (${percentClaim(total / Math.max(1, input.intents))}); most '${top}' (${percentClaim((totals[top] ?? 0) / total, 0)})`,
    subtitle: week
      ? `Intents not unlocked per day, each week's mean (a bar spans its days), stacked by outcome; ${num(unlocked)} unlocked.`
      : `Intents not unlocked per simulated day, stacked by outcome; ${num(unlocked)} unlocked.`,
    plot: {
      ...FRAME,
      // Room right of the bars for the longest outcome name (≈ 6.6 px a character at 10 px).
      marginRight: Math.max(FRAME.marginRight, Math.ceil(10 + 6.6 * Math.max(...labels.map((l) => l.state.length)))),
      x: { label: `Simulated ${week ? 'week starting day' : 'day'} →`, interval: unit, ticks: Math.min(12, rows.length) },
      y: { label: `↑ Intents not unlocked per day${week ? ' (weekly mean)' : ''}`, grid: true },
      color: { domain: reasons, scheme: 'tableau10' },
      marks: [
        Plot.rectY(rows, { x1: 't', x2: 'end', y: 'perDay', fill: 'reason', order: reasons, inset: 0.5 }),
        Plot.text(labels, { x: 'x', y: 'y', text: 'state', textAnchor: 'start', dx: 4, fill: 'state' }),
        Plot.ruleY([0]),
      ],
    },
    table: {
      columns: ['outcome', 'count', 'share of intents', 'per 1,000 intents'],
      rows: [UNLOCKED, ...reasons].map((r) => [r, totals[r] ?? 0, percentClaim((totals[r] ?? 0) / Math.max(1, input.intents)), num(((totals[r] ?? 0) * 1000) / Math.max(1, input.intents), 2)]),
    },
  };
}
