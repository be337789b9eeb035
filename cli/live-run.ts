/**
 * `keytwin run --live <dashboard>`: merges the partitions' day slices into fleet rows as days
 * complete and publishes LiveSnapshots (dashboards/live.ts contract) to a running dashboard:
 * progress, events/s, SoC quantiles per day, projected battery lives and recent latencies.
 * @module
 */
import { createLivePublisher, MAX_LIVE_VALUES, type LiveSnapshot } from '../dashboards/index.ts';
import { POWER_MODES } from '../sim/statechart/index.ts';
import type { FleetConfig } from '../sim/twin/config.ts';
import { DeviceIds, type TwinMachines } from '../sim/twin/machines.ts';
import { addDaySlice, PartitionResult, type DaySlice } from '../sim/twin/partition-result.ts';
import { dailyRows } from '../sim/twin/summary.ts';
import { DAY_MS } from '../units/index.ts';
import type { Work } from './progress.ts';

export interface LiveRun {
  onDay(slice: DaySlice): void;
  /** `work`: the fleet's work forecast, when the run has one (sets the dashboard's ETA). */
  progress(simMs: number, events: number, wallMs: number, work?: Work): void;
  finish(state: 'done' | 'failed', events: number, wallMs: number, message?: string): Promise<string>;
}

export function createLiveRun(url: string, cfg: FleetConfig, runId: string, machines: TwinMachines, partitions: number): LiveRun {
  const publisher = createLivePublisher(url);
  const days = Math.ceil(cfg.durationDays);
  const fleet = new PartitionResult(0, 0, days, new DeviceIds(machines.device).failureReasons, [...POWER_MODES]);
  const slicesPerDay = new Uint16Array(days + 1);
  const lives: number[][] = Array.from({ length: days + 1 }, () => []);
  let complete = 0;
  let lifeDays: number[] = [];
  const unlock: number[] = [];
  const handshake: number[] = [];
  let simDay = 0;
  let last: Omit<LiveSnapshot, 'state'> | null = null;

  const recent = (into: number[], values: readonly number[]) => {
    into.push(...values);
    if (into.length > MAX_LIVE_VALUES) into.splice(0, into.length - MAX_LIVE_VALUES);
  };
  const snapshot = (events: number, wallMs: number): Omit<LiveSnapshot, 'state'> => ({
    runId,
    scenario: cfg.name,
    devices: cfg.devices,
    durationDays: cfg.durationDays,
    simDay: Math.min(cfg.durationDays, simDay),
    events,
    eventsPerSecond: wallMs > 0 ? Math.round(events / (wallMs / 1000)) : 0,
    wallMs: Math.round(wallMs),
    daily: dailyRows(fleet, complete),
    lifeDays: lifeDays.slice(0, MAX_LIVE_VALUES),
    unlockLatencyMs: [...unlock],
    handshakeLatencyMs: [...handshake],
  });

  return {
    onDay(s) {
      addDaySlice(fleet, s);
      recent(unlock, s.unlockLatencyMs);
      recent(handshake, s.handshakeLatencyMs);
      lives[s.day]!.push(...s.lifeDays);
      if (++slicesPerDay[s.day]! === partitions) {
        while (complete < days && slicesPerDay[complete + 1] === partitions) complete++;
        lifeDays = lives[s.day]!;
      }
    },
    progress(simMs, events, wallMs, work) {
      simDay = simMs / DAY_MS;
      last = { ...snapshot(events, wallMs), ...(work ? { workDone: work.done, workLeft: work.left } : {}) };
      publisher.publish({ ...last, state: 'running' });
    },
    async finish(state, events, wallMs, message) {
      simDay = state === 'done' ? cfg.durationDays : simDay;
      last = snapshot(events, wallMs);
      publisher.publish({ ...last, state, ...(message ? { message } : {}) });
      const r = await publisher.close();
      return r.failed ? `live: ${r.sent} snapshots sent, ${r.failed} failed (${r.lastError})` : `live: ${r.sent} snapshots sent to ${url}`;
    },
  };
}
