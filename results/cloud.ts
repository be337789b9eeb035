/**
 * The cloud capacity model's part of a run result (RunResult.cloud): per-station daily and hourly
 * rows, a summary with confidence intervals, and the OTA rollout plan. sim/cloud writes it;
 * store/, reports/ and dashboards/ read it.
 * @module
 */
import type { RolloutContext, WaveVerdict } from '../models/cloud/index.ts';
import type { Estimate } from './result.ts';

// The stations, in the order used for streams, rows and summaries: one list, named by the
// scenario's cloud section (scenarios/config.ts).
import { STATIONS, type StationName } from '../scenarios/config.ts';
export { STATIONS, type StationName };

/** Cloud load per simulated day and station (charts/cloud-load.ts draws these rows). */
export interface CloudLoadRow {
  /** Day of the run, from 0. */
  day: number;
  station: string;
  /** Requests that arrived (served, queued or rejected). */
  requests: number;
  /** Latency percentiles (wait + service) of requests that started service that day; 0 when none did. */
  p50Ms: number;
  p99Ms: number;
  /** Mean busy servers / servers. */
  utilisation: number;
  /** Rate-limited (429) plus waiting room full (503). */
  rejected: number;
}

export interface CloudHourRow extends Omit<CloudLoadRow, 'day'> {
  hour: number;
  served: number;
  meanWaitMs: number;
  /** Share of served requests that had to wait. */
  waitedShare: number;
  /** Time-weighted mean queue length and the longest queue. */
  meanQueue: number;
  maxQueue: number;
}

export interface StationSummary {
  station: StationName;
  endpoint: string;
  servers: number;
  requests: number;
  served: number;
  rateLimited: number;
  queueFull: number;
  /** Requests still waiting when the run ended (requests = served + rejected + queuedAtEnd). */
  queuedAtEnd: number;
  /** Expected busy share from the arrival rates and the mean service time (can exceed 1). */
  offeredUtilisation: number;
  utilisation: number;
  peakHourUtilisation: number;
  peakHour: number;
  meanQueue: number;
  maxQueue: number;
  /** Mean wait and share of requests that waited, with 95 % batch-means intervals (one batch per hour). */
  waitMs: Estimate;
  pWait: Estimate;
  latencyMs: { mean: number; p50: number; p95: number; p99: number; max: number };
  /** Worst daily p99, ms, and its day. */
  worstDayP99Ms: number;
  worstDay: number;
}

export interface CloudSummary {
  seed: number | string;
  horizonMs: number;
  requests: number;
  rejected: number;
  stations: StationSummary[];
  rollout: RolloutPlan | null;
}

export interface CloudResult {
  summary: CloudSummary;
  daily: CloudLoadRow[];
  hourly: CloudHourRow[];
}

export interface WavePlan {
  /** 0 is the canary. */
  wave: number;
  startMs: number;
  devices: number;
  /** Devices whose update failed (drawn per device with the release's failure rate). */
  failed: number;
  /** The verdict sent to the machine, or null when the run ended before it. */
  verdict: WaveVerdict | null;
}

export interface RolloutPlan {
  waves: WavePlan[];
  /** The machine's state at the end of the run. */
  state: 'idle' | 'canary' | 'waves' | 'halted' | 'complete' | 'cancelled';
  haltReason: RolloutContext['haltReason'];
  haltedAtMs: number | null;
}
