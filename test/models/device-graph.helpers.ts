/**
 * Test-only exploration of a machine over its event catalog, for the model-based tests of the
 * device and cloud machines: breadth-first over (configuration × invariant monitor), so that a
 * monitor (a finite automaton over steps) checked on every reachable product state is checked on
 * every path; plus state and transition coverage. Steps use XState's own pure macrostep
 * (`machine.transition` with an inert scope that records the executed actions).
 * @module
 */
import { getStateNodes } from 'xstate/graph';
import {
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type EventObject,
} from 'xstate';
import type { CatalogEvent } from '../../models/index.ts';
import { inertScope } from '../../sim/statechart/index.ts';

export interface ExecutedAction {
  type: string;
  params?: unknown;
}

export interface Step {
  from: AnyMachineSnapshot;
  event: EventObject;
  to: AnyMachineSnapshot;
  actions: readonly ExecutedAction[];
}

/** An invariant monitor: finite state `M`, updated and checked on every step. */
export interface Monitor<M> {
  initial: M;
  key(m: M): string;
  step(m: M, step: Step): M;
  /** A violation message, or null. `next` is the monitor state after the step. */
  check(m: M, next: M, step: Step): string | null;
}

export interface Violation {
  message: string;
  /** Event types from the initial snapshot to the violating step. */
  path: string[];
}

export interface Exploration {
  configs: Map<string, AnyMachineSnapshot>;
  productStates: number;
  steps: number;
  violations: Violation[];
  /** Every distinct (config, event) → config edge, for transition coverage. */
  edges: Step[];
}

/** Every catalog event × variant as an event object. */
export function catalogEvents(catalog: readonly CatalogEvent[]): EventObject[] {
  return catalog.flatMap((c) => (c.variants?.length ? c.variants : [{}]).map((v) => ({ ...v, type: c.type })));
}

export const snapshotKey = (s: AnyMachineSnapshot): string => JSON.stringify([s.value, s.context, s.status]);

/** The catalog events the active nodes handle, plus the `after` events of the active nodes. */
export function eventsFor(s: AnyMachineSnapshot, all: readonly EventObject[]): EventObject[] {
  // NOTE: `_nodes` is XState's active configuration (also what xstate/graph reads).
  const own = new Set<string>((s as unknown as { _nodes: AnyStateNode[] })._nodes.flatMap((n) => n.ownEvents));
  const events = all.filter((e) => own.has(e.type));
  for (const t of own) if (t.startsWith('xstate.after.')) events.push({ type: t });
  return events;
}


/** A pure stepper: `(snapshot, event) → [next, executed actions]`. */
export function createStepper(machine: AnyStateMachine, input: unknown) {
  const sink: ExecutedAction[] = [];
  const scope = inertScope(machine, input, sink);
  const initial = (): AnyMachineSnapshot => {
    sink.length = 0;
    return machine.getInitialSnapshot(scope, input) as AnyMachineSnapshot;
  };
  const step = (s: AnyMachineSnapshot, e: EventObject): [AnyMachineSnapshot, ExecutedAction[]] => {
    sink.length = 0;
    const next = machine.transition(s, e, scope) as AnyMachineSnapshot;
    return [next, [...sink]];
  };
  return { initial, step };
}

/** Breadth-first over (configuration × monitor); returns the first `maxViolations` violations. */
export function explore<M>(
  machine: AnyStateMachine,
  catalog: readonly CatalogEvent[],
  input: unknown,
  monitor: Monitor<M>,
  maxViolations = 5,
): Exploration {
  const all = catalogEvents(catalog);
  const { initial, step } = createStepper(machine, input);
  const s0 = initial();
  const configs = new Map<string, AnyMachineSnapshot>([[snapshotKey(s0), s0]]);
  const parents = new Map<string, { parent: string | null; event: string }>();
  const edgeKeys = new Set<string>();
  const edges: Step[] = [];
  const violations: Violation[] = [];
  const k0 = `${snapshotKey(s0)}|${monitor.key(monitor.initial)}`;
  parents.set(k0, { parent: null, event: 'xstate.init' });
  const queue: [AnyMachineSnapshot, M, string][] = [[s0, monitor.initial, k0]];
  let steps = 0;
  const pathTo = (key: string): string[] => {
    const path: string[] = [];
    for (let k: string | null = key; k !== null; ) {
      const p: { parent: string | null; event: string } = parents.get(k)!;
      path.unshift(p.event);
      k = p.parent;
    }
    return path;
  };
  for (let head = 0; head < queue.length && violations.length < maxViolations; head++) {
    const [s, m, key] = queue[head]!;
    if (s.status !== 'active') continue;
    for (const e of eventsFor(s, all)) {
      const [to, actions] = step(s, e);
      steps++;
      const st: Step = { from: s, event: e, to, actions };
      const sk = snapshotKey(to);
      if (!configs.has(sk)) configs.set(sk, to);
      const ek = `${snapshotKey(s)}>${JSON.stringify(e)}`;
      if (!edgeKeys.has(ek)) {
        edgeKeys.add(ek);
        edges.push(st);
      }
      const m2 = monitor.step(m, st);
      const problem = monitor.check(m, m2, st);
      if (problem !== null) {
        violations.push({ message: problem, path: [...pathTo(key), e.type] });
        if (violations.length >= maxViolations) break;
        continue;
      }
      const k2 = `${sk}|${monitor.key(m2)}`;
      if (!parents.has(k2)) {
        parents.set(k2, { parent: key, event: e.type });
        queue.push([to, m2, k2]);
      }
    }
  }
  return { configs, productStates: parents.size, steps, violations, edges };
}

