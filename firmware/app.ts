/**
 * The application payloads carried in session records: the device's "session ready" (proof to the
 * phone that its ClientFinished was accepted), the phone's unlock command and the device's result.
 * Fixed sizes, so the simulator knows every record's length.
 * @module
 */
import { ProtocolError } from './errors.ts';

// prettier-ignore
export const APP = Object.freeze({ ready: 0x01, unlock: 0x02, result: 0x03 });
export const ACTION_ID_BYTES = 8;

export function readyPayload(): Uint8Array {
  return new Uint8Array([APP.ready]);
}
export function unlockPayload(actionId: Uint8Array): Uint8Array {
  if (actionId.length !== ACTION_ID_BYTES) throw new RangeError(`action id must be ${ACTION_ID_BYTES} bytes`);
  return new Uint8Array([APP.unlock, ...actionId]);
}
export function resultPayload(ok: boolean): Uint8Array {
  return new Uint8Array([APP.result, ok ? 0x00 : 0x01]);
}

export function expectPayload(p: Uint8Array, kind: keyof typeof APP): void {
  const len = kind === 'ready' ? 1 : kind === 'unlock' ? 1 + ACTION_ID_BYTES : 2;
  if (p.length !== len || p[0] !== APP[kind]) throw new ProtocolError('state.unexpected', `expected a ${len}-byte '${kind}' record payload`, 'Record.plaintext');
}
