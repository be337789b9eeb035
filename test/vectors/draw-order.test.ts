/**
 * Checks test/vectors/README.md §The random source against the stored vectors using only the
 * primitives (noble) and the README's words: the DRBG built here from its description, the draws
 * taken in the table's order, and each draw turned into the value the table says. No firmware/
 * code runs, so a README that misstates a draw, its size or its order fails here.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { chacha20 } from '@noble/ciphers/chacha.js';
import { gcm } from '@noble/ciphers/aes.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { ml_kem512, ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';

/** The README's DRBG: ChaCha20 keystream (zero nonce, counter 0) under SHA-256("keytwin/drbg/v1" ‖ seed), drawn consecutively. */
function drbg(seed: string) {
  const stream = chacha20(sha256(concatBytes(utf8ToBytes('keytwin/drbg/v1'), utf8ToBytes(seed))), new Uint8Array(12), new Uint8Array(64 * 256));
  let at = 0;
  return (n: number) => stream.slice(at, (at += n));
}

interface Vec {
  seed: string;
  streams: { device: string; phone: string };
  provisioning: { bondRequest: string; deviceRegistration: string };
  messages: { name: string; hex: string; fields: { name: string; offset: number; length: number }[] }[];
  sessionKeys: Record<string, string>;
  registeredSuites: string[];
}
const load = (f: string) => JSON.parse(readFileSync(new URL(f, import.meta.url), 'utf8')) as Vec;
const field = (v: Vec, msg: string, name: string) => {
  const m = v.messages.find((x) => x.name === msg)!;
  const f = m.fields.find((x) => x.name === name)!;
  return hexToBytes(m.hex).slice(f.offset, f.offset + f.length);
};
const LABEL = utf8ToBytes('keytwin/v1 device signature');
const signedContent = (v: Vec, sigOffset: number) =>
  concatBytes(LABEL, sha256(concatBytes(hexToBytes(v.messages[0]!.hex), hexToBytes(v.messages[1]!.hex).slice(0, sigOffset))));

describe('README draw order, checked with primitives only', () => {
  it('default-offer/mlkem768-mldsa65-hybrid-aesgcm.json (all 38 suites registered): every draw of both streams', () => {
    const v = load('./default-offer/mlkem768-mldsa65-hybrid-aesgcm.json');
    const dev = drbg(v.streams.device);
    const phone = drbg(v.streams.phone);
    const reg = hexToBytes(v.provisioning.deviceRegistration);
    // 1 phone bond key
    expect(bytesToHex(phone(32))).toBe(v.provisioning.bondRequest.slice(4));
    // 2 device id; 3 ML-KEM seeds 512, 768, 1024; 4 ML-DSA seeds 44, 65, 87, then P-256
    expect(dev(16)).toEqual(reg.slice(2, 18));
    let at = 2 + 16 + 1 + 1 + 4 * v.registeredSuites.length;
    const take = (n: number) => reg.slice(at, (at += n));
    const kem = [ml_kem512, ml_kem768, ml_kem1024].map((k) => k.keygen(dev(64)));
    for (const [i, k] of kem.entries()) expect(k.publicKey, `ML-KEM key ${i}`).toEqual(take([800, 1184, 1568][i]!));
    const dsa = [ml_dsa44, ml_dsa65, ml_dsa87].map((d) => d.keygen(dev(32)));
    for (const [i, d] of dsa.entries()) expect(d.publicKey, `ML-DSA key ${i}`).toEqual(take([1312, 1952, 2592][i]!));
    const n = p256.Point.CURVE().n;
    const x = BigInt(`0x${bytesToHex(dev(48))}`);
    const p256Secret = hexToBytes(((x % (n - 1n)) + 1n).toString(16).padStart(64, '0'));
    expect(p256.getPublicKey(p256Secret, true)).toEqual(take(33));
    expect(at).toBe(reg.length);
    // 5 phone X25519, 6 ML-KEM coins, 7 clientNonce
    expect(x25519.getPublicKey(phone(32))).toEqual(field(v, 'ClientHello', 'x25519Share'));
    expect(ml_kem768.encapsulate(kem[1]!.publicKey, phone(32)).cipherText).toEqual(field(v, 'ClientHello', 'kemCiphertext'));
    expect(phone(32)).toEqual(field(v, 'ClientHello', 'clientNonce'));
    // 8 device X25519, 9 deviceNonce, 10 ML-DSA rnd (pure ML-DSA, empty context)
    expect(x25519.getPublicKey(dev(32))).toEqual(field(v, 'ServerHello', 'x25519Share'));
    expect(dev(32)).toEqual(field(v, 'ServerHello', 'deviceNonce'));
    const sigOffset = 6 + 32 + 32 + 32;
    expect(ml_dsa65.sign(signedContent(v, sigOffset), dsa[1]!.secretKey, { extraEntropy: dev(32) })).toEqual(field(v, 'ServerHello', 'signature'));
    // 11 phone actionId: the unlock record opens to 02 ‖ actionId (AES-256-GCM, nonce = c2sIv XOR seq 0)
    const rec = hexToBytes(v.messages[4]!.hex);
    const plain = gcm(hexToBytes(v.sessionKeys.c2sKey!), hexToBytes(v.sessionKeys.c2sIv!), rec.slice(0, 10)).decrypt(rec.slice(10));
    expect(plain).toEqual(concatBytes(Uint8Array.of(0x02), phone(8)));
  });

  it('classical-p256-aesgcm.json: P-256 key from 48 bytes, ECDSA with extra entropy, low S', () => {
    const v = load('./classical-p256-aesgcm.json');
    const dev = drbg(v.streams.device);
    const phone = drbg(v.streams.phone);
    phone(32); // bond key
    dev(16); // device id
    const n = p256.Point.CURVE().n;
    const secret = hexToBytes(((BigInt(`0x${bytesToHex(dev(48))}`) % (n - 1n)) + 1n).toString(16).padStart(64, '0'));
    expect(x25519.getPublicKey(phone(32))).toEqual(field(v, 'ClientHello', 'x25519Share'));
    expect(phone(32)).toEqual(field(v, 'ClientHello', 'clientNonce'));
    expect(x25519.getPublicKey(dev(32))).toEqual(field(v, 'ServerHello', 'x25519Share'));
    expect(dev(32)).toEqual(field(v, 'ServerHello', 'deviceNonce'));
    const sig = p256.sign(signedContent(v, 6 + 32 + 32 + 32), secret, { extraEntropy: dev(32), lowS: true, prehash: true });
    expect(sig).toEqual(field(v, 'ServerHello', 'signature'));
    expect(BigInt(`0x${bytesToHex(sig.slice(32))}`) <= n / 2n).toBe(true);
  });
});
