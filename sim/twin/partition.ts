/**
 * One partition of the fleet (devices lo..hi−1) simulated on one event calendar. Each keychain
 * runs the compiled device machine and, while it is connected, the compiled device-role
 * handshake machine; the twin supplies what the machines leave open: how long each `meta.op`
 * takes and what it costs (op-model.ts), when the owner wants to unlock (diurnal arrivals), when
 * the phone answers, and when the battery browns out.
 *
 * Event economy: one event per timed operation, timer, arrival or phone message; the battery is
 * integrated exactly between events (piecewise-constant current, closed form with
 * self-discharge), never ticked. Device state is structure-of-arrays; nothing is allocated per
 * event on the hot path except inside the physics samplers.
 *
 * Scheduling: devices never interact, so there is no global calendar. Each device keeps a slot
 * agenda and the partition runs in windows of one simulated day: each device runs all its events
 * up to the day boundary in one go, its state hot in cache, then `daily` samples every device
 * settled exactly at the boundary. A device's events pop in the same (time, set order) as on one
 * calendar, so its life is what it would be alone.
 *
 * Determinism: every random draw of device g comes from its own stream ('device', g), so a
 * device's life does not depend on the partition it is in; accumulators are integers (µJ, µs,
 * counts) or integer-count histograms, so merging partitions is exact in any order.
 *
 * The parts, one concept per file: the device table (partition-table.ts) and streams
 * (partition-streams.ts); stepping a compiled machine (partition-machine.ts) and what its
 * configurations mean (partition-configs.ts); the twin's side of the device machine
 * (partition-device.ts) and of the handshake (partition-handshake.ts); the owner and the phone
 * (partition-behaviour.ts); battery and energy (partition-energy.ts); telemetry
 * (partition-telemetry.ts) and live sampling (partition-live.ts). This file wires them and runs
 * the day windows.
 * @module
 */
import { createRng } from '../engine/index.ts';
import { parseSuite, type Suite } from '../../firmware/index.ts';
import { advertisingCurrentMa, createCryptoTiming, suiteLevels } from '../device/index.ts';
import { POWER_MODES, timerLanes } from '../statechart/index.ts';
import type { FleetConfig } from './config.ts';
import { checkMachinesFor, DeviceIds, HandshakeIds, type TwinMachines } from './machines.ts';
import { OpModel, PHASES } from './op-model.ts';
import { Behaviour } from './partition-behaviour.ts';
import { Clock } from './partition-clock.ts';
import { DAY_MS } from '../../units/index.ts';
import { ConfigFlags, DC_REST } from './partition-configs.ts';
import { DeviceSide } from './partition-device.ts';
import { drawDevices } from './partition-draw.ts';
import { Energy } from './partition-energy.ts';
import { HandshakeSide } from './partition-handshake.ts';
import { LiveSampler } from './partition-live.ts';
import { lowBatteryMode } from './life.ts';
import { MachineRun, type Deliver } from './partition-machine.ts';
import type { Parts } from './partition-parts.ts';
import { PartitionResult, SOC_BINS, type DaySlice } from './partition-result.ts';
import { Streams } from './partition-streams.ts';
import { HandshakeTable } from './handshake-table.ts';
import { DeviceTable, F_BROWNOUT_PENDING, F_DEAD, F_LOW, F_LOW_SENT, F_REPLAY, S_ARRIVAL, S_DEV_OP, S_DEV_TIMER, S_HS_OP, S_PHONE } from './partition-table.ts';
import { Telemetry } from './partition-telemetry.ts';
import { restoreState, sharedObjects, snapshotState } from './checkpoint-state.ts';
import { PARTITION_MEMOS } from './checkpoint-memos.ts';
import { O_DEAD, O_RUN_ENDED, Outcomes } from './partition-outcomes.ts';
import { forecastWork, type ProgressFn } from './partition-forecast.ts';

export interface PartitionOptions {
  /** Called about every simulated day with (simulated ms done, events processed, the work done and left for an ETA). */
  onProgress?: ProgressFn;
  /** Called at each day boundary with that day's slice (live dashboards). */
  onDay?: (slice: DaySlice) => void;
  /** Continue from this snapshot (checkpoint-state.ts) of the same config and devices instead of day 0. */
  resume?: Uint8Array;
  /** Snapshot the partition after every `everyDays` completed days (not after the last) and hand it to `save`. */
  checkpoint?: { everyDays: number; save: (day: number, snapshot: Uint8Array, events: number) => void };
}

