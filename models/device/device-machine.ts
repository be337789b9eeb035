/**
 * The keychain's firmware loop as an XState v5 statechart: deep sleep → motion/NFC wake →
 * proximity check (BLE advertising) → connect → PQ handshake (the device-role handshake machine
 * runs alongside; this machine only sees `hs.established` / `hs.failed`) → authenticated session →
 * unlock or log → persist → sleep; plus NFC tap-to-provision, OTA with anti-rollback, low battery,
 * brown-out, charging, tamper lockdown, rate limiting and lockout, and the NFC + PIN override.
 *
 * Conventions (docs/ARCHITECTURE.md, docs/models.md): every state has one `power:<mode>` tag; a
 * timed operation has `meta.op` and is left on `op.done` (or a failure event); transfers add
 * `meta.message` / `meta.direction`. Observable effects are named no-op actions the twin reacts to
 * by name. Never fail open: every error path goes through a `failed.*` sink and ends locked; the
 * only states tagged `unlocked` are entered from a session begun by `hs.established` on this wake.
 *
 * Key custody (docs/protocol.md, "Key storage"): the PQ private keys live AES-GCM-wrapped in
 * flash. Before each handshake the device derives the key-encryption key in the SE (`keys.kek`)
 * and unwraps the keys into RAM (`keys.unwrap`); every way out of the handshake (established,
 * failed, timed out, link lost, locked out) passes a `keys.wipe` state before the session, a
 * failure sink or rest. States holding plaintext keys carry the tag `keys`, the wipes `wipe`
 * (test/models/device-key-custody.test.ts checks both on every path).
 * @module
 */
import { assign, setup } from 'xstate';
import {
  DEFAULT_DEVICE_TIMING,
  MAX_AUTH_FAILURES,
  MAX_PIN_ATTEMPTS,
  type DeviceContext,
  type DeviceEvent,
  type DeviceFailureReason,
  type DeviceInput,
  type FailureCategory,
  type UnlockVia,
} from './device-types.ts';
import { DEVICE_MESSAGES as MSG } from './device-types.ts';

/** `meta` of a state: the hardware operation it stands for (docs/ARCHITECTURE.md). */
export interface DeviceStateMeta {
  op?: string;
  message?: string;
  direction?: 'tx' | 'rx';
}

const noop = (): void => {};

