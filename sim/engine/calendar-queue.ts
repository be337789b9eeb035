/**
 * A calendar queue (Brown, CACM 1988) on typed arrays: the alternative pending-event set behind
 * the same interface as the binary heap of calendar.ts, selected with
 * `createEnvironment({ queue: 'calendar' })`.
 *
 * Events are hashed by time into `nb` buckets ("days") of width `w` ms, each a linked list sorted
 * by (time, tie); a year is nb·w. Dequeue scans days from the current one and takes the head of
 * the first bucket whose head falls in that day. Holding about one event per bucket, insert and
 * dequeue are O(1) on average, against O(log n) dependent cache misses for a heap; perf.md §2
 * measured 9.9 M against 5.5 M hold steps/s at 10^5 pending in TS.
 *
 * Exactness: an event's virtual day is floor(time · (1/w)), computed the same way everywhere, and
 * monotone in time, so the scan returns exactly the (time, priority, seq)-minimum, whatever the
 * width; the width only affects speed. Resizing (doubling or halving nb when the size leaves
 * [nb/2, 2·nb], or when a window of operations costs too many scan or list-walk steps)
 * re-estimates w as 3 × the mean spacing of the earliest half of the events, and rehashes them.
 *
 * Weakness (as for every calendar queue): distributions whose spacing changes abruptly between the
 * head and the rest degrade towards O(n) until the next resize; the heap has no such case, so it
 * stays the default. bench/engine.bench.ts runs both.
 * @module
 */

const PRIORITY_BIAS = 1024;
const SEQ_SPAN = 4398046511104; // 2^42, as in calendar.ts
const MIN_BUCKETS = 16;
/** Re-estimate the width when a window of this many operations cost more than WORK_LIMIT steps each. */
const WORK_WINDOW = 4096;
const WORK_LIMIT = 8;

export class CalendarQueue {
  // Node pool (slot-indexed): time, tie, payload, next-in-bucket.
  private time: Float64Array;
  private tie: Float64Array;
  private pay: Int32Array;
  private next: Int32Array;
  private free: Int32Array;
  private freeTop: number;
  private cap: number;
  // Buckets: sorted lists with head and tail (appending in time order is O(1)).
  private head: Int32Array;
  private tail: Int32Array;
  /** Scan and list-walk steps, and operations, since the window started (adaptive resizing). */
  private work = 0;
  private ops = 0;
  /** Window length: at least a quarter of the size, so an O(n log n) re-estimate costs O(log n) per operation. */
  private window = WORK_WINDOW;
  private nb = MIN_BUCKETS;
  private mask = MIN_BUCKETS - 1;
  private width = 1;
  private invWidth = 1;
  /** Virtual day being scanned; every pending event's day is ≥ this. */
  private day = 0;
  private count = 0;
  private seq = 0;

  poppedTime = 0;
  poppedKind = 0;
  poppedTarget = 0;
  poppedData = 0;
  poppedTie = 0;

  constructor(initialCapacity = 1024) {
    const cap = Math.max(16, initialCapacity | 0);
    this.cap = cap;
    this.time = new Float64Array(cap);
    this.tie = new Float64Array(cap);
    this.pay = new Int32Array(3 * cap);
    this.next = new Int32Array(cap);
    this.free = new Int32Array(cap);
    for (let i = 0; i < cap; i++) this.free[i] = cap - 1 - i;
    this.freeTop = cap;
    this.head = new Int32Array(MIN_BUCKETS).fill(-1);
    this.tail = new Int32Array(MIN_BUCKETS).fill(-1);
  }

