import { describe, expect, it } from 'vitest';
import { getAdjacencyMap, getStateNodes } from 'xstate/graph';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { catalogEvents, handshakeDeviceMachine, handshakePhoneMachine, HANDSHAKE_CATALOG, type HandshakeContext } from '../../models/handshake/index.ts';
import { machines } from '../../models/index.ts';

type Snap = { value: unknown; status: string; context: HandshakeContext; hasTag(t: string): boolean; matches(v: string): boolean; getMeta(): Record<string, { op?: string; message?: string; direction?: string }> };

/** Catalog events plus each state's delayed (`after`) events, which xstate names per state node. */
function eventsFor(machine: AnyStateMachine) {
  const delayed = getStateNodes(machine.root).flatMap((n: AnyStateNode) => n.after.map((t) => ({ type: t.eventType })));
  return [...catalogEvents(HANDSHAKE_CATALOG), ...delayed];
}

function explore(machine: AnyStateMachine, mode: 'hybrid' | 'pq' | 'classical') {
  const adj = getAdjacencyMap(machine, { events: eventsFor(machine) as never, input: { mode } as never });
  const edges: { from: Snap; type: string; to: Snap }[] = [];
  const states: Snap[] = [];
  for (const v of Object.values(adj)) {
    const from = v.state as unknown as Snap;
    states.push(from);
    for (const t of Object.values(v.transitions) as { event: { type: string }; state: unknown }[]) edges.push({ from, type: t.event.type, to: t.state as unknown as Snap });
  }
  return { states, edges };
}

const leafPaths = (machine: AnyStateMachine) =>
  getStateNodes(machine.root)
    .filter((n: AnyStateNode) => (n.type === 'atomic' || n.type === 'final') && (n.always ?? []).length === 0)
    .map((n: AnyStateNode) => n.path.join('.'));

for (const [name, machine] of [
  ['handshake.device', handshakeDeviceMachine],
  ['handshake.phone', handshakePhoneMachine],
] as const) {
  describe(name, () => {
    const runs = (['hybrid', 'pq', 'classical'] as const).map((m) => explore(machine, m));
    const states = runs.flatMap((r) => r.states);
    const edges = runs.flatMap((r) => r.edges);

    it('is registered in models/index.ts with its catalog', () => {
      expect(machines[name]?.machine).toBe(machine);
      expect(machines[name]?.catalog).toBe(HANDSHAKE_CATALOG);
    });

    it('reaches every state (over the three modes)', () => {
      for (const p of leafPaths(machine)) expect(states.some((s) => s.matches(p)), p).toBe(true);
    });

    it('takes every transition of every state, including each guarded alternative', () => {
      for (const node of getStateNodes(machine.root) as AnyStateNode[]) {
        for (const [type, candidates] of node.transitions) {
          for (const cand of candidates) {
            const targets = (cand.target ?? []) as AnyStateNode[];
            // A transient target (eventless `always`) is passed through: accept any of its exits.
            const lands = (to: Snap, t: AnyStateNode): boolean =>
              t.always?.length ? t.always.some((a) => ((a.target ?? []) as AnyStateNode[]).every((x) => lands(to, x))) : to.matches(t.path.join('.'));
            const hit = edges.some((e) => e.from.matches(node.path.join('.')) && e.type === type && targets.every((t) => lands(e.to, t)));
            expect(hit, `${node.path.join('.')} --${type}--> ${targets.map((t) => t.path.join('.')).join(',')}`).toBe(true);
          }
        }
      }
    });

    it('is never established without both authentications', () => {
      const up = states.filter((s) => s.hasTag('established'));
      expect(up.length).toBeGreaterThan(0);
      for (const s of up) {
        expect(s.context.deviceAuthenticated && s.context.phoneAuthenticated).toBe(true);
        expect(s.context.reason).toBe('none');
        expect(s.context.keys).toBe('live');
      }
    });

    it('has no path from any error to established: failed is final and carries its reason', () => {
      const failed = states.filter((s) => s.matches('failed'));
      expect(failed.length).toBeGreaterThan(5);
      for (const s of failed) {
        expect(s.status).toBe('done');
        expect(s.context.reason).not.toBe('none');
        expect(s.hasTag('locked')).toBe(true);
      }
      for (const e of edges) if (e.from.matches('failed')) expect(e.to.hasTag('established')).toBe(false);
    });

    it('destroys keys: no final state holds live keys', () => {
      for (const s of states.filter((x) => x.status === 'done')) expect(s.context.keys).not.toBe('live');
      expect(states.some((s) => s.matches('closed') && s.context.keys === 'destroyed')).toBe(true);
    });

    it('gives every rejection its own reason', () => {
      const reasons = new Set(states.filter((s) => s.matches('failed')).map((s) => s.context.reason));
      for (const r of ['decode.length', 'suite.downgrade', 'sig.device', 'auth.phone', 'aead.tag', 'replay.seq', 'ble.link']) expect(reasons.has(r as never), r).toBe(true);
    });

    it('tags every state with one power mode, and every timed state with meta.op', () => {
      for (const s of states) expect([...(s as unknown as { tags: Set<string> }).tags].filter((t) => t.startsWith('power:'))).toHaveLength(1);
      const ops = new Set(states.flatMap((s) => Object.values(s.getMeta()).map((m) => m.op)).filter(Boolean));
      expect(ops.has('ble.transfer')).toBe(true);
      for (const s of states) {
        const meta = Object.values(s.getMeta()).find((m) => m.op === 'ble.transfer');
        if (meta) expect(['tx', 'rx']).toContain(meta.direction);
      }
    });
  });
}

describe('transient states', () => {
  it("the phone's attempt state picks X25519 keygen unless pure PQ", () => {
    const first = (mode: 'hybrid' | 'pq' | 'classical') => explore(handshakePhoneMachine, mode).states[0]!;
    expect(first('hybrid').matches('x25519Keygen')).toBe(true);
    expect(first('pq').matches('encapsulating')).toBe(true);
    expect(first('classical').matches('x25519Keygen')).toBe(true);
  });
});

describe('mode-specific operations', () => {
  it('the device decapsulates only with a KEM, signs in the SE only for classical', () => {
    const ops = (mode: 'hybrid' | 'pq' | 'classical') => new Set(explore(handshakeDeviceMachine, mode).states.filter((s) => s.context.mode === mode).flatMap((s) => Object.values(s.getMeta()).map((m) => m.op)));
    expect(ops('pq').has('x25519.shared')).toBe(false);
    expect(ops('classical').has('mlkem.decaps')).toBe(false);
    expect(ops('classical').has('se.sign')).toBe(true);
    expect(ops('hybrid').has('mldsa.sign')).toBe(true);
  });
});
