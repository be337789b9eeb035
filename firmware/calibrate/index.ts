/**
 * The calibration pipeline: the bench firmware's KTBENCH log and power-analyser exports (PPK2,
 * Joulescope CSV) → a profile whose measured figures cite their files. Pure: text in, JSON out.
 * @module
 */
export { calibrate, type Calibration, type CalibrateInput, type TextFile } from './calibrate.ts';
export {
  parseBenchLog,
  cyclesToMs,
  BENCH_FORMAT_VERSION,
  REQUIRED_HEADER,
  type BenchLog,
  type BenchRow,
} from './bench-log.ts';
export { parsePowerCsv, type PowerTrace } from './power-csv.ts';
export { segmentByMarkers, segmentByThresholds, type Segment } from './segment.ts';
export {
  fitBench,
  geometricQuantile,
  BENCH_OPS,
  type LineFit,
  type SignModel,
} from './bench-fit.ts';
export { fitPower, STATE_KEYS, type PowerFit } from './power-fit.ts';
export { applyFits, measuredRef, type Change } from './apply.ts';
export { CalibrationInputError } from './errors.ts';
export { orderStats } from './stats.ts';
export type { Fitted } from './fitted.ts';
