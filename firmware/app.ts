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
/** The result's status byte: 0x00 the action was carried out, 0x01 the device refused it (policy). */
export const RESULT_STATUS = Object.freeze({ done: 0x00, refused: 0x01 });

export function resultPayload(ok: boolean): Uint8Array {
  return new Uint8Array([APP.result, ok ? RESULT_STATUS.done : RESULT_STATUS.refused]);
}

/**
 * Checks an opened record's payload. A payload of another kind than this state expects (e.g. a
 * first record that is not "ready") is `state.unexpected`; the right kind with a wrong length or an
 * unknown status byte is `decode.field`. Either is fatal like every other rejection.
 */
export function expectPayload(p: Uint8Array, kind: keyof typeof APP): void {
  const len = kind === 'ready' ? 1 : kind === 'unlock' ? 1 + ACTION_ID_BYTES : 2;
  if (p[0] !== APP[kind]) throw new ProtocolError('state.unexpected', `expected a '${kind}' record payload, got type 0x${(p[0] ?? 0).toString(16).padStart(2, '0')}`, 'Record.plaintext');
  if (p.length !== len) throw new ProtocolError('decode.field', `a '${kind}' payload is ${len} bytes, got ${p.length}`, 'Record.plaintext');
  if (kind === 'result' && p[1] !== RESULT_STATUS.done && p[1] !== RESULT_STATUS.refused)
    throw new ProtocolError('decode.field', `result status 0x${p[1]!.toString(16).padStart(2, '0')} is neither 00 (done) nor 01 (refused)`, 'Record.plaintext');
}
