/**
 * Differential harness: runs one command sequence (send a catalog event / let simulated time
 * pass) through XState itself (a started actor on a deterministic clock, observed through
 * inspection events) and through the compiled tables (with its own timer bookkeeping, as the
 * fleet will do), and reports the first step where they differ: delivered event, state value,
 * context, fired actions (with params), timers set/cancelled, emitted events, tags.
 * @module
 */
import { createActor, transition, type AnyMachineSnapshot, type EventObject, type InspectionEvent } from 'xstate';
import type { MachineEntry } from '../../../models/index.ts';
import { canonicalKey } from '../../../sim/statechart/canonical.ts';
import {
  OUTPUT_ACTION,
  OUTPUT_CANCEL_TIMER,
  OUTPUT_SET_TIMER,
  type CompiledMachine,
} from '../../../sim/statechart/index.ts';

/**
 * `pick` sends the (r mod k)-th of the k catalog events XState says the current snapshot can
 * handle (`snapshot.can`), so random runs reach deep states; it is resolved on the XState side
 * and the compiled side receives the same concrete events.
 */
export type Command = { kind: 'send'; event: number } | { kind: 'pick'; r: number } | { kind: 'advance'; ms: number };

interface Step {
  event: string;
  state: string;
  context: string;
  outputs: string[];
  tags: string;
}

/** Timers ordered by (due time, creation order), so ties fire in the order they were set. */
class OrderedClock {
  now = 0;
  private seq = 0;
  private readonly pending = new Map<number, { due: number; fn: () => void }>();
  setTimeout(fn: () => void, timeout: number): number {
    const id = this.seq++;
    this.pending.set(id, { due: this.now + timeout, fn });
    return id;
  }
  clearTimeout(id: number): void {
    this.pending.delete(id);
  }
  advanceTo(t: number): void {
    for (;;) {
      let bestId = -1;
      let bestDue = Infinity;
      for (const [id, p] of this.pending) {
        if (p.due <= t && (p.due < bestDue || (p.due === bestDue && id < bestId))) {
          bestId = id;
          bestDue = p.due;
        }
      }
      if (bestId < 0) break;
      const p = this.pending.get(bestId) as { due: number; fn: () => void };
      this.pending.delete(bestId);
      this.now = p.due;
      p.fn();
    }
    this.now = t;
  }
}

const fmtEvent = (e: EventObject): string => canonicalKey(e, 'event');
const fmtAction = (name: string, params: unknown): string => (params === undefined ? name : `${name}${canonicalKey(params, 'params')}`);

/** XState's own trace of `commands`, and the commands with every `pick` resolved to a `send`. */
export function referenceTrace(entry: MachineEntry, commands: readonly Command[], compiled: CompiledMachine): { steps: Step[]; resolved: Command[] } {
  const steps: Step[] = [];
  const resolved: Command[] = [];
  const external = compiled.events.filter((e) => !e.delayed);
  let current: Step = { event: 'xstate.init', state: '', context: '', outputs: [], tags: '' };
  const clock = new OrderedClock();
  let recording = true;
  const inspect = (ev: InspectionEvent): void => {
    // Only the root actor (models have no children; the compiler rejects them).
    if (ev.actorRef.sessionId !== ev.rootId) return;
    if (ev.type === '@xstate.event' && ev.event.type !== 'xstate.init') {
      current = { event: fmtEvent(ev.event), state: '', context: '', outputs: [], tags: '' };
    } else if (ev.type === '@xstate.action') {
      const { type, params } = ev.action as { type: string; params: Record<string, unknown> | undefined };
      if (!type.startsWith('xstate.')) current.outputs.push(fmtAction(type, params));
      else if (type === 'xstate.raise' && typeof params?.['delay'] === 'number') current.outputs.push(`set ${String(params['id'])} ${params['delay']}`);
      else if (type === 'xstate.cancel') current.outputs.push(`cancel ${String(params?.['sendId'])}`);
      else if (type === 'xstate.emit') current.outputs.push(`emit ${fmtEvent(params?.['event'] as EventObject)}`);
    } else if (ev.type === '@xstate.snapshot' && recording) {
      const s = ev.snapshot as AnyMachineSnapshot;
      current.state = canonicalKey(s.value, 'value');
      current.context = canonicalKey(s.context, 'context');
      current.tags = [...(s.tags as Set<string>)].sort().join(',');
      steps.push(current);
    }
  };
  const actor = createActor(entry.machine, { clock, inspect, input: entry.input });
  actor.start();
  for (const c of commands) {
    if (actor.getSnapshot().status !== 'active') break;
    if (c.kind === 'advance') {
      resolved.push(c);
      clock.advanceTo(clock.now + c.ms);
      continue;
    }
    let event = c.kind === 'send' ? c.event : -1;
    if (c.kind === 'pick') {
      const snap = actor.getSnapshot();
      const can = external.filter((e) => snap.can(e.event));
      const pool = can.length > 0 ? can : external;
      event = (pool[c.r % pool.length] as { id: number }).id;
    }
    resolved.push({ kind: 'send', event });
    actor.send((compiled.events[event] as { event: EventObject }).event);
  }
  recording = false; // stop() reports a last, 'stopped' snapshot
  actor.stop();
  return { steps, resolved };
}

