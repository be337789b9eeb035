/**
 * A run in progress, as it reports itself to the dashboard (POST /api/live): the rows and samples
 * of the days simulated so far. dashboards/live.ts validates it; charts/live.ts draws it.
 * @module
 */
import type { DailyRow } from './result.ts';

export interface LiveSnapshot {
  runId: string;
  scenario: string;
  devices: number;
  durationDays: number;
  /** Simulated days completed, 0..durationDays. */
  simDay: number;
  /** Simulation events processed so far, and the current rate (events per wall-clock second). */
  events: number;
  eventsPerSecond: number;
  /** Wall-clock milliseconds since the run started. */
  wallMs: number;
  state: 'running' | 'done' | 'failed';
  /** Why a run failed, or a note. */
  message?: string;
  /** Fleet rows of the days completed so far. */
  daily?: DailyRow[];
  /** Projected battery life (days) of the fleet or a sample of it, at most MAX_LIVE_VALUES. */
  lifeDays?: number[];
  /** Recent unlock / handshake latencies (ms), at most MAX_LIVE_VALUES each. */
  unlockLatencyMs?: number[];
  handshakeLatencyMs?: number[];
  /**
   * The fleet's work done and left, for the ETA (sim/twin/partition-forecast.ts: keychain-days, a
   * browned-out keychain's weighted): its simulated days get cheaper as keychains brown out.
   */
  workDone?: number;
  workLeft?: number;
}

export const MAX_LIVE_VALUES = 20_000;
