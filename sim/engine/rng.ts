/**
 * Seeded, splittable random numbers for the simulator.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state, 32-bit
 * output, period ≥ 2^32 per seed thanks to its counter word, ≈ 2^127 on average). It passes
 * PractRand/BigCrush and needs only 32-bit integer ops, so no BigInt on the hot path.
 *
 * Splitting: every generator has a 128-bit *key*. `rng.stream(name, index)` derives a child key by
 * hashing (parent key, name, index), never by drawing from the parent, so a stream depends only on
 * the root seed and its path of names: not on how many other streams exist, the order they were
 * created in, or how many numbers any of them has drawn. A device's randomness is therefore the
 * same whether the fleet has 10 or 10^6 devices and however it is sharded across workers.
 * The hash is MurmurHash3-style (4 lanes, fmix32 finalisation, cross-lane mixing as in
 * murmur3_x86_128); it is not cryptographic, which is fine: this is simulation randomness.
 * @module
 */

const TWO_POW_32 = 4294967296;
const INV_TWO_POW_32 = 1 / TWO_POW_32;
/** Outputs discarded after seeding so that similar keys have decorrelated first outputs. */
const SFC32_WARMUP = 15;

/** Domain tags keep seeds, strings and stream paths from colliding with each other. */
const TAG_NUMBER_SEED = 0x6e756d31; // 'num1'
const TAG_STRING_SEED = 0x73747231; // 'str1'
const TAG_STREAM = 0x73747265; // 'stre'

const LANE_SEEDS = [0x9e3779b9, 0x85ebca6b, 0xc2b2ae35, 0x27d4eb2f] as const;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes a word sequence under a 128-bit key into a new 128-bit key (4 uint32 words). */
function hashKey(key: ArrayLike<number>, words: readonly number[]): Uint32Array {
  const out = new Uint32Array(4);
  hashKeyInto(out, 0, key, words);
  return out;
}

