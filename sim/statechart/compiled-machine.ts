/**
 * The compiled form of one XState machine: flat typed-array tables indexed by configuration id
 * (a reachable (state value, context, history) of the machine) and event id (a catalog event ×
 * payload variant, or a delayed event the machine schedules for itself). Built by
 * `compileMachine`; the fleet reads it on the hot path, so every per-step helper here is a few
 * array reads and allocates nothing.
 *
 * Outputs of a transition are a list in a pool: `outputList(config, event)` gives a list id,
 * `outputStart[list]..outputStart[list + 1]` the range of outputs, each with a kind
 * (`OUTPUT_ACTION`, `OUTPUT_SET_TIMER`, `OUTPUT_CANCEL_TIMER`, `OUTPUT_EMIT`), an argument (action
 * id, timer id or emitted-event id) and, for set-timer, a delay in ms. List 0 is always empty.
 * @module
 */
import type { AnyMachineSnapshot, EventObject, StateValue } from 'xstate';
import { POWER_MODES, type PowerMode } from '../../firmware/profiles/index.ts';

/** A user-defined action fired (name + resolved params: `actions[arg]`). */
export const OUTPUT_ACTION = 0;
/** Start timer `arg` (deliver event `timerEvent[arg]` after `outputDelay` ms); replaces a pending one. */
export const OUTPUT_SET_TIMER = 1;
/** Cancel timer `arg` if pending. */
export const OUTPUT_CANCEL_TIMER = 2;
/** `emit()`ed event `emitted[arg]` (to the actor's listeners). */
export const OUTPUT_EMIT = 3;

/** The profile's power modes (firmware/profiles), in the order of their ids in `CompiledMachine.power`. */
export { POWER_MODES, type PowerMode };

/** Payload variant of an event (without `type`). */
export type EventVariant = Readonly<Record<string, string | number | boolean>>;

export interface EventInfo {
  readonly id: number;
  readonly type: string;
  /** Payload without `type` ({} for none). */
  readonly variant: EventVariant;
  /** The event object to send to XState. */
  readonly event: EventObject;
  /** True for events only the machine schedules for itself (`after` delays, delayed raise). */
  readonly delayed: boolean;
}

export interface ActionInfo {
  readonly name: string;
  /** Resolved params (undefined when the action has none). */
  readonly params: unknown;
}

export interface TimerInfo {
  /** XState's send id (for `after`: `xstate.after.<delay>.<state id>`). */
  readonly sendId: string;
  /** Event id delivered when the timer fires. */
  readonly event: number;
}

/** Everything `CompiledMachine` is made of (produced by `compileMachine`). */
export interface CompiledTables {
  name: string;
  events: readonly EventInfo[];
  actions: readonly ActionInfo[];
  timers: readonly TimerInfo[];
  emitted: readonly EventObject[];
  initial: number;
  initialOutputs: number;
  next: Int32Array;
  outputList: Int32Array;
  outputStart: Int32Array;
  outputKind: Uint8Array;
  outputArg: Int32Array;
  outputDelay: Float64Array;
  stateValue: readonly StateValue[];
  stateKey: readonly string[];
  context: readonly unknown[];
  snapshots: readonly AnyMachineSnapshot[];
  done: Uint8Array;
  tagNames: readonly string[];
  tagWords: number;
  tagBits: Uint32Array;
  power: Int8Array;
  ops: readonly string[];
  op: Int16Array;
  messages: readonly string[];
  message: Int16Array;
  direction: Int8Array;
}

export class CompiledMachine {
  readonly name: string;
  readonly nConfigs: number;
  readonly nEvents: number;
  readonly events: readonly EventInfo[];
  readonly actions: readonly ActionInfo[];
  readonly timers: readonly TimerInfo[];
  readonly emitted: readonly EventObject[];
  /** Configuration after the initial transition. */
  readonly initial: number;
  /** Output list of the initial transition (entry actions, initial timers). */
  readonly initialOutputs: number;
  /** `next[config * nEvents + event]`: next configuration, −1 = event not handled. */
  readonly next: Int32Array;
  /** `outputList[config * nEvents + event]`: output list id (0 = none). */
  readonly outputList: Int32Array;
  readonly outputStart: Int32Array;
  readonly outputKind: Uint8Array;
  readonly outputArg: Int32Array;
  readonly outputDelay: Float64Array;
  readonly stateValue: readonly StateValue[];
  /** Canonical string of each configuration's state value (e.g. `"idle"`, `{"a":"b"}`). */
  readonly stateKey: readonly string[];
  readonly context: readonly unknown[];
  /** 1 when the configuration is a final state of the root (the machine is done). */
  readonly done: Uint8Array;
  readonly tagNames: readonly string[];
  readonly tagWords: number;
  readonly tagBits: Uint32Array;
  /** Index into POWER_MODES of the `power:*` tag of the leaf-most tagged state, −1 = none. */
  readonly power: Int8Array;
  readonly ops: readonly string[];
  /** Index into `ops` of the leaf-most `meta.op`, −1 = none. */
  readonly op: Int16Array;
  readonly messages: readonly string[];
  /** Index into `messages` of the leaf-most `meta.message`, −1 = none. */
  readonly message: Int16Array;
  /** 0 = tx, 1 = rx (leaf-most `meta.direction`), −1 = none. */
  readonly direction: Int8Array;
  private readonly snapshots: readonly AnyMachineSnapshot[];
  private readonly eventIndex: Map<string, number>;
  private readonly tagIndex: Map<string, number>;
  private readonly actionIndex: Map<string, number>;

