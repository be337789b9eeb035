/**
 * The handshake lab: one keychain on a bench of its own, running the compiled handshake machine
 * with the twin's own handshake side, phone and op physics (the classes a partition runs, not a
 * copy of them), from the start of a handshake to the transition that would establish or end it.
 * The handshake table (handshake-table.ts) records what the lab sees.
 *
 * Up to that transition a handshake depends on nothing but its suite, its link (the rounded RSSI
 * the op physics key on) and its random draws: the device machine waits in `handshaking` with no
 * operation of its own, and only its handshake timeout or a brown-out can cut the handshake short,
 * which the replay handles where it happens. So the lab keeps the device machine parked in a
 * handshaking configuration and stops before the last transition, leaving that to the real run.
 * @module
 */
import { createRng, StreamKeys } from '../engine/index.ts';
import { POWER_MODES } from '../statechart/index.ts';
import type { FleetConfig } from './config.ts';
import { DC_HANDSHAKE, HC_ESTABLISHED } from './partition-configs.ts';
import { Behaviour } from './partition-behaviour.ts';
import { Clock } from './partition-clock.ts';
import { Energy } from './partition-energy.ts';
import { HandshakeSide } from './partition-handshake.ts';
import { LiveSampler } from './partition-live.ts';
import { MachineRun, type Deliver } from './partition-machine.ts';
import { Outcomes } from './partition-outcomes.ts';
import type { Parts } from './partition-parts.ts';
import { PartitionResult } from './partition-result.ts';
import { Streams } from './partition-streams.ts';
import { DeviceTable, S_HS_OP, S_PHONE } from './partition-table.ts';
import { Telemetry } from './partition-telemetry.ts';
import { OpModel, PHASE_OTHER } from './op-model.ts';

/** A handshake longer than this many events is a machine that never ends: refused, not looped on. */
const MAX_EVENTS = 10_000;

/** Receives a handshake as the lab runs it. */
export interface LabRecorder {
  /** The handshake entered configuration `cfg` (or its current changed) at `atMs` from its start. */
  segment(atMs: number, cfg: number, ma: number, mode: number, phase: number, bookPhase: number): void;
  /** It would now take event `ev` from configuration `cfg` into its established or final configuration. */
  end(atMs: number, cfg: number, ev: number): void;
}

export class HandshakeLab implements Deliver {
  private readonly t: DeviceTable;
  private readonly clock: Clock;
  private readonly s: Streams;
  private readonly x: Parts;
  private readonly run: MachineRun;
  private readonly side: HandshakeSide;
  private readonly behaviour: Behaviour;
  private readonly keys: { phone: StreamKeys; radio: StreamKeys; crypto: StreamKeys };
  /** HC_ESTABLISHED or final, per handshake configuration: where the lab stops. */
  private readonly stopsAt: Uint8Array;
  private rec: LabRecorder | null = null;
  private ended = false;

  /** `x` is the partition's parts (machines, ids, suites, timing); `hsTimerSlot` its first handshake timer slot. */
  constructor(cfg: FleetConfig, x: Parts, hsOps: OpModel, hsTimerSlot: number, slots: number) {
    const hm = x.hm;
    const dm = x.dm;
    const t = new DeviceTable(0, 1, slots, x.t.episodes.states, Math.max(dm.nConfigs, hm.nConfigs), Math.max(dm.nEvents, hm.nEvents));
    this.t = t;
    const res = new PartitionResult(0, 1, 1, x.dIds.failureReasons, [...POWER_MODES], false);
    this.clock = new Clock(1, res.binWakes.length);
    this.s = new Streams(1, t.episodes, t.flags, () => true);
    const root = createRng(cfg.seed);
    this.keys = { phone: new StreamKeys(root, 'hs-table.phone'), radio: new StreamKeys(root, 'hs-table.radio'), crypto: new StreamKeys(root, 'hs-table.crypto') };
    this.x = { ...x, t, clock: this.clock, s: this.s, res, p: this };
    const energy = new Energy(cfg.profile, t, this.clock, res, dm, hm);
    const telemetry = new Telemetry(t, this.clock, energy, res, x.suites, 0);
    const outcomes = new Outcomes(t, this.clock, res, telemetry);
    this.behaviour = new Behaviour(this.x, cfg, Infinity, outcomes);
    this.run = new MachineRun(hm, t.hsCfg, t.agenda, hsTimerSlot, null);
    this.side = new HandshakeSide(this.x, { run: this.run, ops: hsOps, behaviour: this.behaviour, energy, live: new LiveSampler(1, undefined), telemetry, table: null });
    // The device machine waits in a handshaking configuration (no operation of its own).
    const parked = x.flags.dev.findIndex((f, c) => (f & DC_HANDSHAKE) !== 0 && dm.op[c]! < 0);
    if (parked < 0) throw new Error('handshake lab: the device machine has no handshaking configuration without an operation');
    t.devCfg[0] = parked;
    this.stopsAt = Uint8Array.from({ length: hm.nConfigs }, (_, c) => ((x.flags.hs[c]! & HC_ESTABLISHED) !== 0 || hm.done[c] ? 1 : 0));
  }