  get size(): number {
    return this.count;
  }
  get capacity(): number {
    return this.cap;
  }
  get byteLength(): number {
    return (
      this.time.byteLength + this.tie.byteLength + this.pay.byteLength + this.next.byteLength +
      this.free.byteLength + this.head.byteLength + this.tail.byteLength
    );
  }
  get nextSeq(): number {
    return this.seq;
  }
  /** Current bucket width in ms (diagnostics). */
  get bucketWidth(): number {
    return this.width;
  }
  get poppedSeq(): number {
    return this.poppedTie % SEQ_SPAN;
  }
  get poppedPriority(): number {
    return Math.floor(this.poppedTie / SEQ_SPAN) - PRIORITY_BIAS;
  }

  push(time: number, priority: number, kind: number, target: number, data: number): number {
    const seq = this.seq++;
    if (seq >= SEQ_SPAN) throw new RangeError('CalendarQueue: sequence space (2^42 events) exhausted');
    if (this.freeTop === 0) this.grow();
    const s = this.free[--this.freeTop]!;
    this.time[s] = time;
    this.tie[s] = (priority + PRIORITY_BIAS) * SEQ_SPAN + seq;
    const pay = this.pay;
    pay[3 * s] = kind;
    pay[3 * s + 1] = target;
    pay[3 * s + 2] = data;
    this.link(s);
    if (++this.count > 2 * this.nb) this.resize(this.nb * 2);
    else if (++this.ops >= this.window) this.checkWork();
    return seq;
  }

  peekTime(): number {
    const s = this.findMin();
    return s < 0 ? Infinity : this.time[s]!;
  }

  pop(): boolean {
    return this.popUntil(Infinity);
  }

  popUntil(untilTime: number): boolean {
    const s = this.findMin();
    if (s < 0 || this.time[s]! > untilTime) return false;
    // findMin leaves the minimum at the head of the current day's bucket.
    const b = this.bucketOfDay(this.day);
    const after = this.next[s]!;
    this.head[b] = after;
    if (after < 0) this.tail[b] = -1;
    const pay = this.pay;
    this.poppedTime = this.time[s]!;
    this.poppedTie = this.tie[s]!;
    this.poppedKind = pay[3 * s]!;
    this.poppedTarget = pay[3 * s + 1]! >>> 0;
    this.poppedData = pay[3 * s + 2]!;
    this.free[this.freeTop++] = s;
    if (--this.count < this.nb / 2 && this.nb > MIN_BUCKETS) this.resize(this.nb / 2);
    else if (++this.ops >= this.window) this.checkWork();
    return true;
  }

  clear(): void {
    const cap = this.cap;
    for (let i = 0; i < cap; i++) this.free[i] = cap - 1 - i;
    this.freeTop = cap;
    this.count = 0;
    this.head.fill(-1);
    this.tail.fill(-1);
  }

  /**
   * End of a work window: if operations got expensive, the width no longer fits; re-estimate it.
   * The window is at least a quarter of the size, so an O(n log n) re-estimate costs O(log n) per
   * operation. NOTE: a bad width therefore persists for up to n/4 operations; and when near-future
   * and far-future events coexist in very different densities (e.g. a burst of 10^4 events within
   * 10^-2 ms on top of 10^5 spread over 10^3 ms), no single width fits: bench/engine.bench.ts shows
   * such a case running far slower than the heap. That is why the heap is the default.
   */
  private checkWork(): void {
    const costly = this.work > WORK_LIMIT * this.ops;
    this.work = 0;
    this.ops = 0;
    this.window = Math.max(WORK_WINDOW, this.count >> 2);
    if (costly && this.count > 1) this.resize(this.nb);
  }

  private bucketOfDay(day: number): number {
    // ToInt32 wraps modulo 2^32, a multiple of nb, so this is day mod nb for any day < 2^53.
    return (day | 0) & this.mask;
  }

