/**
 * Diurnal curves: how a day's unlocks spread over its 24 hours (simulated local time = UTC of the
 * scenario's start). A scenario names a preset or gives 24 relative weights; either way the
 * simulator gets 24 weights summing to 1.
 * @module
 */

// prettier-ignore
export const DIURNAL_PRESETS: Readonly<Record<string, readonly number[]>> = {
  // Office worker: leave home ~8, lunch, back ~18, evening out; little at night.
  office:   [0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 1.0, 3.0, 6.0, 4.0, 2.0, 2.0, 4.0, 3.0, 2.0, 2.0, 3.0, 5.0, 6.0, 4.0, 3.0, 2.0, 1.0, 0.5],
  // At home most of the day: spread over waking hours.
  home:     [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 3.0, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.0, 2.5, 2.0, 1.0, 0.5],
  // Night shift: the office curve shifted by 12 hours.
  night:    [3.0, 2.0, 2.0, 4.0, 3.0, 2.0, 3.0, 5.0, 6.0, 4.0, 3.0, 2.0, 1.0, 0.5, 0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 1.0, 3.0, 6.0, 4.0],
  flat:     new Array<number>(24).fill(1),
};

/** Normalises 24 non-negative weights to sum to 1. */
export function normaliseWeights(weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  return weights.map((w) => w / sum);
}