const deviceSetup = setup({
  types: {
    context: {} as DeviceContext,
    events: {} as DeviceEvent,
    input: {} as DeviceInput,
    meta: {} as DeviceStateMeta,
  },
  actions: {
    // Observable effects: no-ops here, the twin and the live runner react to them by name.
    recordWake: noop,
    recordNoPhone: noop,
    recordAuthenticated: noop,
    recordUnlock: (_, _params: { via: UnlockVia }) => {},
    recordFailure: (_, _params: { reason: DeviceFailureReason }) => {},
    recordLockout: noop,
    recordTamper: noop,
    recordBrownout: noop,
    recordPowerOn: noop,
    recordOtaApplied: noop,
    rejectOta: noop,
    persistEvent: noop,
    queueTelemetry: noop,
    flushTelemetry: noop,
    destroySessionKeys: noop,
    zeroizeKeys: noop,
    // Context updates. Counters saturate, so the context stays finite.
    countAuthFailure: assign({ authFailures: ({ context }) => Math.min(MAX_AUTH_FAILURES, context.authFailures + 1) }),
    countPinFailure: assign({ pinFailures: ({ context }) => Math.min(MAX_PIN_ATTEMPTS, context.pinFailures + 1) }),
    resetAuthFailures: assign({ authFailures: 0 }),
    resetPinFailures: assign({ pinFailures: 0 }),
    endLockout: assign({ authFailures: 0, pinFailures: 0 }),
    setBatteryLow: assign({ batteryLow: true }),
    clearBatteryLow: assign({ batteryLow: false }),
    setCharging: assign({ charging: true }),
    clearCharging: assign({ charging: false }),
    enterLockdown: assign({ lifecycle: 'lockdown' as const }),
    completeProvisioning: assign({ lifecycle: 'provisioned' as const, authFailures: 0, pinFailures: 0 }),
    decommission: assign({ lifecycle: 'unprovisioned' as const }),
    setOtaCandidate: assign({
      otaCandidate: ({ context, event }) => (event.type === 'ota.offered' ? event.version : context.otaCandidate),
    }),
    clearOtaCandidate: assign({ otaCandidate: 'none' as const }),
  },
  guards: {
    isLockdown: ({ context }) => context.lifecycle === 'lockdown',
    isUnprovisioned: ({ context }) => context.lifecycle === 'unprovisioned',
    isProvisioned: ({ context }) => context.lifecycle === 'provisioned',
    isLockoutReached: ({ context }) =>
      context.authFailures >= MAX_AUTH_FAILURES || context.pinFailures >= MAX_PIN_ATTEMPTS,
    isCharging: ({ context }) => context.charging,
    keepsStackInSleep: ({ context }) => context.keepsStackInSleep,
    // Reduced behaviour on low battery: the accelerometer wake is off (NFC still wakes).
    canWakeOnMotion: ({ context }) => context.lifecycle === 'provisioned' && !context.batteryLow,
    // Defence in depth: a session is accepted only below the lockout threshold.
    canAcceptSession: ({ context }) =>
      context.authFailures < MAX_AUTH_FAILURES && context.pinFailures < MAX_PIN_ATTEMPTS,
    isLastPinAttempt: ({ context }) => context.pinFailures + 1 >= MAX_PIN_ATTEMPTS,
    canAcceptOta: ({ context }) => !context.batteryLow,
    // Anti-rollback: only a strictly newer signed image is applied.
    isOtaNewer: ({ context }) => context.otaCandidate === 'newer',
  },
  delays: {
    advertiseWindow: ({ context }) =>
      context.batteryLow ? context.timing.lowBatteryAdvertiseWindowMs : context.timing.advertiseWindowMs,
    connectTimeout: ({ context }) => context.timing.connectTimeoutMs,
    handshakeTimeout: ({ context }) => context.timing.handshakeTimeoutMs,
    sessionIdle: ({ context }) => context.timing.sessionIdleMs,
    pinTimeout: ({ context }) => context.timing.pinTimeoutMs,
    failureBackoff: ({ context }) => context.timing.failureBackoffMs,
    lockout: ({ context }) => context.timing.lockoutMs,
  },
});

/**
 * Transition to a failure sink, recording the reason (optionally counting an auth failure);
 * `via` is the wipe state to pass first when plaintext keys are in RAM.
 */
function fail(category: FailureCategory, reason: DeviceFailureReason, countsAsAuth = false, via?: string) {
  return {
    target: via ?? `#device.failed.${category}`,
    actions: [
      ...(countsAsAuth ? (['countAuthFailure'] as const) : []),
      { type: 'recordFailure' as const, params: { reason } },
    ],
  };
}

/** `hs.failed`: the handshake's own reason, counted towards lockout; through the wipe `via`. */
const handshakeFailed = (via: string) => ({
  target: via,
  actions: [
    'countAuthFailure' as const,
    {
      type: 'recordFailure' as const,
      params: ({ event }: { event: DeviceEvent }) => ({
        reason: (event.type === 'hs.failed' ? event.reason : 'state.unexpected') as DeviceFailureReason,
      }),
    },
  ],
});

/**
 * `hs.established`: a session only below the lockout threshold (the session begins by wiping the
 * keys); otherwise a failure, through the wipe `failVia`.
 */
function established(sessionTarget: string, failVia: string) {
  return [
    {
      guard: 'canAcceptSession' as const,
      target: sessionTarget,
      actions: ['resetAuthFailures' as const, 'recordAuthenticated' as const],
    },
    fail('handshake', 'lockedOut', true, failVia),
  ];
}

/** A state zeroising the plaintext PQ keys and the KEK in RAM (`keys.wipe`), then `target`. */
function wipeThen(target: string, tags: readonly string[] = []) {
  return {
    tags: ['wipe', ...tags, 'power:active'],
    meta: { op: 'keys.wipe' },
    on: { 'op.done': target },
  };
}

