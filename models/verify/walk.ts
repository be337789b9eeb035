/**
 * Flattens an XState v5 machine into the leaf states and resolved transitions the Promela exporter
 * needs. It reads the machine object itself (StateNode tree: `transitions`, `after`, `always`,
 * `entry`, `exit`, `meta`, `tags`), never a copy of it, so the exported model is the statechart.
 * @module
 */
import type { AnyStateMachine } from 'xstate';

export interface ActionRef {
  readonly type: string;
  readonly params?: Record<string, unknown>;
}
export interface FlatTransition {
  /** Event type (`op.done`, `msg.arrived`, ...), `always`, or `after:<delay>`. */
  readonly event: string;
  /** Named guard, or null. */
  readonly guard: string | null;
  /** Leaf id of the target (compound targets resolved through `initial`); null = no target (internal). */
  readonly target: string | null;
  /** Exit actions (innermost first), transition actions, then entry actions (outermost first). */
  readonly actions: readonly ActionRef[];
}
export interface FlatState {
  readonly id: string;
  readonly tags: readonly string[];
  readonly final: boolean;
  /** The firmware step its entry starts (`beginOp` params.step), if any. */
  readonly step: string | null;
  readonly transitions: readonly FlatTransition[];
}

// XState's StateNode has no public structural type for these fields; this is what we read.
interface Node {
  id: string;
  type: string;
  tags: string[];
  parent?: Node;
  states: Record<string, Node>;
  initial?: { target: Node[] };
  entry: unknown[];
  exit: unknown[];
  transitions: Map<string, Def[]>;
  always?: Def[];
}
interface Def {
  eventType: string;
  target?: Node[];
  guard?: unknown;
  actions: unknown[];
  reenter?: boolean;
  delay?: unknown;
}

const ref = (a: unknown): ActionRef => {
  if (typeof a === 'string') return { type: a };
  const o = a as { type?: unknown; params?: Record<string, unknown> };
  if (typeof o?.type !== 'string') throw new Error(`unsupported inline action ${String(a)}: give it a name in setup()`);
  return o.params ? { type: o.type, params: o.params } : { type: o.type };
};
const guardName = (g: unknown): string | null => {
  if (g === undefined || g === null) return null;
  if (typeof g === 'string') return g;
  const o = g as { type?: unknown };
  if (typeof o.type === 'string') return o.type;
  throw new Error('unsupported inline guard: give it a name in setup()');
};

const ancestors = (n: Node): Node[] => (n.parent ? [...ancestors(n.parent), n] : [n]);
function leafOf(n: Node): Node {
  if (n.type === 'compound' && n.initial) return leafOf(n.initial.target[0]!);
  if (n.type === 'compound' || n.type === 'parallel') throw new Error(`state ${n.id}: compound without initial / parallel states are not exported`);
  return n;
}
function leaves(n: Node): Node[] {
  const kids = Object.values(n.states ?? {});
  return kids.length ? kids.flatMap(leaves) : [n];
}

function resolve(source: Node, def: Def, event: string): FlatTransition {
  const guard = guardName(def.guard);
  const acts = def.actions.map(ref);
  if (!def.target || def.target.length === 0) return { event, guard, target: null, actions: acts };
  if (def.target.length > 1) throw new Error(`${source.id}: multiple targets are not exported`);
  const leaf = leafOf(def.target[0]!);
  const from = ancestors(source);
  const to = ancestors(leaf);
  let common = 0;
  while (common < from.length && common < to.length && from[common] === to[common]) common++;
  // A self-targeting reenter transition exits and re-enters the state itself.
  if (def.reenter && common === from.length) common = Math.max(0, from.indexOf(def.target[0]!));
  const exits = from.slice(common).reverse().flatMap((n) => n.exit.map(ref));
  const entries = to.slice(common).flatMap((n) => n.entry.map(ref));
  return { event, guard, target: leaf.id, actions: [...exits, ...acts, ...entries] };
}

/** Leaf states of `machine` with their own and inherited transitions (inner first, as XState picks). */
export function flatten(machine: AnyStateMachine): { initial: string; initialActions: ActionRef[]; states: FlatState[] } {
  const root = machine.root as unknown as Node;
  const initialLeaf = leafOf(root);
  const initialActions = ancestors(initialLeaf).slice(1).flatMap((n) => n.entry.map(ref));
  const states = leaves(root).map((leaf): FlatState => {
    const transitions: FlatTransition[] = [];
    for (const n of ancestors(leaf).reverse()) {
      for (const [ev, defs] of n.transitions) {
        const event = ev.startsWith('xstate.after.') ? `after:${ev.split('.')[2]}` : ev;
        for (const d of defs) transitions.push(resolve(leaf, d, event));
      }
      for (const d of n.always ?? []) transitions.push(resolve(leaf, d, 'always'));
    }
    const begin = leaf.entry.map(ref).find((a) => a.type === 'beginOp');
    return {
      id: leaf.id,
      tags: [...leaf.tags],
      final: leaf.type === 'final',
      step: begin ? String(begin.params?.step) : null,
      transitions,
    };
  });
  return { initial: initialLeaf.id, initialActions, states };
}
