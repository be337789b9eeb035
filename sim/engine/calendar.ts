/**
 * The pending-event set: a plain 4-ary min-heap in structure-of-arrays form (one typed array per
 * field, no object per event), keyed by (time, priority, sequence).
 *
 *   time[i] float64 · tie[i] float64 = (priority + 1024) · 2^42 + seq, an exact integer < 2^53,
 *   so (priority, seq) compares as one double · target[i] int32 (uint32 bits) · data[i] int32 ·
 *   kind[i] uint16: 26 bytes per entry, all moved together when an entry moves.
 *
 * Why this layout (measured in the bench/engine.bench.ts sleep-wake loop at 10^5 pending, same
 * process load, 2026-12-04): the previous indirect heap (time + slot moved, payload and tie read
 * through the slot, deferred root removal) ran 2.1–2.7 M ev/s; this plain layout, as the C
 * baseline does it, 2.2–3.2 M (binary) and 2.3–3.0 M (4-ary). Reading the payload through a slot
 * costs a cache miss per pop that moving 14 more bytes per level does not; bottom-up deletion
 * (Wegener) measured slower here (1.6–2.6 M), because a popped-then-pushed device lands high.
 * 4-ary over binary: half the levels, the four children share one or two cache lines of `time`,
 * and it measured a few per cent ahead (perf.md's idle-machine runs had binary ahead in V8; the
 * difference is within noise either way, so the shallower tree wins for 10^6 pending).
 *
 * Tie rule: equal times run by ascending priority, then by ascending sequence (the order `push`
 * was called), so equal-time events run FIFO within a priority and a run is reproducible.
 * There is no delete: cancellation is the Tokens idiom (tokens.ts).
 * @module
 */

/** Priorities are integers in [MIN_PRIORITY, MAX_PRIORITY]; lower runs first at equal time. */
export const MIN_PRIORITY = -1024;
export const MAX_PRIORITY = 1023;
const PRIORITY_BIAS = 1024;
/** 2^42: room for 4.4e12 sequence numbers per calendar while priority · 2^42 stays below 2^53. */
const SEQ_SPAN = 4398046511104;
const INITIAL_CAPACITY = 1024;
/** Bytes per entry of capacity: time 8 + tie 8 + target 4 + data 4 + kind 2. */
const ENTRY_BYTES = 26;

function seqExhausted(): never {
  throw new RangeError('EventCalendar: sequence space (2^42 events) exhausted');
}

export class EventCalendar {
  private time: Float64Array;
  private tie: Float64Array;
  private target: Int32Array;
  private data: Int32Array;
  private kind: Uint16Array;
  private cap: number;
  private n = 0;
  /** Next sequence number: strictly increasing over the calendar's life. */
  private seq = 0;

  // The entry removed by the last pop(), read by the caller without allocating.
  /** (time, tie) of the last popped entry: doubles kept in a typed array, never boxed. */
  private readonly last = new Float64Array(2);
  poppedKind = 0;
  poppedTarget = 0;
  poppedData = 0;

  /** Time of the last popped entry. */
  get poppedTime(): number {
    return this.last[0]!;
  }

  /** (priority, seq) key of the last popped entry; decoded by poppedSeq / poppedPriority. */
  get poppedTie(): number {
    return this.last[1]!;
  }

  constructor(initialCapacity = INITIAL_CAPACITY) {
    const cap = Math.max(16, initialCapacity | 0);
    this.cap = cap;
    this.time = new Float64Array(cap);
    this.tie = new Float64Array(cap);
    this.target = new Int32Array(cap);
    this.data = new Int32Array(cap);
    this.kind = new Uint16Array(cap);
  }

  /** Allocated entries (capacity), for memory accounting. */
  get capacity(): number {
    return this.cap;
  }

  /** Bytes held by the typed arrays. */
  get byteLength(): number {
    return this.cap * ENTRY_BYTES;
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
    return this.n;
  }