export function simulatePartition(cfg: FleetConfig, machines: TwinMachines, lo: number, hi: number, options: PartitionOptions = {}): PartitionResult {
  const p = new Partition(cfg, machines, lo, hi, options.onDay);
  const ck = options.checkpoint;
  if (!options.resume && !ck) return p.run(options.onProgress);
  // The config and the compiled machines are shared and immutable: a snapshot leaves them out
  // and the fresh partition that restores brings its own.
  const shared = sharedObjects([cfg, machines]);
  const from = options.resume ? restoreState(p, shared, PARTITION_MEMOS, options.resume, { lo, hi }, `partition of devices ${lo}..${hi - 1}`) : 0;
  const every = ck?.everyDays ?? 0;
  const save = ck && ((day: number) => {
    if (day % every === 0) ck.save(day, snapshotState(p, shared, PARTITION_MEMOS, { day, lo, hi }), p.events);
  });
  return p.run(options.onProgress, from, save);
}

class Partition implements Deliver {
  private readonly t: DeviceTable;
  private readonly clock: Clock;
  private readonly res: PartitionResult;
  private readonly suites: Suite[];
  private readonly durationMs: number;
  private readonly dev: MachineRun;
  private readonly hs: MachineRun;
  private readonly dIds: DeviceIds;
  private readonly energy: Energy;
  private readonly telemetry: Telemetry;
  private readonly live: LiveSampler;
  private readonly behaviour: Behaviour;
  private readonly device: DeviceSide;
  private readonly handshake: HandshakeSide;
  private readonly outcomes: Outcomes;
  private readonly table: HandshakeTable | null;

  constructor(cfg: FleetConfig, machines: TwinMachines, lo: number, hi: number, onDay: ((slice: DaySlice) => void) | undefined) {
    checkMachinesFor(machines, cfg.firmware, cfg.name);
    const n = hi - lo;
    const dm = machines.device;
    const hm = machines.handshake;
    const dIds = new DeviceIds(dm);
    const hIds = new HandshakeIds(hm);
    this.dIds = dIds;
    const suiteIds = Object.keys(cfg.suites).sort();
    const suites = suiteIds.map((id) => parseSuite(id));
    this.suites = suites;
    this.durationMs = cfg.durationDays * DAY_MS;
    const hsTimerSlot = S_DEV_TIMER + timerLanes(dm).lanes;
    const t = new DeviceTable(lo, n, hsTimerSlot + timerLanes(hm).lanes, new Set(hm.stateKey).size, Math.max(dm.nConfigs, hm.nConfigs), Math.max(dm.nEvents, hm.nEvents));
    this.t = t;
    const res = new PartitionResult(lo, n, Math.ceil(cfg.durationDays), dIds.failureReasons, [...POWER_MODES], false);
    this.res = res;
    this.clock = new Clock(res.days, res.binWakes.length);
    const flags = new ConfigFlags(dm, dIds, hm, hIds);
    const devRest = flags.dev;
    const x: Parts = {
      t,
      clock: this.clock,
      // A device's wake may still draw from its episodic streams until it is back at rest.
      s: new Streams(n, t.episodes, t.flags, (j) => !(devRest[t.devCfg[j]!]! & DC_REST)),
      res,
      dm,
      hm,
      dIds,
      hIds,
      flags,
      suites,
      timing: suites.map((s) => createCryptoTiming(cfg.profile, suiteLevels(s))),
      p: this,
    };
    const energy = new Energy(cfg.profile, t, this.clock, res, dm, hm);
    const telemetry = new Telemetry(t, this.clock, energy, res, suites, cfg.traceDevices);
    const live = new LiveSampler(n, onDay);
    const outcomes = new Outcomes(t, this.clock, res, telemetry);
    this.outcomes = outcomes;
    const behaviour = new Behaviour(x, cfg, this.durationMs, outcomes);
    this.hs = new MachineRun(hm, t.hsCfg, t.agenda, hsTimerSlot, null);
    const hsOps = new OpModel(cfg.profile, hm, suites, cfg.radio);
    const rows = cfg.handshakeTable ?? 0;
    const table = rows > 0 ? new HandshakeTable(cfg, x, hsOps, hsTimerSlot, hsTimerSlot + timerLanes(hm).lanes, rows) : null;
    energy.table = table;
    this.table = table;
    const handshake = new HandshakeSide(x, { run: this.hs, ops: hsOps, behaviour, energy, live, telemetry, table });
    const devOps = new OpModel(cfg.profile, dm, suites, cfg.radio, cfg.behaviour.ota?.imageBytes);
    const device = new DeviceSide(x, { ops: devOps, advertiseMa: advertisingCurrentMa(cfg.profile, cfg.firmware.advertiseWindowMs), behaviour, handshake, energy, live, telemetry, outcomes });
    this.dev = new MachineRun(dm, t.devCfg, t.agenda, S_DEV_TIMER, device);
    this.energy = energy;
    this.telemetry = telemetry;
    this.live = live;
    this.behaviour = behaviour;
    this.device = device;
    this.handshake = handshake;

    drawDevices(cfg, createRng(cfg.seed), suiteIds, t, x.s, energy, behaviour.otaEveryMs);
    // Start: the compiled initial configuration (provisioned, asleep), its timers, the first arrival.
    for (let k = 0; k < n; k++) {
      this.dev.start(k, 0);
      device.enter(k, -1);
      behaviour.scheduleArrival(k, 0);
    }
  }

