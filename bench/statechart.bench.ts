/**
 * Compiled statechart vs XState on the same event stream, in one run: steps/s of the compiled
 * table (`step` + reading the output list, what the fleet does per event), XState's pure
 * `transition()`, `machine.transition()` with a reused scope, and `actor.send()` on a started
 * actor. Also the compile time of every registered machine (and the test fixtures).
 * The machine measured is models' `device` when registered, otherwise the `lock` fixture
 * (a 62-configuration keychain-like machine), and the printout says which.
 * Run: npx tsx bench/statechart.bench.ts
 * @module
 */
import { pathToFileURL } from 'node:url';
import os from 'node:os';
import { createActor, SimulatedClock, transition, type AnyActorScope, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { machines, type MachineEntry } from '../models/index.ts';
import { compileMachine, type CompiledMachine } from '../sim/statechart/index.ts';
import { fixtures } from '../test/sim/statechart/fixtures.ts';

/** xorshift32: the bench's event stream is the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** A random walk over handled events (catalog and timer events), as event ids. */
function walk(m: CompiledMachine, n: number, seed: number): Int32Array {
  const rand = rng(seed);
  const out = new Int32Array(n);
  const handled: number[] = [];
  let c = m.initial;
  for (let i = 0; i < n; i++) {
    handled.length = 0;
    for (let e = 0; e < m.nEvents; e++) if (m.handles(c, e)) handled.push(e);
    if (handled.length === 0) {
      c = m.initial; // a final state: the stream starts over (XState side is reset the same way)
      out[i] = -1;
      continue;
    }
    const e = handled[Math.floor(rand() * handled.length)] as number;
    out[i] = e;
    c = m.step(c, e);
  }
  return out;
}

function measure(label: string, minMs: number, body: () => number): { label: string; perSec: number; nsPer: number } {
  body(); // warm-up
  let steps = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    steps += body();
    t = performance.now();
  }
  const perSec = (steps / (t - t0)) * 1000;
  return { label, perSec, nsPer: 1e9 / perSec };
}

export async function main(): Promise<void> {
  const target = machines['device'] ? { name: 'device', entry: machines['device'] } : { name: 'lock (fixture; models device not registered yet)', entry: fixtures['lock'] as MachineEntry };
  console.log(`statechart bench: node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} (${os.cpus().length} cores)`);

  console.log('\ncompile time (compileMachine, first call includes JIT warm-up of the compiler):');
  const all: [string, MachineEntry][] = [...Object.entries(machines).map(([n, e]) => [`models/${n}`, e] as [string, MachineEntry]), ...Object.entries(fixtures).map(([n, e]) => [`fixture/${n}`, e] as [string, MachineEntry])];
  for (const [name, e] of all) {
    const t0 = performance.now();
    const m = compileMachine(e.machine, e.catalog, { name, input: e.input });
    const ms = performance.now() - t0;
    const handled = m.next.reduce((a, v) => a + (v >= 0 ? 1 : 0), 0);
    console.log(`  ${name.padEnd(28)} ${String(m.nConfigs).padStart(7)} configs × ${String(m.nEvents).padStart(3)} events, ${String(handled).padStart(8)} transitions, ${ms.toFixed(1).padStart(8)} ms`);
  }

  const { entry } = target;
  const m = compileMachine(entry.machine, entry.catalog, { input: entry.input });
  const N = 100_000;
  const stream = walk(m, N, 12345);
  const events: (EventObject | null)[] = [...stream].map((e) => (e < 0 ? null : (m.events[e] as { event: EventObject }).event));
  console.log(`\nsteps/s on ${target.name}: ${m.nConfigs} configs, ${m.nEvents} events, a random walk of ${N} handled events`);

  let sink = 0;
  const compiled = measure('compiled table: step + output list', 1000, () => {
    let c = m.initial;
    for (let i = 0; i < N; i++) {
      const e = stream[i] as number;
      if (e < 0) {
        c = m.initial;
        continue;
      }
      const list = m.outputsOf(c, e);
      sink += (m.outputStart[list + 1] as number) - (m.outputStart[list] as number);
      c = m.step(c, e);
    }
    return N;
  });

  const SLOW = 5_000;
  const initialSnapshot = (): AnyMachineSnapshot => createActor(entry.machine, { input: entry.input }).getSnapshot() as AnyMachineSnapshot;
  const pure = measure('xstate transition()', 1000, () => {
    let s = initialSnapshot();
    for (let i = 0; i < SLOW; i++) {
      const e = events[i];
      if (e === null || e === undefined) {
        s = initialSnapshot();
        continue;
      }
      s = transition(entry.machine, s, e)[0];
    }
    return SLOW;
  });

  const scoped = measure('xstate machine.transition(), reused scope', 1000, () => {
    const self = createActor(entry.machine, { input: entry.input });
    const scope: AnyActorScope = { self, id: '', sessionId: '', logger: () => {}, defer: () => {}, emit: () => {}, system: self.system, stopChild: () => {}, actionExecutor: () => {} };
    let s = entry.machine.getInitialSnapshot(scope, entry.input) as AnyMachineSnapshot;
    for (let i = 0; i < SLOW * 4; i++) {
      const e = events[i];
      if (e === null || e === undefined) {
        s = entry.machine.getInitialSnapshot(scope, entry.input) as AnyMachineSnapshot;
        continue;
      }
      s = entry.machine.transition(s, e, scope) as AnyMachineSnapshot;
    }
    return SLOW * 4;
  });

  const actorRun = measure('xstate actor.send() (started actor, simulated clock)', 1000, () => {
    let actor = createActor(entry.machine, { input: entry.input, clock: new SimulatedClock() }).start();
    for (let i = 0; i < SLOW * 4; i++) {
      const e = events[i];
      if (e === null || e === undefined) {
        actor.stop();
        actor = createActor(entry.machine, { input: entry.input, clock: new SimulatedClock() }).start();
        continue;
      }
      actor.send(e);
    }
    actor.stop();
    return SLOW * 4;
  });

  console.log('\n| method | steps/s | ns/step | vs compiled |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of [compiled, scoped, actorRun, pure]) {
    console.log(`| ${r.label} | ${(r.perSec / 1e6).toFixed(3)} M | ${r.nsPer.toFixed(0)} | ${(compiled.perSec / r.perSec).toFixed(1)}× slower |`.replace('| 1.0× slower |', '| 1 |'));
  }
  if (sink < 0) console.log(sink);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
