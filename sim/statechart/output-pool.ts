/**
 * Turns the executable actions XState returns for one macrostep into a compiled output list and
 * pools identical lists. Interpretation of XState built-ins (xstate 5.33):
 * - `xstate.raise` with a numeric `params.delay` → set timer `params.id` (an `after` delay is
 *   `xstate.raise` with id `xstate.after.<delay>.<state id>`); without a delay the event was
 *   already consumed inside the macrostep, so it is not an output;
 * - `xstate.cancel` → cancel timer `params.sendId`;
 * - `xstate.emit` → emitted event; `xstate.assign`, `xstate.log` → nothing (assign is already in
 *   the next context);
 * - anything that needs other actors (`xstate.sendTo`, `sendParent`, spawn, stop) is rejected:
 *   the fleet runs each machine as a closed table.
 * User-defined actions are kept by name and resolved params, in XState's execution order.
 * @module
 */
import type { EventObject } from 'xstate';
import { canonicalKey } from './canonical.ts';
import {
  OUTPUT_ACTION,
  OUTPUT_CANCEL_TIMER,
  OUTPUT_EMIT,
  OUTPUT_SET_TIMER,
  type ActionInfo,
} from './compiled-machine.ts';

/** The part of XState's ExecutableAction the compiler reads. */
export interface ExecutedAction {
  type: string;
  params?: unknown;
}

export interface PooledTimer {
  sendId: string;
  /** Event object delivered when the timer fires (resolved to an event id by the compiler). */
  event: EventObject;
}

export class OutputPool {
  readonly actions: ActionInfo[] = [];
  readonly timers: PooledTimer[] = [];
  readonly emitted: EventObject[] = [];
  readonly kind: number[] = [];
  readonly arg: number[] = [];
  readonly delay: number[] = [];
  /** start[list]; list 0 is the empty list. */
  readonly start: number[] = [0, 0];
  private readonly actionIds = new Map<string, number>();
  private readonly timerIds = new Map<string, number>();
  private readonly emitIds = new Map<string, number>();
  private readonly listIds = new Map<string, number>([['', 0]]);

  /** Pool the outputs of `executed`; returns the list id. `at()` names the transition in errors. */
  add(executed: readonly ExecutedAction[], at: () => string): number {
    if (executed.length === 0) return 0;
    const kinds: number[] = [];
    const args: number[] = [];
    const delays: number[] = [];
    for (const a of executed) {
      const p = (a.params ?? {}) as Record<string, unknown>;
      if (!a.type.startsWith('xstate.')) {
        kinds.push(OUTPUT_ACTION);
        args.push(this.intern(this.actionIds, canonicalKey([a.type, a.params], () => `${at()}: params of action ${a.type}`), () => {
          this.actions.push({ name: a.type, params: a.params });
          return this.actions.length - 1;
        }));
        delays.push(0);
        continue;
      }
      switch (a.type) {
        case 'xstate.assign':
        case 'xstate.log':
          break;
        case 'xstate.raise': {
          if (typeof p['delay'] !== 'number') break;
          const event = p['event'] as EventObject;
          const sendId = typeof p['id'] === 'string' ? p['id'] : `raise:${canonicalKey(event, () => `${at()}: delayed event`)}`;
          kinds.push(OUTPUT_SET_TIMER);
          args.push(this.timer(sendId, event, at));
          delays.push(p['delay']);
          break;
        }
        case 'xstate.cancel': {
          const sendId = p['sendId'];
          if (typeof sendId !== 'string') throw new Error(`${at()}: xstate.cancel without a string sendId (got ${String(sendId)})`);
          kinds.push(OUTPUT_CANCEL_TIMER);
          args.push(this.timer(sendId, undefined, at));
          delays.push(0);
          break;
        }
        case 'xstate.emit': {
          const event = p['event'] as EventObject;
          kinds.push(OUTPUT_EMIT);
          args.push(this.intern(this.emitIds, canonicalKey(event, () => `${at()}: emitted event`), () => {
            this.emitted.push(event);
            return this.emitted.length - 1;
          }));
          delays.push(0);
          break;
        }
        default:
          throw new Error(
            `${at()}: built-in action ${a.type} is not supported by the compiler (the fleet runs each machine ` +
              `as a closed table: no child actors, sendTo or sendParent); expected only assign, raise, cancel, emit, log`,
          );
      }
    }
    if (kinds.length === 0) return 0;
    const key = kinds.map((k, i) => `${k}:${args[i]}:${delays[i]}`).join(',');
    return this.intern(this.listIds, key, () => {
      for (let i = 0; i < kinds.length; i++) {
        this.kind.push(kinds[i] as number);
        this.arg.push(args[i] as number);
        this.delay.push(delays[i] as number);
      }
      this.start.push(this.kind.length);
      return this.start.length - 2;
    });
  }

  private timer(sendId: string, event: EventObject | undefined, at: () => string): number {
    const id = this.intern(this.timerIds, sendId, () => {
      this.timers.push({ sendId, event: event ?? { type: '' } });
      return this.timers.length - 1;
    });
    const t = this.timers[id] as PooledTimer;
    if (event !== undefined) {
      if (t.event.type === '') t.event = event;
      else if (canonicalKey(t.event, 'event') !== canonicalKey(event, 'event')) {
        throw new Error(
          `${at()}: timer ${sendId} is set with two different events (${JSON.stringify(t.event)} and ${JSON.stringify(event)}); ` +
            `expected one event per timer id`,
        );
      }
    }
    return id;
  }

  private intern(map: Map<string, number>, key: string, create: () => number): number {
    let id = map.get(key);
    if (id === undefined) {
      id = create();
      map.set(key, id);
    }
    return id;
  }
}
