/**
 * The device machine's side of the twin: what happens when a keychain's device machine enters a
 * configuration (its timed op is sampled and scheduled, advertising is heard or not, the
 * handshake machine starts or stops, the current changes) and what its actions mean (an unlock,
 * a failure by reason, an applied image, the end of a session).
 * @module
 */
import type { CompiledMachine } from '../statechart/index.ts';
import type { Behaviour } from './partition-behaviour.ts';
import type { Clock } from './partition-clock.ts';
import { DC_BOOT_WAIT, DC_HANDSHAKE, DC_REST, DC_SESSION } from './partition-configs.ts';
import { O_FAILURE, O_NOT_FOUND, O_NOT_IN_RANGE, O_NO_UNLOCK, O_UNLOCKED, type Outcomes } from './partition-outcomes.ts';
import type { Energy } from './partition-energy.ts';
import type { HandshakeSide } from './partition-handshake.ts';
import type { LiveSampler } from './partition-live.ts';
import type { ActionSink, Deliver } from './partition-machine.ts';
import type { Parts } from './partition-parts.ts';
import type { PartitionResult } from './partition-result.ts';
import type { DeviceStreams } from './partition-streams.ts';
import { F_ESTABLISHED, F_FOUND, F_OPEN, F_PRESENT, S_DEV_OP, type DeviceTable } from './partition-table.ts';
import type { Telemetry } from './partition-telemetry.ts';
import { ACT_FAILURE, ACT_OTA_APPLIED, ACT_SESSION_END, ACT_UNLOCK, type DeviceIds, type HandshakeIds } from './machines.ts';
import { PHASE_OTHER, type OpModel } from './op-model.ts';

/** Longest advertising the discovery sampler considers; the device machine's window ends it sooner. */
const ADVERTISE_LIMIT_MS = 120_000;

/** The twin's parts the device side drives. */
export interface DeviceSideParts {
  readonly ops: OpModel;
  /** Battery current while advertising with nobody listening, mA (sim/device advertisingCurrentMa). */
  readonly advertiseMa: number;
  readonly behaviour: Behaviour;
  readonly handshake: HandshakeSide;
  readonly energy: Energy;
  readonly live: LiveSampler;
  readonly telemetry: Telemetry;
  readonly outcomes: Outcomes;
}

export class DeviceSide implements ActionSink {
  private readonly t: DeviceTable;
  private readonly clock: Clock;
  private readonly radio: DeviceStreams;
  private readonly crypto: DeviceStreams;
  private readonly res: PartitionResult;
  /** DC_* of each device-machine configuration. */
  private readonly devFlags: Uint8Array;
  private readonly dm: CompiledMachine;
  private readonly dIds: DeviceIds;
  private readonly hIds: HandshakeIds;
  private readonly p: Deliver;
  private readonly ops: OpModel;
  private readonly advertiseMa: number;
  private readonly behaviour: Behaviour;
  private readonly handshake: HandshakeSide;
  private readonly energy: Energy;
  private readonly live: LiveSampler;
  private readonly telemetry: Telemetry;
  private readonly outcomes: Outcomes;

  constructor(x: Parts, d: DeviceSideParts) {
    this.t = x.t;
    this.clock = x.clock;
    this.radio = x.s.radio;
    this.crypto = x.s.crypto;
    this.res = x.res;
    this.devFlags = x.flags.dev;
    this.dm = x.dm;
    this.dIds = x.dIds;
    this.hIds = x.hIds;
    this.p = x.p;
    this.ops = d.ops;
    this.advertiseMa = d.advertiseMa;
    this.behaviour = d.behaviour;
    this.handshake = d.handshake;
    this.energy = d.energy;
    this.live = d.live;
    this.telemetry = d.telemetry;
    this.outcomes = d.outcomes;
  }

