/**
 * Device attestation: the cloud issues a fresh 32-byte nonce; the keychain's secure element
 * signs `ATTEST_LABEL || device id (16 bytes) || nonce` with its registered ML-DSA key. The
 * server classifies the answer — valid, forged (signature does not verify against the registered
 * public key), replayed (the challenge was already answered or superseded) or expired — and the
 * cloud statechart decides what that means for the device.
 * @module
 */
import { fipsName, mldsaByPublicKeyLength, MLDSA } from '../firmware/index.ts';

export const ATTEST_LABEL = new TextEncoder().encode('keytwin/v1 attestation\0');
export const NONCE_BYTES = 32;

/** The ML-DSA parameter set of a public key, by its length; null when it is not an ML-DSA key. */
export function mldsaName(publicKey: Uint8Array): string | null {
  const sig = mldsaByPublicKeyLength(publicKey.length);
  return sig ? fipsName(sig.name) : null;
}

/** The bytes the device signs for a challenge. */
export function attestationMessage(deviceId: string, nonce: Uint8Array): Uint8Array {
  const id = Buffer.from(deviceId.replace(/-/g, ''), 'hex');
  if (id.length !== 16) throw new RangeError(`attestationMessage: device id must be a UUID, got '${deviceId}'`);
  const out = new Uint8Array(ATTEST_LABEL.length + 16 + nonce.length);
  out.set(ATTEST_LABEL, 0);
  out.set(id, ATTEST_LABEL.length);
  out.set(nonce, ATTEST_LABEL.length + 16);
  return out;
}

/** Whether `signature` is the registered key's ML-DSA signature over the challenge. */
export function verifyAttestation(publicKey: Uint8Array, deviceId: string, nonce: Uint8Array, signature: Uint8Array): boolean {
  const sig = mldsaByPublicKeyLength(publicKey.length);
  if (!sig) return false;
  try {
    return MLDSA[sig.name].verify(signature, attestationMessage(deviceId, nonce), publicKey);
  } catch {
    return false;
  }
}