  /**
   * Runs the days after `fromDay` (0: from the start; else restored from a snapshot taken after
   * that day) to the end. `afterDay` is called at each day boundary before the last, when the
   * state is complete: nothing of the next day has run.
   */
  /** Events handled so far (a checkpoint records them, so a resumed run's rate counts only its own). */
  get events(): number {
    return this.clock.events;
  }

  run(onProgress: PartitionOptions['onProgress'], fromDay = 0, afterDay?: (day: number) => void): PartitionResult {
    const n = this.t.n;
    const days = Math.ceil(this.durationMs / DAY_MS);
    for (let d = fromDay + 1; d <= days; d++) {
      // Conservative window: every device's events up to the boundary (inclusive), then the sample.
      const end = Math.min(d * DAY_MS, this.durationMs);
      for (let k = 0; k < n; k++) this.runDevice(k, end);
      this.clock.now = end;
      this.daily(d);
      if (onProgress) onProgress(end, this.clock.events, forecastWork(this.t, this.res, this.energy, d, end, this.durationMs / DAY_MS));
      if (d < days) afterDay?.(d);
    }
    // What the last sample set in motion at the end time itself (a zero-delay output).
    for (let k = 0; k < n; k++) this.runDevice(k, this.durationMs);
    this.finish();
    this.res.events = this.clock.events;
    return this.res;
  }

  /** Runs device k's events due at or before `untilMs`, in (time, set order). */
  private runDevice(k: number, untilMs: number): void {
    const agenda = this.t.agenda;
    const clock = this.clock;
    for (let slot = agenda.popDue(k, untilMs); slot >= 0; slot = agenda.popDue(k, untilMs)) {
      clock.now = agenda.poppedTime;
      clock.events++;
      this.handle(slot, k);
    }
  }

  private handle(slot: number, k: number): void {
    switch (slot) {
      case S_ARRIVAL:
        this.behaviour.arrival(k);
        return;
      case S_DEV_OP:
        this.t.devOpMa[k] = NaN;
        this.deliverDev(k, this.t.devOpEvent[k]!);
        return;
      case S_HS_OP: {
        if (this.t.flags[k]! & F_REPLAY) {
          this.handshake.replayEnd(k);
          return;
        }
        // Only a running handshake has an op pending (stop clears the slot), so k holds a row.
        const ep = this.t.episodes;
        const row = ep.rowOf[k]!;
        ep.opMa[row] = NaN;
        this.deliverHs(k, ep.opEvent[row]!);
        return;
      }
      case S_PHONE:
        this.behaviour.phoneActs(k);
        return;
      default:
        if (slot >= this.hs.timerBase) {
          if (this.t.hsCfg[k]! >= 0) this.deliverHs(k, this.hs.timerEvent(k, slot));
        } else this.deliverDev(k, this.dev.timerEvent(k, slot));
    }
  }

  // ---- delivering events: one step of either machine -------------------------------------------

  deliverDev(k: number, ev: number): void {
    const prev = this.step(this.dev, k, ev);
    if (prev >= 0) this.device.enter(k, prev);
  }

  deliverHs(k: number, ev: number): void {
    const prev = this.step(this.hs, k, ev);
    if (prev >= 0) this.handshake.enter(k, prev);
  }

