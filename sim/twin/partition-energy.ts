/**
 * Battery and energy accounting of a partition's devices. The current is piecewise constant
 * between events (`setCurrent` picks it when a machine moves); `settle` integrates the cell
 * exactly up to now (closed form with self-discharge, sim/device battery), books the energy by
 * device, power mode, day and handshake phase (integer µJ, so merging partitions is exact), and
 * flags the brownout when the cell reaches its cutoff under load. Never ticked.
 * @module
 */
import type { Profile } from '../../firmware/profiles/index.ts';
import { advanceCharge, batteryCurrentMa, createCell, cutoffMah, socOf, timeToChargeMs, timeToCutoffMs, type Cell } from '../device/index.ts';
import { POWER_MODES, type CompiledMachine } from '../statechart/index.ts';
import type { Clock } from './partition-clock.ts';
import { DAY_MS } from '../../units/index.ts';
import { F_BROWNOUT_PENDING, F_DEAD, F_ESTABLISHED, F_LOW, F_NFC_WAKE, F_REPLAY, setGuard, type DeviceTable } from './partition-table.ts';
import type { HandshakeTable } from './handshake-table.ts';
import { PHASE_COUNT, PHASE_OTHER } from './op-model.ts';
import type { PartitionResult } from './partition-result.ts';

/** State of charge below which the device is told `battery.low`. */
export const LOW_SOC = 0.1;

export class Energy {
  /** Battery current of each power mode (mA), by POWER_MODES index. */
  readonly modeMa: Float64Array;
  readonly vNominal: number;
  private readonly t: DeviceTable;
  private readonly clock: Clock;
  private readonly res: PartitionResult;
  private readonly dm: CompiledMachine;
  private readonly hm: CompiledMachine;
  /** 1 for each device-machine configuration tagged `rest` (asleep between wakes). */
  private readonly rest: Uint8Array;
  /** The cell of the device at hand (see useCell): one object, its two per-device fields rewritten. */
  private readonly cell: { -readonly [K in keyof Cell]: Cell[K] };
  /** The handshake table replayed handshakes come from (set by the partition when it has one). */
  table: HandshakeTable | null = null;

  constructor(profile: Profile, t: DeviceTable, clock: Clock, res: PartitionResult, dm: CompiledMachine, hm: CompiledMachine) {
    this.t = t;
    this.clock = clock;
    this.res = res;
    this.dm = dm;
    this.hm = hm;
    const restTag = dm.tagId('rest');
    this.rest = Uint8Array.from({ length: dm.nConfigs }, (_, c) => (dm.hasTag(c, restTag) ? 1 : 0));
    this.modeMa = Float64Array.from(POWER_MODES, (m) => (m === 'charging' ? 0 : batteryCurrentMa(profile, m)));
    const proto = createCell(profile);
    this.cell = { ...proto };
    this.vNominal = proto.vNominal;
  }

  /**
   * Device k gets a full cell of `capacityMah` self-discharging at `lambdaPerMs` (its only two
   * per-device constants: the rest is the profile's, in the one shared cell); settles check for
   * the cutoff below the cutoff charge at `maxMa`.
   */
  initCell(k: number, capacityMah: number, lambdaPerMs: number, maxMa: number): void {
    const t = this.t;
    // The cell's constants live in the result's per-device columns (reported as they are).
    this.res.capacityMah[k] = capacityMah;
    this.res.lambdaPerMs[k] = lambdaPerMs;
    t.remMah[k] = capacityMah;
    this.useCell(k);
    setGuard(t, k, cutoffMah(this.cell, maxMa));
  }

  /** Which current flows now: an operation in progress wins, then the handshake, then the device mode. */
  setCurrent(k: number): void {
    const t = this.t;
    const dev = t.devCfg[k]!;
    const hs = t.hsCfg[k]!;
    const pre = hs >= 0 && !(t.flags[k]! & F_ESTABLISHED);
    let ma: number;
    let mode: number;
    let phase = -1;
    if (t.devOpMa[k] === t.devOpMa[k]) {
      ma = t.devOpMa[k]!;
      mode = this.dm.power[dev]!;
      if (pre) phase = t.devOpPhase[k]!;
    } else if (hs >= 0) {
      // A running handshake holds an episode row (partition-episodes.ts) with its op, if any.
      const ep = t.episodes;
      const row = ep.rowOf[k]!;
      mode = this.hm.power[hs]!;
      if (ep.opMa[row] === ep.opMa[row]) {
        ma = ep.opMa[row]!;
        if (pre) phase = ep.opPhase[row]!;
      } else {
        ma = this.modeMa[mode]!;
        if (pre) phase = PHASE_OTHER;
      }
    } else {
      mode = this.dm.power[dev]!;
      ma = this.modeMa[mode]!;
    }
    t.curMa[k] = ma;
    t.curMode[k] = mode;
    t.curPhase[k] = phase;
  }

  /** Integrates the battery and the energy accounts of device k up to now. */
  settle(k: number): void {
    if (this.t.flags[k]! & F_REPLAY) this.settleReplay(k);
    else this.integrate(k, this.clock.now);
  }

