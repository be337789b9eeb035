/**
 * Simulated time of a partition: the time of the event being handled (or of the day boundary being
 * sampled), the count of events handled, and the day and activity bin that time falls in.
 * @module
 */
import { ACTIVITY_BIN_MS } from './partition-result.ts';
import { DAY_MS } from '../../units/index.ts';

export class Clock {
  /** Simulated time of the event being handled (or of the day boundary being sampled), ms. */
  now = 0;
  /** Events handled (every agenda event that popped; day-boundary sampling is not an event). */
  events = 0;
  private readonly lastDay: number;
  private readonly lastBin: number;

  constructor(days: number, bins: number) {
    this.lastDay = days - 1;
    this.lastBin = bins - 1;
  }

  /** Day index of now (the last day for the end time itself). */
  day(): number {
    return Math.min(this.lastDay, Math.floor(this.now / DAY_MS));
  }

  /**
   * Day index of the instant `ms` (clamped like day()). Integrals over a span are booked by the
   * span's start: a span ending exactly on a boundary belongs to the day it ran in, not the next.
   */
  dayOf(ms: number): number {
    return Math.min(this.lastDay, Math.floor(ms / DAY_MS));
  }

  /** Activity-bin index of now. */
  bin(): number {
    return Math.min(this.lastBin, Math.floor(this.now / ACTIVITY_BIN_MS));
  }
}
