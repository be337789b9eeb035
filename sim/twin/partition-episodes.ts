/**
 * The running handshakes' scratch accounts, in a side table: when it began, when it entered its
 * current state, its time and energy by phase and its time per state. Only a keychain in a
 * handshake needs them, and a partition runs each keychain's events to the day boundary in one go,
 * so at any moment only the handshakes that straddle a boundary hold a row: a few rows instead of
 * ~250 bytes on every keychain (issue 12: ≤ 256 B a keychain at 10^6).
 *
 * Rows are taken at the handshake's start and given back at its stop; which row a keychain gets
 * changes no number (rows are zeroed when taken), so results do not depend on it.
 * @module
 */
import { GROWABLE } from './checkpoint-state.ts';
import { PHASE_COUNT } from './op-model.ts';

export class Episodes {
  /** The rows' arrays are this table's own (never aliased): a checkpoint may replace them at another length. */
  readonly [GROWABLE] = true;
  /** Row of each keychain's running handshake, −1 when none. */
  readonly rowOf: Int32Array;
  /** States of the handshake machine (columns of `stepUs`). */
  readonly states: number;
  /** When the handshake began, and when it entered its current state (simulated ms). */
  t0 = new Float64Array(0);
  stateT = new Float64Array(0);
  /** Time (µs) and energy (µJ) by phase, PHASE_COUNT a row. */
  phaseUs = new Float64Array(0);
  phaseUj = new Float64Array(0);
  /** Time in each state up to established (µs), `states` a row. */
  stepUs = new Float64Array(0);
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

  /** Takes (or re-zeroes) keychain k's row. */
  open(k: number): number {
    let r = this.rowOf[k]!;
    if (r < 0) {
      if (this.free.length === 0) this.grow(this.rows * 2);
      r = this.free.pop()!;
      this.rowOf[k] = r;
    }
    this.t0[r] = 0;
    this.stateT[r] = 0;
    this.replayKey[r] = -1;
    this.replayRow[r] = -1;
    this.phaseUs.fill(0, r * PHASE_COUNT, (r + 1) * PHASE_COUNT);
    this.phaseUj.fill(0, r * PHASE_COUNT, (r + 1) * PHASE_COUNT);
    this.stepUs.fill(0, r * this.states, (r + 1) * this.states);
    return r;
  }

  /** Gives keychain k's row back. */
  close(k: number): void {
    const r = this.rowOf[k]!;
    if (r < 0) return;
    this.rowOf[k] = -1;
    this.free.push(r);
  }

  private grow(rows: number): void {
    const widen = <A extends Float64Array | Int32Array>(a: A, per: number): A => {
      const b = new (a.constructor as new (n: number) => A)(rows * per);
      b.set(a);
      return b;
    };
    this.t0 = widen(this.t0, 1);
    this.stateT = widen(this.stateT, 1);
    this.phaseUs = widen(this.phaseUs, PHASE_COUNT);
    this.phaseUj = widen(this.phaseUj, PHASE_COUNT);
    this.stepUs = widen(this.stepUs, this.states);
    this.replayKey = widen(this.replayKey, 1);
    this.replayRow = widen(this.replayRow, 1);
    // Highest row last on the stack, so rows are taken from 0 up.
    for (let r = rows - 1; r >= this.rows; r--) this.free.push(r);
    this.rows = rows;
  }
}
