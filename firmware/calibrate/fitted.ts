/**
 * A figure fitted from a measurement, before it is written into a profile: the value in the
 * canonical unit of its profile path, where it came from (file and line) and how well the model
 * fits (residuals), which become the figure's ref and note.
 * @module
 */

export interface Fitted {
  /** Profile path, e.g. "pqc.mlkem768.keygen". */
  readonly path: string;
  /** Value in the canonical unit of the path's dimension (ms, mA, B/ms, B, ...). */
  readonly value: number;
  /** [min, max] measured, canonical unit, where the figure is a timing with a spread. */
  readonly range?: readonly [number, number];
  readonly file: string;
  /** Line(s) of `file` the figure was fitted from: "12" or "2-200001". */
  readonly lines: string;
  /** What was fitted, in words: "median of 50 runs of mlkem768.keygen (1320311 cycles at 240 MHz)". */
  readonly what: string;
  /** The fit's residuals, in words. */
  readonly residuals: string;
  /** Largest absolute relative residual (0.012 = 1.2 %), for the report's table; null if none. */
  readonly worst: number | null;
}

/** Relative difference as a signed percentage with one decimal: "+1.2 %". */
export function pct(x: number): string {
  const v = Math.round(x * 1000) / 10;
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)} %`;
}

/** Rounds to `digits` significant digits (figures are measured to 3-4 digits at best). */
export function sig(x: number, digits = 4): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(digits));
}
