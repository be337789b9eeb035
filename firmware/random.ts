/**
 * Injected randomness. Every random byte the protocol uses (keys, nonces, KEM coins, signing
 * entropy) comes from a `RandomSource`, so a seeded source gives byte-identical transcripts and
 * the default source is the platform CSPRNG.
 *
 * `seededRandom` is a ChaCha20 DRBG: key = SHA-256("keytwin/drbg/v1" || seed), each call draws
 * the next n bytes of the ChaCha20 keystream (RFC 8439, zero nonce), continuing across calls.
 * It is for reproducible simulations and test vectors only: its output is as secret as the seed.
 * @module
 */
import { chacha20 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';

/** Returns n fresh random bytes. */
export type RandomSource = (n: number) => Uint8Array;

/** The platform CSPRNG (crypto.getRandomValues through @noble/hashes). */
export const systemRandom: RandomSource = (n) => randomBytes(n);

const BLOCK = 64;
/** ChaCha20's 32-bit block counter allows 2^32 blocks per key; we rekey long before. */
const MAX_BLOCKS = 0xffff_ffff;

/** A deterministic DRBG: the same seed gives the same byte stream, however it is chunked. */
export function seededRandom(seed: Uint8Array | string): RandomSource {
  const seedBytes = typeof seed === 'string' ? utf8ToBytes(seed) : Uint8Array.from(seed);
  const key = sha256(new Uint8Array([...utf8ToBytes('keytwin/drbg/v1'), ...seedBytes]));
  const nonce = new Uint8Array(12);
  let offset = 0; // bytes of keystream consumed so far
  return (n) => {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`random: n must be a non-negative integer, got ${n}`);
    const firstBlock = Math.floor(offset / BLOCK);
    const skip = offset - firstBlock * BLOCK;
    const blocks = Math.ceil((skip + n) / BLOCK);
    if (firstBlock + blocks > MAX_BLOCKS) throw new RangeError('random: seeded stream exhausted');
    const stream = chacha20(key, nonce, new Uint8Array(blocks * BLOCK), undefined, firstBlock);
    offset += n;
    return stream.slice(skip, skip + n);
  };
}