/**
 * Before a handshake: derive the key-encryption key in the SE, unwrap the PQ keys into RAM.
 * `base` is the flow's id ('#device.wake' / '#device.override'), `linkLost` the flow's link event.
 * Any failure here already has key material in RAM, so it leaves through the flow's wipe.
 */
function unwrapStates(base: string, linkLost: 'ble.disconnected' | 'nfc.lost') {
  const failed = fail('handshake', 'keyUnwrap', false, `${base}.wipingThenHandshakeFailed`);
  const lost = fail('link', 'linkLost', false, `${base}.wipingThenLinkLost`);
  return {
    derivingKek: {
      tags: ['keys', 'power:active'],
      meta: { op: 'keys.kek' },
      on: { 'op.done': 'unwrappingKeys', 'op.failed': failed, [linkLost]: lost },
    },
    unwrappingKeys: {
      tags: ['keys', 'power:active'],
      meta: { op: 'keys.unwrap' },
      on: { 'op.done': 'handshaking', 'op.failed': failed, [linkLost]: lost },
    },
    // Failure exits: the failure is recorded on the way in, the sink entered once RAM is clean.
    wipingThenHandshakeFailed: wipeThen('#device.failed.handshake', ['failure']),
    wipingThenLinkLost: wipeThen('#device.failed.link', ['failure']),
  };
}

const SETTLE = '#device.settle';
/** A provisioning failure while generated keys are in RAM: wipe them, then the sink. */
const PROVISION_WIPE_FAIL = fail('provision', 'provisionFailed', false, '#device.provisioning.wipingThenFailed');

/**
 * A failure sink: persist the failure record (flash.write), then back-off; a sink whose failures
 * count towards lockout (handshake, PIN) goes to lockout once the threshold is reached.
 */
function failureState(category: FailureCategory, countsTowardsLockout = false) {
  const leave = countsTowardsLockout
    ? [
        { guard: 'isLockoutReached' as const, target: '#device.lockedOut', actions: ['recordLockout' as const] },
        { target: '#device.cooldown' },
      ]
    : [{ target: '#device.cooldown' }];
  return {
    tags: ['failure', `failure:${category}`, 'power:active'],
    meta: { op: 'flash.write' },
    entry: ['persistEvent' as const, 'queueTelemetry' as const],
    on: { 'op.done': leave, 'op.failed': leave },
  };
}

