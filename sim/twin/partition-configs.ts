/**
 * What each compiled configuration means to the twin, read once from the machines' tags,
 * transitions and messages into flat tables, so the hot path tests bits instead of names.
 * @module
 */
import type { CompiledMachine } from '../statechart/index.ts';
import type { DeviceIds, HandshakeIds } from './machines.ts';

/** Device-machine configuration: in the handshake, in a session. */
export const DC_HANDSHAKE = 1;
export const DC_SESSION = 2;
/** Waits for the boot result (OTA): left on boot.ok / boot.failed, not op.done. */
export const DC_BOOT_WAIT = 4;
/** Wakes on motion (asleep). */
export const DC_MOTION = 8;
/** Wakes on an NFC tap (asleep; still so in low-battery mode). */
export const DC_NFC = 16;

/** Handshake-machine configuration: awaits a phone message, established, failed. */
export const HC_AWAIT = 1;
export const HC_ESTABLISHED = 2;
export const HC_FAILED = 4;
/** Its message is the phone's UnlockResult. */
export const HC_UNLOCK_RESULT = 8;

/** The message the phone sends next (from an awaiting handshake configuration). */
export const MSG_NONE = 0;
export const MSG_UNLOCK_REQUEST = 1;
export const MSG_CLIENT_HELLO = 2;
export const MSG_CLIENT_FINISHED = 3;
export const MSG_OTHER = 4;

export class ConfigFlags {
  /** DC_* of each device-machine configuration. */
  readonly dev: Uint8Array;
  /** HC_* of each handshake-machine configuration. */
  readonly hs: Uint8Array;
  /** MSG_* the phone sends next from each handshake-machine configuration. */
  readonly phoneNext: Uint8Array;

  constructor(dm: CompiledMachine, dIds: DeviceIds, hm: CompiledMachine, hIds: HandshakeIds) {
    this.dev = Uint8Array.from({ length: dm.nConfigs }, (_, c) =>
      (dm.hasTag(c, dIds.tagHandshake) ? DC_HANDSHAKE : 0) |
      (dm.hasTag(c, dIds.tagSession) ? DC_SESSION : 0) |
      (!dm.handles(c, dIds.opDone) && dm.handles(c, dIds.bootOk) ? DC_BOOT_WAIT : 0) |
      (dm.handles(c, dIds.motion) ? DC_MOTION : 0) |
      (dm.handles(c, dIds.nfcTapped) ? DC_NFC : 0),
    );
    const messageOf = (c: number): string => (hm.message[c]! >= 0 ? hm.messages[hm.message[c]!]! : '');
    this.hs = Uint8Array.from({ length: hm.nConfigs }, (_, c) =>
      (hm.hasTag(c, hIds.tagAwait) ? HC_AWAIT : 0) |
      (hm.hasTag(c, hIds.tagEstablished) ? HC_ESTABLISHED : 0) |
      (hm.hasTag(c, hIds.tagFailed) ? HC_FAILED : 0) |
      (messageOf(c) === 'UnlockResult' ? HC_UNLOCK_RESULT : 0),
    );
    const codes: Record<string, number> = { '': MSG_NONE, UnlockRequest: MSG_UNLOCK_REQUEST, ClientHello: MSG_CLIENT_HELLO, ClientFinished: MSG_CLIENT_FINISHED };
    this.phoneNext = Uint8Array.from({ length: hm.nConfigs }, (_, c) => codes[messageOf(hm.step(c, hIds.msgArrived))] ?? MSG_OTHER);
  }
}