/** Ids of every state node that can be active in a stable snapshot (all but `exclude`). */
export function allStateNodeIds(machine: AnyStateMachine): string[] {
  return getStateNodes(machine.root).map((n) => n.id);
}

/** Ids of the state nodes active in any explored configuration. */
export function reachedStateNodeIds(configs: Iterable<AnyMachineSnapshot>): Set<string> {
  const ids = new Set<string>();
  for (const s of configs) for (const n of (s as unknown as { _nodes: AnyStateNode[] })._nodes) ids.add(n.id);
  return ids;
}

/** Every transition candidate of the machine: `<node id> <event descriptor> #<index>`. */
export function allTransitions(machine: AnyStateMachine): string[] {
  const out: string[] = [];
  for (const n of [machine.root, ...getStateNodes(machine.root)]) {
    for (const [descriptor, candidates] of n.transitions) {
      candidates.forEach((_, i) => out.push(`${n.id} ${descriptor} #${i}`));
    }
    n.always?.forEach((_, i) => out.push(`${n.id} always #${i}`));
  }
  return out;
}

type GuardRef = string | { type: string; params?: unknown } | ((...args: unknown[]) => boolean) | undefined;

function guardPasses(machine: AnyStateMachine, guard: GuardRef, s: AnyMachineSnapshot, e: EventObject): boolean {
  if (guard === undefined) return true;
  const type = typeof guard === 'string' ? guard : typeof guard === 'object' ? guard.type : undefined;
  const fn = (type ? machine.implementations.guards[type] : guard) as
    | ((args: { context: unknown; event: EventObject }, params: unknown) => boolean)
    | undefined;
  if (!fn) throw new Error(`unknown guard ${String(type)}`);
  return fn({ context: s.context, event: e }, typeof guard === 'object' ? guard.params : undefined);
}

/**
 * Which transition candidates the explored edges took. For an event: the deepest active node
 * whose candidates select one (XState's document order: descendants win). For eventless
 * transitions: evaluated on the context after the step for the nodes the step targeted or kept
 * active (their guards read only context; the models' eventless transitions do not assign).
 */
export function takenTransitions(machine: AnyStateMachine, edges: readonly Step[]): Set<string> {
  const taken = new Set<string>();
  const byNode = (s: AnyMachineSnapshot) => (s as unknown as { _nodes: AnyStateNode[] })._nodes;
  for (const { from, event, to } of edges) {
    const active = byNode(from);
    const targeted = new Set<AnyStateNode>();
    for (const leaf of active.filter((n) => n.type === 'atomic' || n.type === 'final')) {
      for (let n: AnyStateNode | undefined = leaf; n; n = n.parent) {
        const candidates = n.transitions.get(event.type);
        if (!candidates) continue;
        const i = candidates.findIndex((c) => guardPasses(machine, c.guard as GuardRef, from, event));
        if (i < 0) continue;
        taken.add(`${n.id} ${event.type} #${i}`);
        for (const t of candidates[i]!.target ?? []) targeted.add(t);
        break;
      }
    }
    const evaluated = new Set<AnyStateNode>([...active, ...targeted]);
    for (const n of evaluated) {
      if (!n.always?.length) continue;
      const i = n.always.findIndex((c) => guardPasses(machine, c.guard as GuardRef, to, event));
      if (i >= 0 && (targeted.has(n) || active.includes(n))) {
        const target = n.always[i]!.target?.[0];
        // Count it only if the step really ended where that eventless transition leads.
        if (!target || byNode(to).includes(target)) taken.add(`${n.id} always #${i}`);
      }
    }
  }
  return taken;
}
