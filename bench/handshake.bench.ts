/**
 * Handshake overhead: the full handshake (both roles, X25519 + ML-KEM-768 + ML-DSA-65 hybrid,
 * AES-256-GCM, through firmware's codec, SE model, key schedule and session) next to the sum of its
 * primitive operations measured in the same run with the same libraries: 2 × X25519 keygen,
 * 2 × X25519 shared secret, ML-KEM-768 encaps + decaps, ML-DSA-65 sign + verify, 2 × HKDF key
 * schedule, 2 × HMAC-SHA-256 (ClientFinished confirm and proof; each checked once more), and one
 * AEAD seal + open. Target: ratio ≤ 1.2×.
 *
 * Seeds are fixed (ML-DSA signing time depends on rejection sampling, so unseeded runs are not
 * comparable); means over many iterations compare equal expected signing work.
 * Run: npx tsx bench/handshake.bench.ts [iterations]
 * @module
 */
import { cpus } from 'node:os';
import { x25519 } from '@noble/curves/ed25519.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { gcm } from '@noble/ciphers/aes.js';
import { createWorld, deriveSessionKeys, parseSuite, runHandshake, seededRandom } from '../firmware/index.ts';

const SUITE = parseSuite('mlkem768-mldsa65-hybrid-aesgcm');

function primitives(rnd: (n: number) => Uint8Array, kem: { publicKey: Uint8Array; secretKey: Uint8Array }, dsa: { publicKey: Uint8Array; secretKey: Uint8Array }): void {
  const a = x25519.keygen(rnd(32));
  const b = x25519.keygen(rnd(32));
  const s1 = x25519.getSharedSecret(a.secretKey, b.publicKey);
  x25519.getSharedSecret(b.secretKey, a.publicKey);
  const { cipherText, sharedSecret } = ml_kem768.encapsulate(kem.publicKey, rnd(32));
  ml_kem768.decapsulate(cipherText, kem.secretKey);
  const msg = rnd(59); // "keytwin/v1 device signature" (27) + 32-byte hash
  const sig = ml_dsa65.sign(msg, dsa.secretKey, { extraEntropy: rnd(32) });
  if (!ml_dsa65.verify(sig, msg, dsa.publicKey)) throw new Error('verify');
  const th = rnd(32);
  const k1 = deriveSessionKeys(SUITE, sharedSecret.slice(), s1.slice(), th);
  deriveSessionKeys(SUITE, sharedSecret, s1, th);
  for (let i = 0; i < 2; i++) {
    hmac(sha256, k1.finishedKey, th);
    hmac(sha256, k1.finishedKey, th);
  }
  const aad = rnd(10);
  const ct = gcm(k1.s2cKey, k1.s2cIv, aad).encrypt(new Uint8Array(1));
  gcm(k1.s2cKey, k1.s2cIv, aad).decrypt(ct);
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, median: s[Math.floor(s.length / 2)]!, min: s[0]! };
}

export async function main(iterations = Number(process.argv[2] ?? 60)): Promise<{ handshakeMs: number; primitivesMs: number; ratio: number }> {
  const world = createWorld('bench/handshake', [SUITE]);
  const rnd = seededRandom('bench/primitives');
  const kem = ml_kem768.keygen(rnd(64));
  const dsa = ml_dsa65.keygen(rnd(32));
  // warm-up: JIT both paths
  for (let i = 0; i < 5; i++) {
    runHandshake(world, { suite: SUITE, unlocks: 0 });
    primitives(rnd, kem, dsa);
  }
  const hs: number[] = [];
  const pr: number[] = [];
  for (let i = 0; i < iterations; i++) {
    // interleaved, so drift (thermal, other load) hits both sides alike
    let t = performance.now();
    const r = runHandshake(world, { suite: SUITE, unlocks: 0 });
    hs.push(performance.now() - t);
    if (!r.established) throw new Error(`handshake failed: ${r.rejection?.check}`);
    t = performance.now();
    primitives(rnd, kem, dsa);
    pr.push(performance.now() - t);
  }
  const h = stats(hs);
  const p = stats(pr);
  const ratio = h.mean / p.mean;
  const fmt = (x: number) => x.toFixed(2).padStart(8);
  process.stdout.write(
    [
      `handshake bench: ${SUITE.id}, ${iterations} iterations, fixed seeds — ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
      `                                   mean    median       min   (ms)`,
      `full handshake (both roles)   ${fmt(h.mean)}  ${fmt(h.median)}  ${fmt(h.min)}`,
      `sum of primitives             ${fmt(p.mean)}  ${fmt(p.median)}  ${fmt(p.min)}`,
      `protocol overhead ratio        ${ratio.toFixed(3)}×  (target ≤ 1.2×: ${ratio <= 1.2 ? 'met' : 'NOT met'})`,
      '',
    ].join('\n'),
  );
  return { handshakeMs: h.mean, primitivesMs: p.mean, ratio };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