/** The compiled tables' trace of `commands`, with timers kept per timer id. */
export function compiledTrace(m: CompiledMachine, commands: readonly Command[]): Step[] {
  const steps: Step[] = [];
  const due = new Float64Array(m.timers.length).fill(Infinity);
  const order = new Float64Array(m.timers.length);
  let seq = 0;
  let now = 0;
  let config = m.initial;
  const record = (event: string, list: number): void => {
    const outputs: string[] = [];
    for (let i = m.outputStart[list] as number; i < (m.outputStart[list + 1] as number); i++) {
      const arg = m.outputArg[i] as number;
      const kind = m.outputKind[i];
      if (kind === OUTPUT_ACTION) outputs.push(fmtAction(m.actions[arg]!.name, m.actions[arg]!.params));
      else if (kind === OUTPUT_SET_TIMER) {
        outputs.push(`set ${m.timers[arg]!.sendId} ${m.outputDelay[i]}`);
        due[arg] = now + (m.outputDelay[i] as number);
        order[arg] = seq++;
      } else if (kind === OUTPUT_CANCEL_TIMER) {
        outputs.push(`cancel ${m.timers[arg]!.sendId}`);
        due[arg] = Infinity;
      } else outputs.push(`emit ${fmtEvent(m.emitted[arg]!)}`);
    }
    const tags: string[] = [];
    for (let t = 0; t < m.tagNames.length; t++) if (m.hasTag(config, t)) tags.push(m.tagNames[t]!);
    steps.push({ event, state: m.stateKey[config]!, context: canonicalKey(m.context[config], 'context'), outputs, tags: tags.sort().join(',') });
  };
  const deliver = (e: number): void => {
    const list = m.outputsOf(config, e);
    const handled = m.handles(config, e);
    config = m.step(config, e);
    // XState reports a snapshot for every event it receives, handled or not.
    record(fmtEvent(m.events[e]!.event), handled ? list : 0);
  };
  record('xstate.init', m.initialOutputs);
  for (const c of commands) {
    if (m.done[config] === 1) break;
    if (c.kind === 'pick') throw new Error('compiledTrace: resolve pick commands with referenceTrace first');
    if (c.kind === 'send') {
      deliver(c.event);
      continue;
    }
    const target = now + c.ms;
    for (;;) {
      let best = -1;
      for (let t = 0; t < due.length; t++) {
        if ((due[t] as number) <= target && (best < 0 || (due[t] as number) < (due[best] as number) || (due[t] === due[best] && (order[t] as number) < (order[best] as number)))) best = t;
      }
      if (best < 0 || m.done[config] === 1) break;
      now = due[best] as number;
      due[best] = Infinity;
      deliver(m.timers[best]!.event);
    }
    now = target;
  }
  return steps;
}

