/**
 * Live sampling for dashboards: a few unlock and handshake latencies per day and every sampled
 * device's life (observed, or projected in closed form at its load so far), handed out as a day slice at each day boundary. Only when the caller
 * asked for day slices; otherwise each hook is one test.
 *
 * Devices run one after the other through a day, so "the first LIVE_SAMPLES latencies" would all
 * come from the first few devices: take at most one per device, from every stride-th device.
 * @module
 */
import type { Energy } from './partition-energy.ts';
import { daySlice, type DaySlice, type PartitionResult } from './partition-result.ts';

/** Latencies and projected lives kept per day for live views, per partition. */
export const LIVE_SAMPLES = 300;

export class LiveSampler {
  private readonly onDay: ((slice: DaySlice) => void) | undefined;
  private readonly n: number;
  private readonly stride: number;
  private unlock: number[] = [];
  private handshake: number[] = [];
  /** The device that gave the last sample of each kind. */
  private unlockK = -1;
  private handshakeK = -1;

  constructor(n: number, onDay: ((slice: DaySlice) => void) | undefined) {
    this.n = n;
    this.onDay = onDay;
    this.stride = Math.max(1, Math.floor(n / LIVE_SAMPLES));
  }

  unlockLatency(k: number, ms: number): void {
    if (this.onDay && k !== this.unlockK && k % this.stride === 0 && this.unlock.length < LIVE_SAMPLES) {
      this.unlock.push(ms);
      this.unlockK = k;
    }
  }

  handshakeLatency(k: number, ms: number): void {
    if (this.onDay && k !== this.handshakeK && k % this.stride === 0 && this.handshake.length < LIVE_SAMPLES) {
      this.handshake.push(ms);
      this.handshakeK = k;
    }
  }

  /** At the boundary ending `day` (simulated `nowMs`): the day's slice with the first devices' projected lives. */
  endDay(res: PartitionResult, day: number, nowMs: number, energy: Energy): void {
    if (!this.onDay) return;
    const life: number[] = [];
    for (let k = 0; k < Math.min(this.n, LIVE_SAMPLES); k++) {
      const dead = res.depletedDay[k]!;
      life.push(dead === dead ? dead : energy.liveLifeDays(k, nowMs, res.energyUj[k]!));
    }
    this.onDay(daySlice(res, day, { unlock: this.unlock, handshake: this.handshake, life }));
    this.unlock = [];
    this.handshake = [];
    this.unlockK = -1;
    this.handshakeK = -1;
  }
}
