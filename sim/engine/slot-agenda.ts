/**
 * A per-entity agenda of fixed slots, for models whose entities never interact between sync
 * points (e.g. the devices of a fleet): each entity owns `slots` pending-event slots (one per
 * timer, per pending operation, ...), each empty or holding one time. Setting a slot replaces
 * its event and clearing it cancels it, so there are no cancellation tokens and no stale events;
 * an entity's events can then be run in one go up to a horizon (`popDue`), its state staying hot
 * in cache, instead of being interleaved with every other entity's on one global heap.
 *
 * Order: an entity's events pop by time, equal times in the order their slots were set (a
 * sequence number per set), i.e. the same order as a (time, sequence) calendar holding only that
 * entity's events. Entities are independent: nothing orders one entity's events against
 * another's, which is the whole point.
 *
 * Layout: a Float64Array of times and a Uint8Array of sequence numbers, entities × slots (9 bytes
 * a slot), a bit mask of the occupied slots per entity (so at most 32 slots; a byte for up to 8,
 * the fleet's 6) and each entity's next sequence number. A pop visits only the occupied slots (usually two or three), which beats
 * a heap for the handful of slots a model has.
 *
 * Sequence numbers are per entity and a byte wide: only the order of one entity's occupied slots
 * matters, so when its counter reaches 255 they are renumbered 0..c−1 in the same order (c ≤ 32
 * occupied slots), once every ~220 sets. A double per slot counting every set of the agenda did
 * the same in 8 bytes (issue 12: memory per keychain at 10^6).
 * @module
 */

/** Highest per-entity sequence number before the entity's slots are renumbered. */
const MAX_SEQ = 255;

export class SlotAgenda {
  /** Slots per entity. */
  readonly slots: number;
  /** Number of entities (indices 0 .. entities-1). */
  readonly entities: number;
  /** Time of the event popped last by {@link popDue}. */
  poppedTime = 0;
  private readonly time: Float64Array;
  /** Order in which the entity's occupied slots were set (meaningless for empty slots). */
  private readonly seq: Uint8Array;
  /** Bit s set: slot s of the entity holds an event (as narrow as the slot count allows). */
  private readonly mask: Uint8Array | Uint16Array | Int32Array;
  /** The entity's next sequence number (≤ MAX_SEQ). */
  private readonly nextSeq: Uint8Array;

  constructor(entities: number, slots: number) {
    if (!(Number.isInteger(entities) && entities >= 0)) throw new RangeError(`SlotAgenda: entities must be a non-negative integer, got ${entities}`);
    if (!(Number.isInteger(slots) && slots >= 1 && slots <= 32)) throw new RangeError(`SlotAgenda: slots must be an integer in 1..32, got ${slots}`);
    this.entities = entities;
    this.slots = slots;
    this.time = new Float64Array(entities * slots).fill(Infinity);
    this.seq = new Uint8Array(entities * slots);
    this.mask = slots <= 8 ? new Uint8Array(entities) : slots <= 16 ? new Uint16Array(entities) : new Int32Array(entities);
    this.nextSeq = new Uint8Array(entities);
  }

  /** Scratch of {@link renumber}: the new number of each slot. */
  private readonly ranks = new Uint8Array(32);

  /** Bytes held by the agenda's typed arrays. */
  get byteLength(): number {
    return this.time.byteLength + this.seq.byteLength + this.mask.byteLength + this.nextSeq.byteLength;
  }

  /**
   * Puts an event at `atMs` in `slot` of `entity`, replacing (cancelling) whatever it held.
   * @param atMs finite time in ms.
   */
  set(entity: number, slot: number, atMs: number): void {
    if (!(atMs > -Infinity && atMs < Infinity)) throw new RangeError(`SlotAgenda.set(entity ${entity}, slot ${slot}): expected a finite time in ms, got ${atMs}`);
    const i = entity * this.slots + slot;
    let q = this.nextSeq[entity]!;
    if (q === MAX_SEQ) q = this.renumber(entity);
    this.time[i] = atMs;
    this.seq[i] = q;
    this.nextSeq[entity] = q + 1;
    this.mask[entity]! |= 1 << slot;
  }

  /**
   * Renumbers the entity's occupied slots 0..c−1 keeping their order (their numbers are distinct:
   * each set took the next one) and returns c, the next free number.
   */
  private renumber(entity: number): number {
    const base = entity * this.slots;
    const seq = this.seq;
    const mask = this.mask[entity]!;
    const ranks = this.ranks;
    let c = 0;
    for (let a = mask; a !== 0; a &= a - 1) {
      const sa = 31 - Math.clz32(a & -a);
      let rank = 0;
      for (let b = mask; b !== 0; b &= b - 1) if (seq[base + 31 - Math.clz32(b & -b)]! < seq[base + sa]!) rank++;
      ranks[sa] = rank;
      c++;
    }
    for (let a = mask; a !== 0; a &= a - 1) {
      const sa = 31 - Math.clz32(a & -a);
      seq[base + sa] = ranks[sa]!;
    }
    return c;
  }

  /** Empties `slot` of `entity` (cancels its event, if any). */
  clear(entity: number, slot: number): void {
    this.time[entity * this.slots + slot] = Infinity;
    this.mask[entity]! &= ~(1 << slot);
  }

  /** Time of the event in `slot` of `entity`, Infinity when empty. */
  timeOf(entity: number, slot: number): number {
    return this.time[entity * this.slots + slot]!;
  }

  /** Time of the entity's earliest event, Infinity when it has none. */
  nextTime(entity: number): number {
    const base = entity * this.slots;
    let best = Infinity;
    for (let i = base; i < base + this.slots; i++) if (this.time[i]! < best) best = this.time[i]!;
    return best;
  }

  /**
   * Removes the entity's earliest event if it is due at or before `untilMs` (ties: set first,
   * popped first) and returns its slot, with its time in {@link poppedTime}; −1 when none is due.
   * `untilMs` may be Infinity (the entity's next event, whenever it is).
   */
  popDue(entity: number, untilMs: number): number {
    let m = this.mask[entity]!;
    if (m === 0) return -1;
    const time = this.time;
    const seq = this.seq;
    const base = entity * this.slots;
    let best = -1;
    let bt = untilMs;
    let bs = Infinity;
    while (m !== 0) {
      const low = m & -m;
      m ^= low;
      const slot = 31 - Math.clz32(low);
      const t = time[base + slot]!;
      if (t < bt || (t === bt && seq[base + slot]! < bs)) {
        best = slot;
        bt = t;
        bs = seq[base + slot]!;
      }
    }
    if (best < 0) return -1;
    time[base + best] = Infinity;
    this.mask[entity]! &= ~(1 << best);
    this.poppedTime = bt;
    return best;
  }
}
