/**
 * Per-keychain state only a running episode needs, in a side table whose rows few keychains hold
 * at once (issue 12: ≤ 256 B a keychain at 10^6). A row serves two uses, each taken and given
 * back on its own, and is free when neither holds it:
 *
 * - the running handshake's accounts (USE_HANDSHAKE): when it began, when it entered its current
 *   state, its time and energy by phase, its time per state, and its machine's op in progress.
 *   Taken at the handshake's start (those columns zeroed), given back at its stop.
 * - the episodic streams of a wake that straddles a day boundary (USE_STREAMS,
 *   partition-episodic.ts): saved when another device takes the held streams, loaded back when
 *   the keychain draws again.
 *
 * A partition runs each keychain's events to the day boundary in one go, so at any moment only
 * the episodes that straddle a boundary hold a row: a few rows instead of ~320 bytes on every
 * keychain. Which row a keychain gets changes no number (a use's columns are zeroed or copied
 * whole when taken), so results do not depend on it.
 * @module
 */
import { GROWABLE } from './checkpoint-state.ts';
import { PHASE_COUNT } from './op-model.ts';

/** The row holds a running handshake's accounts. */
export const USE_HANDSHAKE = 1;
/** The row holds saved episodic streams. */
export const USE_STREAMS = 2;
/** Episodic stream purposes (phone, radio, crypto): 4 sfc32 words and a seeded-for episode each. */
export const EPISODIC_PURPOSES = 3;

export class Episodes {
  /** The rows' arrays are this table's own (never aliased): a checkpoint may replace them at another length. */
  readonly [GROWABLE] = true;
  /** Row of each keychain, −1 when none. */
  readonly rowOf: Int32Array;
  /** States of the handshake machine (columns of `stepUs`). */
  readonly states: number;
  /** USE_* bits of each row. */
  uses = new Uint8Array(0);
  /** When the handshake began, and when it entered its current state (simulated ms). */
  t0 = new Float64Array(0);
  stateT = new Float64Array(0);
  /** Time (µs) and energy (µJ) by phase, PHASE_COUNT a row. */
  phaseUs = new Float64Array(0);
  phaseUj = new Float64Array(0);
  /** Time in each state up to established (µs), `states` a row. */
  stepUs = new Float64Array(0);
  /**
   * The handshake machine's operation in progress: its current (NaN: none), energy phase and the
   * event that ends it. Only a running handshake has one, so they live here rather than on every
   * keychain (11 B a keychain).
   */
  opMa = new Float64Array(0);
  opPhase = new Int8Array(0);
  opEvent = new Int16Array(0);
  /** Saved episodic streams: sfc32 words (4 per purpose) and the episode each purpose was seeded for. */
  words = new Int32Array(0);
  seeded = new Uint32Array(0);
  /** A replayed handshake (handshake-table.ts): its bucket's key and its row (−1: run per operation). */
  replayKey = new Int32Array(0);
  replayRow = new Int32Array(0);
  private rows = 0;
  private readonly free: number[] = [];

  constructor(devices: number, states: number) {
    this.rowOf = new Int32Array(devices).fill(-1);
    this.states = states;
    this.grow(4);
  }

  /** Keychain k's row for `use`, taken if it has none. */
  take(k: number, use: number): number {
    let r = this.rowOf[k]!;
    if (r < 0) {
      if (this.free.length === 0) this.grow(this.rows * 2);
      r = this.free.pop()!;
      this.rowOf[k] = r;
    }
    this.uses[r]! |= use;
    return r;
  }

  /** Keychain k no longer needs its row for `use`; the row goes back when no use holds it. */
  release(k: number, use: number): void {
    const r = this.rowOf[k]!;
    if (r < 0) return;
    this.uses[r]! &= ~use;
    if (this.uses[r] !== 0) return;
    this.rowOf[k] = -1;
    this.free.push(r);
  }

  /** Keychain k's row for a handshake starting, its accounts zeroed. */
  open(k: number): number {
    const r = this.take(k, USE_HANDSHAKE);
    this.t0[r] = 0;
    this.stateT[r] = 0;
    this.replayKey[r] = -1;
    this.replayRow[r] = -1;
    this.phaseUs.fill(0, r * PHASE_COUNT, (r + 1) * PHASE_COUNT);
    this.phaseUj.fill(0, r * PHASE_COUNT, (r + 1) * PHASE_COUNT);
    this.stepUs.fill(0, r * this.states, (r + 1) * this.states);
    this.opMa[r] = NaN;
    this.opPhase[r] = 0;
    this.opEvent[r] = 0;
    return r;
  }

  /** The handshake of keychain k stopped. */
  close(k: number): void {
    this.release(k, USE_HANDSHAKE);
  }

  /** Keychain k's running handshake's row, −1 when it has none. */
  handshakeRow(k: number): number {
    const r = this.rowOf[k]!;
    return r >= 0 && this.uses[r]! & USE_HANDSHAKE ? r : -1;
  }

  private grow(rows: number): void {
    const widen = <A extends Float64Array | Int32Array | Uint32Array | Int8Array | Int16Array | Uint8Array>(a: A, per: number): A => {
      const b = new (a.constructor as new (n: number) => A)(rows * per);
      b.set(a);
      return b;
    };
    this.uses = widen(this.uses, 1);
    this.t0 = widen(this.t0, 1);
    this.stateT = widen(this.stateT, 1);
    this.phaseUs = widen(this.phaseUs, PHASE_COUNT);
    this.phaseUj = widen(this.phaseUj, PHASE_COUNT);
    this.stepUs = widen(this.stepUs, this.states);
    this.replayKey = widen(this.replayKey, 1);
    this.replayRow = widen(this.replayRow, 1);
    this.opMa = widen(this.opMa, 1);
    this.opPhase = widen(this.opPhase, 1);
    this.opEvent = widen(this.opEvent, 1);
    this.words = widen(this.words, 4 * EPISODIC_PURPOSES);
    this.seeded = widen(this.seeded, EPISODIC_PURPOSES);
    // Highest row last on the stack, so rows are taken from 0 up.
    for (let r = rows - 1; r >= this.rows; r--) this.free.push(r);
    this.rows = rows;
  }
}