/** One word absorbed into a lane's running hash (MurmurHash3's block step). */
function absorb(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** {@link hashKey} written into `out[offset .. offset+3]` (uint32 bits), allocating nothing. */
function hashKeyInto(out: Uint32Array | Int32Array, offset: number, key: ArrayLike<number>, words: readonly number[]): void {
  for (let lane = 0; lane < 4; lane++) {
    let h = ((key[lane] ?? 0) ^ (LANE_SEEDS[lane] ?? 0)) | 0;
    for (let i = 0; i < words.length; i++) h = absorb(h, words[i] ?? 0);
    out[offset + lane] = fmix32(h ^ words.length ^ lane);
  }
  crossLanes(out, offset);
}

/** Cross-lane mixing (murmur3_x86_128 finalisation) so each output word depends on all lanes. */
function crossLanes(out: Uint32Array | Int32Array, offset: number): void {
  let a = out[offset]! >>> 0;
  let b = out[offset + 1]! >>> 0;
  let c = out[offset + 2]! >>> 0;
  let d = out[offset + 3]! >>> 0;
  a = (a + b + c + d) | 0;
  b = (b + a) | 0;
  c = (c + a) | 0;
  d = (d + a) | 0;
  a = fmix32(a);
  b = fmix32(b);
  c = fmix32(c);
  d = fmix32(d);
  const m = (a + b + c + d) | 0;
  out[offset] = m >>> 0;
  out[offset + 1] = (b + m) >>> 0;
  out[offset + 2] = (c + m) >>> 0;
  out[offset + 3] = (d + m) >>> 0;
}

function stringWords(s: string): number[] {
  const words: number[] = [];
  for (let i = 0; i < s.length; i++) words.push(s.charCodeAt(i));
  return words;
}

function seedWords(seed: number | string): number[] {
  if (typeof seed === 'string') return [TAG_STRING_SEED, ...stringWords(seed), seed.length];
  if (typeof seed === 'number' && Number.isSafeInteger(seed)) {
    const neg = seed < 0 ? 1 : 0;
    const abs = Math.abs(seed);
    return [TAG_NUMBER_SEED, neg, abs >>> 0, Math.floor(abs / TWO_POW_32) >>> 0];
  }
  throw new TypeError(
    `createRng(seed): expected a safe integer or a string, got ${typeof seed === 'number' ? String(seed) : typeof seed}`,
  );
}

/**
 * Advances an sfc32 state stored at `state[offset .. offset+3]` and returns a uint32.
 * For struct-of-arrays users (one generator per device in a shared Uint32Array/Int32Array).
 */
export function sfc32NextU32(state: Int32Array, offset: number): number {
  const a = state[offset]!;
  const b = state[offset + 1]!;
  const c = state[offset + 2]!;
  const d = state[offset + 3]!;
  const t = (((a + b) | 0) + d) | 0;
  state[offset + 3] = (d + 1) | 0;
  state[offset] = b ^ (b >>> 9);
  state[offset + 1] = (c + (c << 3)) | 0;
  state[offset + 2] = (((c << 21) | (c >>> 11)) + t) | 0;
  return t >>> 0;
}

/**
 * Seeds the sfc32 state at `state[offset .. offset+3]` as substream `index` of the key at
 * `key[keyOffset .. keyOffset+3]` (from {@link StreamKeys.into}), with no allocation: for a
 * hot path that starts a fresh stream per episode so one episode's draws never shift the next's.
 * Not the same numbers as `stream(...)` (a cheaper mix: one fmix32 per word, then the warm-up).
 */
export function seedIndexedInto(state: Int32Array, offset: number, key: Int32Array, keyOffset: number, index: number): void {
  const lo = index >>> 0;
  const hi = Math.floor(index / TWO_POW_32) >>> 0;
  const a = fmix32((key[keyOffset]! ^ lo ^ LANE_SEEDS[0]) >>> 0);
  const b = fmix32((key[keyOffset + 1]! ^ hi ^ a ^ LANE_SEEDS[1]) >>> 0);
  const c = fmix32((key[keyOffset + 2]! ^ Math.imul(lo, 0xcc9e2d51) ^ b ^ LANE_SEEDS[2]) >>> 0);
  const d = fmix32((key[keyOffset + 3]! ^ Math.imul(lo, 0x1b873593) ^ c ^ LANE_SEEDS[3]) >>> 0);
  warmUpInto(state, offset, a | 0, b | 0, c | 0, d | 0);
}

/**
 * sfc32NextU32 SFC32_WARMUP times from (a, b, c, d), in locals, the result stored once: an episode
 * re-seeds a stream a few times, and the typed-array round trip of each step was most of its cost.
 */
function warmUpInto(state: Int32Array, offset: number, a: number, b: number, c: number, d: number): void {
  for (let i = 0; i < SFC32_WARMUP; i++) {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (((c << 21) | (c >>> 11)) + t) | 0;
  }
  state[offset] = a;
  state[offset + 1] = b;
  state[offset + 2] = c;
  state[offset + 3] = d;
}

/** A seeded generator with named, independent substreams. */
export class Rng {
  /** sfc32 state (a, b, c, d); Int32Array so that V8 keeps the words unboxed. */
  private readonly s: Int32Array;
  private readonly key: Uint32Array;

  /** @internal Use {@link createRng} or {@link Rng.stream}. */
  constructor(key: Uint32Array) {
    this.key = key;
    this.s = new Int32Array(key.buffer.slice(0));
    for (let i = 0; i < SFC32_WARMUP; i++) this.nextU32();
  }

  /**
   * @internal This generator becomes the one whose key is `key[0..3]` (as a fresh Rng of that key,
   * warmed up): {@link StreamKeys.reset}'s way to reuse one object across many streams.
   */
  rekey(key: Int32Array): this {
    for (let i = 0; i < 4; i++) {
      this.key[i] = key[i]! >>> 0;
      this.s[i] = key[i]!;
    }
    for (let i = 0; i < SFC32_WARMUP; i++) this.nextU32();
    return this;
  }

  /** A uniform uint32 in [0, 2^32). */
  nextU32(): number {
    const s = this.s;
    const a = s[0]!;
    const b = s[1]!;
    const c = s[2]!;
    const d = s[3]!;
    const t = (((a + b) | 0) + d) | 0;
    s[3] = (d + 1) | 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) | 0;
    s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** A uniform double in [0, 1) with 32 bits of resolution (never 1; 0 with probability 2^-32). */
  next(): number {
    // nextU32's step written out: one call level less for V8's inlining budget in event loops.
    const s = this.s;
    const a = s[0]!;
    const b = s[1]!;
    const c = s[2]!;
    const d = s[3]!;
    const t = (a + b + d) | 0;
    s[3] = (d + 1) | 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) | 0;
    s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return (t >>> 0) * INV_TWO_POW_32;
  }

  /** A uniform integer in [0, n) for 1 ≤ n ≤ 2^32, without modulo bias (Lemire's method). */
  nextInt(n: number): number {
    if (!(n >= 1 && n <= TWO_POW_32 && Number.isInteger(n))) {
      throw new RangeError(`rng.nextInt(n): expected an integer in [1, 2^32], got ${n}`);
    }
    // Rejection threshold: 2^32 mod n; accept when the low part of x*n is at or above it.
    const threshold = (TWO_POW_32 - n) % n;
    for (;;) {
      const x = this.nextU32() * n;
      const lo = x % TWO_POW_32;
      if (lo >= threshold) return Math.floor(x / TWO_POW_32);
    }
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`rng.bytes(n): expected a non-negative integer, got ${n}`);
    const out = new Uint8Array(n);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const w = this.nextU32();
      out[i] = w & 0xff;
      out[i + 1] = (w >>> 8) & 0xff;
      out[i + 2] = (w >>> 16) & 0xff;
      out[i + 3] = w >>> 24;
    }
    if (i < n) {
      let w = this.nextU32();
      for (; i < n; i++, w >>>= 8) out[i] = w & 0xff;
    }
    return out;
  }

  /**
   * An independent generator derived from (this generator's key, name, index) by hashing.
   * `stream('a')` is the same as `stream('a', 0)`. Streams nest: `rng.stream('dev', 7).stream('ble')`.
   * @param name Stream name, e.g. `'device'`, `'ble:per'`.
   * @param index Non-negative safe integer, e.g. a device index. Defaults to 0.
   */
  stream(name: string, index = 0): Rng {
    return new Rng(this.streamKey(name, index));
  }

  /**
   * Writes the initial sfc32 state of `stream(name, index)` (after warm-up) into
   * `out[offset .. offset+3]`, for struct-of-arrays users that step it with {@link sfc32NextU32}.
   * Draws from the written state equal the draws of `stream(name, index)`.
   */
  streamStateInto(out: Int32Array, offset: number, name: string, index = 0): void {
    out.set(this.stream(name, index).s, offset);
  }

  /** A copy of the current sfc32 state words (a, b, c, d) as uint32, e.g. to seed a C or Python twin. */
  getState(): [number, number, number, number] {
    const s = this.s;
    return [s[0]! >>> 0, s[1]! >>> 0, s[2]! >>> 0, s[3]! >>> 0];
  }

  /** @internal A copy of the 128-bit key (for {@link StreamKeys}). */
  keyCopy(): Uint32Array {
    return this.key.slice();
  }

  private streamKey(name: string, index: number): Uint32Array {
    if (typeof name !== 'string') throw new TypeError(`rng.stream(name): expected a string, got ${typeof name}`);
    if (!(Number.isSafeInteger(index) && index >= 0)) {
      throw new RangeError(`rng.stream('${name}', index): expected a non-negative safe integer, got ${index}`);
    }
    return hashKey(this.key, [
      TAG_STREAM,
      ...stringWords(name),
      name.length,
      index >>> 0,
      Math.floor(index / TWO_POW_32) >>> 0,
    ]);
  }
}