  /** Inserts node s into its bucket, keeping the list sorted by (time, tie). */
  private link(s: number): void {
    const t = this.time[s]!;
    const day = Math.floor(t * this.invWidth);
    if (day < this.day) this.day = day; // an event before the scan position (after run(until))
    const b = this.bucketOfDay(day);
    const times = this.time;
    const ties = this.tie;
    const next = this.next;
    const k = ties[s]!;
    const last = this.tail[b]!;
    // Common case first: the new event is the bucket's latest (equal times: it has the largest seq).
    if (last < 0 || t > times[last]! || (t === times[last]! && k > ties[last]!)) {
      next[s] = -1;
      if (last < 0) this.head[b] = s;
      else next[last] = s;
      this.tail[b] = s;
      return;
    }
    let h = this.head[b]!;
    if (t < times[h]! || (t === times[h]! && k < ties[h]!)) {
      next[s] = h;
      this.head[b] = s;
      return;
    }
    let steps = 0;
    for (;;) {
      const q = next[h]!;
      steps++;
      // q >= 0 here: s sorts before the tail, so the walk stops at the tail at the latest.
      if (t < times[q]! || (t === times[q]! && k < ties[q]!)) {
        next[s] = q;
        next[h] = s;
        this.work += steps;
        return;
      }
      h = q;
    }
  }

  /** Advances `day` to the minimum's day and returns the minimum's slot (head of its bucket), or -1. */
  private findMin(): number {
    if (this.count === 0) return -1;
    const head = this.head;
    const times = this.time;
    const inv = this.invWidth;
    let day = this.day;
    for (let k = 0; k < this.nb; k++, day++) {
      const h = head[(day | 0) & this.mask]!;
      if (h >= 0 && Math.floor(times[h]! * inv) === day) {
        this.day = day;
        this.work += k;
        return h;
      }
    }
    this.work += 2 * this.nb;
    // A whole year without an event: jump straight to the earliest bucket head.
    let best = -1;
    for (let b = 0; b < this.nb; b++) {
      const h = head[b]!;
      if (h >= 0 && (best < 0 || times[h]! < times[best]! || (times[h] === times[best] && this.tie[h]! < this.tie[best]!))) best = h;
    }
    this.day = Math.floor(times[best]! * inv);
    return best;
  }

  private resize(nb: number): void {
    // Gather every node, estimate the width from the earliest ones, and rehash.
    const nodes = new Int32Array(this.count);
    let m = 0;
    for (let b = 0; b < this.nb; b++) {
      for (let h = this.head[b]!; h >= 0; h = this.next[h]!) nodes[m++] = h;
    }
    const times = Float64Array.from(nodes, (s) => this.time[s]!).sort();
    // Width: 3 × the mean spacing of the earliest half of the pending events. The earliest half
    // is where dequeues happen; using the half (not a few head events, as Brown did) keeps a burst
    // of near-future events or a few far outliers from setting the width.
    const half = m >> 1;
    if (half >= 2) {
      const w = (3 * (times[half]! - times[0]!)) / half;
      if (w > 0 && Number.isFinite(w)) {
        this.width = w;
        this.invWidth = 1 / w;
      }
    }
    this.nb = nb;
    this.mask = nb - 1;
    this.head = new Int32Array(nb).fill(-1);
    this.tail = new Int32Array(nb).fill(-1);
    this.work = 0;
    this.ops = 0;
    this.day = times.length > 0 ? Math.floor(times[0]! * this.invWidth) : 0;
    for (let i = 0; i < m; i++) this.link(nodes[i]!);
  }

  private grow(): void {
    const old = this.cap;
    const cap = old * 2;
    const time = new Float64Array(cap);
    time.set(this.time);
    const tie = new Float64Array(cap);
    tie.set(this.tie);
    const pay = new Int32Array(3 * cap);
    pay.set(this.pay);
    const next = new Int32Array(cap);
    next.set(this.next);
    const free = new Int32Array(cap);
    for (let i = 0; i < old; i++) free[i] = cap - 1 - i;
    this.time = time;
    this.tie = tie;
    this.pay = pay;
    this.next = next;
    this.free = free;
    this.freeTop = old;
    this.cap = cap;
  }
}