export const deviceMachine = deviceSetup.createMachine({
  id: 'device',
  context: ({ input }) => ({
    lifecycle: input.lifecycle ?? 'provisioned',
    authFailures: 0,
    pinFailures: 0,
    batteryLow: input.batteryLow ?? false,
    charging: input.charging ?? false,
    otaCandidate: 'none',
    timing: {
      advertiseWindowMs: input.advertiseWindowMs ?? DEFAULT_DEVICE_TIMING.advertiseWindowMs,
      lowBatteryAdvertiseWindowMs:
        input.lowBatteryAdvertiseWindowMs ?? DEFAULT_DEVICE_TIMING.lowBatteryAdvertiseWindowMs,
      connectTimeoutMs: input.connectTimeoutMs ?? DEFAULT_DEVICE_TIMING.connectTimeoutMs,
      handshakeTimeoutMs: input.handshakeTimeoutMs ?? DEFAULT_DEVICE_TIMING.handshakeTimeoutMs,
      sessionIdleMs: input.sessionIdleMs ?? DEFAULT_DEVICE_TIMING.sessionIdleMs,
      pinTimeoutMs: input.pinTimeoutMs ?? DEFAULT_DEVICE_TIMING.pinTimeoutMs,
      failureBackoffMs: input.failureBackoffMs ?? DEFAULT_DEVICE_TIMING.failureBackoffMs,
      lockoutMs: input.lockoutMs ?? DEFAULT_DEVICE_TIMING.lockoutMs,
    },
    keepsStackInSleep: input.keepsStackInSleep ?? false,
  }),
  initial: 'settle',
  // Handled in every state unless a state overrides: power loss, tamper, battery and charger flags.
  on: {
    'battery.brownout': { target: '.off', actions: ['recordBrownout'] },
    'tamper.detected': {
      target: '.tamperLocked',
      actions: ['zeroizeKeys', 'enterLockdown', 'recordTamper', 'queueTelemetry'],
    },
    'battery.low': { actions: ['setBatteryLow'] },
    'battery.recovered': { actions: ['clearBatteryLow'] },
    'charger.connected': { actions: ['setCharging'] },
    'charger.disconnected': { actions: ['clearCharging'] },
  },
  states: {
    // Transient: picks the rest state from the persistent context (start, and after every cycle).
    settle: {
      tags: ['power:active'],
      always: [
        { guard: 'isLockdown', target: 'tamperLocked.locked' },
        { guard: 'isUnprovisioned', target: 'unprovisioned' },
        { guard: 'isLockoutReached', target: 'lockedOut' },
        { guard: 'isCharging', target: 'charging' },
        { guard: 'keepsStackInSleep', target: 'idling' },
        { target: 'sleeping' },
      ],
    },
    off: {
      tags: ['power:off'],
      entry: ['clearOtaCandidate'],
      on: {
        'battery.brownout': {},
        'tamper.detected': {},
        // Recharge brings it back; persistent context (lifecycle, counters) survives.
        'charger.connected': { target: 'settle', actions: ['setCharging', 'recordPowerOn'] },
      },
    },
    unprovisioned: {
      tags: ['rest', 'power:deepSleep'],
      on: { 'provision.requested': 'provisioning' },
    },
    sleeping: {
      tags: ['rest', 'power:deepSleep'],
      on: {
        'motion.detected': { guard: 'canWakeOnMotion', target: 'wake', actions: ['recordWake'] },
        'nfc.tapped': { target: 'wake', actions: ['recordWake'] },
        'override.requested': { target: 'override', actions: ['recordWake'] },
        'charger.connected': { target: 'charging', actions: ['setCharging'] },
      },
    },
    // Light sleep with the BLE stack kept: the floor current of lightSleep, a µs wake, no stack init.
    idling: {
      tags: ['rest', 'power:lightSleep'],
      on: {
        'motion.detected': { guard: 'canWakeOnMotion', target: 'wake.resuming', actions: ['recordWake'] },
        'nfc.tapped': { target: 'wake.resuming', actions: ['recordWake'] },
        'override.requested': { target: 'override', actions: ['recordWake'] },
        'charger.connected': { target: 'charging', actions: ['setCharging'] },
      },
    },
    charging: {
      tags: ['rest', 'power:charging'],
      on: {
        'motion.detected': { guard: 'canWakeOnMotion', target: 'wake', actions: ['recordWake'] },
        'nfc.tapped': { target: 'wake', actions: ['recordWake'] },
        'override.requested': { target: 'override', actions: ['recordWake'] },
        // Back through settle, which picks the rest state of the sleep strategy.
        'charger.disconnected': { target: SETTLE, actions: ['clearCharging'] },
      },
    },
    // Rate limit: after any failure, wakes are ignored for failureBackoff.
    cooldown: {
      tags: ['ratelimited', 'power:deepSleep'],
      after: { failureBackoff: SETTLE },
    },
    // Lockout: no wake, no handshake, no override until the lockout period ends.
    lockedOut: {
      tags: ['lockout', 'power:deepSleep'],
      after: { lockout: { target: SETTLE, actions: ['endLockout'] } },
    },
    tamperLocked: {
      initial: 'recording',
      entry: ['clearOtaCandidate'],
      states: {
        recording: {
          tags: ['lockdown', 'power:active'],
          meta: { op: 'flash.write' },
          entry: ['persistEvent'],
          on: { 'op.done': 'locked', 'op.failed': 'locked' },
        },
        // Keys are gone; only a fresh provisioning leaves this state.
        locked: {
          tags: ['lockdown', 'rest', 'power:deepSleep'],
          on: { 'provision.requested': '#device.provisioning' },
        },
      },
    },
    provisioning: {
      initial: 'receiving',
      on: { 'nfc.lost': fail('provision', 'provisionFailed') },
      states: {
        receiving: {
          tags: ['provisioning', 'power:radio'],
          meta: { op: 'nfc.transfer', message: MSG.bondRequest, direction: 'rx' },
          on: { 'op.done': 'generatingKeys', 'op.failed': fail('provision', 'provisionFailed') },
        },
        // The PQ key pairs are generated on the MCU (the SE cannot hold them; a classical suite's
        // P-256 pair is generated inside the SE), wrapped under a KEK the SE derives, the
        // plaintext wiped, and only the wrapped blobs written to flash (firmware/key-store.ts).
        generatingKeys: {
          tags: ['provisioning', 'keys', 'power:active'],
          meta: { op: 'keys.generate' },
          on: { 'op.done': 'derivingKek', 'op.failed': PROVISION_WIPE_FAIL, 'nfc.lost': PROVISION_WIPE_FAIL },
        },
        derivingKek: {
          tags: ['provisioning', 'keys', 'power:active'],
          meta: { op: 'keys.kek' },
          on: { 'op.done': 'wrappingKeys', 'op.failed': PROVISION_WIPE_FAIL, 'nfc.lost': PROVISION_WIPE_FAIL },
        },
        wrappingKeys: {
          tags: ['provisioning', 'keys', 'power:active'],
          meta: { op: 'keys.wrap' },
          on: { 'op.done': 'wipingKeys', 'op.failed': PROVISION_WIPE_FAIL, 'nfc.lost': PROVISION_WIPE_FAIL },
        },
        // The provisioning-wide nfc.lost would skip the wipe: here it waits for the wipe to finish.
        wipingKeys: { ...wipeThen('storingKeys', ['provisioning']), on: { 'op.done': 'storingKeys', 'nfc.lost': PROVISION_WIPE_FAIL } },
        wipingThenFailed: { ...wipeThen('#device.failed.provision', ['provisioning', 'failure']), on: { 'op.done': '#device.failed.provision', 'nfc.lost': {} } },
        storingKeys: {
          tags: ['provisioning', 'power:active'],
          meta: { op: 'flash.write', message: MSG.wrappedKeys },
          on: { 'op.done': 'sending', 'op.failed': fail('provision', 'provisionFailed') },
        },
        sending: {
          tags: ['provisioning', 'power:radio'],
          meta: { op: 'nfc.transfer', message: MSG.deviceRegistration, direction: 'tx' },
          on: { 'op.done': 'storing', 'op.failed': fail('provision', 'provisionFailed') },
        },
        storing: {
          tags: ['provisioning', 'power:active'],
          meta: { op: 'flash.write' },
          entry: ['persistEvent'],
          on: {
            'op.done': { target: SETTLE, actions: ['completeProvisioning', 'queueTelemetry'] },
            'op.failed': fail('provision', 'provisionFailed'),
          },
        },
      },
    },
    wake: {
      initial: 'waking',
      states: {
        waking: {
          tags: ['power:active'],
          // Deep sleep lost the BLE stack: the wake runs to the app and brings the stack up again (P7, P8).
          meta: { op: 'mcu.wakeBle' },
          on: { 'op.done': 'advertising' },
        },
        // From light sleep: the stack is still up, only the CPU resumes (P13).
        resuming: {
          tags: ['power:active'],
          meta: { op: 'mcu.resume' },
          on: { 'op.done': 'advertising' },
        },
        // Proximity check. NOTE: left on phone.found / phone.absent / the window, not on op.done.
        advertising: {
          tags: ['power:radio'],
          meta: { op: 'ble.advertise' },
          on: {
            'phone.found': 'connecting',
            'phone.absent': { target: SETTLE, actions: ['recordNoPhone'] },
          },
          after: { advertiseWindow: { target: SETTLE, actions: ['recordNoPhone'] } },
        },
        connecting: {
          tags: ['power:radio'],
          meta: { op: 'ble.connect' },
          on: {
            'op.done': 'derivingKek',
            'op.failed': fail('connect', 'connectFailed'),
            'ble.disconnected': fail('connect', 'connectFailed'),
          },
          after: { connectTimeout: fail('connect', 'connectTimeout') },
        },
        ...unwrapStates('#device.wake', 'ble.disconnected'),
        handshaking: {
          tags: ['handshake', 'keys', 'power:radio'],
          on: {
            'hs.established': established('#device.wake.session', '#device.wake.wipingThenHandshakeFailed'),
            'hs.failed': handshakeFailed('#device.wake.wipingThenHandshakeFailed'),
            'ble.disconnected': fail('link', 'linkLost', false, '#device.wake.wipingThenLinkLost'),
          },
          after: { handshakeTimeout: fail('handshake', 'handshakeTimeout', true, '#device.wake.wipingThenHandshakeFailed') },
        },
        // A link lost while the session's first step wipes the keys: finish the wipe, then rest.
        wipingThenSettle: wipeThen(SETTLE),
        // Session keys live only inside this node; leaving it by any path destroys them. It
        // begins by wiping the PQ private keys: the session needs only its own keys.
        session: {
          initial: 'wipingKeys',
          exit: ['destroySessionKeys'],
          on: { 'ble.disconnected': SETTLE },
          states: {
            wipingKeys: {
              ...wipeThen('ready', ['session']),
              on: { 'op.done': 'ready', 'ble.disconnected': '#device.wake.wipingThenSettle' },
            },
            ready: {
              tags: ['session', 'power:idle'],
              on: {
                'request.unlock': 'unlocking',
                'request.log': 'syncingLog',
                'request.decommission': '#device.decommissioning',
                'ota.offered': [
                  { guard: 'canAcceptOta', target: 'receivingOta', actions: ['setOtaCandidate'] },
                  { actions: ['rejectOta'] },
                ],
              },
              after: { sessionIdle: SETTLE },
            },
            unlocking: {
              tags: ['session', 'unlocked', 'power:radio'],
              meta: { op: 'ble.transfer', message: MSG.record, direction: 'tx' },
              on: {
                'op.done': {
                  target: '#device.persisting',
                  actions: [{ type: 'recordUnlock', params: { via: 'ble' } }, 'queueTelemetry'],
                },
                'op.failed': fail('link', 'linkLost'),
                'ble.disconnected': fail('link', 'linkLost'),
              },
            },
            syncingLog: {
              tags: ['session', 'power:radio'],
              meta: { op: 'ble.transfer', message: MSG.record, direction: 'tx' },
              on: {
                'op.done': { target: '#device.persisting', actions: ['flushTelemetry'] },
                'op.failed': fail('link', 'linkLost'),
                'ble.disconnected': fail('link', 'linkLost'),
              },
            },
            receivingOta: {
              tags: ['session', 'ota', 'power:radio'],
              meta: { op: 'ble.transfer', message: MSG.otaImage, direction: 'rx' },
              on: {
                'op.done': '#device.ota',
                'op.failed': fail('ota', 'otaTransferFailed'),
                'ble.disconnected': fail('ota', 'otaTransferFailed'),
              },
            },
          },
        },
      },
    },
    // Manual override: NFC tap, a handshake over NFC (the phone's bonded credential), then the PIN.
    override: {
      initial: 'waking',
      states: {
        waking: {
          tags: ['power:active'],
          meta: { op: 'mcu.wake' },
          on: { 'op.done': 'derivingKek' },
        },
        ...unwrapStates('#device.override', 'nfc.lost'),
        handshaking: {
          tags: ['handshake', 'keys', 'power:radio'],
          on: {
            'hs.established': established('#device.override.session', '#device.override.wipingThenHandshakeFailed'),
            'hs.failed': handshakeFailed('#device.override.wipingThenHandshakeFailed'),
            'nfc.lost': fail('link', 'linkLost', false, '#device.override.wipingThenLinkLost'),
          },
          after: { handshakeTimeout: fail('handshake', 'handshakeTimeout', true, '#device.override.wipingThenHandshakeFailed') },
        },
        session: {
          initial: 'wipingKeys',
          exit: ['destroySessionKeys'],
          on: { 'nfc.lost': fail('link', 'linkLost') },
          states: {
            wipingKeys: {
              ...wipeThen('awaitingPin', ['session']),
              on: { 'op.done': 'awaitingPin', 'nfc.lost': fail('link', 'linkLost', false, '#device.override.wipingThenLinkLost') },
            },
            awaitingPin: {
              tags: ['session', 'power:idle'],
              on: {
                'pin.ok': { target: 'unlocking', actions: ['resetPinFailures'] },
                'pin.bad': [
                  {
                    guard: 'isLastPinAttempt',
                    target: '#device.failed.pin',
                    actions: ['countPinFailure', { type: 'recordFailure', params: { reason: 'pinExhausted' } }],
                  },
                  { actions: ['countPinFailure', { type: 'recordFailure', params: { reason: 'pinBad' } }] },
                ],
              },
              after: { pinTimeout: fail('pin', 'pinTimeout') },
            },
            unlocking: {
              tags: ['session', 'unlocked', 'power:radio'],
              meta: { op: 'nfc.transfer', message: MSG.record, direction: 'tx' },
              on: {
                'op.done': {
                  target: '#device.persisting',
                  actions: [{ type: 'recordUnlock', params: { via: 'override' } }, 'queueTelemetry'],
                },
                'op.failed': fail('link', 'linkLost'),
              },
            },
          },
        },
      },
    },
    // OTA after the image arrived in a session: verify (PQ signature), anti-rollback, apply, boot.
    ota: {
      initial: 'verifying',
      exit: ['clearOtaCandidate'],
      states: {
        verifying: {
          tags: ['ota', 'power:active'],
          meta: { op: 'ota.verify' },
          on: {
            'op.done': [
              { guard: 'isOtaNewer', target: 'applying' },
              fail('ota', 'otaRollbackRejected'),
            ],
            'op.failed': fail('ota', 'otaBadSignature'),
          },
        },
        applying: {
          tags: ['ota', 'power:active'],
          meta: { op: 'ota.apply' },
          on: { 'op.done': 'booting', 'op.failed': 'rollingBack' },
        },
        booting: {
          tags: ['ota', 'power:active'],
          meta: { op: 'mcu.wake' },
          on: {
            'boot.ok': { target: '#device.persisting', actions: ['recordOtaApplied', 'queueTelemetry'] },
            'boot.failed': 'rollingBack',
          },
        },
        rollingBack: {
          tags: ['ota', 'power:active'],
          meta: { op: 'ota.apply' },
          on: { 'op.done': fail('ota', 'otaBootFailed'), 'op.failed': fail('ota', 'otaBootFailed') },
        },
      },
    },
    decommissioning: {
      tags: ['power:active'],
      meta: { op: 'flash.write' },
      entry: ['zeroizeKeys', 'decommission', 'persistEvent'],
      on: { 'op.done': SETTLE, 'op.failed': SETTLE },
    },
    persisting: {
      tags: ['power:active'],
      meta: { op: 'flash.write' },
      entry: ['persistEvent'],
      on: {
        'op.done': SETTLE,
        'op.failed': { target: SETTLE, actions: [{ type: 'recordFailure', params: { reason: 'flashWrite' } }] },
      },
    },
    // Failure sinks, one per category (the reason is in recordFailure's params). Never unlocked.
    failed: {
      initial: 'handshake',
      // An OTA image abandoned on any failure path is forgotten with its version class.
      entry: ['clearOtaCandidate'],
      states: {
        connect: failureState('connect'),
        link: failureState('link'),
        handshake: failureState('handshake', true),
        pin: failureState('pin', true),
        ota: failureState('ota'),
        provision: failureState('provision'),
      },
    },
  },
});

export type DeviceMachine = typeof deviceMachine;
