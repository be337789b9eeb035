/**
 * The simulation environment: one clock (`now`, in milliseconds) and one event calendar.
 *
 * Events are plain numbers, not objects: `(atMs, kind, target, data, priority)`, stored in the
 * typed-array 4-ary heap of calendar.ts. `run(untilMs, handler)` pops them in (time, priority, sequence)
 * order and calls `handler(kind, target, data)` with `env.now` set to the event's time. The
 * consumer gives `kind` its meaning (e.g. an index into a compiled statechart's event table),
 * `target` is usually an entity index (a device) and `data` a small payload or a cancellation
 * token (see tokens.ts for the idiom).
 *
 * Equal-time events run by ascending priority, then in the order they were scheduled (FIFO), so
 * a run is reproducible.
 * @module
 */

import { EventCalendar, MAX_PRIORITY, MIN_PRIORITY } from './calendar.ts';

/** Largest event kind (kinds are stored as 16-bit integers). */
export const MAX_KIND = 0xffff;

/** Called for each event, with `env.now` already set to its time. */
export type EventHandler = (kind: number, target: number, data: number) => void;

export interface EnvironmentOptions {
  /** Start time in ms. Defaults to 0. */
  startMs?: number;
  /** Initial calendar capacity in events (it grows by doubling). Defaults to 1024. */
  initialCapacity?: number;
  /**
   * Pending-event set: `'heap'`, the only one (the 4-ary heap of calendar.ts). The calendar queue
   * (`'calendar'`) was removed: it collapsed on skewed increments (docs/DECISIONS.md).
   */
  queue?: 'heap';
}

export class Environment {
  /**
   * The clock, in a Float64Array rather than a number field: V8 kept `now` as a tagged field, so
   * every event allocated a HeapNumber for it (with the calendar's popped time and tie, the bench
   * loop ran a scavenge every ~33 k events; now it runs almost none). `now` is a getter over it.
   */
  private readonly clock = new Float64Array(1);
  /** Events dispatched since creation (including process wake-ups). */
  processed = 0;
  private readonly calendar: EventCalendar;
  private stopRequested = false;
  private running = false;

  constructor(options: EnvironmentOptions = {}) {
    const start = options.startMs ?? 0;
    if (!Number.isFinite(start)) throw new RangeError(`createEnvironment: startMs must be a finite number, got ${start}`);
    this.clock[0] = start;
    const queue = options.queue ?? 'heap';
    if (queue !== 'heap') {
      const why = String(queue) === 'calendar' ? ' (the calendar queue was removed, see docs/DECISIONS.md)' : '';
      throw new RangeError(`createEnvironment: queue must be 'heap', got ${String(queue)}${why}`);
    }
    this.calendar = new EventCalendar(options.initialCapacity);
  }

  /** Current simulated time in ms. */
  get now(): number {
    return this.clock[0]!;
  }

  /** Number of events in the calendar. */
  get pending(): number {
    return this.calendar.size;
  }

  /** Bytes held by the calendar's typed arrays (capacity, not just pending events). */
  get calendarBytes(): number {
    return this.calendar.byteLength;
  }

  /** Time of the next event, or Infinity when none is pending. */
  peekTime(): number {
    return this.calendar.peekTime();
  }

  /**
   * Schedules an event at absolute time `atMs`.
   * @param atMs Absolute time in ms, finite and ≥ `now` (scheduling in the past throws).
   * @param kind Integer in [0, 0xFFFF]; its meaning is the consumer's.
   * @param target uint32, e.g. a device index.
   * @param data int32 payload, e.g. a cancellation token. Defaults to 0.
   * @param priority Integer in [-1024, 1023]; lower runs first at equal time. Defaults to 0.
   * @returns the event's sequence number (strictly increasing).
   */
  schedule(atMs: number, kind: number, target: number, data = 0, priority = 0): number {
    // One combined check keeps this method small enough for V8 to inline it, with the calendar's
    // push and pop, into run()'s loop; the error message is built off the hot path.
    if (
      !(atMs >= this.now && atMs < Infinity) ||
      (kind & 0xffff) !== kind ||
      target >>> 0 !== target ||
      (data | 0) !== data ||
      (priority | 0) !== priority ||
      priority < MIN_PRIORITY ||
      priority > MAX_PRIORITY
    ) {
      this.badSchedule(atMs, kind, target, data, priority);
    }
    return this.calendar.push(atMs, priority, kind, target, data);
  }

