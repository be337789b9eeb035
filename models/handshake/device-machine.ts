/**
 * The device (keychain) role of the hybrid PQ handshake as an XState v5 statechart. One state per
 * hardware operation, in firmware/device.ts order: receive ClientHello → ML-KEM decapsulation →
 * X25519 keygen + shared secret → sign (ML-DSA, or P-256 in the SE for classical) → HKDF → send
 * ServerHello → receive ClientFinished (key confirmation) → verify the bonded phone proof in the
 * SE → seal and send "ready" → established (records) → closed. Every rejection ends in `failed`
 * (final, locked) with a distinct reason; keys are destroyed on every exit from the session.
 * @module
 */
import { begin, FAIL, handshakeSetup, initialContext, timeout, txFailed } from './shared.ts';

const ENTER = ['resetTxRetries'] as const;

export const handshakeDeviceMachine = handshakeSetup.createMachine({
  id: 'handshakeDevice',
  context: ({ input }) => initialContext(input),
  initial: 'awaitHello',
  states: {
    awaitHello: {
      tags: ['power:radio', 'await'],
      on: { 'msg.arrived': 'rxHello' },
      after: { helloTimeout: timeout('timeout.hello') },
    },
    rxHello: {
      tags: ['power:radio'],
      meta: { op: 'ble.transfer', message: 'ClientHello', direction: 'rx' },
      entry: begin('rxHello'),
      on: {
        'op.done': [
          { guard: 'helloHasKem', target: 'decapsulating', actions: ['adoptMode'] },
          { target: 'x25519Keygen', actions: ['adoptMode'] },
        ],
        'op.failed': FAIL,
      },
    },
    decapsulating: {
      tags: ['power:active'],
      meta: { op: 'mlkem.decaps' },
      entry: begin('decapsulate'),
      on: {
        'op.done': [{ guard: 'hasX25519', target: 'x25519Keygen' }, { target: 'signingPq' }],
        'op.failed': FAIL,
      },
    },
    x25519Keygen: {
      tags: ['power:active'],
      meta: { op: 'x25519.keygen' },
      entry: begin('x25519Keygen'),
      on: { 'op.done': 'x25519Shared', 'op.failed': FAIL },
    },
    x25519Shared: {
      tags: ['power:active'],
      meta: { op: 'x25519.shared' },
      entry: begin('x25519Shared'),
      on: {
        'op.done': [{ guard: 'isClassical', target: 'signingSe' }, { target: 'signingPq' }],
        'op.failed': FAIL,
      },
    },
    signingPq: {
      tags: ['power:active'],
      meta: { op: 'mldsa.sign' },
      entry: begin('sign'),
      on: { 'op.done': { target: 'deriving', actions: ['markDeviceAuthenticated'] }, 'op.failed': FAIL },
    },
    signingSe: {
      tags: ['power:active'],
      meta: { op: 'se.sign' },
      entry: begin('sign'),
      on: { 'op.done': { target: 'deriving', actions: ['markDeviceAuthenticated'] }, 'op.failed': FAIL },
    },
    deriving: {
      tags: ['power:active'],
      meta: { op: 'hkdf' },
      entry: begin('deriveKeys'),
      on: { 'op.done': { target: 'txServerHello', actions: ['markKeysLive', ...ENTER] }, 'op.failed': FAIL },
    },
    txServerHello: {
      tags: ['power:radio'],
      meta: { op: 'ble.transfer', message: 'ServerHello', direction: 'tx' },
      entry: begin('txServerHello'),
      on: { 'op.done': 'awaitFinished', 'op.failed': txFailed('txServerHello') },
    },
    awaitFinished: {
      tags: ['power:radio', 'await'],
      on: { 'msg.arrived': 'rxFinished' },
      after: { finishedTimeout: timeout('timeout.finished') },
    },
    rxFinished: {
      tags: ['power:radio'],
      meta: { op: 'ble.transfer', message: 'ClientFinished', direction: 'rx' },
      entry: begin('rxFinished'),
      on: { 'op.done': 'verifyingPhone', 'op.failed': FAIL },
    },
    verifyingPhone: {
      tags: ['power:active'],
      meta: { op: 'se.hmac' },
      entry: begin('verifyPhone'),
      on: { 'op.done': { target: 'sealingReady', actions: ['markPhoneAuthenticated'] }, 'op.failed': FAIL },
    },
    sealingReady: {
      tags: ['power:active'],
      meta: { op: 'aead.seal' },
      entry: begin('sealReady'),
      on: { 'op.done': { target: 'txReady', actions: [...ENTER] }, 'op.failed': FAIL },
    },
    txReady: {
      tags: ['power:radio'],
      meta: { op: 'ble.transfer', message: 'SessionReady', direction: 'tx' },
      entry: begin('txReady'),
      on: { 'op.done': 'session', 'op.failed': txFailed('txReady') },
    },
    session: {
      initial: 'established',
      // Leaving the session by any path destroys its keys.
      exit: ['destroyKeys', 'markKeysDestroyed'],
      on: { 'session.close': '#handshakeDevice.closed' },
      states: {
        established: {
          tags: ['power:radio', 'await', 'established'],
          on: { 'msg.arrived': 'rxRecord' },
          after: { sessionIdle: '#handshakeDevice.closed' },
        },
        rxRecord: {
          tags: ['power:radio', 'established'],
          meta: { op: 'ble.transfer', message: 'UnlockRequest', direction: 'rx' },
          entry: begin('rxRecord'),
          on: { 'op.done': 'opening', 'op.failed': FAIL },
        },
        opening: {
          tags: ['power:active', 'established'],
          meta: { op: 'aead.open' },
          entry: begin('openRecord'),
          on: { 'op.done': 'sealing', 'op.failed': FAIL },
        },
        sealing: {
          tags: ['power:active', 'established'],
          meta: { op: 'aead.seal' },
          entry: begin('sealResult'),
          on: { 'op.done': { target: 'txResult', actions: [...ENTER] }, 'op.failed': FAIL },
        },
        txResult: {
          tags: ['power:radio', 'established'],
          meta: { op: 'ble.transfer', message: 'UnlockResult', direction: 'tx' },
          entry: begin('txResult'),
          on: { 'op.done': 'established', 'op.failed': txFailed('txResult') },
        },
      },
    },
    closed: { type: 'final', tags: ['power:idle', 'closed'] },
    failed: {
      id: 'FAILED',
      type: 'final',
      tags: ['power:idle', 'failed', 'locked'],
      entry: ['destroyKeys', 'markKeysDestroyed', 'recordFailure'],
    },
  },
});
