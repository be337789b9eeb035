/**
 * SimPy-style generator processes for low-volume models (cloud queues, tests), built on the same
 * calendar as the bulk events: a process wake-up is an event of the reserved kind PROCESS_KIND
 * whose target is the process id and whose data is a wake token. A process waits by yielding:
 *
 *   - `timeout(ms)`: resume after `ms` of simulated time;
 *   - a `Signal`: resume when it is triggered (`signal.succeed(value)`), receiving its value;
 *     `resource.request()` returns one;
 *   - another `Process`: resume when it returns, receiving its return value.
 *
 * Every resumption goes through the calendar (a triggered signal wakes its waiters at `now`, after
 * events already scheduled for `now`), so processes interleave deterministically with everything
 * else. Stale wake-ups (after `kill()`) are recognised by their token and ignored: the same
 * cancellation idiom tokens.ts offers bulk consumers.
 * @module
 */

import type { Environment } from './environment.ts';

/** The calendar kind reserved for process wake-ups. */
export const PROCESS_KIND = 0xffff;

/** Yield `timeout(ms)` from a process to sleep for `ms` of simulated time. */
export class Timeout {
  readonly delayMs: number;
  constructor(delayMs: number) {
    if (!(delayMs >= 0 && delayMs < Infinity)) {
      throw new RangeError(`timeout(delayMs): expected a finite number ≥ 0, got ${String(delayMs)}`);
    }
    this.delayMs = delayMs;
  }
}

/** A timeout of `delayMs` simulated milliseconds, to be yielded by a process. */
export function timeout(delayMs: number): Timeout {
  return new Timeout(delayMs);
}

/** A one-shot event that processes can wait on. */
export class Signal<T = void> {
  private readonly env: Environment;
  private waiters: Process<unknown>[] = [];
  private fired = false;
  private result: T | undefined;

  constructor(env: Environment) {
    this.env = env;
  }

  get triggered(): boolean {
    return this.fired;
  }

  /** The value given to `succeed`, once triggered. */
  get value(): T | undefined {
    return this.result;
  }

  /** Triggers the signal; waiting processes resume at `now`, in the order they started waiting. */
  succeed(value?: T): void {
    if (this.fired) throw new Error('Signal.succeed(): already triggered');
    this.fired = true;
    this.result = value;
    const waiters = this.waiters;
    this.waiters = [];
    for (const p of waiters) p.wakeWith(this.env.now, value);
  }

  /** @internal */
  addWaiter(p: Process<unknown>): void {
    if (this.fired) p.wakeWith(this.env.now, this.result);
    else this.waiters.push(p);
  }
}

/** What a process may yield. */
export type Yieldable = Timeout | Signal<unknown> | Process<unknown>;
/** A process body: a generator, or a function returning one. */
export type ProcessBody<T> = Generator<Yieldable, T, unknown> | (() => Generator<Yieldable, T, unknown>);

/** A running (or finished) generator process. */
export class Process<T = unknown> {
  readonly pid: number;
  /** Triggered with the generator's return value when it finishes. */
  readonly done: Signal<T>;
  private readonly env: Environment;
  private readonly scheduler: ProcessScheduler;
  private gen: Generator<Yieldable, T, unknown> | null;
  private token = -1;
  private resumeValue: unknown = undefined;

  /** @internal Use `env.process(body)`. */
  constructor(env: Environment, scheduler: ProcessScheduler, pid: number, gen: Generator<Yieldable, T, unknown>) {
    this.env = env;
    this.scheduler = scheduler;
    this.pid = pid;
    this.gen = gen;
    this.done = new Signal<T>(env);
  }

  get isAlive(): boolean {
    return this.gen !== null;
  }

  /**
   * Stops the process: its pending wake-up becomes stale and its generator's `finally` blocks run.
   * `done` is not triggered. Killing a finished process does nothing.
   */
  kill(): void {
    if (this.gen === null) return;
    const gen = this.gen;
    this.gen = null;
    this.token = -1;
    this.scheduler.release(this.pid);
    gen.return(undefined as T);
  }

  /** @internal Schedules a resumption at `atMs` with `value` as the result of the pending yield. */
  wakeWith(atMs: number, value: unknown): void {
    if (this.gen === null) return;
    this.resumeValue = value;
    this.token = this.scheduler.nextToken();
    this.env.scheduleWake(atMs, this.pid, this.token);
  }

  /** @internal Called by the scheduler when a wake-up event for this process is dispatched. */
  resume(token: number): void {
    const gen = this.gen;
    if (gen === null || token !== this.token) return; // stale wake-up
    const value = this.resumeValue;
    this.resumeValue = undefined;
    const r = gen.next(value);
    if (r.done === true) {
      this.gen = null;
      this.token = -1;
      this.scheduler.release(this.pid);
      this.done.succeed(r.value);
      return;
    }
    const y = r.value;
    if (y instanceof Timeout) this.wakeWith(this.env.now + y.delayMs, undefined);
    else if (y instanceof Signal) y.addWaiter(this as Process<unknown>);
    else if (y instanceof Process) y.done.addWaiter(this as Process<unknown>);
    else {
      this.kill();
      throw new TypeError(
        `process ${this.pid}: yielded ${Object.prototype.toString.call(y)}; expected timeout(ms), a Signal or a Process`,
      );
    }
  }
}

/**
 * @internal The per-environment process table; the `target` of a wake-up event indexes it.
 * Pids of finished or killed processes are reused, so the table stays as small as the number of
 * live processes. Tokens come from one counter for the whole table (never -1, wrapping at 2^31), so
 * a stale wake-up of a dead process never matches the token of a process that reuses its pid.
 */
export class ProcessScheduler {
  private readonly env: Environment;
  private readonly table: (Process<unknown> | null)[] = [];
  private readonly freePids: number[] = [];
  private tokenCounter = 0;

  constructor(env: Environment) {
    this.env = env;
  }

  /** Number of live processes. */
  get live(): number {
    return this.table.length - this.freePids.length;
  }

  start<T>(body: ProcessBody<T>): Process<T> {
    const gen = typeof body === 'function' ? body() : body;
    if (gen === null || typeof gen !== 'object' || typeof gen.next !== 'function') {
      throw new TypeError('env.process(body): expected a generator or a generator function');
    }
    const pid = this.freePids.length > 0 ? this.freePids.pop()! : this.table.length;
    const p = new Process<T>(this.env, this, pid, gen);
    this.table[pid] = p as Process<unknown>;
    p.wakeWith(this.env.now, undefined);
    return p;
  }

  nextToken(): number {
    this.tokenCounter = (this.tokenCounter + 1) & 0x7fffffff;
    return this.tokenCounter;
  }

  release(pid: number): void {
    this.table[pid] = null;
    this.freePids.push(pid);
  }

  wake(pid: number, token: number): void {
    const p = this.table[pid];
    if (p === undefined) throw new Error(`process wake-up for unknown pid ${pid}`);
    if (p !== null) p.resume(token); // null: the process died; the wake-up is stale
  }
}
