/**
 * The cloud's record of one device as an XState v5 statechart: lifecycle (unprovisioned → active →
 * suspended → revoked), attestation challenge/response, and policy versions. `active` has two
 * orthogonal regions (attestation, policy). Revoked is final: a revoked identity never returns;
 * a re-provisioned keychain is a new record, or a suspended one re-keyed by a valid registration.
 * A suspension records its reason (context.suspension), and the reason decides who may lift it:
 * an admin always (reinstate or re-key); the owner only by re-keying a `tamper` suspension.
 * Pure: effects are named no-op actions (issueChallenge, pushPolicy, ...) the twin reacts to.
 * @module
 */
import { assign, setup } from 'xstate';
import {
  DEFAULT_CLOUD_TIMING,
  MAX_ATTEST_FAILURES,
  POLICY_VERSION_MODULUS,
  type SuspensionReason,
  type CloudContext,
  type CloudEvent,
  type CloudInput,
} from './cloud-types.ts';

const noop = (): void => {};

const reason = (r: SuspensionReason): SuspensionReason => r;

const isResult = (event: CloudEvent, result: string): boolean =>
  event.type === 'attest.response' && event.result === result;

export const cloudMachine = setup({
  types: { context: {} as CloudContext, events: {} as CloudEvent, input: {} as CloudInput },
  actions: {
    recordProvisioned: noop,
    recordRegistrationRejected: noop,
    issueChallenge: noop,
    recordAttested: noop,
    recordAttestationFailure: noop,
    recordAttestationExpired: noop,
    pushPolicy: noop,
    recordPolicyAcked: noop,
    recordSuspended: noop,
    recordReinstated: noop,
    recordRevoked: noop,
    recordRekeyRefused: noop,
    suspendByAdmin: assign({ suspension: reason('admin') }),
    suspendForTamper: assign({ suspension: reason('tamper') }),
    suspendForForgery: assign({ suspension: reason('forged') }),
    suspendForReplays: assign({ suspension: reason('replayed') }),
    clearSuspension: assign({ suspension: reason('none') }),
    countAttestFailure: assign({
      attestFailures: ({ context }) => Math.min(MAX_ATTEST_FAILURES, context.attestFailures + 1),
    }),
    resetAttestFailures: assign({ attestFailures: 0 }),
    bumpPolicy: assign({ policyVersion: ({ context }) => (context.policyVersion + 1) % POLICY_VERSION_MODULUS }),
  },
  guards: {
    isRegistrationValid: ({ event }) => event.type === 'provision.requested' && event.registration === 'valid',
    isValid: ({ event }) => isResult(event, 'valid'),
    isForged: ({ event }) => isResult(event, 'forged'),
    isReplayed: ({ event }) => isResult(event, 'replayed'),
    isAttestFailureLimit: ({ context }) => context.attestFailures >= MAX_ATTEST_FAILURES,
    isTamperHold: ({ context }) => context.suspension === 'tamper',
    // An admin may lift any suspension; the owner only one they may recover from by re-keying
    // (tamper). A record persisted before reasons existed has none: only an admin lifts it.
    mayRekey: ({ context, event }) =>
      event.type === 'provision.requested' &&
      event.registration === 'valid' &&
      (event.by === 'admin' || context.suspension === 'tamper'),
  },
  delays: {
    challengeTtl: ({ context }) => context.timing.challengeTtlMs,
  },
}).createMachine({
  id: 'cloud',
  context: ({ input }) => ({
    attestFailures: 0,
    policyVersion: 0,
    suspension: 'none' as SuspensionReason,
    timing: { challengeTtlMs: input.challengeTtlMs ?? DEFAULT_CLOUD_TIMING.challengeTtlMs },
  }),
  initial: 'unprovisioned',
  states: {
    unprovisioned: {
      on: {
        'provision.requested': [
          { guard: 'isRegistrationValid', target: 'active', actions: ['recordProvisioned'] },
          { actions: ['recordRegistrationRejected'] },
        ],
      },
    },
    active: {
      type: 'parallel',
      on: {
        'admin.suspend': { target: 'suspended', actions: ['suspendByAdmin', 'recordSuspended'] },
        'tamper.reported': { target: 'suspended', actions: ['suspendForTamper', 'recordSuspended'] },
        'admin.revoke': { target: 'revoked', actions: ['recordRevoked'] },
      },
      states: {
        attestation: {
          initial: 'idle',
          states: {
            // A response with no challenge outstanding is ignored (nothing to match it against).
            idle: {
              tags: ['attestation:idle'],
              on: { 'attest.requested': { target: 'challenged', actions: ['issueChallenge'] } },
            },
            challenged: {
              tags: ['attestation:challenged'],
              on: {
                // A fresh request supersedes the outstanding challenge (its nonce is dropped).
                'attest.requested': { target: 'challenged', reenter: true, actions: ['issueChallenge'] },
                'attest.response': [
                  { guard: 'isValid', target: 'idle', actions: ['resetAttestFailures', 'recordAttested'] },
                  // A forged response is evidence of a clone or a stolen key: suspend at once.
                  {
                    guard: 'isForged',
                    target: '#cloud.suspended',
                    actions: ['recordAttestationFailure', 'suspendForForgery', 'recordSuspended'],
                  },
                  {
                    guard: 'isReplayed',
                    target: 'idle',
                    actions: ['countAttestFailure', 'recordAttestationFailure'],
                  },
                  { target: 'idle', actions: ['recordAttestationExpired'] },
                ],
              },
              after: { challengeTtl: { target: 'idle', actions: ['recordAttestationExpired'] } },
            },
          },
        },
        policy: {
          initial: 'current',
          states: {
            current: {
              tags: ['policy:current'],
              on: { 'policy.published': { target: 'pending', actions: ['bumpPolicy', 'pushPolicy'] } },
            },
            pending: {
              tags: ['policy:pending'],
              on: {
                // A newer policy supersedes the unacknowledged one.
                'policy.published': { target: 'pending', actions: ['bumpPolicy', 'pushPolicy'] },
                'policy.acked': { target: 'current', actions: ['recordPolicyAcked'] },
              },
            },
          },
        },
      },
      // Too many replayed responses: suspend automatically.
      always: {
        guard: 'isAttestFailureLimit',
        target: 'suspended',
        actions: ['suspendForReplays', 'recordSuspended'],
      },
    },
    suspended: {
      tags: ['suspended'],
      on: {
        'admin.reinstate': {
          target: 'active',
          actions: ['resetAttestFailures', 'clearSuspension', 'recordReinstated'],
        },
        // Re-keyed after tamper or key loss: a valid new registration reactivates the record,
        // if its sender may lift this suspension (mayRekey); otherwise it is refused unchanged.
        'provision.requested': [
          {
            guard: 'mayRekey',
            target: 'active',
            actions: ['resetAttestFailures', 'clearSuspension', 'recordProvisioned'],
          },
          { guard: 'isRegistrationValid', actions: ['recordRekeyRefused'] },
          { actions: ['recordRegistrationRejected'] },
        ],
        // An operator's suspension of a record already suspended for tamper takes precedence:
        // the owner may no longer lift it by re-keying. A tamper report changes nothing here.
        'admin.suspend': { guard: 'isTamperHold', actions: ['suspendByAdmin', 'recordSuspended'] },
        'admin.revoke': { target: 'revoked', actions: ['recordRevoked'] },
      },
    },
    revoked: { type: 'final', tags: ['revoked'] },
  },
});

export type CloudMachine = typeof cloudMachine;