  /**
   * Runs handshake `row` of the bucket `key` (suite index `suite`, link at `rssiDbm`), telling
   * `rec` its segments and its end. Each row is its own episode of the lab's streams keyed by
   * (bucket, row): rows are independent, and the same for every partition and every resume.
   */
  runRow(key: number, suite: number, rssiDbm: number, row: number, rec: LabRecorder): void {
    const t = this.t;
    const s = this.s;
    const clock = this.clock;
    s.phone.useKeys(this.keys.phone, key);
    s.radio.useKeys(this.keys.radio, key);
    s.crypto.useKeys(this.keys.crypto, key);
    // A fresh stream per row even where the row number repeats across buckets (the keys changed).
    s.ep.seededFor.fill(0xffffffff);
    s.ep.episode[0] = row;
    t.suiteIdx[0] = suite;
    t.rssi[0] = rssiDbm;
    t.flags[0] = 0;
    clock.now = 0;
    this.rec = rec;
    this.ended = false;
    this.side.start(0);
    this.record();
    let events = 0;
    while (!this.ended) {
      const slot = t.agenda.popDue(0, Infinity);
      if (slot < 0) throw new Error(`handshake lab: handshake ${row} of bucket ${key} stalled in configuration ${t.hsCfg[0]} (nothing pending)`);
      if (++events > MAX_EVENTS) throw new Error(`handshake lab: handshake ${row} of bucket ${key} ran past ${MAX_EVENTS} events`);
      clock.now = t.agenda.poppedTime;
      if (slot === S_HS_OP) {
        const r = t.episodes.rowOf[0]!;
        t.episodes.opMa[r] = NaN;
        this.deliverHs(0, t.episodes.opEvent[r]!);
      } else if (slot === S_PHONE) this.behaviour.phoneActs(0);
      else if (slot >= this.run.timerBase) this.deliverHs(0, this.run.timerEvent(0, slot));
      else throw new Error(`handshake lab: unexpected agenda slot ${slot}`);
    }
    // Back to an idle bench: no machine, no pending event, no open episode row.
    this.run.stop(0);
    t.agenda.clear(0, S_HS_OP);
    t.agenda.clear(0, S_PHONE);
    t.episodes.close(0);
    this.rec = null;
  }

  deliverHs(k: number, ev: number): void {
    const cell = this.run.cell(k, ev);
    if (cell < 0) return;
    if (this.stopsAt[this.x.hm.next[cell]!]) {
      this.ended = true;
      this.rec!.end(this.clock.now, this.t.hsCfg[k]!, ev);
      return;
    }
    const prev = this.run.take(k, cell, this.clock.now);
    this.side.enter(k, prev);
    this.record();
  }

  deliverDev(): void {
    throw new Error('handshake lab: the handshake told the device machine something before it was established or ended');
  }

  private record(): void {
    const t = this.t;
    const cfg = t.hsCfg[0]!;
    const bookPhase = this.x.hm.op[cfg]! >= 0 ? t.episodes.opPhase[t.episodes.rowOf[0]!]! : PHASE_OTHER;
    this.rec!.segment(this.clock.now, cfg, t.curMa[0]!, t.curMode[0]!, t.curPhase[0]!, bookPhase);
  }
}
