/**
 * ProtocolError: every rejection in the protocol names the check that caught it, with a stable
 * code (`check`) that models, the CLI, tests and the simulator's failure statistics key on.
 * @module
 */

/** Every check code the protocol uses (the order a message meets them is docs/protocol.md §State tables). Stable: do not rename; new codes are appended. */
export const CHECKS = [
  'decode.type', // first byte is not a known message type
  'decode.version', // protocol version byte is not 0x01
  'decode.length', // total or field length differs from what the suite implies
  'decode.field', // a field holds a value outside its domain (count, reserved byte, slot)
  'suite.unknown', // a suite code that names no suite
  'suite.unsupported', // the device was not provisioned for the chosen suite
  'suite.downgrade', // chosen suite not offered, or a stronger mutually supported suite was offered
  'suite.mismatch', // ServerHello names a suite other than the one the phone chose
  'replay.hello', // ClientHello nonce seen before (device replay cache)
  'x25519.share', // X25519 share is a low-order point (all-zero shared secret, RFC 7748 §6.1)
  'transcript.mismatch', // ServerHello echoes a ClientHello hash that is not what the phone sent
  'sig.device', // device signature does not verify under the registered device key
  'key.confirm', // ClientFinished key confirmation fails: the peers derived different keys
  'auth.phone', // ClientFinished bonded-credential proof fails in the secure element
  'aead.tag', // AEAD authentication failed (wrong key, direction, header or ciphertext)
  'replay.seq', // record sequence number replayed or outside the replay window
  'state.unexpected', // a well-formed message arrived in a state that does not accept it
  'session.closed', // the session was closed: its keys are gone
  'link.timeout', // an expected message never arrived (dropped or delayed past the timeout)
  'seq.exhausted', // sender: the next record would carry sequence 2^64 - 1; a new handshake is required
] as const;

export type CheckCode = (typeof CHECKS)[number];

/** A protocol rejection. `check` is stable; `field` names where in the message it was found. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
  readonly check: CheckCode;
  readonly field: string | undefined;
  constructor(check: CheckCode, message: string, field?: string) {
    super(`${check}: ${message}${field ? ` (field ${field})` : ''}`);
    this.check = check;
    this.field = field;
  }
}

export function isProtocolError(err: unknown): err is ProtocolError {
  return err instanceof ProtocolError;
}
