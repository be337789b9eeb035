/**
 * The handshake table (issue 12's episode economy, `fleet.handshakes: table`): per suite and link
 * condition (the rounded RSSI the op physics key on), `rows` whole handshakes run once in the
 * handshake lab (handshake-lab.ts) from the same compiled machine, handshake side, phone and op
 * physics as the per-operation mode, each kept as its segments (when it entered each
 * configuration, the battery current, power mode and energy phase from then on) and its end (the
 * configuration and event of the transition that establishes or ends it, and when).
 *
 * A keychain's handshake then draws one row (one uniform of its crypto stream) and is replayed:
 * one event at the row's end instead of one per operation and phone message, the battery and the
 * energy accounts integrated along the row's segments exactly as the per-operation mode would
 * (partition-energy.ts), the time per state and phase booked from them (partition-handshake.ts),
 * and the last transition taken by the real machine, so the session that follows runs as before.
 * A device timeout or a brown-out during the replay cuts the row where it happens.
 *
 * What it trades: a bucket's handshakes are `rows` draws reused, so each bucket's mean carries
 * the table's sampling error (stated per run, by keychain: {@link HandshakeTable.relativeError}); a keychain's own
 * draws are not common random numbers with the per-operation mode. Buckets are built on first use
 * from streams keyed by (seed, bucket, row): the same in every partition and after a resume, so
 * a table run's summary does not depend on workers or checkpoints. The table is a memo: a
 * checkpoint leaves it out (checkpoint-memos.ts).
 * @module
 */
import type { FleetConfig } from './config.ts';
import { HandshakeLab, type LabRecorder } from './handshake-lab.ts';
import type { OpModel } from './op-model.ts';
import type { Parts } from './partition-parts.ts';

/** RSSI offset in a bucket key: a key is suite × 1024 + rounded RSSI + 512. */
const RSSI_OFFSET = 512;

/** One suite and link condition's rows, flat: row r's segments are rowStart[r] .. rowStart[r+1]−1. */
export interface Bucket {
  readonly key: number;
  readonly rowStart: Int32Array;
  /** Segment: when it began (ms from the handshake's start), its handshake configuration, current (mA), power mode, energy phase (−1 none) and the phase its time is booked to. */
  readonly segAt: Float64Array;
  readonly segCfg: Int32Array;
  readonly segMa: Float64Array;
  readonly segMode: Int8Array;
  readonly segPhase: Int8Array;
  readonly segBook: Int8Array;
  /** Row: when its last transition is taken (ms from the start), from which configuration, on which event. */
  readonly endAt: Float64Array;
  readonly endCfg: Int32Array;
  readonly endEvent: Int32Array;
  /** Mean charge of the bucket's handshakes (mA·ms) and its standard error (the table's error on the mean). */
  readonly meanMc: number;
  readonly seMc: number;
}

export class HandshakeTable {
  readonly rows: number;
  private readonly cfg: FleetConfig;
  private readonly x: Parts;
  private readonly ops: OpModel;
  private readonly hsTimerSlot: number;
  private readonly slots: number;
  /** Built buckets by key, and the lab that builds them: memos (rebuilt on demand, the same). */
  private buckets = new Map<number, Bucket>();
  private lab: HandshakeLab | null = null;

  constructor(cfg: FleetConfig, x: Parts, ops: OpModel, hsTimerSlot: number, slots: number, rows: number) {
    if (!Number.isInteger(rows) || rows < 2 || rows > 1 << 20) throw new RangeError(`handshake table: rows must be a whole number in 2..${1 << 20}, got ${rows}`);
    this.cfg = cfg;
    this.x = x;
    this.ops = ops;
    this.hsTimerSlot = hsTimerSlot;
    this.slots = slots;
    this.rows = rows;
  }

  /** The bucket of suite index `suite` at `rssiDbm` (built on first use). */
  bucket(suite: number, rssiDbm: number): Bucket {
    const r = Math.max(-RSSI_OFFSET, Math.min(RSSI_OFFSET - 1, Math.round(rssiDbm)));
    return this.byKey(suite * 2 * RSSI_OFFSET + r + RSSI_OFFSET);
  }

  /** The bucket of `key` (built on first use). */
  byKey(key: number): Bucket {
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = this.build(key);
      this.buckets.set(key, b);
    }
    return b;
  }

  /** Relative standard error of the mean handshake charge of the bucket of suite index `suite` at `rssiDbm`. */
  relativeError(suite: number, rssiDbm: number): number {
    const b = this.bucket(suite, rssiDbm);
    return b.meanMc > 0 ? b.seMc / b.meanMc : 0;
  }

  private build(key: number): Bucket {
    const suite = Math.floor(key / (2 * RSSI_OFFSET));
    const rssi = (key % (2 * RSSI_OFFSET)) - RSSI_OFFSET;
    this.lab ??= new HandshakeLab(this.cfg, this.x, this.ops, this.hsTimerSlot, this.slots);
    const rows = this.rows;
    const rowStart = new Int32Array(rows + 1);
    const at: number[] = [];
    const cfg: number[] = [];
    const ma: number[] = [];
    const mode: number[] = [];
    const phase: number[] = [];
    const book: number[] = [];
    const endAt = new Float64Array(rows);
    const endCfg = new Int32Array(rows);
    const endEvent = new Int32Array(rows);
    let row = 0;
    const rec: LabRecorder = {
      segment(atMs, c, m, md, ph, bp) {
        const last = at.length - 1;
        // A segment only where something the accounts see changed (zero-length ones kept: a state passed through is a visit).
        if (last >= rowStart[row]! && cfg[last] === c && ma[last] === m && mode[last] === md && phase[last] === ph && book[last] === bp) return;
        at.push(atMs); cfg.push(c); ma.push(m); mode.push(md); phase.push(ph); book.push(bp);
      },
      end(atMs, c, ev) {
        endAt[row] = atMs;
        endCfg[row] = c;
        endEvent[row] = ev;
      },
    };
    for (row = 0; row < rows; row++) {
      rowStart[row] = at.length;
      this.lab.runRow(key, suite, rssi, row, rec);
    }
    rowStart[rows] = at.length;
    // Each row's charge: its segments' currents over their spans.
    let sum = 0;
    let sum2 = 0;
    for (let r = 0; r < rows; r++) {
      let q = 0;
      for (let i = rowStart[r]!; i < rowStart[r + 1]!; i++) q += ma[i]! * ((i + 1 < rowStart[r + 1]! ? at[i + 1]! : endAt[r]!) - at[i]!);
      sum += q;
      sum2 += q * q;
    }
    const mean = sum / rows;
    const variance = Math.max(0, (sum2 - rows * mean * mean) / (rows - 1));
    return {
      key,
      rowStart,
      segAt: Float64Array.from(at),
      segCfg: Int32Array.from(cfg),
      segMa: Float64Array.from(ma),
      segMode: Int8Array.from(mode),
      segPhase: Int8Array.from(phase),
      segBook: Int8Array.from(book),
      endAt,
      endCfg,
      endEvent,
      meanMc: mean,
      seMc: Math.sqrt(variance / rows),
    };
  }
}
