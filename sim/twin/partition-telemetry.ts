/**
 * Telemetry of the traced devices (the first `traceDevices` of the fleet): the records the
 * keychain's app would upload for an unlock attempt, an established handshake or a brownout, and
 * their state-of-charge samples. Devices beyond the trace cost one comparison.
 * @module
 */
import type { Suite } from '../../firmware/index.ts';
import type { Clock } from './partition-clock.ts';
import type { Energy } from './partition-energy.ts';
import type { PartitionResult } from './partition-result.ts';
import type { DeviceTable } from './partition-table.ts';

export type TelemetryEventType = 'unlock_attempt' | 'handshake' | 'brownout';

export class Telemetry {
  private readonly t: DeviceTable;
  private readonly clock: Clock;
  private readonly energy: Energy;
  private readonly res: PartitionResult;
  private readonly suites: readonly Suite[];
  /** Devices below this global index are traced. */
  private readonly traceDevices: number;

  constructor(t: DeviceTable, clock: Clock, energy: Energy, res: PartitionResult, suites: readonly Suite[], traceDevices: number) {
    this.t = t;
    this.clock = clock;
    this.energy = energy;
    this.res = res;
    this.suites = suites;
    this.traceDevices = traceDevices;
  }

  /** Whether device k (index in the partition) is traced. */
  traced(k: number): boolean {
    return this.t.lo + k < this.traceDevices;
  }

  record(k: number, eventType: TelemetryEventType, success: boolean, latencyMs: number, reason: string): void {
    const g = this.t.lo + k;
    if (g >= this.traceDevices) return;
    const s = this.suites[this.t.suiteIdx[k]!]!;
    this.res.telemetry.push({
      device: g,
      timeMs: this.clock.now,
      eventType,
      success,
      latencyMs,
      rssi: Math.round(this.t.rssi[k]!),
      sessionKdf: s.mode === 'classical' ? 'classical-v1' : s.mode === 'pq' ? 'pq-v1' : 'hybrid-v1',
      suite: s.id,
      reason,
      soc: this.energy.gaugeSoc(k),
    });
  }

  /** A state-of-charge sample of device k (day boundary, or the brownout), if it is traced. */
  socSample(k: number, day: number, soc: number, brownout: boolean): void {
    if (this.traced(k)) this.res.socSamples.push({ device: this.t.lo + k, day, soc, brownout });
  }
}