  /** After the device machine moved from `prev` (−1 at start) to its current configuration. */
  enter(k: number, prev: number): void {
    const t = this.t;
    const dm = this.dm;
    const cfg = t.devCfg[k]!;
    if (cfg !== prev) {
      t.agenda.clear(k, S_DEV_OP);
      t.devOpMa[k] = NaN;
      const op = dm.op[cfg]!;
      if (op >= 0) {
        if (this.ops.isExternal(op)) this.advertise(k);
        else {
          this.radio.k = k;
          this.crypto.k = k;
          const o = this.ops.sample(op, dm.message[cfg]!, dm.direction[cfg]!, t.suiteIdx[k]!, t.rssi[k]!, this.radio, this.crypto);
          t.devOpMa[k] = o.durationMs > 0 ? (o.chargeMc / o.durationMs) * 1000 : 0;
          t.devOpPhase[k] = o.phase;
          // A state that waits for the boot result (OTA) is left on boot.ok / boot.failed, not op.done.
          const boot = this.devFlags[cfg]! & DC_BOOT_WAIT;
          t.devOpEvent[k] = boot ? (o.ok ? this.dIds.bootOk : this.dIds.bootFailed) : o.ok ? this.dIds.opDone : this.dIds.opFailed;
          t.agenda.set(k, S_DEV_OP, this.clock.now + o.durationMs);
        }
      }
      const inHandshake = this.devFlags[cfg]! & DC_HANDSHAKE;
      if (inHandshake && t.hsCfg[k]! < 0 && !(t.flags[k]! & F_ESTABLISHED)) this.handshake.start(k);
      else if (!inHandshake && !(this.devFlags[cfg]! & DC_SESSION) && t.hsCfg[k]! >= 0) this.handshake.stop(k);
      // Back at rest with the intent still open: the phone was away, or never found the keychain, or the wake ended without either.
      if (this.devFlags[cfg]! & DC_REST && t.flags[k]! & F_OPEN) {
        const f = t.flags[k]!;
        this.outcomes.close(k, !(f & F_PRESENT) ? O_NOT_IN_RANGE : !(f & F_FOUND) ? O_NOT_FOUND : O_NO_UNLOCK);
      }
    }
    this.behaviour.maybeSends(k);
    this.energy.setCurrent(k);
  }

  /** An action output of the device machine. */
  action(k: number, action: number): void {
    const t = this.t;
    const res = this.res;
    const now = this.clock.now;
    const kind = this.dIds.actionKind[action];
    if (kind === ACT_UNLOCK) {
      const latency = now - t.wakeT[k]!;
      res.unlocks[k]!++;
      res.unlockLatency.add(latency);
      this.live.unlockLatency(k, latency);
      res.dayUnlocks[this.clock.day()]!++;
      res.binUnlocks[this.clock.bin()]!++;
      this.telemetry.record(k, 'unlock_attempt', true, latency, '');
      this.outcomes.close(k, O_UNLOCKED);
    } else if (kind === ACT_FAILURE) {
      const r = this.dIds.actionReason[action]!;
      res.failures[k]!++;
      res.failuresByReason[r]!++;
      res.dayFailures[this.clock.day() * res.reasons.length + r]!++;
      res.binFailures[this.clock.bin()]!++;
      this.outcomes.close(k, O_FAILURE + r);
    } else if (kind === ACT_OTA_APPLIED) {
      res.otaApplied++;
      this.behaviour.otaApplied(k);
    } else if (kind === ACT_SESSION_END) {
      if (t.hsCfg[k]! >= 0) this.p.deliverHs(k, this.hIds.close);
    }
  }

  /**
   * Advertising: with nobody listening it lasts until the machine's window closes (adv events at
   * the fast interval); with the owner's phone near, the phone hears it after the discovery
   * latency and its app reacts after its own delay.
   */
  private advertise(k: number): void {
    const t = this.t;
    t.devOpPhase[k] = PHASE_OTHER;
    if (!(t.flags[k]! & F_PRESENT)) {
      t.devOpMa[k] = this.advertiseMa;
      return;
    }
    this.radio.k = k;
    const d = this.ops.discovery(t.rssi[k]!, t.scanMode[k]!, ADVERTISE_LIMIT_MS, this.radio);
    if (!d.ok) {
      t.devOpMa[k] = this.advertiseMa;
      return;
    }
    t.devOpMa[k] = d.durationMs > 0 ? (d.chargeMc / d.durationMs) * 1000 : this.advertiseMa;
    this.behaviour.hears(k, d.durationMs);
  }
}
