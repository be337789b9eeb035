/**
 * A counted resource with FIFO queueing (SimPy's Resource): `capacity` servers; a process yields
 * `resource.request()` to obtain one and calls `resource.release()` when done. Requests are
 * granted strictly in arrival order. For low-volume models (cloud queues, tests): the bulk fleet
 * uses plain calendar events.
 * @module
 */

import type { Environment } from './environment.ts';
import { Signal } from './process.ts';
import { Level } from './stats.ts';

export class Resource {
  readonly capacity: number;
  private readonly env: Environment;
  private busy = 0;
  private queue: Signal<void>[] = [];
  private head = 0;
  /** Time-weighted number of busy servers. */
  readonly busyLevel: Level;
  /** Time-weighted number of waiting requests. */
  readonly queueLevel: Level;

  constructor(env: Environment, capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) {
      throw new RangeError(`Resource(capacity): expected an integer ≥ 1, got ${capacity}`);
    }
    this.env = env;
    this.capacity = capacity;
    this.busyLevel = new Level(env, 0);
    this.queueLevel = new Level(env, 0);
  }

  /** Servers in use. */
  get inUse(): number {
    return this.busy;
  }

  /** Requests waiting. */
  get queueLength(): number {
    return this.queue.length - this.head;
  }

  /** A signal that triggers when a server is granted to the caller (immediately if one is free). */
  request(): Signal<void> {
    const s = new Signal<void>(this.env);
    if (this.busy < this.capacity) {
      this.busy++;
      this.busyLevel.set(this.busy);
      s.succeed();
    } else {
      this.queue.push(s);
      this.queueLevel.set(this.queueLength);
    }
    return s;
  }

  /** Frees a server; the longest-waiting request, if any, gets it at the current time. */
  release(): void {
    if (this.busy === 0) throw new Error('Resource.release(): no server is in use');
    if (this.head < this.queue.length) {
      const next = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as Signal<void>;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.queueLevel.set(this.queueLength);
      next.succeed(); // the server passes straight to the waiter: busy stays the same
    } else {
      this.busy--;
      this.busyLevel.set(this.busy);
    }
  }
}