  /**
   * Steps `run`'s machine of device k on event `ev`: nothing if it has no transition; else the
   * battery is settled up to now first, and a brownout found there preempts the step. Returns the
   * configuration the machine left, or −1 if it did not move.
   */
  private step(run: MachineRun, k: number, ev: number): number {
    const cell = run.cell(k, ev);
    if (cell < 0) return -1;
    this.energy.settle(k);
    if (this.t.flags[k]! & F_BROWNOUT_PENDING) {
      this.brownout(k);
      return -1;
    }
    return run.take(k, cell, this.clock.now);
  }

  /** The cell reached its cutoff: the device is dead, and its machine is told. */
  private brownout(k: number): void {
    const t = this.t;
    t.flags[k] = (t.flags[k]! & ~F_BROWNOUT_PENDING) | F_DEAD;
    this.outcomes.close(k, O_DEAD);
    this.handshake.stop(k);
    t.agenda.clear(k, S_DEV_OP);
    t.devOpMa[k] = NaN;
    this.behaviour.cancel(k);
    this.telemetry.record(k, 'brownout', false, 0, 'brownout');
    this.telemetry.socSample(k, this.res.depletedDay[k]!, 0, true);
    const cell = this.dev.cell(k, this.dIds.brownout);
    if (cell >= 0) this.device.enter(k, this.dev.take(k, cell, this.clock.now));
  }

  /** At the boundary ending `day`: every device settled and sampled, the low-battery alerts, the live slice. */
  private daily(day: number): void {
    const t = this.t;
    const res = this.res;
    for (let k = 0; k < t.n; k++) {
      this.energy.settle(k);
      if (t.flags[k]! & F_BROWNOUT_PENDING) this.brownout(k);
      const soc = this.energy.soc(k);
      res.daySoc[(day - 1) * SOC_BINS + Math.min(SOC_BINS - 1, Math.floor(soc * SOC_BINS))]!++;
      if (!(t.flags[k]! & F_DEAD)) res.dayAlive[day - 1]!++;
      this.telemetry.socSample(k, day, soc, false);
      // The fuel gauge's low-battery alert, checked once a day: reduced behaviour from then on.
      if ((t.flags[k]! & (F_LOW | F_LOW_SENT | F_DEAD)) === F_LOW) {
        t.flags[k]! |= F_LOW_SENT;
        this.res.lowDay[k] = day;
        this.deliverDev(k, this.dIds.batteryLow);
      }
    }
    this.live.endDay(res, day, this.clock.now, this.energy);
  }

  /**
   * The end of the run: open intents closed, and the result's end-of-run columns (END_COLUMNS).
   * Those are written into table columns of the same type that nothing reads any more and handed
   * over, not allocated: the table is dropped with the partition, so the result's columns cost no
   * memory through the run and the end adds none to its peak (issue 12). The table is spent after.
   */
  private finish(): void {
    const t = this.t;
    const res = this.res;
    // An intent whose wake was still running when the run ended (reads the wake times and charge).
    for (let k = 0; k < t.n; k++) this.outcomes.close(k, O_RUN_ENDED);
    const finalSoc = t.lastT;
    const cutoff = t.wakeT;
    const nfcPerDay = t.otaDue;
    for (let k = 0; k < t.n; k++) {
      finalSoc[k] = this.energy.soc(k);
      cutoff[k] = this.energy.sleepCutoffMah(k);
      nfcPerDay[k] = t.arrivalScale[k]! * t.nfcShare[k]!;
      if (t.flags[k]! & F_DEAD) t.remMah[k] = 0;
    }
    res.finalSoc = finalSoc;
    res.cutoffMah = cutoff;
    res.nfcPerDay = nfcPerDay;
    res.finalMah = t.remMah;
    res.suite = t.suiteIdx;
    const low = lowBatteryMode(this.dev.m, this.dIds, this.energy.modeMa);
    res.lowRestMa = low.restMa;
    res.lowWakesOnNfc = low.wakesOnNfc;
    res.lowWakesOnMotion = low.wakesOnMotion;
    res.suiteIds = this.suites.map((s) => s.id);
    // The table's error, stated by keychain: its bucket's relative standard error of the mean charge.
    if (this.table !== null) {
      for (let k = 0; k < t.n; k++) {
        const ppm = Math.round(this.table.relativeError(res.suite[k]!, t.rssi[k]!) * 1e6);
        res.tableRelSePpm += ppm;
        res.tableRelSeMaxPpm = Math.max(res.tableRelSeMaxPpm, ppm);
      }
    }
  }
}

export { PHASES };
