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
