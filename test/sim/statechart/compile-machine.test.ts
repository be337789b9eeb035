// compileMachine: table structure, hardware annotations, runtime helpers and the clear errors
// on machines the compiler cannot or must not compile.
import { assign, fromPromise, sendParent, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  compileMachine,
  OUTPUT_ACTION,
  OUTPUT_CANCEL_TIMER,
  OUTPUT_SET_TIMER,
  POWER_MODES,
  type CompiledMachine,
} from '../../../sim/statechart/index.ts';
import { bytesInContext, fixtures, unbounded } from './fixtures.ts';

const lockEntry = fixtures['lock']!;
const compileLock = (): CompiledMachine => compileMachine(lockEntry.machine, lockEntry.catalog, { name: 'lock' });
const configOf = (m: CompiledMachine, value: string, ctx: Record<string, unknown>): number =>
  m.stateKey.findIndex((k, c) => k === value && JSON.stringify(m.context[c]) === JSON.stringify(ctx));

describe('compileMachine(lock)', () => {
  const m = compileLock();

  it('starts in the initial state with its power mode', () => {
    expect(m.stateKey[m.initial]).toBe('"sleep"');
    expect(POWER_MODES[m.power[m.initial]!]).toBe('deepSleep');
    expect(m.initialOutputs).toBe(0);
  });

  it('steps on a catalog event and lists entry actions and timers in XState order', () => {
    const awake = m.step(m.initial, m.eventId('motion'));
    expect(m.stateKey[awake]).toBe('{"awake":"advertising"}');
    expect(m.describeOutputs(m.outputsOf(m.initial, m.eventId('motion')))).toEqual([
      'ledOn',
      'set xstate.after.IDLE.lock.awake in 1500 ms',
      'set xstate.after.500.lock.awake.advertising in 500 ms',
      'set xstate.after.ADV_TIMEOUT.lock.awake.advertising in 3000 ms',
    ]);
    const list = m.outputsOf(m.initial, m.eventId('motion'));
    const kinds = [...m.outputKind.subarray(m.outputStart[list], m.outputStart[list + 1])];
    expect(kinds).toEqual([OUTPUT_ACTION, OUTPUT_SET_TIMER, OUTPUT_SET_TIMER, OUTPUT_SET_TIMER]);
  });

  it('marks unhandled events with −1 and leaves the configuration unchanged', () => {
    const done = m.eventId('op.done');
    expect(m.next[m.initial * m.nEvents + done]).toBe(-1);
    expect(m.handles(m.initial, done)).toBe(false);
    expect(m.step(m.initial, done)).toBe(m.initial);
    expect(m.outputsOf(m.initial, done)).toBe(0);
  });

  it('distinguishes payload variants and guards on them', () => {
    const adv = m.step(m.initial, m.eventId('motion'));
    expect(m.stateKey[m.step(adv, m.eventId('phone', { rssi: 'near' }))]).toBe('{"awake":{"handshake":"send"}}');
    expect(m.step(adv, m.eventId('phone', { rssi: 'far' }))).toBe(adv);
    expect(m.describeOutputs(m.outputsOf(adv, m.eventId('phone', { rssi: 'far' })))).toEqual(['log({"what":"far"})']);
  });

  it('derives the delayed events of `after` as extra event ids that timers deliver', () => {
    const delayed = m.events.filter((e) => e.delayed).map((e) => e.type).sort();
    expect(delayed).toEqual(['xstate.after.500.lock.awake.advertising', 'xstate.after.ADV_TIMEOUT.lock.awake.advertising', 'xstate.after.IDLE.lock.awake']);
    for (const t of m.timers) expect(m.events[t.event]?.type).toBe(t.sendId);
    const adv = m.step(m.initial, m.eventId('motion'));
    const timeout = m.eventId('xstate.after.ADV_TIMEOUT.lock.awake.advertising');
    expect(m.stateKey[m.step(adv, timeout)]).toBe('"sleep"');
    const out = m.outputsOf(adv, timeout);
    expect([...m.outputKind.subarray(m.outputStart[out], m.outputStart[out + 1])]).toContain(OUTPUT_CANCEL_TIMER);
  });

  it('takes meta.op / message / direction from the leaf-most state that has them', () => {
    const send = m.stateKey.indexOf('{"awake":{"handshake":"send"}}');
    expect(m.ops[m.op[send]!]).toBe('ble.transfer');
    expect(m.messages[m.message[send]!]).toBe('hello');
    expect(m.direction[send]).toBe(0);
    expect(POWER_MODES[m.power[send]!]).toBe('radio');
    const verify = m.stateKey.indexOf('{"awake":{"handshake":"verify"}}');
    expect(m.ops[m.op[verify]!]).toBe('mldsa.verify');
    expect(m.message[verify]).toBe(-1);
    expect(m.direction[verify]).toBe(-1);
    expect(m.op[m.initial]).toBe(-1);
  });

  it('answers hasTag from the bitset', () => {
    const open = configOf(m, '{"awake":"open"}', { tries: 0, unlocks: 1, locked: false });
    expect(open).toBeGreaterThanOrEqual(0);
    expect(m.hasTag(open, m.tagId('unlocked'))).toBe(true);
    expect(m.hasTag(m.initial, m.tagId('unlocked'))).toBe(false);
    expect(m.hasTag(open, m.tagId('no-such-tag'))).toBe(false);
  });

  it('resolves eventless transitions and guards on context inside the step', () => {
    const send = configOf(m, '{"awake":{"handshake":"send"}}', { tries: 1, unlocks: 0, locked: true });
    const after = m.step(send, m.eventId('op.fail'));
    expect(m.stateKey[after]).toBe('"sleep"');
    expect(m.context[after]).toEqual({ tries: 0, unlocks: 0, locked: true });
    expect(m.describeOutputs(m.outputsOf(send, m.eventId('op.fail')))).toContain('emit {"type":"gaveUp"}');
  });

  it('is deterministic: two compilations give identical tables', () => {
    const b = compileLock();
    expect(b.stateKey).toEqual(m.stateKey);
    expect([...b.next]).toEqual([...m.next]);
    expect([...b.outputList]).toEqual([...m.outputList]);
    expect([...b.outputDelay]).toEqual([...m.outputDelay]);
  });

  it('names the known variants when asked for an unknown one', () => {
    expect(() => m.eventId('phone', { rssi: 'mid' })).toThrow(/lock: unknown event "phone".*known variants: \{"rssi":"near"\}, \{"rssi":"far"\}/);
    expect(() => m.eventId('nope')).toThrow(/the catalog has no event of that type/);
  });
});

