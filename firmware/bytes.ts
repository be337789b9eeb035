/**
 * Small byte helpers shared by the codec, key schedule and session (big-endian integers,
 * concatenation, hex, constant-time comparison, wiping).
 * @module
 */
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';

export { bytesToHex, concatBytes, utf8ToBytes };

export function u64be(n: bigint): Uint8Array {
  if (n < 0n || n > 0xffff_ffff_ffff_ffffn) throw new RangeError(`u64 out of range: ${n}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n, false);
  return out;
}

export function readU64be(b: Uint8Array, offset: number): bigint {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(offset, false);
}

/** Length-independent-time comparison of equal-length arrays (false on length mismatch). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Overwrites with zeros: key material is destroyed in place, not merely dropped. */
export function wipe(...arrays: (Uint8Array | null | undefined)[]): void {
  for (const a of arrays) a?.fill(0);
}

export function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (const x of b) acc |= x;
  return acc === 0;
}
