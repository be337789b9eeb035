/**
 * The handshake machine's side of the twin: starting and stopping a device's handshake, and what
 * happens when the handshake enters a configuration: its timed op is sampled and scheduled, the
 * time in each state is booked for the per-step breakdown, an established session is counted and
 * told to the device machine, a failure is told with its reason.
 * @module
 */
import type { StateValue } from 'xstate';
import type { CompiledMachine } from '../statechart/index.ts';
import type { Behaviour } from './partition-behaviour.ts';
import type { Clock } from './partition-clock.ts';
import { HC_ESTABLISHED, HC_FAILED, HC_UNLOCK_RESULT } from './partition-configs.ts';
import type { Energy } from './partition-energy.ts';
import type { LiveSampler } from './partition-live.ts';
import type { Deliver, MachineRun } from './partition-machine.ts';
import type { Parts } from './partition-parts.ts';
import type { PartitionResult } from './partition-result.ts';
import type { DeviceStreams } from './partition-streams.ts';
import { F_ESTABLISHED, F_REPLAY, S_HS_OP, type DeviceTable } from './partition-table.ts';
import type { HandshakeTable } from './handshake-table.ts';
import type { Telemetry } from './partition-telemetry.ts';
import type { DeviceIds, HandshakeIds } from './machines.ts';
import { PHASE_COUNT, PHASE_OTHER, type OpModel } from './op-model.ts';

/** The twin's parts the handshake side drives. */
export interface HandshakeSideParts {
  readonly run: MachineRun;
  readonly ops: OpModel;
  readonly behaviour: Behaviour;
  readonly energy: Energy;
  readonly live: LiveSampler;
  readonly telemetry: Telemetry;
  /** Draw whole handshakes from this table instead of running them per operation (null: per operation). */
  readonly table: HandshakeTable | null;
}

/** A state value as a dotted path ('session.rxRecord'). */
function statePath(v: StateValue): string {
  if (typeof v === 'string') return v;
  return Object.entries(v)
    .map(([k, sub]) => (sub === undefined ? k : `${k}.${statePath(sub as StateValue)}`))
    .join(',');
}

export class HandshakeSide {
  private readonly t: DeviceTable;
  private readonly clock: Clock;
  private readonly radio: DeviceStreams;
  private readonly crypto: DeviceStreams;
  private readonly res: PartitionResult;
  /** HC_* of each handshake-machine configuration. */
  private readonly hsFlags: Uint8Array;
  private readonly hm: CompiledMachine;
  private readonly dIds: DeviceIds;
  private readonly hIds: HandshakeIds;
  private readonly p: Deliver;
  private readonly run: MachineRun;
  private readonly ops: OpModel;
  private readonly behaviour: Behaviour;
  private readonly energy: Energy;
  private readonly live: LiveSampler;
  private readonly telemetry: Telemetry;
  /** Per suite: the handshake's op.done event. */
  private readonly opDone: Int32Array;
  /** Each configuration's state (index into res.hsStates). */
  private readonly stateOf: Int32Array;
  private readonly nStates: number;
  private readonly table: HandshakeTable | null;

  constructor(x: Parts, h: HandshakeSideParts) {
    this.t = x.t;
    this.clock = x.clock;
    this.radio = x.s.radio;
    this.crypto = x.s.crypto;
    this.res = x.res;
    this.hsFlags = x.flags.hs;
    this.hm = x.hm;
    this.dIds = x.dIds;
    this.hIds = x.hIds;
    this.p = x.p;
    this.run = h.run;
    this.ops = h.ops;
    this.behaviour = h.behaviour;
    this.energy = h.energy;
    this.live = h.live;
    this.telemetry = h.telemetry;
    this.table = h.table;
    const hIds = this.hIds;
    this.opDone = Int32Array.from(x.suites, (s) => hIds.opDoneByMode[s.mode]!);
    // The per-step breakdown: one row per state of the handshake, in first-configuration order.
    const hm = this.hm;
    const names = [...new Set(hm.stateKey)];
    this.stateOf = Int32Array.from(hm.stateKey, (key) => names.indexOf(key));
    const res = this.res;
    res.hsStates = names.map((key) => {
      const c = hm.stateKey.indexOf(key);
      const op = hm.op[c]!;
      const msg = hm.message[c]!;
      const dir = hm.direction[c]!;
      return { state: statePath(JSON.parse(key) as StateValue), op: op >= 0 ? hm.ops[op]! : null, message: msg >= 0 ? hm.messages[msg]! : null, direction: dir === 0 ? 'tx' : dir === 1 ? 'rx' : null };
    });
    res.hsStateUs = new Float64Array(names.length);
    res.hsStateVisits = new Float64Array(names.length);
    res.hsStateFirstUs = new Float64Array(names.length).fill(Infinity);
    res.hsStateUsCompleted = new Float64Array(names.length);
    this.nStates = names.length;
    if (this.t.episodes.states !== names.length) throw new Error(`handshake side: the episode table has ${this.t.episodes.states} state columns, the machine ${names.length}`);
  }

