/**
 * Names for a stacked bar chart without an HTML legend (Plot's would wrap the SVG): each series
 * named right of the last bar, at the middle of its segment in one bar's stack, dodged 11 px
 * apart. Used by the energy-by-state and failures charts.
 * @module
 */
import { FRAME } from './chart-spec.ts';
import { dodge } from './dodge.ts';

/** Inner plot height in px (FRAME less default top margin 20 and the bottom margin). */
const INNER_PX = FRAME.height - 20 - FRAME.marginBottom;

/**
 * State names right of the last day, at the middles of one day's stack, dodged 11 px apart: the
 * last day's, if it shows as many states as any day; else the tallest of the days that do (in a
 * year whose keychains all brown out, the last day holds no energy and would name no state).
 */
export function stackLabels(rows: readonly { day: number; end: number; state: string; mj: number }[], order: readonly string[]): { state: string; x: number; y: number }[] {
  if (rows.length === 0) return [];
  const lastEnd = Math.max(...rows.map((r) => r.end));
  const totals = new Map<number, number>();
  const present = new Map<number, number>();
  for (const r of rows) {
    totals.set(r.day, (totals.get(r.day) ?? 0) + r.mj);
    if (r.mj > 0) present.set(r.day, (present.get(r.day) ?? 0) + 1);
  }
  const top = Math.max(...totals.values());
  const most = Math.max(0, ...present.values());
  const lastDay = Math.max(...rows.map((r) => r.day));
  let day = lastDay;
  if ((present.get(lastDay) ?? 0) < most) {
    for (const [d, n] of present) if (n === most && (day === lastDay || totals.get(d)! > totals.get(day)!)) day = d;
  }
  let base = 0;
  const mids: { state: string; x: number; y: number }[] = [];
  for (const st of order) {
    const r = rows.find((q) => q.day === day && q.state === st);
    if (!r || !(r.mj > 0)) continue;
    mids.push({ state: st, x: lastEnd, y: base + r.mj / 2 });
    base += r.mj;
  }
  const ys = dodge(mids.map((m) => m.y), (top * 11) / INNER_PX, 0);
  return mids.map((m, i) => ({ ...m, y: ys[i]! }));
}
