/**
 * Generates one Promela proctype from a flattened handshake statechart: one label per leaf state,
 * one guarded branch per transition, in XState's order (first enabled transition wins). What a
 * state *does* (its firmware step) is a call to a symbolic step inline of the harness; everything
 * else — which states exist, which event leads where under which guard, which actions run — comes
 * from the machine. An action or guard the translation table does not know stops the export, so
 * the model cannot silently drift from the statechart.
 * @module
 */
import type { ActionRef, FlatState, FlatTransition } from './walk.ts';

export interface RoleSpec {
  /** Promela identifier prefix and proctype name, e.g. `Phone`. */
  readonly name: string;
  /** Promela code of each named guard (role-local variables). */
  readonly guards: Readonly<Record<string, string>>;
  /** Promela code of each named action; params are passed in. */
  readonly actions: Readonly<Record<string, (params: Record<string, unknown> | undefined) => string>>;
  /** Promela expression: whether an external event can happen in a waiting state. */
  readonly events: Readonly<Record<string, string>>;
  /** Name of the role's inbox channel. */
  readonly inbox: string;
  /** Proctype parameter list and local declarations. */
  readonly params: string;
  readonly locals: string;
}

/** XState-internal actions with no protocol meaning (timer bookkeeping, op start handled by the state). */
const INTERNAL = new Set(['xstate.raise', 'xstate.cancel', 'beginOp']);

export const label = (role: string, id: string) => `${role}_${id.replace(/^[^.]*\./, '').replace(/[^A-Za-z0-9]/g, '_')}`;

function actionCode(spec: RoleSpec, a: ActionRef): string {
  if (INTERNAL.has(a.type)) return '';
  const f = spec.actions[a.type];
  if (!f) throw new Error(`${spec.name}: action '${a.type}' has no Promela translation`);
  return f(a.params);
}
function guardCode(spec: RoleSpec, g: string | null): string {
  if (g === null) return '1';
  const c = spec.guards[g];
  if (c === undefined) throw new Error(`${spec.name}: guard '${g}' has no Promela translation`);
  return `(${c})`;
}

/** The body of one transition: actions, property hooks on entering tagged states, jump. */
function transitionCode(spec: RoleSpec, from: FlatState, t: FlatTransition, byId: Map<string, FlatState>): string {
  if (t.target === null) throw new Error(`${spec.name}: targetless transitions are not exported (${from.id} on ${t.event})`);
  const to = byId.get(t.target)!;
  const acts = t.actions.map((a) => actionCode(spec, a)).filter(Boolean);
  const hooks: string[] = [];
  if (to.tags.includes('established')) {
    hooks.push(`enter_established(${spec.name})`);
    if (!from.tags.includes('established')) hooks.push(`complete_${spec.name}()`);
  }
  if (to.tags.includes('failed')) hooks.push(`enter_failed(${spec.name})`);
  return [...acts, ...hooks, `goto ${label(spec.name, to.id)}`].join('; ');
}

/** First-match branch list: branch i is taken when its guard holds and no earlier one does. */
function branches(spec: RoleSpec, from: FlatState, ts: readonly FlatTransition[], cond: string, byId: Map<string, FlatState>): string[] {
  const out: string[] = [];
  const earlier: string[] = [];
  for (const t of ts) {
    const g = guardCode(spec, t.guard);
    const c = [cond, ...earlier.map((e) => `!${e}`), g].filter((x) => x !== '1').join(' && ') || '1';
    out.push(`  :: ${c} -> ${transitionCode(spec, from, t, byId)}`);
    earlier.push(g);
  }
  return out;
}

export function roleProctype(spec: RoleSpec, flat: { initial: string; initialActions: ActionRef[]; states: FlatState[] }): string {
  const byId = new Map(flat.states.map((s) => [s.id, s]));
  const lines: string[] = [`proctype ${spec.name}(${spec.params}) {`, spec.locals];
  const init = flat.initialActions.map((a) => actionCode(spec, a)).filter(Boolean);
  lines.push(`  ${[...init, `goto ${label(spec.name, flat.initial)}`].join('; ')};`);
  for (const s of flat.states) {
    const l = label(spec.name, s.id);
    lines.push(`/* ${s.id} [${s.tags.join(', ')}]${s.step ? ` step ${s.step}` : ''} */`);
    if (s.final) {
      lines.push(`${l}: goto ${spec.name}_end;`);
      continue;
    }
    const on = (ev: string) => s.transitions.filter((t) => t.event === ev);
    // Each state is one atomic step (an operation runs to completion, as in the live runner), which
    // keeps the interleavings to the ones that matter: between role steps and attacker moves.
    lines.push(`${l}: atomic {`, `  state_${spec.name} = ST_${l}; printf("MSC: ${spec.name.toLowerCase()} in ${s.id.replace(/^[^.]*\./, '')}\\n");`);
    if (s.step) {
      // An operation state: run the symbolic step, then op.done / op.failed as the chart says.
      lines.push(`  step_${spec.name}_${s.step}();`, '  if');
      lines.push(...branches(spec, s, on('op.done'), 'ok', byId));
      lines.push(...branches(spec, s, on('op.failed'), '!ok', byId));
      lines.push('  fi }');
    } else if (on('always').length) {
      lines.push('  if', ...branches(spec, s, on('always'), '1', byId), '  fi }');
    } else {
      // A waiting state: whichever external event the environment, the attacker or time offers.
      const evs = [...new Set(s.transitions.map((t) => t.event))];
      lines.push('  if');
      for (const ev of evs) {
        const when = ev.startsWith('after:') ? spec.events.after : spec.events[ev];
        if (when === undefined) throw new Error(`${spec.name}: event '${ev}' in ${s.id} has no environment model`);
        lines.push(...branches(spec, s, on(ev), `(${when})`, byId));
      }
      lines.push('  fi }');
    }
  }
  lines.push(`${spec.name}_end: end_${spec.name}()`, '}');
  return lines.join('\n');
}

/** State ids of a flattened machine as Promela constants (for trails and properties). */
export function stateConstants(role: string, states: readonly FlatState[]): string {
  return states.map((s, i) => `#define ST_${label(role, s.id)} ${i + 1}`).join('\n');
}
