/**
 * Replication seeds. Replication 1 runs on the scenario's own seed (so `--replications 1` is the
 * plain run); replication k > 1 runs on the first 47 bits of
 * SHA-256("keytwin/replication/<seed>/<k>"), an integer below 2^47 like a drawn seed, so it prints
 * and stores exactly. Hashing (rather than seed + k) keeps replications of neighbouring seeds from
 * overlapping: seed 42's replication 2 is not seed 43's replication 1. Every point of a sweep uses
 * the same replication seeds (common random numbers across points).
 * @module
 */
import { createHash } from 'node:crypto';

export function replicationSeed(seed: number | string, replication: number): number | string {
  if (!Number.isInteger(replication) || replication < 1) throw new RangeError(`replication must be a whole number >= 1, got ${replication}`);
  if (replication === 1) return seed;
  const digest = createHash('sha256').update(`keytwin/replication/${seed}/${replication}`).digest();
  // 6 bytes = 48 bits; drop one to stay below 2^47.
  return Math.floor(digest.readUIntBE(0, 6) / 2);
}

export function replicationSeeds(seed: number | string, replications: number): (number | string)[] {
  return Array.from({ length: replications }, (_, i) => replicationSeed(seed, i + 1));
}
