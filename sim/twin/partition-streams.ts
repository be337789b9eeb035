/**
 * The random streams of a partition's devices, one per purpose so that variants see common
 * random numbers: what differs between two runs (a suite, a radio, a firmware) changes only the
 * draws of its own purpose, never the owners'.
 *
 * - owner: arrival times, what each arrival is (tap, intent, jostle) and whether the phone is
 *   near; one stream for the whole run, drawn the same way whatever the device's state.
 * - phone, radio, crypto: the phone app's delays and crypto, discovery/connect/per-packet loss,
 *   the keychain's crypto timing. These are episodic: each owner arrival starts a fresh stream
 *   seeded from (seed, purpose, device, episode), lazily at the episode's first draw, so a
 *   longer message in one episode does not shift the draws of the next.
 *
 * A whole-run stream's state is sfc32 words 4k..4k+3 of one typed array per purpose; the episodic
 * streams' state is in a side table whose rows only awake keychains hold (partition-episode-rows.ts).
 * One object per purpose serves every device: set `k` before drawing. An episodic stream's key
 * is derived again at each re-seed (a hash, ~0.1 µs, a few times an episode) rather than kept:
 * 16 bytes a keychain and purpose saved (issue 12's memory target). Normals come from a table
 * (sim/device/normal-table.ts), one uniform each, so no per-device spare normal is kept. Nothing
 * is allocated per draw.
 * @module
 */
import { seedIndexedInto, sfc32NextU32, type StreamKeys } from '../engine/index.ts';
import { EPISODIC_PURPOSES, EpisodeRows } from './partition-episode-rows.ts';

export class DeviceStreams {
  /** The device drawing (index in the partition). */
  k = 0;
  /** Whole-run streams: sfc32 state, 4 words per device (empty for an episodic stream). */
  readonly state: Int32Array;
  /** Episodic streams: the side table of awake keychains' states, and this purpose's place in a row. */
  private readonly rows: EpisodeRows | null;
  private readonly purpose: number;
  /** Episodic streams: the purpose's stream keys, and the global index of device 0 (set by {@link useKeys}). */
  private keys: StreamKeys | null = null;
  private lo = 0;
  private readonly scratch = new Int32Array(4);

  /** A whole-run stream per device, or (with `rows`) the episodic stream of purpose `purpose`. */
  constructor(n: number, rows: EpisodeRows | null = null, purpose = 0) {
    this.state = new Int32Array(rows ? 0 : 4 * n);
    this.rows = rows;
    this.purpose = purpose;
  }

  next(): number {
    const rows = this.rows;
    if (rows === null) return (sfc32NextU32(this.state, this.k << 2) >>> 0) * 2.3283064365386963e-10;
    const k = this.k;
    let r = rows.rowOf[k]!;
    if (r < 0) r = rows.take(k);
    const slot = r * EPISODIC_PURPOSES + this.purpose;
    if (rows.seededFor[slot] !== rows.episode[k]) this.reseed(rows, k, slot);
    return (sfc32NextU32(rows.state, slot << 2) >>> 0) * 2.3283064365386963e-10;
  }

  /** Episodic streams: device k's key is `keys` at index lo + k (its global index). */
  useKeys(keys: StreamKeys, lo: number): void {
    this.keys = keys;
    this.lo = lo;
  }

  private reseed(rows: EpisodeRows, k: number, slot: number): void {
    const e = rows.episode[k]!;
    rows.seededFor[slot] = e;
    this.keys!.into(this.scratch, 0, this.lo + k);
    seedIndexedInto(rows.state, slot << 2, this.scratch, 0, e);
  }
}

/** The streams of a partition by purpose, and the episode counter the episodic ones follow. */
export class Streams {
  /** The episodic streams' rows and each device's episode (its owner arrivals so far). */
  readonly rows: EpisodeRows;
  readonly owner: DeviceStreams;
  readonly phone: DeviceStreams;
  readonly radio: DeviceStreams;
  readonly crypto: DeviceStreams;

  constructor(n: number) {
    this.rows = new EpisodeRows(n);
    this.owner = new DeviceStreams(n);
    this.phone = new DeviceStreams(n, this.rows, 0);
    this.radio = new DeviceStreams(n, this.rows, 1);
    this.crypto = new DeviceStreams(n, this.rows, 2);
  }
}
