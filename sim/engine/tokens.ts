/**
 * Cheap cancellation for bulk events: a generation counter per target.
 *
 * The calendar has no delete (a heap delete needs a position index that would slow every move).
 * Instead, when scheduling a cancellable event for target `i`, pass `tokens.arm(i)` as its `data`;
 * to cancel or supersede it, call `tokens.cancel(i)` (or `arm(i)` again); in the handler, ignore
 * the event unless `tokens.isCurrent(i, data)`. A stale event then costs one pop and one compare,
 * and memory stays at 4 bytes per target.
 *
 *   const timer = new Tokens(devices);
 *   env.scheduleIn(5_000, TIMEOUT, dev, timer.arm(dev));   // (re)arm: older timers go stale
 *   timer.cancel(dev);                                      // disarm
 *   // in the handler:  case TIMEOUT: if (!timer.isCurrent(target, data)) return; ...
 *
 * Only one live event per (Tokens, target): use one Tokens per kind of timer.
 * @module
 */

export class Tokens {
  private gen: Int32Array;

  /** @param size Number of targets (indices 0 .. size-1); grows on demand. */
  constructor(size = 0) {
    this.gen = new Int32Array(Math.max(1, size));
  }

  /** Invalidates any outstanding token of `target` and returns a new one to put in `data`. */
  arm(target: number): number {
    if (target >= this.gen.length) this.grow(target);
    // Wraps after 2^32 re-arms of one target; a stale event would have to survive that long.
    const g = (this.gen[target]! + 1) | 0;
    this.gen[target] = g;
    return g;
  }

  /** Invalidates any outstanding token of `target`. */
  cancel(target: number): void {
    this.arm(target);
  }

  /** Whether `token` is the latest one armed for `target` (and not cancelled since). */
  isCurrent(target: number, token: number): boolean {
    return this.gen[target] === token;
  }

  private grow(target: number): void {
    let n = this.gen.length;
    while (n <= target) n *= 2;
    const g = new Int32Array(n);
    g.set(this.gen);
    this.gen = g;
  }
}
