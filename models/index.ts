/**
 * models/: the XState v5 statecharts, the single source of truth for behaviour.
 * `machines` is the registry the compiler (sim/statechart), the differential tests and the
 * model-based tests iterate over: every machine with its event catalog.
 * @module
 */
import type { AnyStateMachine } from 'xstate';
import { deviceCatalog, deviceMachine } from './device/index.ts';
import { cloudCatalog, cloudMachine, rolloutCatalog, rolloutMachine } from './cloud/index.ts';
import { HANDSHAKE_CATALOG, handshakeDeviceMachine, handshakePhoneMachine } from './handshake/index.ts';

/** One event type the machine accepts, with the finite payload variants it distinguishes. */
export interface CatalogEvent {
  type: string;
  /** Payload variants (without `type`); omit or [] for an event without payload. */
  variants?: readonly Record<string, string | number | boolean>[];
}

export interface MachineEntry {
  machine: AnyStateMachine;
  /** Every event the machine accepts (delayed `after` events excluded: timers are derived). */
  catalog: readonly CatalogEvent[];
  /** Input for createActor/initialTransition, when the machine needs one. */
  input?: unknown;
}

export const machines: Record<string, MachineEntry> = {
  device: { machine: deviceMachine, catalog: deviceCatalog, input: {} },
  cloud: { machine: cloudMachine, catalog: cloudCatalog, input: {} },
  'cloud.rollout': { machine: rolloutMachine, catalog: rolloutCatalog, input: {} },
  'handshake.phone': { machine: handshakePhoneMachine, catalog: HANDSHAKE_CATALOG, input: { mode: 'hybrid' } },
  'handshake.device': { machine: handshakeDeviceMachine, catalog: HANDSHAKE_CATALOG, input: { mode: 'hybrid' } },
};
