/**
 * The phone role of the hybrid PQ handshake as an XState v5 statechart, in firmware/phone.ts
 * order: X25519 keygen → ML-KEM encapsulation → send ClientHello → await ServerHello (timeout →
 * one fresh retry) → verify the device signature (ML-DSA, or ECDSA P-256 for classical) → X25519
 * shared secret → HKDF → send ClientFinished → await and open the device's "ready" record →
 * established; then unlock requests over the session, and close. Tags describe the phone; the
 * transfer meta (`message`, `direction`) is seen from the keychain, as everywhere.
 * @module
 */
import { begin, FAIL, handshakeSetup, initialContext, timeout, txFailed } from './shared.ts';

const ENTER = ['resetTxRetries'] as const;

export const handshakePhoneMachine = handshakeSetup.createMachine({
  id: 'handshakePhone',
  context: ({ input }) => initialContext(input),
  initial: 'attempt',
  states: {
    attempt: {
      tags: ['power:active'],
      entry: ['startAttempt'],
      always: [{ guard: 'hasX25519', target: 'x25519Keygen' }, { target: 'encapsulating' }],
    },
    x25519Keygen: {
      tags: ['power:active'],
      meta: { op: 'x25519.keygen' },
      entry: begin('x25519Keygen'),
      on: { 'op.done': [{ guard: 'hasKem', target: 'encapsulating' }, { target: 'txHello', actions: [...ENTER] }], 'op.failed': FAIL },
    },
    encapsulating: {
      tags: ['power:active'],
      meta: { op: 'mlkem.encaps' },
      entry: begin('encapsulate'),
      on: { 'op.done': { target: 'txHello', actions: [...ENTER] }, 'op.failed': FAIL },
    },
    txHello: {
      tags: ['power:radio'],
      meta: { op: 'ble.transfer', message: 'ClientHello', direction: 'rx' },
      entry: begin('txHello'),
      on: { 'op.done': 'awaitServerHello', 'op.failed': txFailed('txHello') },
    },
    awaitServerHello: {
      tags: ['power:radio', 'await'],
      on: { 'msg.arrived': 'rxServerHello' },
      after: {
        serverHelloTimeout: [
          { guard: 'canRetryHandshake', target: 'attempt', actions: ['countRetry'] },
          timeout('timeout.serverHello'),
        ],
      },
    },
    rxServerHello: {
      tags: ['power:radio'],
      meta: { op: 'ble.transfer', message: 'ServerHello', direction: 'tx' },
      entry: begin('rxServerHello'),
      on: { 'op.done': [{ guard: 'isClassical', target: 'verifyingEcdsa' }, { target: 'verifyingPq' }], 'op.failed': FAIL },
    },
    verifyingPq: {
      tags: ['power:active'],
      meta: { op: 'mldsa.verify' },
      entry: begin('verifyDevice'),
      on: {
        'op.done': [
          { guard: 'hasX25519', target: 'x25519Shared', actions: ['markDeviceAuthenticated'] },
          { target: 'deriving', actions: ['markDeviceAuthenticated'] },
        ],
        'op.failed': FAIL,
      },
    },
    verifyingEcdsa: {
      tags: ['power:active'],
      meta: { op: 'ecdsa.verify' },
      entry: begin('verifyDevice'),
      on: { 'op.done': { target: 'x25519Shared', actions: ['markDeviceAuthenticated'] }, 'op.failed': FAIL },
    },
    x25519Shared: {
      tags: ['power:active'],
      meta: { op: 'x25519.shared' },
      entry: begin('x25519Shared'),
      on: { 'op.done': 'deriving', 'op.failed': FAIL },
    },
    deriving: {
      tags: ['power:active'],
      meta: { op: 'hkdf' },
      entry: begin('deriveKeys'),
      on: { 'op.done': { target: 'txFinished', actions: ['markKeysLive', ...ENTER] }, 'op.failed': FAIL },
    },
    txFinished: {
      tags: ['power:radio'],
      meta: { op: 'ble.transfer', message: 'ClientFinished', direction: 'rx' },
      entry: begin('txFinished'),
      on: { 'op.done': 'awaitReady', 'op.failed': txFailed('txFinished') },
    },
    awaitReady: {
      tags: ['power:radio', 'await'],
      on: { 'msg.arrived': 'rxReady' },
      after: { readyTimeout: timeout('timeout.ready') },
    },
    rxReady: {
      tags: ['power:radio'],
      meta: { op: 'ble.transfer', message: 'SessionReady', direction: 'tx' },
      entry: begin('rxReady'),
      on: { 'op.done': 'openingReady', 'op.failed': FAIL },
    },
    openingReady: {
      tags: ['power:active'],
      meta: { op: 'aead.open' },
      entry: begin('openReady'),
      on: { 'op.done': { target: 'session', actions: ['markPhoneAuthenticated'] }, 'op.failed': FAIL },
    },
    session: {
      initial: 'established',
      exit: ['destroyKeys', 'markKeysDestroyed'],
      on: { 'session.close': '#handshakePhone.closed' },
      states: {
        established: {
          tags: ['power:idle', 'established'],
          on: { 'session.request': 'sealing', 'msg.arrived': 'rxUnexpected' },
          after: { sessionIdle: '#handshakePhone.closed' },
        },
        // A record the phone did not ask for is still opened (and must fail: nothing is ignored).
        rxUnexpected: {
          tags: ['power:radio', 'established'],
          meta: { op: 'ble.transfer', message: 'UnlockResult', direction: 'tx' },
          entry: begin('rxResult'),
          on: { 'op.done': 'openingResult', 'op.failed': FAIL },
        },
        sealing: {
          tags: ['power:active', 'established'],
          meta: { op: 'aead.seal' },
          entry: begin('sealRequest'),
          on: { 'op.done': { target: 'txRequest', actions: [...ENTER] }, 'op.failed': FAIL },
        },
        txRequest: {
          tags: ['power:radio', 'established'],
          meta: { op: 'ble.transfer', message: 'UnlockRequest', direction: 'rx' },
          entry: begin('txRequest'),
          on: { 'op.done': 'awaitResult', 'op.failed': txFailed('txRequest') },
        },
        awaitResult: {
          tags: ['power:radio', 'await', 'established'],
          on: { 'msg.arrived': 'rxResult' },
          after: { resultTimeout: timeout('timeout.result') },
        },
        rxResult: {
          tags: ['power:radio', 'established'],
          meta: { op: 'ble.transfer', message: 'UnlockResult', direction: 'tx' },
          entry: begin('rxResult'),
          on: { 'op.done': 'openingResult', 'op.failed': FAIL },
        },
        openingResult: {
          tags: ['power:active', 'established'],
          meta: { op: 'aead.open' },
          entry: begin('openResult'),
          on: { 'op.done': 'established', 'op.failed': FAIL },
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