  /** Schedules an event `delayMs` (finite, ≥ 0) after `now`. Same arguments as {@link schedule}. */
  scheduleIn(delayMs: number, kind: number, target: number, data = 0, priority = 0): number {
    if (!(delayMs >= 0)) this.badArg('delayMs', delayMs, 'a finite number ≥ 0');
    return this.schedule(this.now + delayMs, kind, target, data, priority);
  }

  /**
   * Dispatches events in order while the next one is at or before `untilMs`, then sets `now` to
   * `untilMs` (unless stopped, or `untilMs` is Infinity, in which case `now` stays at the last
   * event's time). Handlers may schedule more events and call `stop()`.
   * @param untilMs Horizon in ms (inclusive), ≥ now. Defaults to Infinity (until no events are left).
   * @param handler Receives every event. Required if any is due.
   * @returns the number of events dispatched by this call.
   */
  run(untilMs = Infinity, handler?: EventHandler): number {
    if (this.running) throw new Error('env.run(): already running (run is not re-entrant; schedule instead)');
    if (!(untilMs >= this.now)) this.badArg('untilMs', untilMs, `a time ≥ now (${this.now})`);
    const cal = this.calendar;
    const start = this.processed;
    this.running = true;
    this.stopRequested = false;
    try {
      while (cal.popUntil(untilMs)) {
        this.clock[0] = cal.poppedTime;
        this.processed++;
        if (handler !== undefined) handler(cal.poppedKind, cal.poppedTarget, cal.poppedData);
        else this.dispatch(cal.poppedKind, cal.poppedTarget, cal.poppedData, handler);
        if (this.stopRequested) break;
      }
    } finally {
      this.running = false;
    }
    if (!this.stopRequested && untilMs !== Infinity) this.clock[0] = untilMs;
    return this.processed - start;
  }

  /**
   * Dispatches exactly the next event, if any.
   * @returns false when no event was pending.
   */
  step(handler?: EventHandler): boolean {
    if (this.running) throw new Error('env.step(): called while running');
    const cal = this.calendar;
    if (!cal.pop()) return false;
    this.clock[0] = cal.poppedTime;
    this.processed++;
    this.running = true;
    try {
      this.dispatch(cal.poppedKind, cal.poppedTarget, cal.poppedData, handler);
    } finally {
      this.running = false;
    }
    return true;
  }

  /** Makes the current `run()` return after the event being handled. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Whether the last `run()` ended because of `stop()`. */
  get stopped(): boolean {
    return this.stopRequested;
  }

  private dispatch(kind: number, target: number, data: number, handler: EventHandler | undefined): void {
    if (handler !== undefined) handler(kind, target, data);
    else throw new Error(`env: event of kind ${kind} at ${this.now} ms but no handler was given to run()/step()`);
  }

  private badSchedule(atMs: number, kind: number, target: number, data: number, priority: number): never {
    if (!(atMs >= this.now && atMs < Infinity)) this.badTime(atMs);
    if ((kind & 0xffff) !== kind) this.badArg('kind', kind, `an integer in [0, ${MAX_KIND}]`);
    if (target >>> 0 !== target) this.badArg('target', target, 'a uint32');
    if ((data | 0) !== data) this.badArg('data', data, 'an int32');
    this.badArg('priority', priority, `an integer in [${MIN_PRIORITY}, ${MAX_PRIORITY}]`);
  }

  private badTime(atMs: number): never {
    if (typeof atMs === 'number' && atMs < this.now) {
      throw new RangeError(`env.schedule(atMs): ${atMs} ms is in the past (now = ${this.now} ms)`);
    }
    throw new RangeError(`env.schedule(atMs): expected a finite time in ms, got ${String(atMs)}`);
  }

  private badArg(name: string, got: unknown, expected: string): never {
    throw new RangeError(`env: ${name} must be ${expected}, got ${String(got)}`);
  }
}

/** Creates an environment whose clock starts at `options.startMs` (default 0 ms). */
export function createEnvironment(options: EnvironmentOptions = {}): Environment {
  return new Environment(options);
}
