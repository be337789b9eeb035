/**
 * The setup() both handshake machines share: named actions, guards and delays. Timed states call
 * `beginOp` on entry (a no-op here; the live runner provides it to perform the firmware step) and
 * leave on `op.done` or `op.failed`.
 * @module
 */
import { assign, setup } from 'xstate';
import {
  DEFAULT_HANDSHAKE_TIMING,
  MAX_HANDSHAKE_RETRIES,
  MAX_TX_RETRIES,
  type HandshakeContext,
  type HandshakeEvent,
  type HandshakeInput,
  type HandshakeReason,
  type HandshakeStateMeta,
  type Mode,
} from './handshake-types.ts';

const noop = (): void => {};

const modeOf = (context: HandshakeContext, event: HandshakeEvent): Mode => (event.type === 'op.done' && event.mode ? event.mode : context.mode);

export const handshakeSetup = setup({
  types: {
    context: {} as HandshakeContext,
    events: {} as HandshakeEvent,
    input: {} as HandshakeInput,
    meta: {} as HandshakeStateMeta,
  },
  actions: {
    /** Effect hook: start the firmware step of this state (live runner); no-op in the model. */
    beginOp: (_, _params: { step: string }) => {},
    /** Effect hook: a new handshake attempt starts (fresh ephemeral keys). */
    startAttempt: noop,
    /** Effect hook: zero the session keys (firmware Session.close). */
    destroyKeys: noop,
    /** Effect hook: the failure, for telemetry. */
    recordFailure: noop,
    adoptMode: assign({ mode: ({ context, event }) => modeOf(context, event) }),
    setReason: assign({ reason: ({ event }) => (event.type === 'op.failed' ? event.reason : 'state.unexpected') }),
    setTimeoutReason: assign({ reason: (_, params: { reason: HandshakeReason }) => params.reason }),
    countTxRetry: assign({ txRetries: ({ context }) => Math.min(MAX_TX_RETRIES, context.txRetries + 1) }),
    resetTxRetries: assign({ txRetries: 0 }),
    countRetry: assign({ retries: ({ context }) => Math.min(MAX_HANDSHAKE_RETRIES, context.retries + 1), deviceAuthenticated: false, phoneAuthenticated: false }),
    markDeviceAuthenticated: assign({ deviceAuthenticated: true }),
    markPhoneAuthenticated: assign({ phoneAuthenticated: true }),
    markKeysLive: assign({ keys: 'live' as const }),
    markKeysDestroyed: assign({ keys: ({ context }) => (context.keys === 'none' ? ('none' as const) : ('destroyed' as const)) }),
  },
  guards: {
    /** On ClientHello's op.done: the mode it carries (if any) decides, before adoptMode assigns it. */
    helloHasKem: ({ context, event }) => modeOf(context, event) !== 'classical',
    hasKem: ({ context }) => context.mode !== 'classical',
    hasX25519: ({ context }) => context.mode !== 'pq',
    isClassical: ({ context }) => context.mode === 'classical',
    linkRetryable: ({ context, event }) => event.type === 'op.failed' && event.reason === 'ble.link' && context.txRetries < MAX_TX_RETRIES,
    canRetryHandshake: ({ context }) => context.retries < MAX_HANDSHAKE_RETRIES,
  },
  delays: {
    helloTimeout: ({ context }) => context.timing.helloTimeoutMs,
    serverHelloTimeout: ({ context }) => context.timing.serverHelloTimeoutMs,
    finishedTimeout: ({ context }) => context.timing.finishedTimeoutMs,
    readyTimeout: ({ context }) => context.timing.readyTimeoutMs,
    resultTimeout: ({ context }) => context.timing.resultTimeoutMs,
    sessionIdle: ({ context }) => context.timing.sessionIdleMs,
  },
});

export function initialContext(input: HandshakeInput | undefined): HandshakeContext {
  return {
    mode: input?.mode ?? 'hybrid',
    timing: { ...DEFAULT_HANDSHAKE_TIMING, ...input?.timing },
    txRetries: 0,
    retries: 0,
    reason: 'none',
    deviceAuthenticated: false,
    phoneAuthenticated: false,
    keys: 'none',
  };
}

/** Entry of a timed state: reset the link-retry counter when entered afresh, start the op. */
export const begin = (step: string) => [{ type: 'beginOp' as const, params: { step } }];

/** Any failure event: record the reason, go to `failed`. */
export const FAIL = { target: '#FAILED', actions: ['setReason'] } as const;

/** A transfer's op.failed: retry the same transfer on a link error while retries remain. */
export const txFailed = (self: string) => [
  { guard: 'linkRetryable' as const, target: self, reenter: true, actions: ['countTxRetry' as const] },
  { target: '#FAILED', actions: ['setReason' as const] },
];

export const timeout = (reason: HandshakeReason) => ({ target: '#FAILED', actions: [{ type: 'setTimeoutReason' as const, params: { reason } }] });
