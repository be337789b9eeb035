/**
 * The random streams of a partition's devices in one typed array: device k's stream is sfc32
 * state words 4k..4k+3, seeded from ('device', g) so a device's draws do not depend on the
 * partition it is in. One object serves every device: set `k` before drawing. It hands out both
 * normals of each Box–Muller pair, the spare kept per device (like the stream, it belongs to the
 * device). Nothing is allocated per draw.
 * @module
 */
import { sfc32NextU32 } from '../engine/index.ts';
import { boxMullerPair, type NormalSource } from '../device/index.ts';

export class DeviceStreams implements NormalSource {
  /** The device drawing (index in the partition). */
  k = 0;
  /** sfc32 state, 4 words per device. */
  readonly state: Int32Array;
  private readonly spare: Float64Array;
  private readonly hasSpare: Uint8Array;

  constructor(n: number) {
    this.state = new Int32Array(4 * n);
    this.spare = new Float64Array(n);
    this.hasSpare = new Uint8Array(n);
  }

  next(): number {
    return (sfc32NextU32(this.state, this.k << 2) >>> 0) * 2.3283064365386963e-10;
  }

  nextNormal(): number {
    const k = this.k;
    if (this.hasSpare[k]) {
      this.hasSpare[k] = 0;
      return this.spare[k]!;
    }
    this.hasSpare[k] = 1;
    return boxMullerPair(this, this.spare, k);
  }
}
