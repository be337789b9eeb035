/**
 * Token buckets keyed by principal, by source address and by device: `capacity` tokens, refilled
 * continuously at `perSecond`. A request with a valid token takes one token from its principal's
 * bucket, any other request (no token, a bad token, an unknown route) one from its source
 * address's bucket — before any authorisation outcome, so refused requests are limited (and
 * audited at most as often) like accepted ones — and one from each device's bucket it touches;
 * when a bucket is empty the request gets 429 with the wait in Retry-After.
 * In memory, per process: a fleet of service replicas would share them in Redis or the gateway.
 * @module
 */

export interface BucketLimit {
  capacity: number;
  perSecond: number;
}

export interface RateLimits {
  principal: BucketLimit;
  /** Requests without a valid token, per client address (unauthenticated floods). */
  source: BucketLimit;
  device: BucketLimit;
}

export const DEFAULT_RATE_LIMITS: Readonly<RateLimits> = Object.freeze({
  principal: { capacity: 200, perSecond: 100 },
  source: { capacity: 100, perSecond: 50 },
  device: { capacity: 20, perSecond: 2 },
});

interface Bucket {
  tokens: number;
  atMs: number;
}

/** Above this many buckets, full ones (indistinguishable from absent) are swept. */
const SWEEP_AT = 100_000;

export class RateLimiter {
  readonly #limits: RateLimits;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limits: RateLimits) {
    for (const k of ['principal', 'source', 'device'] as const) {
      const l = limits[k];
      if (!(l.capacity >= 1 && l.perSecond > 0)) throw new RangeError(`rate limit ${k}: capacity must be ≥ 1 and perSecond > 0, got ${JSON.stringify(l)}`);
    }
    this.#limits = limits;
  }

  /**
   * Takes one token from every named bucket, or none of them: returns 0 when allowed, else the
   * milliseconds until the emptiest bucket has a token again.
   */
  take(keys: readonly { kind: keyof RateLimits; id: string }[], nowMs: number): number {
    let waitMs = 0;
    const buckets: Bucket[] = [];
    for (const { kind, id } of keys) {
      const limit = this.#limits[kind];
      const key = `${kind}:${id}`;
      let b = this.#buckets.get(key);
      if (!b) {
        b = { tokens: limit.capacity, atMs: nowMs };
        this.#buckets.set(key, b);
      } else {
        b.tokens = Math.min(limit.capacity, b.tokens + ((nowMs - b.atMs) / 1000) * limit.perSecond);
        b.atMs = nowMs;
      }
      if (b.tokens < 1) waitMs = Math.max(waitMs, ((1 - b.tokens) / limit.perSecond) * 1000);
      buckets.push(b);
    }
    if (waitMs > 0) return Math.ceil(waitMs);
    for (const b of buckets) b.tokens -= 1;
    if (this.#buckets.size > SWEEP_AT) this.#sweep(nowMs);
    return 0;
  }

  #sweep(nowMs: number): void {
    for (const [key, b] of this.#buckets) {
      const limit = this.#limits[key.slice(0, key.indexOf(':')) as keyof RateLimits];
      if (b.tokens + ((nowMs - b.atMs) / 1000) * limit.perSecond >= limit.capacity) this.#buckets.delete(key);
    }
  }
}
