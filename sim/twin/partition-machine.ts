/**
 * Stepping a compiled machine for every device of a partition: the machine's configuration per
 * device in a typed array and its timers in a run of agenda slots from `timerBase`, one slot per
 * timer lane (statechart/timer-lanes.ts: timers never pending together share a slot). The same code
 * steps the device machine and the device-role handshake machine; what the twin does on entering
 * a configuration stays with the caller (partition-device.ts, partition-handshake.ts).
 *
 * A step is split in two so the caller can settle the battery in between: `cell` finds the
 * transition (or that there is none), `take` makes it: the new configuration, then the
 * transition's outputs in order (timers set and cancelled; actions to the sink, if any).
 * @module
 */
import type { SlotAgenda } from '../engine/index.ts';
import type { ConfigColumn } from './partition-table.ts';
import { OUTPUT_ACTION, OUTPUT_CANCEL_TIMER, OUTPUT_SET_TIMER, timerLanes, type CompiledMachine } from '../statechart/index.ts';

/** Receives a machine's action outputs (`OUTPUT_ACTION`): device k, the action's index. */
export interface ActionSink {
  action(k: number, action: number): void;
}

/** What the twin's reactions call back into: deliver an event to a device's machine. */
export interface Deliver {
  deliverDev(k: number, ev: number): void;
  deliverHs(k: number, ev: number): void;
}

export class MachineRun {
  readonly m: CompiledMachine;
  /** Configuration of each device (−1: not running). */
  readonly cfg: ConfigColumn;
  /** Agenda slot of the machine's lane 0. */
  readonly timerBase: number;
  /** Agenda slots the machine's timers take (its lanes). */
  readonly timerSlots: number;
  private readonly agenda: SlotAgenda;
  private readonly lane: Uint8Array;
  /** Timer each device's lane holds (device × lane), valid while the slot is set. */
  private readonly owner: Uint8Array;
  /** Where action outputs go (null: the machine's actions are not the twin's business). */
  private readonly sink: ActionSink | null;

  constructor(m: CompiledMachine, cfg: ConfigColumn, agenda: SlotAgenda, timerBase: number, sink: ActionSink | null) {
    this.m = m;
    this.cfg = cfg;
    this.agenda = agenda;
    this.timerBase = timerBase;
    this.sink = sink;
    const lanes = timerLanes(m);
    this.lane = lanes.lane;
    this.timerSlots = lanes.lanes;
    this.owner = new Uint8Array(cfg.length * lanes.lanes);
  }

  /** Table cell of device k's configuration and event `ev`, or −1 when the machine is not running or has no transition. */
  cell(k: number, ev: number): number {
    const m = this.m;
    const cfg = this.cfg[k]!;
    if (cfg < 0) return -1;
    const cell = cfg * m.nEvents + ev;
    return m.next[cell]! < 0 ? -1 : cell;
  }

  /** Takes the transition in `cell` at time `now`: the next configuration, then its outputs. Returns the previous configuration. */
  take(k: number, cell: number, now: number): number {
    const m = this.m;
    const prev = this.cfg[k]!;
    this.cfg[k] = m.next[cell]!;
    this.outputs(k, m.outputList[cell]!, now);
    return prev;
  }

  /** Starts the machine for device k: the initial configuration and its outputs. */
  start(k: number, now: number): void {
    this.cfg[k] = this.m.initial;
    this.outputs(k, this.m.initialOutputs, now);
  }

  /** Stops the machine for device k: no configuration, no timers. */
  stop(k: number): void {
    this.cfg[k] = -1;
    for (let l = 0; l < this.timerSlots; l++) this.agenda.clear(k, this.timerBase + l);
  }

  /** Event of the timer device k's agenda slot `slot` (one of this machine's) held. */
  timerEvent(k: number, slot: number): number {
    const l = slot - this.timerBase;
    return this.m.timers[this.owner[k * this.timerSlots + l]!]!.event;
  }

  private outputs(k: number, list: number, now: number): void {
    const m = this.m;
    const end = m.outputStart[list + 1]!;
    for (let i = m.outputStart[list]!; i < end; i++) {
      const arg = m.outputArg[i]!;
      const kind = m.outputKind[i];
      if (kind === OUTPUT_SET_TIMER) {
        const l = this.lane[arg]!;
        this.owner[k * this.timerSlots + l] = arg;
        this.agenda.set(k, this.timerBase + l, now + m.outputDelay[i]!);
      } else if (kind === OUTPUT_CANCEL_TIMER) {
        // The lane may hold a timer of the same list set before this cancel: leave that one.
        const l = this.lane[arg]!;
        if (this.owner[k * this.timerSlots + l] === arg) this.agenda.clear(k, this.timerBase + l);
      }
      else if (kind === OUTPUT_ACTION && this.sink !== null) this.sink.action(k, arg);
    }
  }
}
