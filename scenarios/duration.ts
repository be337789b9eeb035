/**
 * Durations as scenarios write them (`7d`, `1y`, `12h`, `90s`, `250ms`): a number and one unit.
 * A year is 365 days and a month is not accepted (it has no fixed length), so `1y` always means
 * the same simulated time.
 * @module
 */

// prettier-ignore
export const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ms: 1, s: 1_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000,
};

const RE = /^(\d+(?:\.\d+)?)\s*(ms|s|min|h|d|w|y)$/;

/** Milliseconds of a duration string, or undefined if it is not one. */
export function parseDuration(text: string): number | undefined {
  const m = RE.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * DURATION_UNITS_MS[m[2]!]!;
}