  start(k: number): void {
    const t = this.t;
    const now = this.clock.now;
    const ep = t.episodes;
    const row = ep.open(k);
    ep.t0[row] = now;
    ep.stateT[row] = now;
    this.res.handshakes[k]!++;
    this.res.dayHandshakes[this.clock.day()]!++;
    if (this.table !== null) this.replay(k, row);
    else {
      this.run.start(k, now);
      this.enter(k, -1);
    }
  }

  /**
   * Replays a row of the handshake table: the machine shown in its initial configuration (no
   * timers: the row holds what they did), one event at the row's end (replayEnd), the phone
   * silent meanwhile (its messages are in the row), the battery integrated along the row.
   */
  private replay(k: number, row: number): void {
    const t = this.t;
    this.crypto.k = k;
    const b = this.table!.bucket(t.suiteIdx[k]!, t.rssi[k]!);
    const r = Math.min(this.table!.rows - 1, Math.floor(this.crypto.next() * this.table!.rows));
    const ep = t.episodes;
    ep.replayKey[row] = b.key;
    ep.replayRow[row] = r;
    const first = b.rowStart[r]!;
    t.hsCfg[k] = b.segCfg[first]!;
    t.flags[k]! |= F_REPLAY;
    const st = this.stateOf[b.segCfg[first]!]!;
    if (0 < this.res.hsStateFirstUs[st]!) this.res.hsStateFirstUs[st] = 0;
    ep.opMa[row] = NaN;
    t.agenda.set(k, S_HS_OP, this.clock.now + b.endAt[r]!);
  }

  /** The replayed row's end: its states booked, then its last transition taken by the machine itself. */
  replayEnd(k: number): void {
    const t = this.t;
    const ep = t.episodes;
    const row = ep.rowOf[k]!;
    const b = this.table!.byKey(ep.replayKey[row]!);
    const r = ep.replayRow[row]!;
    // The battery up to now along the row (a brown-out found there is the step's to act on).
    this.energy.settle(k);
    this.bookReplay(k, this.clock.now);
    t.hsCfg[k] = b.endCfg[r]!;
    this.p.deliverHs(k, b.endEvent[r]!);
  }

  /**
   * Books what the per-operation mode's enter() would have booked for the row's states left by
   * `now` (time and visits per state, time per phase, first entries), leaves the handshake in the
   * state it is in at `now` with that state's entry time and phase, and ends the replay.
   */
  private bookReplay(k: number, now: number): void {
    const t = this.t;
    const res = this.res;
    const ep = t.episodes;
    const row = ep.rowOf[k]!;
    const b = this.table!.byKey(ep.replayKey[row]!);
    const r = ep.replayRow[row]!;
    const t0 = ep.t0[row]!;
    const end = b.rowStart[r + 1]!;
    let i = b.rowStart[r]!;
    let cfg = b.segCfg[i]!;
    let book = b.segBook[i]!;
    let enteredAt = 0;
    for (i++; i < end && t0 + b.segAt[i]! <= now; i++) {
      const c = b.segCfg[i]!;
      if (c === cfg) continue;
      const at = b.segAt[i]!;
      const st = this.stateOf[cfg]!;
      const us = Math.round((at - enteredAt) * 1000);
      res.hsStateUs[st]! += us;
      res.hsStateVisits[st]!++;
      ep.stepUs[row * this.nStates + st]! += us;
      ep.phaseUs[row * PHASE_COUNT + book]! += us;
      const entered = this.stateOf[c]!;
      const offsetUs = Math.round(at * 1000);
      if (offsetUs < res.hsStateFirstUs[entered]!) res.hsStateFirstUs[entered] = offsetUs;
      cfg = c;
      book = b.segBook[i]!;
      enteredAt = at;
    }
    ep.stateT[row] = t0 + enteredAt;
    t.hsCfg[k] = cfg;
    ep.opPhase[row] = book;
    t.flags[k]! &= ~F_REPLAY;
    ep.replayKey[row] = -1;
    ep.replayRow[row] = -1;
  }

  stop(k: number): void {
    // A replay cut short (the device's timeout, a brown-out): the row's states up to now.
    if (this.t.flags[k]! & F_REPLAY) this.bookReplay(k, this.clock.now);
    // A handshake that ends before established failed: its phases go to the failed account,
    // with the time of the state it was in when it ended (a device timeout or a brown-out mid-op;
    // that state's energy is already in, by the settles), so its time is its whole duration.
    const t = this.t;
    const cfg = t.hsCfg[k]!;
    if (cfg >= 0 && !(t.flags[k]! & F_ESTABLISHED)) {
      const ep = t.episodes;
      const row = ep.rowOf[k]!;
      ep.phaseUs[row * PHASE_COUNT + (this.hm.op[cfg]! >= 0 ? ep.opPhase[row]! : PHASE_OTHER)]! += Math.round((this.clock.now - ep.stateT[row]!) * 1000);
      this.book(k, false);
    }
    this.run.stop(k);
    t.agenda.clear(k, S_HS_OP);
    t.episodes.close(k);
  }