/**
 * The keys of `rng.stream(name, index)` for one name and any index, derived on demand without
 * allocating: a fleet keeps one of these per purpose instead of a 16-byte key per keychain.
 * The hash absorbs the fixed prefix (tag, name, its length) first, so each lane's state after the
 * prefix is computed once here and {@link into} absorbs only the two index words: the same key
 * as the full hash, bit for bit, at a fraction of the cost for long names.
 */
export class StreamKeys {
  /** Each lane's running hash after the prefix words. */
  private readonly lanes = new Int32Array(4);
  /** Word count of the whole message (prefix + 2 index words), mixed into the finalisation. */
  private readonly length: number;
  private readonly scratch = new Int32Array(4);

  constructor(rng: Rng, name: string) {
    const key = rng.keyCopy();
    const prefix = [TAG_STREAM, ...stringWords(name), name.length];
    for (let lane = 0; lane < 4; lane++) {
      let h = (key[lane]! ^ LANE_SEEDS[lane]!) | 0;
      for (const w of prefix) h = absorb(h, w);
      this.lanes[lane] = h;
    }
    this.length = prefix.length + 2;
  }

  /**
   * Writes the initial sfc32 state of `stream(name, index)` (after warm-up) into
   * `out[offset .. offset+3]`: {@link Rng.streamStateInto} without allocating a generator.
   */
  stateInto(out: Int32Array, offset: number, index: number): void {
    this.into(out, offset, index);
    for (let i = 0; i < SFC32_WARMUP; i++) sfc32NextU32(out, offset);
  }

  /** `rng` becomes `stream(name, index)`: one generator reused across indices instead of one allocated per index. */
  reset(rng: Rng, index: number): Rng {
    this.into(this.scratch, 0, index);
    return rng.rekey(this.scratch);
  }

  /** Writes the key of `stream(name, index)` into `out[offset .. offset+3]`. */
  into(out: Int32Array, offset: number, index: number): void {
    const lo = index >>> 0;
    const hi = Math.floor(index / TWO_POW_32) >>> 0;
    const n = this.length;
    const l = this.lanes;
    // The lanes' finalisation and the cross-lane mixing of hashKeyInto, kept in locals.
    let a = fmix32(absorb(absorb(l[0]!, lo), hi) ^ n);
    let b = fmix32(absorb(absorb(l[1]!, lo), hi) ^ n ^ 1);
    let c = fmix32(absorb(absorb(l[2]!, lo), hi) ^ n ^ 2);
    let d = fmix32(absorb(absorb(l[3]!, lo), hi) ^ n ^ 3);
    a = (a + b + c + d) | 0;
    b = fmix32((b + a) | 0);
    c = fmix32((c + a) | 0);
    d = fmix32((d + a) | 0);
    a = fmix32(a);
    const m = (a + b + c + d) | 0;
    out[offset] = m;
    out[offset + 1] = (b + m) | 0;
    out[offset + 2] = (c + m) | 0;
    out[offset + 3] = (d + m) | 0;
  }
}

/**
 * Creates the root generator of a run.
 * @param seed A safe integer or a string; `42` and `'42'` are different seeds.
 */
export function createRng(seed: number | string): Rng {
  return new Rng(hashKey(new Uint32Array(4), seedWords(seed)));
}
