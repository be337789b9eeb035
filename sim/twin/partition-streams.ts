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
 * Device k's stream is sfc32 state words 4k..4k+3 of one typed array. One object per purpose
 * serves every device: set `k` before drawing. An episodic stream's key is derived again at each
 * re-seed (a hash, ~0.1 µs, a few times an episode) rather than kept: 16 bytes a keychain and
 * purpose saved (issue 12's memory target). Normals come from a table (sim/device/normal-table.ts),
 * one uniform each, so no per-device spare normal is kept. Nothing is allocated per draw.
 * @module
 */
import { seedIndexedInto, sfc32NextU32, type StreamKeys } from '../engine/index.ts';

export class DeviceStreams {
  /** The device drawing (index in the partition). */
  k = 0;
  /** sfc32 state, 4 words per device. */
  readonly state: Int32Array;
  /** Episodic streams: the episode each device's state is seeded for (0xffffffff: none yet). */
  private readonly seededFor: Uint32Array | null;
  /** The current episode of each device (shared by the episodic streams of a partition). */
  private readonly episode: Uint32Array | null;
  /** Episodic streams: the purpose's stream keys, and the global index of device 0 (set by {@link useKeys}). */
  private keys: StreamKeys | null = null;
  private lo = 0;
  private readonly scratch = new Int32Array(4);

  /** A whole-run stream per device, or (with `episode`) an episodic one. */
  constructor(n: number, episode: Uint32Array | null = null) {
    this.state = new Int32Array(4 * n);
    this.episode = episode;
    this.seededFor = episode ? new Uint32Array(n).fill(0xffffffff) : null;
  }

  next(): number {
    const k = this.k;
    if (this.episode !== null && this.seededFor![k] !== this.episode[k]) this.reseed(k);
    return (sfc32NextU32(this.state, k << 2) >>> 0) * 2.3283064365386963e-10;
  }

  /** Episodic streams: device k's key is `keys` at index lo + k (its global index). */
  useKeys(keys: StreamKeys, lo: number): void {
    this.keys = keys;
    this.lo = lo;
  }

  /** Episodic streams: device k's next draw re-seeds even if its episode is unchanged (the keys changed). */
  restart(k: number): void {
    this.seededFor![k] = 0xffffffff;
  }

  private reseed(k: number): void {
    const e = this.episode![k]!;
    this.seededFor![k] = e;
    this.keys!.into(this.scratch, 0, this.lo + k);
    seedIndexedInto(this.state, k << 2, this.scratch, 0, e);
  }
}

/** The streams of a partition by purpose, and the episode counter the episodic ones follow. */
export class Streams {
  /** Owner arrivals per device so far: the episode index of the phone, radio and crypto streams. */
  readonly episode: Uint32Array;
  readonly owner: DeviceStreams;
  readonly phone: DeviceStreams;
  readonly radio: DeviceStreams;
  readonly crypto: DeviceStreams;

  constructor(n: number) {
    this.episode = new Uint32Array(n);
    this.owner = new DeviceStreams(n);
    this.phone = new DeviceStreams(n, this.episode);
    this.radio = new DeviceStreams(n, this.episode);
    this.crypto = new DeviceStreams(n, this.episode);
  }
}
