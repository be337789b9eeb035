/**
 * The episodic streams' state (phone, radio, crypto: sfc32 words and the episode each purpose is
 * seeded for), held for one device at a time. A partition runs each device's events up to the
 * day boundary in one go, so the device drawing changes once per device and day, not per draw:
 * the held state belongs to `holder`, and handing it to another device saves the old holder's
 * state in its episode row (partition-episodes.ts) only if its wake is still running (it may
 * draw again in this episode, after the boundary); a device at rest has drawn its episode's
 * last, and the next arrival re-seeds. So rows are held only by wakes that straddle a day
 * boundary (a few per thousand).
 *
 * That a device at rest never draws again in the same episode is checked, not assumed: a state
 * dropped at rest marks the device F_SPENT until its next arrival, and a re-seed of a spent
 * device throws (the draw would otherwise restart the episode's stream and silently change
 * results). Which row a device gets changes no number: the state is copied in and out whole.
 * @module
 */
import { EPISODIC_PURPOSES as P, USE_STREAMS, type Episodes } from './partition-episodes.ts';
import { F_SPENT } from './partition-table.ts';

/** Seeded for no episode. */
const NONE = 0xffffffff;

export class EpisodicState {
  /** Owner arrivals per device so far: the episode index of the episodic streams. */
  readonly episode: Uint32Array;
  /** The device whose streams are held (−1: none). */
  holder = -1;
  /** The holder's state: sfc32 words, 4 per purpose. */
  readonly words = new Int32Array(4 * P);
  /** The episode each purpose of the holder is seeded for (0xffffffff: none; an integer compare with `episode`). */
  readonly seededFor = new Uint32Array(P).fill(NONE);
  private readonly rows: Episodes;
  private readonly flags: Uint16Array;
  private readonly awake: (j: number) => boolean;

  /** `rows`: the table's episode rows; `flags`: its flags (F_SPENT); `awake(j)`: whether device j's wake may still draw. */
  constructor(n: number, rows: Episodes, flags: Uint16Array, awake: (j: number) => boolean) {
    this.episode = new Uint32Array(n);
    this.rows = rows;
    this.flags = flags;
    this.awake = awake;
  }

  /** Device k's owner arrived: a new episode, its streams re-seeded at their first draws. */
  newEpisode(k: number): void {
    this.episode[k]!++;
    this.flags[k]! &= ~F_SPENT;
  }

  /** Makes device k the holder: the old holder's state saved (awake) or dropped, k's own loaded. */
  hold(k: number): void {
    const j = this.holder;
    const seeded = this.seededFor;
    const rows = this.rows;
    if (j >= 0) {
      const e = this.episode[j]!;
      let live = false;
      for (let p = 0; p < P; p++) if (seeded[p] === e) live = true;
      if (live) {
        if (this.awake(j)) {
          const r = rows.take(j, USE_STREAMS);
          rows.words.set(this.words, r * 4 * P);
          for (let p = 0; p < P; p++) rows.seeded[r * P + p] = seeded[p]!;
        } else this.flags[j]! |= F_SPENT;
      }
    }
    this.holder = k;
    const r = rows.rowOf[k]!;
    if (r >= 0 && rows.uses[r]! & USE_STREAMS) {
      for (let i = 0; i < 4 * P; i++) this.words[i] = rows.words[r * 4 * P + i]!;
      for (let p = 0; p < P; p++) seeded[p] = rows.seeded[r * P + p]!;
      rows.release(k, USE_STREAMS);
    } else for (let p = 0; p < P; p++) seeded[p] = NONE;
  }

  /** A purpose of device k is about to be seeded for its current episode: refused if k dropped this episode's state. */
  checkFresh(k: number): void {
    if (this.flags[k]! & F_SPENT) {
      throw new Error(`device ${k} drew from an episodic stream at rest in episode ${this.episode[k]} after its state was dropped; the draw would restart the stream (sim/twin/partition-episodic.ts)`);
    }
  }
}
