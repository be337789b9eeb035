/**
 * The pending-event set: a binary min-heap on typed arrays (structure of arrays, no object per
 * event), keyed by (time, priority, sequence).
 *
 * Why this layout: research/perf.md §2 measured objects-per-event heaps 5–10× slower at 1e5–1e6
 * pending events (boxed doubles, GC promotion). Here an entry is two float64 keys, interleaved so a
 * comparison touches one cache line, plus three int32 payload words, also interleaved:
 *
 *   keys[2i]   = time in ms (float64)
 *   keys[2i+1] = tie = (priority + PRIORITY_BIAS) · 2^42 + seq, an exact integer < 2^53, so
 *                (priority, seq) compares as one double
 *   pay[3i]    = kind, pay[3i+1] = target (uint32 stored as int32), pay[3i+2] = data
 *
 * That is 28 bytes per pending event, plus up to 2× capacity slack from growth.
 *
 * Tie rule: equal times run by ascending priority, then by ascending sequence (the order
 * `push` was called), so equal-time events run FIFO within a priority and a run is reproducible.
 * @module
 */

/** Priorities are integers in [MIN_PRIORITY, MAX_PRIORITY]; lower runs first at equal time. */
export const MIN_PRIORITY = -1024;
export const MAX_PRIORITY = 1023;
const PRIORITY_BIAS = 1024;
/** 2^42: room for 4.4e12 sequence numbers per calendar while priority · 2^42 stays below 2^53. */
const SEQ_SPAN = 4398046511104;
const INITIAL_CAPACITY = 1024;

export class EventCalendar {
  /** Interleaved (time, tie) per entry. */
  private keys: Float64Array;
  /** Interleaved (kind, target, data) per entry. */
  private pay: Int32Array;
  private cap: number;
  /** Number of pending entries. */
  size = 0;
  /** Next sequence number: strictly increasing over the calendar's life. */
  private seq = 0;

  // The entry removed by the last pop(), read by the caller without allocating.
  poppedTime = 0;
  poppedKind = 0;
  poppedTarget = 0;
  poppedData = 0;
  /** (priority, seq) key of the last popped entry; decoded by poppedSeq / poppedPriority. */
  poppedTie = 0;

  constructor(initialCapacity = INITIAL_CAPACITY) {
    this.cap = Math.max(16, initialCapacity | 0);
    this.keys = new Float64Array(2 * this.cap);
    this.pay = new Int32Array(3 * this.cap);
  }

  /** Allocated entries (capacity), for memory accounting. */
  get capacity(): number {
    return this.cap;
  }

  /** Bytes held by the typed arrays. */
  get byteLength(): number {
    return this.keys.byteLength + this.pay.byteLength;
  }

  /** Sequence number the next push will get. */
  get nextSeq(): number {
    return this.seq;
  }

  /** Sequence number of the last popped entry. */
  get poppedSeq(): number {
    return this.poppedTie % SEQ_SPAN;
  }

  /** Priority of the last popped entry. */
  get poppedPriority(): number {
    return Math.floor(this.poppedTie / SEQ_SPAN) - PRIORITY_BIAS;
  }

  /** Time of the earliest entry, or Infinity when empty. */
  peekTime(): number {
    return this.size > 0 ? this.keys[0]! : Infinity;
  }

  /**
   * Inserts an entry. The caller validates arguments (Environment.schedule does).
   * @returns the entry's sequence number.
   */
  push(time: number, priority: number, kind: number, target: number, data: number): number {
    const seq = this.seq++;
    if (seq >= SEQ_SPAN) throw new RangeError('EventCalendar: sequence space (2^42 events) exhausted');
    const tie = (priority + PRIORITY_BIAS) * SEQ_SPAN + seq;
    if (this.size === this.cap) this.grow();
    const keys = this.keys;
    const pay = this.pay;
    // Sift up with a hole: move parents down until the new entry fits.
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = keys[2 * p]!;
      if (pt < time || (pt === time && keys[2 * p + 1]! < tie)) break;
      keys[2 * i] = pt;
      keys[2 * i + 1] = keys[2 * p + 1]!;
      pay[3 * i] = pay[3 * p]!;
      pay[3 * i + 1] = pay[3 * p + 1]!;
      pay[3 * i + 2] = pay[3 * p + 2]!;
      i = p;
    }
    keys[2 * i] = time;
    keys[2 * i + 1] = tie;
    pay[3 * i] = kind;
    pay[3 * i + 1] = target;
    pay[3 * i + 2] = data;
    return seq;
  }

  /**
   * Removes the earliest entry and exposes it in the `popped*` fields.
   * @returns false when the calendar is empty.
   */
  pop(): boolean {
    if (this.size === 0) return false;
    const keys = this.keys;
    const pay = this.pay;
    this.poppedTime = keys[0]!;
    const tie0 = keys[1]!;
    this.poppedKind = pay[0]!;
    this.poppedTarget = pay[1]! >>> 0;
    this.poppedData = pay[2]!;
    this.poppedTie = tie0;
    const n = --this.size;
    if (n === 0) return true;
    // Bottom-up deletion (Wegener 1993): walk the hole from the root to a leaf along the smaller
    // child (one comparison per level instead of two), then sift the former last entry up from
    // there. The last entry is almost always one of the latest, so it rarely climbs: this saves
    // about half the comparisons and mispredicted branches of the textbook sift-down.
    let i = 0;
    let c = 1;
    while (c < n) {
      const r = c + 1;
      if (r < n) {
        const ct = keys[2 * c]!;
        const rt = keys[2 * r]!;
        if (rt < ct || (rt === ct && keys[2 * r + 1]! < keys[2 * c + 1]!)) c = r;
      }
      keys[2 * i] = keys[2 * c]!;
      keys[2 * i + 1] = keys[2 * c + 1]!;
      pay[3 * i] = pay[3 * c]!;
      pay[3 * i + 1] = pay[3 * c + 1]!;
      pay[3 * i + 2] = pay[3 * c + 2]!;
      i = c;
      c = 2 * i + 1;
    }
    const time = keys[2 * n]!;
    const tie = keys[2 * n + 1]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = keys[2 * p]!;
      if (pt < time || (pt === time && keys[2 * p + 1]! < tie)) break;
      keys[2 * i] = pt;
      keys[2 * i + 1] = keys[2 * p + 1]!;
      pay[3 * i] = pay[3 * p]!;
      pay[3 * i + 1] = pay[3 * p + 1]!;
      pay[3 * i + 2] = pay[3 * p + 2]!;
      i = p;
    }
    keys[2 * i] = time;
    keys[2 * i + 1] = tie;
    pay[3 * i] = pay[3 * n]!;
    pay[3 * i + 1] = pay[3 * n + 1]!;
    pay[3 * i + 2] = pay[3 * n + 2]!;
    return true;
  }

  /** Drops every pending entry (the sequence counter keeps increasing). */
  clear(): void {
    this.size = 0;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const keys = new Float64Array(2 * cap);
    keys.set(this.keys);
    const pay = new Int32Array(3 * cap);
    pay.set(this.pay);
    this.keys = keys;
    this.pay = pay;
    this.cap = cap;
  }
}