/** First divergence between XState and the compiled tables on `commands`, or null. */
export function firstDivergence(entry: MachineEntry, m: CompiledMachine, commands: readonly Command[]): string | null {
  const { steps: ref, resolved } = referenceTrace(entry, commands, m);
  const got = compiledTrace(m, resolved);
  const n = Math.max(ref.length, got.length);
  for (let i = 0; i < n; i++) {
    const a = JSON.stringify(ref[i]);
    const b = JSON.stringify(got[i]);
    if (a !== b) return `step ${i}:\n  xstate:   ${a}\n  compiled: ${b}`;
  }
  return null;
}

/** Outputs of an executed-action list (as `transition()` returns them), formatted like the traces. */
function formatExecuted(actions: readonly { type: string; params?: unknown }[]): string[] {
  const out: string[] = [];
  for (const a of actions) {
    const p = a.params as Record<string, unknown> | undefined;
    if (!a.type.startsWith('xstate.')) out.push(fmtAction(a.type, a.params));
    else if (a.type === 'xstate.raise' && typeof p?.['delay'] === 'number') out.push(`set ${String(p['id'])} ${p['delay']}`);
    else if (a.type === 'xstate.cancel') out.push(`cancel ${String(p?.['sendId'])}`);
    else if (a.type === 'xstate.emit') out.push(`emit ${fmtEvent(p?.['event'] as EventObject)}`);
  }
  return out;
}

function tableOutputs(m: CompiledMachine, list: number): string[] {
  const out: string[] = [];
  for (let i = m.outputStart[list] as number; i < (m.outputStart[list + 1] as number); i++) {
    const arg = m.outputArg[i] as number;
    const kind = m.outputKind[i];
    if (kind === OUTPUT_ACTION) out.push(fmtAction(m.actions[arg]!.name, m.actions[arg]!.params));
    else if (kind === OUTPUT_SET_TIMER) out.push(`set ${m.timers[arg]!.sendId} ${m.outputDelay[i]}`);
    else if (kind === OUTPUT_CANCEL_TIMER) out.push(`cancel ${m.timers[arg]!.sendId}`);
    else out.push(`emit ${fmtEvent(m.emitted[arg]!)}`);
  }
  return out;
}

/**
 * Cells of the table against XState's public pure `transition()` from that configuration's
 * snapshot: handled or not, next state value, context, tags, outputs. Every cell when there are
 * at most `budget`, else a seeded uniform sample of `budget` cells (transition() costs ~30 µs).
 * Returns the first `limit` mismatches.
 */
export function cellDivergences(m: CompiledMachine, limit = 5, budget = 20_000): string[] {
  const bad: string[] = [];
  const total = m.nConfigs * m.nEvents;
  let s = 0x9e3779b9;
  const pick = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % total;
  };
  for (let k = 0; k < Math.min(total, budget) && bad.length < limit; k++) {
    const cell = total <= budget ? k : pick();
    const c = Math.floor(cell / m.nEvents);
    const e = cell % m.nEvents;
    const snap = m.snapshot(c);
    const where = `config ${c} ${m.stateKey[c]} ${canonicalKey(m.context[c], 'context')} on ${fmtEvent(m.events[e]!.event)}`;
    if (snap.status !== 'active') {
      if (m.handles(c, e)) bad.push(`${where}: handled by a ${snap.status} configuration`);
      continue;
    }
    const [next, actions] = transition(snap.machine, snap, m.events[e]!.event);
    const unchanged = next === snap && actions.length === 0;
    if (unchanged !== !m.handles(c, e)) {
      bad.push(`${where}: xstate ${unchanged ? 'ignores' : 'handles'} it, the table ${m.handles(c, e) ? 'handles' : 'ignores'} it`);
      continue;
    }
    if (unchanged) continue;
    const n = m.step(c, e);
    const tags: string[] = [];
    for (let t = 0; t < m.tagNames.length; t++) if (m.hasTag(n, t)) tags.push(m.tagNames[t]!);
    const want = JSON.stringify([canonicalKey(next.value, 'v'), canonicalKey(next.context, 'c'), [...(next.tags as Set<string>)].sort(), formatExecuted(actions)]);
    const got = JSON.stringify([m.stateKey[n], canonicalKey(m.context[n], 'c'), tags.sort(), tableOutputs(m, m.outputsOf(c, e))]);
    if (want !== got) bad.push(`${where}:\n  xstate:   ${want}\n  compiled: ${got}`);
  }
  return bad;
}