  /** Time of the earliest entry, or Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.time[0]! : Infinity;
  }

  /**
   * Inserts an entry. The caller validates arguments (Environment.schedule does).
   * @returns the entry's sequence number.
   */
  push(time: number, priority: number, kind: number, target: number, data: number): number {
    const seq = this.seq++;
    if (seq >= SEQ_SPAN) seqExhausted();
    if (this.n === this.cap) this.grow();
    const tie = (priority + PRIORITY_BIAS) * SEQ_SPAN + seq;
    const T = this.time;
    const K = this.tie;
    const G = this.target;
    const D = this.data;
    const Q = this.kind;
    // Sift up with a hole: move parents down until the new entry fits.
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pt = T[p]!;
      if (pt < time || (pt === time && K[p]! < tie)) break;
      T[i] = pt;
      K[i] = K[p]!;
      G[i] = G[p]!;
      D[i] = D[p]!;
      Q[i] = Q[p]!;
      i = p;
    }
    T[i] = time;
    K[i] = tie;
    G[i] = target;
    D[i] = data;
    Q[i] = kind;
    return seq;
  }

  /**
   * Removes the earliest entry and exposes it in the `popped*` fields.
   * @returns false when the calendar is empty.
   */
  pop(): boolean {
    return this.popUntil(Infinity);
  }

  /**
   * Like `pop()`, but only if the earliest entry is at or before `untilTime`: the event loop's
   * single call per event.
   */
  popUntil(untilTime: number): boolean {
    if (this.n === 0 || this.time[0]! > untilTime) return false;
    this.take();
    return true;
  }

  /**
   * Removes the root into the `popped*` fields, then moves the last entry into its place and
   * sifts it down, top-down and stopping early, as the C baseline does. Out of popUntil so that
   * popUntil stays tiny: V8 inlines a bounded amount of bytecode (920 B) into the event loop, and
   * the loop's own push, schedule and RNG must fit in it, because a double passed to or returned
   * from a call that is not inlined is boxed (an allocation per event). This call passes none.
   */
  private take(): void {
    const T = this.time;
    const K = this.tie;
    const G = this.target;
    const D = this.data;
    const Q = this.kind;
    const L = this.last;
    L[0] = T[0]!;
    L[1] = K[0]!;
    this.poppedKind = Q[0]!;
    this.poppedTarget = G[0]! >>> 0;
    this.poppedData = D[0]!;
    const m = --this.n;
    if (m === 0) return;
    const lt = T[m]!;
    const lk = K[m]!;
    let i = 0;
    let c = 1;
    while (c < m) {
      // Smallest of up to four children c .. c+3.
      let b = c;
      let bt = T[c]!;
      const end = c + 4 < m ? c + 4 : m;
      for (let j = c + 1; j < end; j++) {
        const jt = T[j]!;
        if (jt < bt || (jt === bt && K[j]! < K[b]!)) {
          b = j;
          bt = jt;
        }
      }
      if (bt > lt || (bt === lt && K[b]! > lk)) break;
      T[i] = bt;
      K[i] = K[b]!;
      G[i] = G[b]!;
      D[i] = D[b]!;
      Q[i] = Q[b]!;
      i = b;
      c = 4 * i + 1;
    }
    T[i] = lt;
    K[i] = lk;
    G[i] = G[m]!;
    D[i] = D[m]!;
    Q[i] = Q[m]!;
  }

  /** Drops every pending entry (the sequence counter keeps increasing). */
  clear(): void {
    this.n = 0;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const time = new Float64Array(cap);
    time.set(this.time);
    const tie = new Float64Array(cap);
    tie.set(this.tie);
    const target = new Int32Array(cap);
    target.set(this.target);
    const data = new Int32Array(cap);
    data.set(this.data);
    const kind = new Uint16Array(cap);
    kind.set(this.kind);
    this.time = time;
    this.tie = tie;
    this.target = target;
    this.data = data;
    this.kind = kind;
    this.cap = cap;
  }
}
