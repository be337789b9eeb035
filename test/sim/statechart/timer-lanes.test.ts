/**
 * Timer lanes (sim/statechart/timer-lanes.ts): timers that share an agenda slot are never pending
 * together. Checked two ways: on a machine built to need two lanes, and by long random walks over
 * the twin's real compiled machines that track the pending timers exactly as the fleet does.
 */
import { setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { compileMachine, OUTPUT_CANCEL_TIMER, OUTPUT_SET_TIMER, timerLanes, type CompiledMachine } from '../../../sim/statechart/index.ts';
import { createRng } from '../../../sim/engine/index.ts';
import { compileTwinMachines } from '../../../sim/twin/machines.ts';

describe('timerLanes()', () => {
  it('gives timers of parallel regions their own lanes, and timers of successive states one lane', () => {
    const m = setup({}).createMachine({
      id: 'lanes',
      type: 'parallel',
      states: {
        a: { initial: 'one', states: { one: { after: { 100: 'two' } }, two: { after: { 200: 'one' } } } },
        b: { initial: 'x', states: { x: { after: { 50: 'y' } }, y: { on: { go: 'x' } } } },
      },
    });
    const c = compileMachine(m, [{ type: 'go' }]);
    const l = timerLanes(c);
    expect(c.timers.length).toBe(3);
    expect(l.lanes).toBe(2);
    const laneOf = (delay: string, region: string) => l.lane[c.timers.findIndex((t) => t.sendId.includes(region) && t.sendId.includes(delay))]!;
    expect(laneOf('100', '.a.one')).toBe(laneOf('200', '.a.two'));
    expect(laneOf('50', '.b.x')).not.toBe(laneOf('100', '.a.one'));
  });

  const machines = compileTwinMachines();
  for (const m of [machines.device, machines.handshake] as CompiledMachine[]) {
    it(`${m.name}: in 200 random walks of 500 steps, no two pending timers share a lane (${timerLanes(m).lanes} lane(s) for ${m.timers.length} timers)`, () => {
      const { lane } = timerLanes(m);
      const rng = createRng(7);
      let shared = 0;
      let withTimer = 0;
      for (let walk = 0; walk < 200; walk++) {
        let cfg = m.initial;
        let pending = new Set<number>();
        const apply = (list: number) => {
          for (let i = m.outputStart[list]!; i < m.outputStart[list + 1]!; i++) {
            if (m.outputKind[i] === OUTPUT_SET_TIMER) pending.add(m.outputArg[i]!);
            else if (m.outputKind[i] === OUTPUT_CANCEL_TIMER) pending.delete(m.outputArg[i]!);
          }
        };
        apply(m.initialOutputs);
        for (let step = 0; step < 500 && !m.done[cfg]; step++) {
          const lanes = [...pending].map((t) => lane[t]);
          if (new Set(lanes).size !== lanes.length) shared++;
          if (lanes.length > 0) withTimer++;
          // Half the steps fire a pending timer (as time passes), the others deliver an event the configuration handles.
          const timers = [...pending];
          let ev: number;
          if (timers.length > 0 && rng.next() < 0.5) {
            const t = timers[Math.floor(rng.next() * timers.length)]!;
            pending.delete(t);
            ev = m.timers[t]!.event;
          } else {
            // Mostly the events that carry the machine forward, so walks get deep (failures end them).
            const handled = Array.from({ length: m.nEvents }, (_, e) => e).filter((e) => m.next[cfg * m.nEvents + e]! >= 0);
            const forward = handled.filter((e) => !/fail|abort|error|lost/i.test(m.events[e]!.type + JSON.stringify(m.events[e]!.variant ?? {})));
            const pool = forward.length > 0 && rng.next() < 0.9 ? forward : handled;
            if (pool.length === 0) break;
            ev = pool[Math.floor(rng.next() * pool.length)]!;
          }
          const cell = cfg * m.nEvents + ev;
          if (m.next[cell]! < 0) continue;
          cfg = m.next[cell]!;
          apply(m.outputList[cell]!);
        }
        pending = new Set();
      }
      expect(shared).toBe(0);
      expect(withTimer).toBeGreaterThan(200);
    });
  }
});
