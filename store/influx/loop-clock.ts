/**
 * Time as the event loop lived it. A sink shares its process with synchronous work — the embedded
 * store's PGlite save runs wasm for seconds without yielding — and a timer that fires after such a
 * stall would abort a request whose answer is already waiting in the socket, then declare the
 * server down (issue 15, item 4). This clock advances in ticks of TICK_MS and counts a late tick
 * as at most 2·TICK_MS, so a stall of the caller's own process is never charged to the server:
 * request timeouts and the retry budget run on it, and an answer that arrived during a stall is
 * read (the poll phase runs right after the first late tick) before any timeout can fire.
 * @module
 */

const TICK_MS = 50;

let counted = 0;
let last = 0;
let timer: NodeJS.Timeout | null = null;
const waiters = new Set<{ at: number; fire: () => void }>();

function tick(): void {
  const now = performance.now();
  counted += Math.min(now - last, 2 * TICK_MS);
  last = now;
  for (const w of waiters) {
    if (counted >= w.at) {
      waiters.delete(w);
      w.fire();
    }
  }
  if (waiters.size === 0 && timer) {
    clearInterval(timer);
    timer = null;
  }
}

function ensureTicking(): void {
  if (timer) return;
  last = performance.now();
  timer = setInterval(tick, TICK_MS);
  // Waiting on this clock must not keep the process alive by itself.
  timer.unref();
}

/** Milliseconds of responsive event-loop time so far (monotonic; stalls count as ≤ 2 ticks). */
export function loopNow(): number {
  if (timer) {
    const now = performance.now();
    return counted + Math.min(now - last, 2 * TICK_MS);
  }
  return counted;
}

/** An AbortSignal that aborts after `ms` of responsive event-loop time (a TimeoutError, like AbortSignal.timeout). */
export function loopTimeout(ms: number): { signal: AbortSignal; cancel(): void } {
  const ctl = new AbortController();
  ensureTicking();
  const w = { at: loopNow() + ms, fire: () => ctl.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')) };
  waiters.add(w);
  return { signal: ctl.signal, cancel: () => void waiters.delete(w) };
}
