/**
 * The pending-event set: a binary min-heap on typed arrays (structure of arrays, no object per
 * event), keyed by (time, priority, sequence).
 *
 * Why this layout: research/perf.md §2 measured objects-per-event heaps 5–10× slower at 1e5–1e6
 * pending events (boxed doubles, GC promotion), and showed the loop is bound by cache misses, so
 * the heap itself is kept as small as possible: 12 bytes per entry, the event time and a slot.
 *
 *   heap:  time[i] (float64), slot[i] (int32)        ← what sifting reads and moves
 *   slots: tie[s] (float64) = (priority + 1024) · 2^42 + seq, an exact integer < 2^53, so
 *          (priority, seq) compares as one double; only read when two times are equal
 *          pay[3s .. 3s+2] = kind, target (uint32 stored as int32), data
 *
 * Freed slots are reused last-in first-out, so the slot a handler's push takes is the one its
 * pop just released: still in cache. Memory: 12 B (heap) + 20 B (slot) + 4 B (free list) =
 * 36 B per event of capacity; capacity grows by doubling.
 *
 * Deferred removal: `pop()` leaves the popped entry at the root, marked consumed, and the next
 * operation settles it. If it is a `push()` (the common case: a handler schedules its entity's
 * next event), the new entry replaces the root and sifts down once, which costs one descent
 * instead of a deletion plus an insertion, and stops early for near-future events. Otherwise
 * the root is deleted bottom-up (Wegener 1993) before the next peek or pop.
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
  private time: Float64Array;
  private slot: Int32Array;
  private tie: Float64Array;
  private pay: Int32Array;
  /** Stack of free slots: free[0 .. freeTop-1]. */
  private free: Int32Array;
  private freeTop: number;
  private cap: number;
  /** Physical entries in the heap, including a consumed root. */
  private n = 0;
  /** The root is the last popped entry, not yet removed (see the module header). */
  private rootConsumed = false;
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
    const cap = Math.max(16, initialCapacity | 0);
    this.cap = cap;
    this.time = new Float64Array(cap);
    this.slot = new Int32Array(cap);
    this.tie = new Float64Array(cap);
    this.pay = new Int32Array(3 * cap);
    this.free = new Int32Array(cap);
    // Slot 0 on top, so a fresh calendar fills slots in order.
    for (let i = 0; i < cap; i++) this.free[i] = cap - 1 - i;
    this.freeTop = cap;
  }

  /** Allocated entries (capacity), for memory accounting. */
  get capacity(): number {
    return this.cap;
  }

  /** Bytes held by the typed arrays. */
  get byteLength(): number {
    return this.time.byteLength + this.slot.byteLength + this.tie.byteLength + this.pay.byteLength + this.free.byteLength;
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

  /** Number of pending entries. */
  get size(): number {
    return this.rootConsumed ? this.n - 1 : this.n;
  }

  /** Time of the earliest entry, or Infinity when empty. */
  peekTime(): number {
    if (this.rootConsumed) this.removeRoot();
    return this.n > 0 ? this.time[0]! : Infinity;
  }

  /**
   * Inserts an entry. The caller validates arguments (Environment.schedule does).
   * @returns the entry's sequence number.
   */
  push(time: number, priority: number, kind: number, target: number, data: number): number {
    const seq = this.seq++;
    if (seq >= SEQ_SPAN) throw new RangeError('EventCalendar: sequence space (2^42 events) exhausted');
    if (this.freeTop === 0) this.grow();
    const s = this.free[--this.freeTop]!;
    const tie = (priority + PRIORITY_BIAS) * SEQ_SPAN + seq;
    this.tie[s] = tie;
    const pay = this.pay;
    pay[3 * s] = kind;
    pay[3 * s + 1] = target;
    pay[3 * s + 2] = data;
    if (this.rootConsumed) {
      this.rootConsumed = false;
      this.siftDownFromRoot(time, s, tie);
      return seq;
    }
    const times = this.time;
    const slots = this.slot;
    const ties = this.tie;
    // Sift up with a hole: move parents down until the new entry fits.
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      if (pt < time || (pt === time && ties[slots[p]!]! < tie)) break;
      times[i] = pt;
      slots[i] = slots[p]!;
      i = p;
    }
    times[i] = time;
    slots[i] = s;
    return seq;
  }

  /**
   * Removes the earliest entry and exposes it in the `popped*` fields.
   * @returns false when the calendar is empty.
   */
  pop(): boolean {
    if (this.rootConsumed) this.removeRoot();
    if (this.n === 0) return false;
    this.readRoot();
    return true;
  }

  /**
   * Like `pop()`, but only if the earliest entry is at or before `untilTime`: the event loop's
   * single call per event.
   */
  popUntil(untilTime: number): boolean {
    if (this.rootConsumed) this.removeRoot();
    if (this.n === 0 || this.time[0]! > untilTime) return false;
    this.readRoot();
    return true;
  }

  /** Drops every pending entry (the sequence counter keeps increasing). */
  clear(): void {
    const cap = this.cap;
    for (let i = 0; i < cap; i++) this.free[i] = cap - 1 - i;
    this.freeTop = cap;
    this.n = 0;
    this.rootConsumed = false;
  }

  private readRoot(): void {
    const s = this.slot[0]!;
    const pay = this.pay;
    this.poppedTime = this.time[0]!;
    this.poppedTie = this.tie[s]!;
    this.poppedKind = pay[3 * s]!;
    this.poppedTarget = pay[3 * s + 1]! >>> 0;
    this.poppedData = pay[3 * s + 2]!;
    // The slot is free from now on: nothing reads a consumed root's slot again.
    this.free[this.freeTop++] = s;
    this.rootConsumed = true;
  }

  /** Replaces the (consumed) root by a new entry and sifts it down, top-down (it may stop early). */
  private siftDownFromRoot(time: number, s: number, tie: number): void {
    const times = this.time;
    const slots = this.slot;
    const ties = this.tie;
    const n = this.n;
    let i = 0;
    let c = 1;
    while (c < n) {
      let ct = times[c]!;
      const r = c + 1;
      if (r < n) {
        const rt = times[r]!;
        if (rt < ct || (rt === ct && ties[slots[r]!]! < ties[slots[c]!]!)) {
          c = r;
          ct = rt;
        }
      }
      if (ct > time || (ct === time && ties[slots[c]!]! > tie)) break;
      times[i] = ct;
      slots[i] = slots[c]!;
      i = c;
      c = 2 * i + 1;
    }
    times[i] = time;
    slots[i] = s;
  }

  /**
   * Deletes the consumed root bottom-up (Wegener 1993): walk the hole from the root to a leaf
   * along the smaller child (one comparison per level instead of two), then sift the former last
   * entry up from there. The last entry is almost always one of the latest, so it rarely climbs.
   */
  private removeRoot(): void {
    this.rootConsumed = false;
    const n = --this.n;
    if (n === 0) return;
    const times = this.time;
    const slots = this.slot;
    const ties = this.tie;
    let i = 0;
    let c = 1;
    while (c < n) {
      const r = c + 1;
      if (r < n) {
        const ct = times[c]!;
        const rt = times[r]!;
        if (rt < ct || (rt === ct && ties[slots[r]!]! < ties[slots[c]!]!)) c = r;
      }
      times[i] = times[c]!;
      slots[i] = slots[c]!;
      i = c;
      c = 2 * i + 1;
    }
    const time = times[n]!;
    const s = slots[n]!;
    const tie = ties[s]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      if (pt < time || (pt === time && ties[slots[p]!]! < tie)) break;
      times[i] = pt;
      slots[i] = slots[p]!;
      i = p;
    }
    times[i] = time;
    slots[i] = s;
  }

  private grow(): void {
    // Only called with every slot in use (freeTop === 0), so n === cap.
    const old = this.cap;
    const cap = old * 2;
    const time = new Float64Array(cap);
    time.set(this.time);
    const slot = new Int32Array(cap);
    slot.set(this.slot);
    const tie = new Float64Array(cap);
    tie.set(this.tie);
    const pay = new Int32Array(3 * cap);
    pay.set(this.pay);
    const free = new Int32Array(cap);
    for (let i = 0; i < old; i++) free[i] = cap - 1 - i; // new slots old..cap-1, lowest on top
    this.time = time;
    this.slot = slot;
    this.tie = tie;
    this.pay = pay;
    this.free = free;
    this.freeTop = old;
    this.cap = cap;
  }
}
