/**
 * Fixture machines for the compiler tests: each exercises a statechart feature the compiler must
 * reproduce exactly (hierarchy, parallel regions, guards on context, assign, entry/exit,
 * `after` delays named and numeric, reentering and non-reentering self-transitions, eventless
 * transitions, raised events, emit, action params), with a finite context and a catalog.
 * @module
 */
import { assign, emit, raise, setup } from 'xstate';
import type { MachineEntry } from '../../../models/index.ts';

/** A keychain-like machine: sleep → wake → advertise → handshake phases, with retries. */
const lock = setup({
  types: {
    context: {} as { tries: number; unlocks: number; locked: boolean },
    events: {} as { type: 'motion' } | { type: 'op.done' } | { type: 'op.fail' } | { type: 'phone'; rssi: 'near' | 'far' } | { type: 'lock' } | { type: 'tick' } | { type: 'poke' },
  },
  actions: {
    ledOn: () => {},
    ledOff: () => {},
    count: () => {},
    log: (_, _p: { what: string }) => {},
  },
  guards: {
    canRetry: ({ context }) => context.tries < 2,
    near: ({ event }) => event.type === 'phone' && event.rssi === 'near',
  },
  delays: { ADV_TIMEOUT: 3000, IDLE: 1500 },
}).createMachine({
  id: 'lock',
  context: { tries: 0, unlocks: 0, locked: true },
  initial: 'sleep',
  states: {
    sleep: {
      tags: ['power:deepSleep'],
      on: { motion: 'awake', poke: { target: 'sleep', reenter: true, actions: 'count' } },
    },
    awake: {
      tags: ['power:active'],
      entry: ['ledOn'],
      exit: ['ledOff'],
      initial: 'advertising',
      after: { IDLE: { target: 'sleep', actions: { type: 'log', params: { what: 'idle' } } } },
      on: { tick: { actions: 'count' }, poke: { target: '.advertising', reenter: true } },
      states: {
        advertising: {
          tags: ['power:radio', 'radio'],
          meta: { op: 'ble.advertise' },
          after: { ADV_TIMEOUT: '#lock.sleep', 500: { actions: 'count' } },
          on: {
            phone: [{ guard: 'near', target: 'handshake' }, { actions: { type: 'log', params: { what: 'far' } } }],
          },
        },
        handshake: {
          initial: 'send',
          meta: { op: 'ble.connect' },
          states: {
            send: {
              tags: ['power:radio'],
              meta: { op: 'ble.transfer', message: 'hello', direction: 'tx' },
              on: { 'op.done': 'verify', 'op.fail': '#lock.awake.failed' },
            },
            verify: {
              tags: ['power:active', 'crypto'],
              meta: { op: 'mldsa.verify' },
              on: {
                'op.done': {
                  target: '#lock.awake.open',
                  actions: assign({ unlocks: ({ context }) => Math.min(context.unlocks + 1, 3), locked: false }),
                },
                'op.fail': '#lock.awake.failed',
              },
            },
          },
        },
        failed: {
          entry: assign({ tries: ({ context }) => context.tries + 1 }),
          always: [{ guard: 'canRetry', target: 'advertising' }, { target: '#lock.sleep', actions: [assign({ tries: 0 }), emit({ type: 'gaveUp' })] }],
        },
        open: {
          tags: ['unlocked'],
          entry: [raise({ type: 'tick' }), { type: 'log', params: { what: 'open' } }],
          on: { lock: { target: '#lock.sleep', actions: assign({ locked: true, tries: 0 }) }, tick: { actions: 'count' } },
        },
      },
    },
  },
});

/** Parallel regions: radio and sensor, each with its own timers and power tag depth. */
const parallel = setup({
  types: { context: {} as { n: number }, events: {} as { type: 'toggle' } | { type: 'sense'; level: number } | { type: 'reset' } },
  actions: { beep: () => {}, store: (_, _p: { level: number }) => {} },
}).createMachine({
  id: 'par',
  context: { n: 0 },
  type: 'parallel',
  tags: ['power:idle'],
  states: {
    radio: {
      initial: 'off',
      states: {
        off: { on: { toggle: 'on' } },
        on: {
          tags: ['power:radio'],
          entry: 'beep',
          after: { 200: 'off' },
          on: { toggle: { target: 'on', reenter: false, actions: 'beep' } },
        },
      },
    },
    sensor: {
      initial: 'calm',
      states: {
        calm: {
          on: {
            sense: [
              { guard: ({ event }) => event.level > 1, target: 'alert', actions: [assign({ n: ({ context }) => (context.n + 1) % 4 }), { type: 'store', params: ({ event }) => ({ level: event.level }) }] },
              { actions: { type: 'store', params: ({ event }) => ({ level: event.level }) } },
            ],
          },
        },
        alert: {
          after: { 200: 'calm', 700: { target: 'calm', actions: 'beep' } },
          on: { reset: { target: 'calm', actions: assign({ n: 0 }) } },
        },
      },
    },
  },
});

/** Guards on context with a final state: counts to three, then is done. */
const counter = setup({
  types: { context: {} as { k: number }, events: {} as { type: 'inc' } | { type: 'dec' } },
  actions: { reached: () => {} },
}).createMachine({
  id: 'counter',
  context: { k: 0 },
  initial: 'counting',
  states: {
    counting: {
      always: { guard: ({ context }) => context.k >= 3, target: 'finished' },
      on: {
        inc: { actions: assign({ k: ({ context }) => context.k + 1 }) },
        dec: { guard: ({ context }) => context.k > 0, actions: assign({ k: ({ context }) => context.k - 1 }) },
      },
    },
    finished: { type: 'final', entry: 'reached' },
  },
});

export const fixtures: Record<string, MachineEntry> = {
  lock: {
    machine: lock,
    catalog: [
      { type: 'motion' },
      { type: 'op.done' },
      { type: 'op.fail' },
      { type: 'phone', variants: [{ rssi: 'near' }, { rssi: 'far' }] },
      { type: 'lock' },
      { type: 'tick' },
      { type: 'poke' },
    ],
  },
  parallel: {
    machine: parallel,
    catalog: [{ type: 'toggle' }, { type: 'sense', variants: [{ level: 0 }, { level: 1 }, { level: 2 }] }, { type: 'reset' }],
  },
  counter: { machine: counter, catalog: [{ type: 'inc' }, { type: 'dec' }] },
};

/** Unbounded context: must be rejected as not finite. */
export const unbounded = setup({ types: { context: {} as { n: number }, events: {} as { type: 'inc' } } }).createMachine({
  id: 'unbounded',
  context: { n: 0 },
  on: { inc: { actions: assign({ n: ({ context }) => context.n + 1 }) } },
});

/** Byte arrays in context: must be rejected with the field path. */
export const bytesInContext = setup({ types: { context: {} as { key: Uint8Array }, events: {} as { type: 'x' } } }).createMachine({
  id: 'bytes',
  context: { key: new Uint8Array(4) },
  on: { x: {} },
});
