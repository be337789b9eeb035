/**
 * fast-check arbitrary of command sequences for a compiled machine: catalog events (every
 * payload variant; mostly ones XState says the current state can handle) interleaved with the passage of simulated time, biased towards the machine's
 * own timer delays (and ±1 ms around them) so that timer boundaries and cancellations are hit.
 * @module
 */
import fc from 'fast-check';
import type { CompiledMachine } from '../../../sim/statechart/index.ts';
import type { Command } from './differential-harness.ts';

export function commandsFor(m: CompiledMachine, maxLength = 60): fc.Arbitrary<Command[]> {
  const external = m.events.filter((e) => !e.delayed).map((e) => e.id);
  const delays = [...new Set(m.outputDelay)].filter((d) => d > 0);
  const near = [0, 1, ...delays.flatMap((d) => [d - 1, d, d + 1])].filter((d) => d >= 0);
  const maxDelay = Math.max(1000, ...delays);
  const send = fc.constantFrom(...external).map((event): Command => ({ kind: 'send', event }));
  const advance = fc.oneof(fc.constantFrom(...near), fc.integer({ min: 0, max: 2 * maxDelay })).map((ms): Command => ({ kind: 'advance', ms }));
  const pick = fc.nat(1000).map((r): Command => ({ kind: 'pick', r }));
  const command = external.length > 0 ? fc.oneof({ arbitrary: pick, weight: 4 }, { arbitrary: send, weight: 1 }, { arbitrary: advance, weight: 1 }) : advance;
  return fc.array(command, { minLength: 1, maxLength, size: 'max' });
}

/**
 * Directed command sequences: the shortest event path (in the table; delayed events sent
 * directly, as XState's timers would) to the first configuration of every state value and to a
 * seeded sample of other configurations, each followed by a few XState-chosen handled events
 * and the passage of time. Random walks rarely reach deep states; these reach all of them, and
 * the XState side checks that each step of the path really goes where the table says.
 */
export function directedCommands(m: CompiledMachine, sample = 100, seed = 7): Command[][] {
  const parent = new Int32Array(m.nConfigs).fill(-2);
  const via = new Int32Array(m.nConfigs).fill(-1);
  const order: number[] = [m.initial];
  parent[m.initial] = -1;
  for (let q = 0; q < order.length; q++) {
    const c = order[q] as number;
    for (let e = 0; e < m.nEvents; e++) {
      if (!m.handles(c, e)) continue;
      const n = m.step(c, e);
      if (parent[n] !== -2) continue;
      parent[n] = c;
      via[n] = e;
      order.push(n);
    }
  }
  const targets = new Set<number>();
  const firstOfValue = new Map<string, number>();
  for (const c of order) if (!firstOfValue.has(m.stateKey[c] as string)) firstOfValue.set(m.stateKey[c] as string, c);
  for (const c of firstOfValue.values()) targets.add(c);
  let s = seed >>> 0 || 1;
  const rand = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  for (let k = 0; k < Math.min(sample, order.length); k++) targets.add(order[rand() % order.length] as number);
  const maxDelay = Math.max(1, ...m.outputDelay);
  return [...targets].map((t) => {
    const path: Command[] = [];
    for (let c = t; parent[c] !== -1; c = parent[c] as number) path.push({ kind: 'send', event: via[c] as number });
    path.reverse();
    for (let i = 0; i < 6; i++) path.push({ kind: 'pick', r: rand() % 1000 });
    path.push({ kind: 'advance', ms: maxDelay });
    for (let i = 0; i < 4; i++) path.push({ kind: 'pick', r: rand() % 1000 });
    return path;
  });
}
