/**
 * Mutants: protocol variants SPIN must refute. Statechart mutants change the machine definition
 * itself (then exported the same way as the real one); crypto mutants switch a check or a
 * binding off in the symbolic steps. Each names the property it is expected to break.
 * @module
 */
import { createMachine, type AnyStateMachine } from 'xstate';
import { handshakeDeviceMachine } from '../handshake/index.ts';
import type { Bounds, CryptoFlags } from './harness.ts';

export interface Mutant {
  readonly id: string;
  readonly description: string;
  /** The property whose violation is the expected counterexample. */
  readonly breaks: string;
  readonly flags?: CryptoFlags;
  /** Bounds the counterexample needs, when larger than the defaults (checked and reported as such). */
  readonly bounds?: Partial<Bounds>;
  /** Replaces the device chart (a mutated copy of the real definition). */
  readonly device?: () => AnyStateMachine;
}

/** Deep copy of plain data that keeps functions (the config's context factory) by reference. */
function cloneConfig(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(cloneConfig);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cloneConfig(x)]));
  return v;
}

/** The device chart with one transition retargeted: everything else stays the real definition. */
function retarget(path: readonly string[], event: string, target: string): AnyStateMachine {
  const config = cloneConfig(handshakeDeviceMachine.config) as Record<string, unknown>;
  let node = config as { states?: Record<string, unknown>; on?: Record<string, unknown> };
  for (const p of path) node = node.states![p] as typeof node;
  node.on = { ...node.on, [event]: { target } };
  const impl = (handshakeDeviceMachine as unknown as { implementations: Parameters<typeof createMachine>[1] }).implementations;
  return createMachine(config as Parameters<typeof createMachine>[0], impl);
}

export const MUTANTS: readonly Mutant[] = Object.freeze([
  {
    id: 'suite-unbound',
    description: 'the transcript hash (signature, echo, keys) covers neither the offer, the chosen suite nor ServerHello.suite',
    breaks: 'downgrade',
    flags: { suiteUnbound: true },
  },
  {
    id: 'no-bond-proof',
    description: 'the device does not check the bonded-credential proof in ClientFinished',
    breaks: 'authentication',
    flags: { noBondProof: true },
    // the attacker plays the phone: its own ClientHello and its own ClientFinished
    bounds: { deliveries: 3, forgeries: 2 },
  },
  {
    id: 'no-replay-window',
    description: 'records are not checked against the replay window',
    breaks: 'unlock-once',
    flags: { noReplayWindow: true },
    // a whole session and one replayed unlock record
    bounds: { deliveries: 6 },
  },
  {
    id: 'record-not-fatal',
    description: 'device chart: a record that fails to open is dropped and the session goes on (the pre-v1 firmware behaviour)',
    breaks: 'fail-closed',
    device: () => retarget(['session', 'opening'], 'op.failed', 'established'),
  },
  {
    id: 'no-lockout',
    description: 'the device keeps handshaking after the failure threshold',
    breaks: 'lockout',
    flags: { noLockout: true },
    // one failed handshake reaches the threshold of 1; a second session must not start
    bounds: { deliveries: 2 },
  },
]);