  /**
   * A replayed handshake (handshake-table.ts): up to now along the row's segments, each at its own
   * current, mode and phase, as the per-operation mode's settles would have; a brown-out ends it.
   */
  private settleReplay(k: number): void {
    const t = this.t;
    const ep = t.episodes;
    const row = ep.rowOf[k]!;
    const b = this.table!.byKey(ep.replayKey[row]!);
    const r = ep.replayRow[row]!;
    const t0 = ep.t0[row]!;
    const now = this.clock.now;
    const end = b.rowStart[r + 1]!;
    let i = b.rowStart[r]!;
    while (i + 1 < end && t0 + b.segAt[i + 1]! <= t.lastT[k]!) i++;
    for (; i < end; i++) {
      t.curMa[k] = b.segMa[i]!;
      t.curMode[k] = b.segMode[i]!;
      t.curPhase[k] = b.segPhase[i]!;
      const until = i + 1 < end ? Math.min(now, t0 + b.segAt[i + 1]!) : now;
      this.integrate(k, until);
      if (t.flags[k]! & F_BROWNOUT_PENDING) {
        t.lastT[k] = now;
        return;
      }
      if (until >= now) return;
    }
  }

  /** Integrates device k's battery and energy accounts from its last settle to `now` at its current current. */
  private integrate(k: number, now: number): void {
    const t = this.t;
    const res = this.res;
    const dt = now - t.lastT[k]!;
    if (dt <= 0) return;
    const ma = t.curMa[k]!;
    const q0 = t.remMah[k]!;
    this.useCell(k);
    let q = advanceCharge(this.cell, q0, ma, dt);
    let span = dt;
    if (q <= t.guardMah[k]! && !(t.flags[k]! & F_DEAD)) {
      const qc = cutoffMah(this.cell, ma);
      if (q <= qc) {
        span = Math.min(dt, timeToCutoffMs(this.cell, q0, ma));
        q = advanceCharge(this.cell, q0, ma, span);
        t.flags[k]! |= F_BROWNOUT_PENDING;
        res.depletedDay[k] = (t.lastT[k]! + span) / DAY_MS;
      }
    }
    // A browned-out keychain's parts still draw their 'off' currents from what is left below the
    // cutoff, until the cell is empty; then nothing flows, and no energy is booked.
    if (q === 0 && ma > 0) span = Math.min(span, timeToChargeMs(this.cell, q0, ma, 0));
    const uj = Math.round(ma * span * this.vNominal); // mA·ms·V = µJ
    res.energyUj[k]! += uj;
    res.energyByMode[t.curMode[k]!]! += uj;
    // By the day the span ran in (its start), not the day of `now`: the daily sample settles every
    // device exactly at each boundary, so no span crosses one, but one ends on it; booking by `now`
    // moved each day's last span (often hours of sleep) into the next day, leaving the first day
    // short and the last day long by that span.
    res.dayEnergyByMode[this.clock.dayOf(t.lastT[k]!) * POWER_MODES.length + t.curMode[k]!]! += uj;
    const ph = t.curPhase[k]!;
    // The running handshake's own account: booked as completed or failed when it ends.
    if (ph >= 0) {
      const row = t.episodes.handshakeRow(k);
      if (row >= 0) t.episodes.phaseUj[row * PHASE_COUNT + ph]! += uj;
    }
    // What the life projection needs: the peak load, and what a tap-wake costs (low-battery mode keeps those).
    if (ma > res.peakMa[k]!) res.peakMa[k] = ma;
    if (t.flags[k]! & F_NFC_WAKE && !this.rest[t.devCfg[k]!]) {
      res.nfcUj[k]! += uj;
      if (ma > res.nfcPeakMa[k]!) res.nfcPeakMa[k] = ma;
    }
    t.remMah[k] = q;
    t.lastT[k] = now;
    if (q < LOW_SOC * res.capacityMah[k]!) t.flags[k]! |= F_LOW;
  }

  /** State of charge of device k as last settled (0 once dead). */
  soc(k: number): number {
    if (this.t.flags[k]! & F_DEAD) return 0;
    return this.gaugeSoc(k);
  }

  /** State of charge of device k's remaining charge, dead or not. */
  gaugeSoc(k: number): number {
    this.useCell(k);
    return socOf(this.cell, this.t.remMah[k]!);
  }

  /** Charge of device k's cell below its cutoff at deep-sleep current, mAh. */
  sleepCutoffMah(k: number): number {
    this.useCell(k);
    return cutoffMah(this.cell, this.modeMa[0]!);
  }

  /**
   * Live view only: days from the start to device k's brown-out at its mean load so far, in closed
   * form with self-discharge (the final figure also applies low-battery mode: life.ts).
   */
  liveLifeDays(k: number, nowMs: number, energyUj: number): number {
    this.useCell(k);
    const loadMa = nowMs > 0 ? energyUj / this.vNominal / nowMs : 0;
    return (nowMs + timeToCutoffMs(this.cell, this.t.remMah[k]!, loadMa)) / DAY_MS;
  }

  private useCell(k: number): void {
    this.cell.capacityMah = this.res.capacityMah[k]!;
    this.cell.selfDischargePerMs = this.res.lambdaPerMs[k]!;
  }
}