describe('compileMachine: final states', () => {
  it('marks done configurations, which handle nothing', () => {
    const e = fixtures['counter']!;
    const m = compileMachine(e.machine, e.catalog);
    const fin = m.stateKey.indexOf('"finished"');
    expect(m.done[fin]).toBe(1);
    for (let ev = 0; ev < m.nEvents; ev++) expect(m.handles(fin, ev)).toBe(false);
    expect(m.nConfigs).toBe(4);
  });
});

describe('compileMachine: errors', () => {
  it('rejects an unbounded context with the configuration count and last context', () => {
    expect(() => compileMachine(unbounded, [{ type: 'inc' }], { maxConfigs: 50 })).toThrow(/unbounded: context not finite: > 50 configurations; .*context \{"n":50\}/);
  });

  it('rejects non-plain data in context with the field path', () => {
    expect(() => compileMachine(bytesInContext, [{ type: 'x' }])).toThrow(/context\.key: expected plain data .* got an instance of Uint8Array/);
  });

  it('rejects a bad catalog with the index', () => {
    expect(() => compileMachine(unbounded, [{ type: 'inc', variants: [{ a: 1 }, { a: 1 }] }])).toThrow(/catalog\[0\] \(inc\): variant \{"a":1\} is listed twice/);
    expect(() => compileMachine(unbounded, [{ type: '' }])).toThrow(/catalog\[0\]\.type: expected a non-empty string/);
    expect(() => compileMachine(unbounded, [{ type: 'inc', variants: [{ type: 'x' }] }])).toThrow(/catalog\[0\]\.variants\[0\]: a variant must not contain "type"/);
  });

  it('rejects child actors', () => {
    const m = setup({ actors: { job: fromPromise(async () => 1) } }).createMachine({ id: 'kid', invoke: { src: 'job' } });
    expect(() => compileMachine(m, [])).toThrow(/kid: initial transition: built-in action xstate.spawnChild is not supported by the compiler/);
  });

  it('rejects sendParent', () => {
    const m = setup({ types: { events: {} as { type: 'go' } } }).createMachine({ id: 'p', on: { go: { actions: sendParent({ type: 'hi' }) } } });
    expect(() => compileMachine(m, [{ type: 'go' }])).toThrow(/p: transition from state \{\} context \{\} on \{"type":"go"\} threw: Unable to send event to actor '#_parent'/);
  });

  it('rejects two power modes at the same depth (parallel regions)', () => {
    const m = setup({}).createMachine({
      id: 'twoPowers',
      type: 'parallel',
      states: { a: { tags: ['power:idle'] }, b: { tags: ['power:radio'] } },
    });
    expect(() => compileMachine(m, [])).toThrow(/twoPowers: state .*: power is "idle" in twoPowers.a and "radio" in twoPowers.b at the same depth/);
  });

  it('rejects an unknown power mode and a bad direction', () => {
    const p = setup({}).createMachine({ id: 'pm', tags: ['power:turbo'] });
    expect(() => compileMachine(p, [])).toThrow(/pm: state .*: tag power:turbo: expected one of deepSleep, lightSleep/);
    const d = setup({}).createMachine({ id: 'dir', meta: { op: 'ble.transfer', direction: 'up' } });
    expect(() => compileMachine(d, [])).toThrow(/dir: state .*: meta.direction: expected "tx" or "rx", got "up"/);
  });

  it('reports a throwing guard with the transition that ran it', () => {
    const m = setup({ types: { context: {} as { n: number }, events: {} as { type: 'go' } } }).createMachine({
      id: 'boom',
      context: { n: 0 },
      on: { go: { guard: () => { throw new Error('bad guard'); }, actions: assign({ n: 1 }) } },
    });
    expect(() => compileMachine(m, [{ type: 'go' }])).toThrow(/boom: transition from state .* context \{"n":0\} on \{"type":"go"\} threw: [\s\S]*bad guard/);
  });
});