  /** After the handshake machine moved from `prev` (−1 at start) to its current configuration. */
  enter(k: number, prev: number): void {
    const t = this.t;
    const res = this.res;
    const hm = this.hm;
    const now = this.clock.now;
    const cfg = t.hsCfg[k]!;
    if (cfg !== prev) {
      const ep = t.episodes;
      const row = ep.rowOf[k]!;
      if (prev >= 0) {
        // Time in each handshake state, for the per-step breakdown (a typical handshake).
        const st = this.stateOf[prev]!;
        const us = Math.round((now - ep.stateT[row]!) * 1000);
        res.hsStateUs[st]! += us;
        res.hsStateVisits[st]!++;
        if (!(t.flags[k]! & F_ESTABLISHED)) {
          // The phase of the state's op (still the device's current one), else 'other': waits for the phone.
          ep.stepUs[row * this.nStates + st]! += us;
          ep.phaseUs[row * PHASE_COUNT + (hm.op[prev]! >= 0 ? ep.opPhase[row]! : PHASE_OTHER)]! += us;
        }
      }
      ep.stateT[row] = now;
      const entered = this.stateOf[cfg]!;
      const offsetUs = Math.round((now - ep.t0[row]!) * 1000);
      if (offsetUs < res.hsStateFirstUs[entered]!) res.hsStateFirstUs[entered] = offsetUs;
      t.agenda.clear(k, S_HS_OP);
      ep.opMa[row] = NaN;
      if (hm.done[cfg]) {
        const reason = this.hIds.reasonOf[cfg]!;
        this.stop(k);
        if (this.hsFlags[cfg]! & HC_FAILED) this.p.deliverDev(k, this.dIds.handshakeFailed(reason || 'state.unexpected'));
        return;
      }
      const op = hm.op[cfg]!;
      if (op >= 0) {
        this.radio.k = k;
        this.crypto.k = k;
        const s = t.suiteIdx[k]!;
        const o = this.ops.sample(op, hm.message[cfg]!, hm.direction[cfg]!, s, t.rssi[k]!, this.radio, this.crypto);
        ep.opMa[row] = o.durationMs > 0 ? (o.chargeMc / o.durationMs) * 1000 : 0;
        ep.opPhase[row] = o.phase;
        ep.opEvent[row] = o.ok ? this.opDone[s]! : this.hIds.opFailedLink;
        t.agenda.set(k, S_HS_OP, now + o.durationMs);
      }
      if (this.hsFlags[cfg]! & HC_ESTABLISHED) {
        if (!(t.flags[k]! & F_ESTABLISHED)) {
          this.book(k, true);
          t.flags[k]! |= F_ESTABLISHED;
          const ms = now - ep.t0[row]!;
          res.handshakeTime.add(ms);
          this.live.handshakeLatency(k, ms);
          res.handshakesOk++;
          res.binHandshakes[this.clock.bin()]!++;
          this.telemetry.record(k, 'handshake', true, ms, '');
          this.energy.setCurrent(k);
          this.p.deliverDev(k, this.dIds.established);
        } else if (prev >= 0 && this.hsFlags[prev]! & HC_UNLOCK_RESULT) {
          // The phone's unlock request was answered: the keychain performs the action.
          this.p.deliverDev(k, this.dIds.requestUnlock);
        }
      }
    }
    this.behaviour.maybeSends(k);
    this.energy.setCurrent(k);
  }

  /** Books the running handshake's phase time and energy (and, completed, its steps) as completed or failed. */
  private book(k: number, completed: boolean): void {
    const ep = this.t.episodes;
    const row = ep.rowOf[k]!;
    const res = this.res;
    const us = completed ? res.phaseTimeUs : res.phaseTimeUsFailed;
    const uj = completed ? res.phaseEnergyUj : res.phaseEnergyUjFailed;
    const p0 = row * PHASE_COUNT;
    for (let i = 0; i < PHASE_COUNT; i++) {
      us[i]! += ep.phaseUs[p0 + i]!;
      uj[i]! += ep.phaseUj[p0 + i]!;
      ep.phaseUs[p0 + i] = 0;
      ep.phaseUj[p0 + i] = 0;
    }
    if (completed) {
      res.hsCompleted++;
      const base = row * this.nStates;
      for (let i = 0; i < this.nStates; i++) res.hsStateUsCompleted[i]! += ep.stepUs[base + i]!;
    } else res.hsFailed++;
  }
}
