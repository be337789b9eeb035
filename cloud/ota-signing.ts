/**
 * The server's OTA manifest signer: an ML-DSA-65 key pair derived from a 32-byte seed (in
 * production the seed stays in a KMS/HSM; here it comes from the service options or a key file).
 * Its public key is registered in `ota_signing_keys` under a key id (the first 16 hex digits of
 * its SHA-256), so manifests signed before a key rotation still verify.
 * @module
 */
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Queryable } from '../store/index.ts';

export const OTA_SIGNATURE_ALG = 'ML-DSA-65';

export interface OtaSigner {
  readonly keyId: string;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export function otaSigner(seed: Uint8Array): OtaSigner {
  if (seed.length !== 32) throw new RangeError(`OTA signing seed must be 32 bytes, got ${seed.length}`);
  const { secretKey, publicKey } = ml_dsa65.keygen(seed);
  const keyId = Buffer.from(sha256(publicKey)).toString('hex').slice(0, 16);
  return { keyId, publicKey, sign: (message) => ml_dsa65.sign(message, secretKey) };
}

/** Verifies a manifest signature with a public key (what a device's bootloader does). */
export function verifyManifest(publicKey: Uint8Array, manifestJson: string, signature: Uint8Array): boolean {
  return ml_dsa65.verify(signature, new TextEncoder().encode(manifestJson), publicKey);
}

export async function registerSigningKey(q: Queryable, signer: OtaSigner): Promise<void> {
  await q.query('INSERT INTO ota_signing_keys (key_id, algorithm, public_key) VALUES ($1, $2, $3) ON CONFLICT (key_id) DO NOTHING',
    [signer.keyId, OTA_SIGNATURE_ALG, Buffer.from(signer.publicKey)]);
}
