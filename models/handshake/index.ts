/**
 * models/handshake: the two roles of the hybrid PQ handshake as XState v5 machines, their event
 * catalog and vocabulary, and the live runner that drives them with real firmware crypto.
 * @module
 */
export * from './handshake-types.ts';
export { handshakeDeviceMachine } from './device-machine.ts';
export { handshakePhoneMachine } from './phone-machine.ts';
export { liveExpectation, type LiveExpectation } from './live-attacks.ts';
export { runLive, type LiveOptions, type LiveResult, type LiveMessage, type LiveStep, type LiveRejection } from './live.ts';
