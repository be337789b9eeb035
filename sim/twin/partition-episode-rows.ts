/**
 * The episodic streams' state (phone, radio, crypto: partition-streams.ts) in a side table. An
 * episodic stream is drawn only while its keychain is awake after an owner arrival, and each
 * episode re-seeds it from (seed, purpose, device, episode), so a sleeping keychain has nothing
 * to keep: only the keychains awake at a moment hold a row (3 sfc32 states and the episode each
 * is seeded for, 60 bytes), instead of 60 bytes on every keychain (issue 12: ≤ 256 B a keychain
 * at 10^6). What stays per keychain is the episode counter (it counts the owner's arrivals) and
 * the row index.
 *
 * A row is taken at the keychain's first episodic draw and given back when its device machine
 * is back at rest (partition-device.ts): no draw of the episode comes after that, the next one
 * belongs to the next arrival's episode, which re-seeds anyway. A keychain that never rests
 * between two arrivals (busy, dead) keeps its row; the episode it is seeded for tells the new
 * episode to re-seed. Which row a keychain gets changes no draw, so results do not depend on it.
 * @module
 */
import { GROWABLE } from './checkpoint-state.ts';

/** Episodic purposes (phone, radio, crypto), one sfc32 state each in a row. */
export const EPISODIC_PURPOSES = 3;
/** `seededFor` of a purpose not drawn yet in the row's episode. */
const UNSEEDED = 0xffffffff;

export class EpisodeRows {
  /** The rows' arrays are this table's own (never aliased): a checkpoint may replace them at another length. */
  readonly [GROWABLE] = true;
  /** Owner arrivals per keychain so far: the episode the phone, radio and crypto streams follow. */
  readonly episode: Uint32Array;
  /** Row of each keychain, −1 when it holds none. */
  readonly rowOf: Int32Array;
  /** sfc32 state, 4 words per purpose, EPISODIC_PURPOSES per row. */
  state = new Int32Array(0);
  /** Per row and purpose, the episode its state is seeded for (UNSEEDED: none yet). */
  seededFor = new Uint32Array(0);
  private rows = 0;
  private readonly free: number[] = [];

  constructor(devices: number) {
    this.episode = new Uint32Array(devices);
    this.rowOf = new Int32Array(devices).fill(-1);
    this.grow(16);
  }

  /** Keychain k's new row, its purposes all unseeded. */
  take(k: number): number {
    if (this.free.length === 0) this.grow(this.rows * 2);
    const r = this.free.pop()!;
    this.rowOf[k] = r;
    // Three stores, not fill(): this runs once an episode, and fill with a range is a runtime call.
    const i = r * EPISODIC_PURPOSES;
    const seeded = this.seededFor;
    seeded[i] = UNSEEDED;
    seeded[i + 1] = UNSEEDED;
    seeded[i + 2] = UNSEEDED;
    return r;
  }

  /** Keychain k is at rest: its row goes back (if it drew at all). */
  release(k: number): void {
    const r = this.rowOf[k]!;
    if (r < 0) return;
    this.rowOf[k] = -1;
    this.free.push(r);
  }

  private grow(rows: number): void {
    const state = new Int32Array(rows * 4 * EPISODIC_PURPOSES);
    state.set(this.state);
    this.state = state;
    const seeded = new Uint32Array(rows * EPISODIC_PURPOSES);
    seeded.set(this.seededFor);
    this.seededFor = seeded;
    // Highest row last on the stack, so rows are taken from 0 up.
    for (let r = rows - 1; r >= this.rows; r--) this.free.push(r);
    this.rows = rows;
  }
}
