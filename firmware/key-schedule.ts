/**
 * The key schedule. Both shared secrets (ML-KEM first, then X25519, as in X25519MLKEM768) are the
 * HKDF-SHA-256 input keying material, salted with the transcript hash through ServerHello; each key
 * is expanded under its own label. The device signs SIGN_LABEL || SHA-256(ClientHello || ServerHello
 * without its signature), which binds the offered and chosen suites and both key shares.
 * @module
 */
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes, wipe } from './bytes.ts';
import { PHONE_AUTH_LABEL } from './secure-element.ts';
import type { Suite } from './suites.ts';

export const SIGN_LABEL = utf8ToBytes('keytwin/v1 device signature');
const label = (s: string) => utf8ToBytes(`keytwin/v1 ${s}`);

export function transcriptHash(...parts: Uint8Array[]): Uint8Array {
  return sha256(concatBytes(...parts));
}

/** The bytes the device signs and the phone verifies. */
export function signedContent(signedTranscriptHash: Uint8Array): Uint8Array {
  return concatBytes(SIGN_LABEL, signedTranscriptHash);
}

export interface SessionKeys {
  /** phone → device key and IV */
  readonly c2sKey: Uint8Array;
  readonly c2sIv: Uint8Array;
  /** device → phone key and IV */
  readonly s2cKey: Uint8Array;
  readonly s2cIv: Uint8Array;
  /** ClientFinished key confirmation */
  readonly finishedKey: Uint8Array;
}

/**
 * HKDF-Extract(salt = transcript hash through ServerHello, IKM = kemSecret || x25519Secret), then
 * HKDF-Expand per label. The input secrets are wiped: they are not needed again.
 */
export function deriveSessionKeys(suite: Suite, kemSecret: Uint8Array | null, x25519Secret: Uint8Array | null, th2: Uint8Array): SessionKeys {
  const ikm = concatBytes(kemSecret ?? new Uint8Array(0), x25519Secret ?? new Uint8Array(0));
  const prk = extract(sha256, ikm, th2);
  const k = suite.aead.key;
  const n = suite.aead.nonce;
  const keys: SessionKeys = {
    c2sKey: expand(sha256, prk, label('c2s key'), k),
    c2sIv: expand(sha256, prk, label('c2s iv'), n),
    s2cKey: expand(sha256, prk, label('s2c key'), k),
    s2cIv: expand(sha256, prk, label('s2c iv'), n),
    finishedKey: expand(sha256, prk, label('finished'), 32),
  };
  wipe(ikm, prk, kemSecret, x25519Secret);
  return keys;
}

export function finishedMac(finishedKey: Uint8Array, th2: Uint8Array): Uint8Array {
  return hmac(sha256, finishedKey, th2);
}

/** The phone-side computation of the bonded-credential proof the SE checks. */
export function phoneProof(bondKey: Uint8Array, th2: Uint8Array): Uint8Array {
  return hmac(sha256, bondKey, concatBytes(PHONE_AUTH_LABEL, th2));
}

export function wipeKeys(keys: SessionKeys): void {
  wipe(keys.c2sKey, keys.c2sIv, keys.s2cKey, keys.s2cIv, keys.finishedKey);
}
