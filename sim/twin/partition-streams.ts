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
 * The owner stream's state is sfc32 words 4k..4k+3 of one typed array. The episodic streams'
 * state is held for one device at a time (partition-episodic.ts): a partition runs each device's
 * events up to the day boundary in one go, so only the device running draws, and only a device
 * whose wake straddles the boundary keeps its streams in its episode row (issue 12: 60 B a keychain
 * less than a state and a seeded-for episode per device and purpose, with no lookup per draw).
 * One object per purpose serves every device: set `k` before drawing. An episodic stream's key is
 * derived again at each re-seed (a hash, ~0.1 µs, a few times an episode) rather than kept.
 * Normals come from a table (sim/device/normal-table.ts), one uniform each, so no per-device
 * spare normal is kept. Nothing is allocated per draw.
 * @module
 */
import { seedIndexedInto, sfc32NextU32, type StreamKeys } from '../engine/index.ts';
import { EpisodicState } from './partition-episodic.ts';
import type { Episodes } from './partition-episodes.ts';

export class DeviceStreams {
  /** The device drawing (index in the partition). */
  k = 0;
  /** Owner stream: sfc32 state, 4 words per device (empty for an episodic stream). */
  readonly state: Int32Array;
  /** Episodic streams: the held state they share, and this purpose's place in it. */
  private readonly ep: EpisodicState | null;
  private readonly purpose: number;
  /** Episodic streams: the purpose's stream keys, and the global index of device 0 (set by {@link useKeys}). */
  private keys: StreamKeys | null = null;
  private lo = 0;
  /** The key of device `keyOf` (−1: none yet): a device re-seeds each episode, dozens a day, and its key never changes. */
  private readonly scratch = new Int32Array(4);
  private keyOf = -1;

  /** A whole-run stream per device, or (with `ep`) the episodic stream of `purpose`. */
  constructor(n: number, ep: EpisodicState | null = null, purpose = 0) {
    this.state = new Int32Array(ep ? 0 : 4 * n);
    this.ep = ep;
    this.purpose = purpose;
  }

  next(): number {
    const k = this.k;
    const ep = this.ep;
    if (ep === null) return (sfc32NextU32(this.state, k << 2) >>> 0) * 2.3283064365386963e-10;
    if (ep.holder !== k) ep.hold(k);
    const p = this.purpose;
    if (ep.seededFor[p] !== ep.episode[k]) this.reseed(ep, k, p);
    return (sfc32NextU32(ep.words, p << 2) >>> 0) * 2.3283064365386963e-10;
  }

  /** Episodic streams: device k's key is `keys` at index lo + k (its global index). */
  useKeys(keys: StreamKeys, lo: number): void {
    this.keys = keys;
    this.lo = lo;
    this.keyOf = -1;
  }

  private reseed(ep: EpisodicState, k: number, p: number): void {
    ep.checkFresh(k);
    const e = ep.episode[k]!;
    ep.seededFor[p] = e;
    if (this.keyOf !== k) {
      this.keys!.into(this.scratch, 0, this.lo + k);
      this.keyOf = k;
    }
    seedIndexedInto(ep.words, p << 2, this.scratch, 0, e);
  }
}

/** The streams of a partition by purpose, and the episodic ones' shared state. */
export class Streams {
  /** The held episodic state and each device's episode (its owner arrivals so far). */
  readonly ep: EpisodicState;
  readonly owner: DeviceStreams;
  readonly phone: DeviceStreams;
  readonly radio: DeviceStreams;
  readonly crypto: DeviceStreams;

  /** `rows`, `flags`: the device table's episode rows and flags; `awake(j)`: whether device j's wake may still draw. */
  constructor(n: number, rows: Episodes, flags: Uint16Array, awake: (j: number) => boolean) {
    this.ep = new EpisodicState(n, rows, flags, awake);
    this.owner = new DeviceStreams(n);
    this.phone = new DeviceStreams(n, this.ep, 0);
    this.radio = new DeviceStreams(n, this.ep, 1);
    this.crypto = new DeviceStreams(n, this.ep, 2);
  }
}
