/**
 * Vocabulary of the two handshake machines (phone role, device role): failure reasons, events
 * and their finite payload variants (the catalog the sim/statechart compiler explores), context,
 * input and default timing. The machines hold no bytes: firmware/ does the crypto, the live runner
 * or the simulator report each operation's end with `op.done` / `op.failed`.
 * @module
 */
import { CHECKS } from '../../firmware/index.ts';
import type { CatalogEvent } from '../index.ts';

export type Mode = 'hybrid' | 'pq' | 'classical';
export const MODES: readonly Mode[] = ['hybrid', 'pq', 'classical'];

/** Timeouts and link-retry reasons of the machines themselves (not firmware checks). */
export const TIMEOUT_REASONS = ['timeout.hello', 'timeout.serverHello', 'timeout.finished', 'timeout.ready', 'timeout.result', 'ble.link'] as const;

/**
 * Every reason a handshake machine can fail with: one per firmware check (firmware/errors.ts
 * CHECKS, same strings) plus the machines' own timeouts and link loss. Distinct, stable.
 */
export const HANDSHAKE_REASONS = [...CHECKS, ...TIMEOUT_REASONS] as const;
export type HandshakeReason = (typeof HANDSHAKE_REASONS)[number];

export type HandshakeEvent =
  | { type: 'op.done'; mode?: Mode }
  | { type: 'op.failed'; reason: HandshakeReason }
  | { type: 'msg.arrived' }
  | { type: 'session.request' }
  | { type: 'session.close' };

/** Link transfer retries before a `ble.link` failure becomes final. */
export const MAX_TX_RETRIES = 2;
/** Whole-handshake retries by the phone after a ServerHello timeout. */
export const MAX_HANDSHAKE_RETRIES = 1;

export interface HandshakeTiming {
  /** device: ClientHello must arrive within this after the connection (ms) */
  readonly helloTimeoutMs: number;
  /** phone: ServerHello within this after ClientHello was sent (covers decaps + sign on the device) */
  readonly serverHelloTimeoutMs: number;
  /** device: ClientFinished within this after ServerHello */
  readonly finishedTimeoutMs: number;
  /** phone: the device's ready record within this after ClientFinished */
  readonly readyTimeoutMs: number;
  /** phone: the unlock result within this after the request */
  readonly resultTimeoutMs: number;
  /** both: an idle session closes itself after this */
  readonly sessionIdleMs: number;
}

export const DEFAULT_HANDSHAKE_TIMING: HandshakeTiming = Object.freeze({
  helloTimeoutMs: 5_000,
  serverHelloTimeoutMs: 5_000,
  finishedTimeoutMs: 5_000,
  readyTimeoutMs: 5_000,
  resultTimeoutMs: 5_000,
  sessionIdleMs: 30_000,
});

export interface HandshakeInput {
  /** Key-exchange mode of the suite (the device learns it from ClientHello: `op.done { mode }`). */
  readonly mode?: Mode;
  readonly timing?: Partial<HandshakeTiming>;
}

export type KeyState = 'none' | 'live' | 'destroyed';

export interface HandshakeContext {
  mode: Mode;
  timing: HandshakeTiming;
  /** transfer retries used in the current state (0..MAX_TX_RETRIES) */
  txRetries: number;
  /** phone only: whole-handshake retries used (0..MAX_HANDSHAKE_RETRIES) */
  retries: number;
  reason: HandshakeReason | 'none';
  /** the device's ML-DSA / P-256 signature verified (phone) or produced (device) */
  deviceAuthenticated: boolean;
  /** the phone's bonded credential verified (device) or accepted by the device (phone) */
  phoneAuthenticated: boolean;
  keys: KeyState;
}

/** `meta` of a state (docs/ARCHITECTURE.md): the operation, and for transfers message + direction. */
export interface HandshakeStateMeta {
  op?: string;
  message?: string;
  direction?: 'tx' | 'rx';
}

/** The catalog both machines share: every event with its finite payload variants. */
export const HANDSHAKE_CATALOG: readonly CatalogEvent[] = Object.freeze([
  { type: 'op.done', variants: [{}, ...MODES.map((mode) => ({ mode }))] },
  { type: 'op.failed', variants: HANDSHAKE_REASONS.map((reason) => ({ reason })) },
  { type: 'msg.arrived' },
  { type: 'session.request' },
  { type: 'session.close' },
]);

/** Every catalog event as a concrete event (for exploration and model-based tests). */
export function catalogEvents(catalog: readonly CatalogEvent[] = HANDSHAKE_CATALOG): HandshakeEvent[] {
  return catalog.flatMap((e) => (e.variants && e.variants.length ? e.variants.map((v) => ({ ...v, type: e.type })) : [{ type: e.type }])) as HandshakeEvent[];
}
