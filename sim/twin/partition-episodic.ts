/**
 * The episodic streams' state (phone, radio, crypto: sfc32 words and the episode each purpose is
 * seeded for), held for one device at a time. A partition runs each device's events up to the
 * day boundary in one go, so the device drawing changes once per device and day, not per draw:
 * the held state belongs to `holder`, and handing it to another device puts the old holder's
 * state in a side row only if its wake is still running (it may draw again in this episode, after
 * the boundary); a device at rest has drawn its episode's last, and the next arrival re-seeds.
 * Rows are therefore held only by wakes that straddle a day boundary (a few per thousand).
 *
 * That a device at rest never draws again in the same episode is checked, not assumed: a state
 * dropped at rest marks the device F_SPENT until its next arrival, and a re-seed of a spent
 * device throws (the draw would otherwise restart the episode's stream and silently change
 * results). Which row a device gets changes no number: a row is copied in and out whole.
 * @module
 */
import { GROWABLE } from './checkpoint-state.ts';
import { F_SPENT } from './partition-table.ts';

export class EpisodicState {
  /** The rows' arrays are this table's own (never aliased): a checkpoint may replace them at another length. */
  readonly [GROWABLE] = true;
  /** Owner arrivals per device so far: the episode index of the episodic streams. */
  readonly episode: Uint32Array;
  /** The device whose streams are held (−1: none). */
  holder = -1;
  /** The holder's state: sfc32 words, 4 per purpose. */
  readonly words: Int32Array;
  /** The episode each purpose of the holder is seeded for (−1: none). */
  readonly seededFor: Float64Array;
  /** Side row of each device's saved streams, −1 when none. */
  readonly rowOf: Int32Array;
  rowWords = new Int32Array(0);
  rowSeeded = new Float64Array(0);
  private readonly purposes: number;
  private readonly flags: Uint16Array;
  private readonly awake: (j: number) => boolean;
  private rows = 0;
  private readonly free: number[] = [];

  /** `flags`: the device table's (F_SPENT is set there); `awake(j)`: whether device j's wake may still draw. */
  constructor(n: number, purposes: number, flags: Uint16Array, awake: (j: number) => boolean) {
    this.episode = new Uint32Array(n);
    this.purposes = purposes;
    this.words = new Int32Array(4 * purposes);
    this.seededFor = new Float64Array(purposes).fill(-1);
    this.rowOf = new Int32Array(n).fill(-1);
    this.flags = flags;
    this.awake = awake;
    this.grow(4);
  }

  /** Device k's owner arrived: a new episode, its streams re-seeded at their first draws. */
  newEpisode(k: number): void {
    this.episode[k]!++;
    this.flags[k]! &= ~F_SPENT;
  }

  /** Makes device k the holder: the old holder's state saved (awake) or dropped, k's own loaded. */
  hold(k: number): void {
    const j = this.holder;
    const P = this.purposes;
    const seeded = this.seededFor;
    if (j >= 0) {
      const e = this.episode[j]!;
      let live = false;
      for (let p = 0; p < P; p++) if (seeded[p] === e) live = true;
      if (live) {
        if (this.awake(j)) {
          if (this.free.length === 0) this.grow(this.rows * 2);
          const r = this.free.pop()!;
          this.rowOf[j] = r;
          this.rowWords.set(this.words, r * 4 * P);
          for (let p = 0; p < P; p++) this.rowSeeded[r * P + p] = seeded[p]!;
        } else this.flags[j]! |= F_SPENT;
      }
    }
    this.holder = k;
    const r = this.rowOf[k]!;
    if (r >= 0) {
      this.rowOf[k] = -1;
      this.free.push(r);
      for (let i = 0; i < 4 * P; i++) this.words[i] = this.rowWords[r * 4 * P + i]!;
      for (let p = 0; p < P; p++) seeded[p] = this.rowSeeded[r * P + p]!;
    } else for (let p = 0; p < P; p++) seeded[p] = -1;
  }

  /** A purpose of device k is about to be seeded for its current episode: refused if k dropped this episode's state. */
  checkFresh(k: number): void {
    if (this.flags[k]! & F_SPENT) {
      throw new Error(`device ${k} drew from an episodic stream at rest in episode ${this.episode[k]} after its state was dropped; the draw would restart the stream (sim/twin/partition-episodic.ts)`);
    }
  }

  private grow(rows: number): void {
    const P = this.purposes;
    const w = new Int32Array(rows * 4 * P);
    w.set(this.rowWords);
    this.rowWords = w;
    const s = new Float64Array(rows * P);
    s.set(this.rowSeeded);
    this.rowSeeded = s;
    // Highest row last on the stack, so rows are taken from 0 up.
    for (let r = rows - 1; r >= this.rows; r--) this.free.push(r);
    this.rows = rows;
  }
}
