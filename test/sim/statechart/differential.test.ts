// Differential test: the compiled tables against XState itself (a running actor on a
// deterministic clock), on random event sequences, and every table cell against XState's pure
// transition() from that configuration, for every machine of the models/ registry
// (new machines are covered as they are registered) and the fixtures.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { machines, type MachineEntry } from '../../../models/index.ts';
import { compileMachine, OUTPUT_ACTION, OUTPUT_SET_TIMER, type CompiledMachine } from '../../../sim/statechart/index.ts';
import { commandsFor, directedCommands } from './commands.ts';
import { cellDivergences, firstDivergence, referenceTrace, type Command } from './differential-harness.ts';
import { fixtures } from './fixtures.ts';

const compile = (name: string, e: MachineEntry): CompiledMachine => compileMachine(e.machine, e.catalog, { name, input: e.input });

function agrees(entry: MachineEntry, m: CompiledMachine, numRuns: number, seed = 20240531): fc.RunDetails<[Command[]]> {
  return fc.check(
    fc.property(commandsFor(m), (cmds) => {
      const d = firstDivergence(entry, m, cmds);
      if (d !== null) throw new Error(d);
    }),
    { numRuns, seed },
  );
}

function expectAgreement(name: string, entry: MachineEntry, numRuns: number): void {
  const m = compile(name, entry);
  expect(cellDivergences(m), `${name}: table cells vs xstate transition()`).toEqual([]);
  // Directed: a path to every state value (and a sample of configurations), then XState's choice.
  const reached = new Set<string>();
  for (const cmds of directedCommands(m)) {
    expect(firstDivergence(entry, m, cmds), `${name}: directed ${JSON.stringify(cmds)}`).toBeNull();
    for (const st of referenceTrace(entry, cmds, m).steps) reached.add(st.state);
  }
  expect([...new Set(m.stateKey)].filter((k) => !reached.has(k)), `${name}: state values no directed walk reached`).toEqual([]);
  const r = agrees(entry, m, numRuns);
  expect(r.failed, r.failed ? `${name}: ${String(r.counterexample?.[0] && JSON.stringify(r.counterexample[0]))}\n${r.errorInstance instanceof Error ? r.errorInstance.message : ''}` : '').toBe(false);
}

describe('compileMachine(registry machine) agrees with XState', () => {
  const names = Object.keys(machines);
  it('covers the machines the fleet and the cloud run', () => {
    expect(names).toEqual(expect.arrayContaining(['device', 'handshake.device', 'handshake.phone', 'cloud', 'cloud.rollout']));
  });
  for (const name of names) {
    it(`${name}: every table cell vs transition(), directed walks to every state value and random event sequences vs a running actor`, () => {
      expectAgreement(name, machines[name] as MachineEntry, 100);
    });
  }
});

describe('compileMachine(fixture) agrees with XState', () => {
  for (const [name, entry] of Object.entries(fixtures)) {
    it(`${name}: every table cell vs transition(), directed walks to every state value and random event sequences vs a running actor`, () => {
      expectAgreement(name, entry, 200);
    });
  }
});

describe('the differential test catches a wrong table', () => {
  const entry = fixtures['lock'] as MachineEntry;
  const fresh = (): CompiledMachine => compile('lock', entry);

  it('a redirected transition', () => {
    const m = fresh();
    const motion = m.eventId('motion');
    const i = m.initial * m.nEvents + motion;
    const right = m.next[i] as number;
    m.next[i] = right === m.initial ? 1 : m.initial;
    expect(cellDivergences(m)).not.toEqual([]);
    expect(firstDivergence(entry, m, [{ kind: 'send', event: motion }])).toMatch(/step 1/);
    expect(agrees(entry, m, 200).failed).toBe(true);
  });

  it('a transition deep in the graph sent to the wrong context', () => {
    const m = fresh();
    // Find the configuration 'open' with one unlock, and point its 'lock' event at a 'sleep' with the wrong context.
    const open = m.stateKey.findIndex((k, c) => k === '{"awake":"open"}' && (m.context[c] as { unlocks: number }).unlocks === 1);
    const lock = m.eventId('lock');
    const wrong = m.stateKey.findIndex((k, c) => k === '"sleep"' && (m.context[c] as { unlocks: number }).unlocks !== 1);
    expect(open).toBeGreaterThanOrEqual(0);
    expect(wrong).toBeGreaterThanOrEqual(0);
    m.next[open * m.nEvents + lock] = wrong;
    // Too deep for most random walks; the cell-by-cell check sees it.
    expect(cellDivergences(m).join('\n')).toMatch(/"awake":"open".*on \{"type":"lock"\}/);
  });

  it('a dropped action', () => {
    const m = fresh();
    const k = [...m.outputKind].findIndex((kind, i) => kind === OUTPUT_ACTION && m.actions[m.outputArg[i] as number]?.name === 'ledOn');
    m.outputArg[k] = m.actionId('ledOff');
    expect(agrees(entry, m, 200).failed).toBe(true);
    expect(cellDivergences(m)).not.toEqual([]);
  });

  it('a timer delay off by one millisecond', () => {
    const m = fresh();
    const k = [...m.outputKind].findIndex((kind, i) => kind === OUTPUT_SET_TIMER && m.outputDelay[i] === 500);
    m.outputDelay[k] = 501;
    expect(agrees(entry, m, 300).failed).toBe(true);
    expect(cellDivergences(m)).not.toEqual([]);
  });
});
