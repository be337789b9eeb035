/**
 * Every owner intent (an unlock intent or an NFC tap) ends as exactly one outcome, counted per
 * device, per day and fleet-wide, and told to telemetry as an unlock_attempt: unlocked; the phone
 * was not in range; the phone was in range but did not find the keychain before its advertising
 * window ended; the keychain was busy with a previous wake (the wake is dropped: the firmware has
 * no queue); it was at rest with the wake off (low battery, or locked down / unprovisioned); its
 * battery was dead; a named failure of the device machine; the phone found it but the wake
 * ended with neither; or the run ended first. The fixed outcomes come first, then the device
 * machine's failure reasons, so outcome indices are the same in every partition.
 * @module
 */
import type { Clock } from './partition-clock.ts';
import type { PartitionResult } from './partition-result.ts';
import { F_OPEN, type DeviceTable } from './partition-table.ts';
import type { Telemetry } from './partition-telemetry.ts';

export const OUTCOMES = ['unlocked', 'phoneNotInRange', 'phoneNotFound', 'busyDropped', 'lowBatteryWakeOff', 'wakeOffNotProvisioned', 'batteryDead', 'endedWithoutUnlock', 'runEnded'] as const;
export const O_UNLOCKED = 0;
export const O_NOT_IN_RANGE = 1;
export const O_NOT_FOUND = 2;
export const O_BUSY = 3;
export const O_LOW_BATTERY = 4;
export const O_WAKE_OFF = 5;
export const O_DEAD = 6;
export const O_NO_UNLOCK = 7;
export const O_RUN_ENDED = 8;
/** Outcome index of failure reason r. */
export const O_FAILURE = OUTCOMES.length;

/** Outcome names: the fixed ones, then the failure reasons (the summary's keys). */
export function outcomeNames(reasons: readonly string[]): string[] {
  return [...OUTCOMES, ...reasons.map((r) => `failed:${r}`)];
}

export class Outcomes {
  private readonly t: DeviceTable;
  private readonly clock: Clock;
  private readonly res: PartitionResult;
  private readonly telemetry: Telemetry;
  private readonly names: readonly string[];
  private readonly width: number;

  constructor(t: DeviceTable, clock: Clock, res: PartitionResult, telemetry: Telemetry) {
    this.t = t;
    this.clock = clock;
    this.res = res;
    this.telemetry = telemetry;
    this.names = outcomeNames(res.reasons);
    this.width = this.names.length;
  }

  /** Device k's open intent (if any) ends as outcome `o`; an unlock's telemetry is the unlock's own. */
  close(k: number, o: number): void {
    const t = this.t;
    if (!(t.flags[k]! & F_OPEN)) return;
    t.flags[k]! &= ~F_OPEN;
    this.count(k, o, this.clock.now - t.wakeT[k]!);
  }

  /** An intent that never opened a wake (busy, wake off, dead) ends at once as outcome `o`. */
  dropped(k: number, o: number): void {
    this.count(k, o, 0);
  }

  private count(k: number, o: number, latencyMs: number): void {
    const res = this.res;
    const w = this.width;
    res.outcomes[o]!++;
    res.dayOutcomes[this.clock.day() * w + o]!++;
    if (o !== O_UNLOCKED) this.telemetry.record(k, 'unlock_attempt', false, latencyMs, o >= O_FAILURE ? this.res.reasons[o - O_FAILURE]! : this.names[o]!);
  }
}