  constructor(t: CompiledTables) {
    this.name = t.name;
    this.nConfigs = t.stateKey.length;
    this.nEvents = t.events.length;
    this.events = t.events;
    this.actions = t.actions;
    this.timers = t.timers;
    this.emitted = t.emitted;
    this.initial = t.initial;
    this.initialOutputs = t.initialOutputs;
    this.next = t.next;
    this.outputList = t.outputList;
    this.outputStart = t.outputStart;
    this.outputKind = t.outputKind;
    this.outputArg = t.outputArg;
    this.outputDelay = t.outputDelay;
    this.stateValue = t.stateValue;
    this.stateKey = t.stateKey;
    this.context = t.context;
    this.snapshots = t.snapshots;
    this.done = t.done;
    this.tagNames = t.tagNames;
    this.tagWords = t.tagWords;
    this.tagBits = t.tagBits;
    this.power = t.power;
    this.ops = t.ops;
    this.op = t.op;
    this.messages = t.messages;
    this.message = t.message;
    this.direction = t.direction;
    this.eventIndex = new Map(t.events.map((e) => [eventKey(e.type, e.variant), e.id]));
    this.tagIndex = new Map(t.tagNames.map((n, i) => [n, i]));
    this.actionIndex = new Map();
    t.actions.forEach((a, i) => {
      if (!this.actionIndex.has(a.name)) this.actionIndex.set(a.name, i);
    });
  }

  /** Event id of `type` with payload `variant` (exactly as in the catalog); throws if unknown. */
  eventId(type: string, variant?: EventVariant): number {
    const id = this.eventIndex.get(eventKey(type, variant ?? {}));
    if (id === undefined) {
      const known = this.events.filter((e) => e.type === type).map((e) => JSON.stringify(e.variant));
      throw new Error(
        `${this.name}: unknown event ${JSON.stringify(type)} with variant ${JSON.stringify(variant ?? {})}; ` +
          (known.length > 0 ? `known variants: ${known.join(', ')}` : `the catalog has no event of that type`),
      );
    }
    return id;
  }

  /** Next configuration on `event`; `config` itself when the event is not handled. */
  step(config: number, event: number): number {
    const n = this.next[config * this.nEvents + event] as number;
    return n < 0 ? config : n;
  }

  /** True when `event` triggers a transition in `config` (possibly a self-transition). */
  handles(config: number, event: number): boolean {
    return (this.next[config * this.nEvents + event] as number) >= 0;
  }

  /** Output list id of (`config`, `event`); decode with `outputStart`/`outputKind`/`outputArg`/`outputDelay`. */
  outputsOf(config: number, event: number): number {
    return this.outputList[config * this.nEvents + event] as number;
  }

  /** Tag id of `name`, or −1 when no reachable configuration carries it. */
  tagId(name: string): number {
    return this.tagIndex.get(name) ?? -1;
  }

  hasTag(config: number, tag: number): boolean {
    if (tag < 0) return false;
    const word = this.tagBits[config * this.tagWords + (tag >>> 5)] as number;
    return ((word >>> (tag & 31)) & 1) === 1;
  }

  /** Id of the first action named `name` (−1 if it never fires); with params, see `actions`. */
  actionId(name: string): number {
    return this.actionIndex.get(name) ?? -1;
  }

  /** The XState snapshot this configuration was explored from (debugging, differential tests). */
  snapshot(config: number): AnyMachineSnapshot {
    const s = this.snapshots[config];
    if (s === undefined) throw new RangeError(`${this.name}: no configuration ${config} (have ${this.nConfigs})`);
    return s;
  }

  /** Human-readable outputs of a list (not for the hot path). */
  describeOutputs(list: number): string[] {
    const out: string[] = [];
    for (let i = this.outputStart[list] as number; i < (this.outputStart[list + 1] as number); i++) {
      const arg = this.outputArg[i] as number;
      switch (this.outputKind[i]) {
        case OUTPUT_ACTION: {
          const a = this.actions[arg] as ActionInfo;
          out.push(a.params === undefined ? a.name : `${a.name}(${JSON.stringify(a.params)})`);
          break;
        }
        case OUTPUT_SET_TIMER:
          out.push(`set ${(this.timers[arg] as TimerInfo).sendId} in ${this.outputDelay[i]} ms`);
          break;
        case OUTPUT_CANCEL_TIMER:
          out.push(`cancel ${(this.timers[arg] as TimerInfo).sendId}`);
          break;
        default:
          out.push(`emit ${JSON.stringify(this.emitted[arg])}`);
      }
    }
    return out;
  }
}

/** Lookup key of an event type + payload variant (variant keys sorted). */
export function eventKey(type: string, variant: EventVariant): string {
  const keys = Object.keys(variant).sort();
  let s = type;
  for (const k of keys) s += `\u0000${k}=${typeof variant[k]}:${String(variant[k])}`;
  return s;
}
