/**
 * A staged OTA rollout as an XState v5 statechart: canary (wave 0) → waves 1..ROLLOUT_WAVES →
 * complete. A wave whose failure rate passes the threshold (`wave.completed { failureRate:
 * 'above' }`, decided outside by `waveVerdict`) or that misses its deadline halts the rollout
 * automatically; an operator resumes (the halted wave is re-run) or cancels it.
 * Pure: `startWave`, `recordHalt`, ... are named no-op actions the twin reacts to.
 * @module
 */
import { assign, setup } from 'xstate';
import {
  DEFAULT_ROLLOUT_TIMING,
  ROLLOUT_WAVES,
  type RolloutContext,
  type RolloutEvent,
  type RolloutInput,
} from './cloud-types.ts';

const noop = (): void => {};

export const rolloutMachine = setup({
  types: { context: {} as RolloutContext, events: {} as RolloutEvent, input: {} as RolloutInput },
  actions: {
    startWave: noop,
    recordHalt: noop,
    recordComplete: noop,
    recordCancelled: noop,
    nextWave: assign({ wave: ({ context }) => Math.min(ROLLOUT_WAVES, context.wave + 1) }),
    haltOnFailureRate: assign({ haltReason: 'failureRate' as const }),
    haltOnDeadline: assign({ haltReason: 'deadline' as const }),
    clearHalt: assign({ haltReason: 'none' as const }),
  },
  guards: {
    isAbove: ({ event }) => event.type === 'wave.completed' && event.failureRate === 'above',
    isCanary: ({ context }) => context.wave === 0,
    isLastWave: ({ context }) => context.wave >= ROLLOUT_WAVES,
  },
  delays: {
    waveDeadline: ({ context }) => context.timing.waveDeadlineMs,
  },
}).createMachine({
  id: 'rollout',
  context: ({ input }) => ({
    wave: 0,
    haltReason: 'none',
    timing: { waveDeadlineMs: input.waveDeadlineMs ?? DEFAULT_ROLLOUT_TIMING.waveDeadlineMs },
  }),
  initial: 'idle',
  states: {
    idle: {
      on: { 'rollout.started': { target: 'canary', actions: ['startWave'] } },
    },
    // The canary and the waves share the verdict logic; only the wave counter differs.
    canary: {
      tags: ['rolling'],
      on: {
        'wave.completed': [
          { guard: 'isAbove', target: 'halted', actions: ['haltOnFailureRate', 'recordHalt'] },
          { target: 'waves', actions: ['nextWave', 'startWave'] },
        ],
        'rollout.cancelled': { target: 'cancelled', actions: ['recordCancelled'] },
      },
      after: { waveDeadline: { target: 'halted', actions: ['haltOnDeadline', 'recordHalt'] } },
    },
    waves: {
      tags: ['rolling'],
      on: {
        'wave.completed': [
          { guard: 'isAbove', target: 'halted', actions: ['haltOnFailureRate', 'recordHalt'] },
          { guard: 'isLastWave', target: 'complete', actions: ['recordComplete'] },
          { target: 'waves', reenter: true, actions: ['nextWave', 'startWave'] },
        ],
        'rollout.cancelled': { target: 'cancelled', actions: ['recordCancelled'] },
      },
      after: { waveDeadline: { target: 'halted', actions: ['haltOnDeadline', 'recordHalt'] } },
    },
    // No device receives the image while halted.
    halted: {
      tags: ['halted'],
      on: {
        'rollout.resumed': [
          { guard: 'isCanary', target: 'canary', actions: ['clearHalt', 'startWave'] },
          { target: 'waves', actions: ['clearHalt', 'startWave'] },
        ],
        'rollout.cancelled': { target: 'cancelled', actions: ['recordCancelled'] },
      },
    },
    complete: { type: 'final', tags: ['complete'] },
    cancelled: { type: 'final', tags: ['cancelled'] },
  },
});

export type RolloutMachine = typeof rolloutMachine;
