/**
 * Pins each decision docs/protocol.md v1 took on the gaps of issue 14: offer order and ties, the
 * default offer, the downgrade rule, ServerHello length by its own suite field, payload status
 * bytes, limits, high-S ECDSA, and check order where two checks could both apply.
 */
import { describe, expect, it } from 'vitest';
import { p256 } from '@noble/curves/nist.js';
import {
  createWorld,
  decodeDeviceRegistration,
  decodeServerHello,
  defaultOffer,
  DeviceHandshake,
  encodeClientHello,
  expectPayload,
  offerOrder,
  parseSuite,
  PhoneHandshake,
  ProtocolError,
  seededRandom,
  SUITES,
  type Suite,
} from '../../firmware/index.ts';

const s = (id: string) => parseSuite(id);
const checkOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return e instanceof ProtocolError ? e.check : `other: ${(e as Error).message}`;
  }
  return 'accepted';
};

describe('offer order (gap 4)', () => {
  it('is a strict total order over all 38 suites', () => {
    for (const a of SUITES) for (const b of SUITES) if (a !== b) expect(Math.sign(offerOrder(a, b))).toBe(-Math.sign(offerOrder(b, a)));
    const sorted = [...SUITES].sort(offerOrder);
    for (let i = 1; i < sorted.length; i++) expect(offerOrder(sorted[i - 1]!, sorted[i]!)).toBeLessThan(0);
  });
  it('breaks the strength ties: higher KEM category first, then AES-GCM before XChaCha', () => {
    expect(offerOrder(s('mlkem1024-mldsa65-hybrid-aesgcm'), s('mlkem768-mldsa87-hybrid-aesgcm'))).toBeLessThan(0);
    expect(offerOrder(s('mlkem768-mldsa65-hybrid-aesgcm'), s('mlkem768-mldsa65-hybrid-xchacha'))).toBeLessThan(0);
    expect(offerOrder(s('classical-p256-aesgcm'), s('classical-p256-xchacha'))).toBeLessThan(0);
  });
  it('default offer of mlkem512-mldsa65-hybrid: chosen, then ML-KEM-512+ML-DSA-44 hybrid, then the pure-PQ counterpart', () => {
    expect(defaultOffer(s('mlkem512-mldsa65-hybrid-aesgcm')).map((x) => x.id)).toEqual([
      'mlkem512-mldsa65-hybrid-aesgcm',
      'mlkem512-mldsa44-hybrid-aesgcm',
      'mlkem512-mldsa65-pq-aesgcm',
    ]);
    expect(defaultOffer(s('mlkem768-mldsa65-hybrid-aesgcm')).map((x) => x.id)).toEqual([
      'mlkem768-mldsa65-hybrid-aesgcm',
      'mlkem768-mldsa65-pq-aesgcm',
      'mlkem512-mldsa44-hybrid-aesgcm',
    ]);
  });
  it('every default offer is in offer order with the chosen suite first', () => {
    for (const x of SUITES) {
      const o = defaultOffer(x);
      expect(o[0]).toBe(x);
      expect([...o].sort(offerOrder)).toEqual(o);
    }
  });
});

describe('ClientHello offer rules on the device (gaps 4, 1)', () => {
  const hello = (suite: Suite, offered: Suite[]) =>
    encodeClientHello({ suite, offered, clientNonce: new Uint8Array(32).fill(7), x25519: suite.x25519 ? new Uint8Array(32).fill(9) : null, kemCiphertext: suite.kem ? new Uint8Array(suite.kem.cipherText) : null });
  const world = createWorld('v1-offer', defaultOffer(s('mlkem768-mldsa65-hybrid-aesgcm')));
  const device = () => new DeviceHandshake({ se: world.se });
  it('an offer out of order is decode.field', () => {
    const [a, b] = [s('mlkem768-mldsa65-hybrid-aesgcm'), s('mlkem512-mldsa44-hybrid-aesgcm')];
    expect(checkOf(() => device().receiveClientHello(hello(a, [b, a])))).toBe('decode.field');
  });
  it('choosing a supported suite that is not the first supported one in the offer is suite.downgrade', () => {
    const [a, b] = [s('mlkem768-mldsa65-hybrid-aesgcm'), s('mlkem768-mldsa65-pq-aesgcm')];
    expect(checkOf(() => device().receiveClientHello(hello(b, [a, b])))).toBe('suite.downgrade');
  });
  it('an offered suite the device does not accept may precede the chosen one', () => {
    const top = s('mlkem1024-mldsa87-hybrid-aesgcm'); // not provisioned
    const a = s('mlkem768-mldsa65-hybrid-aesgcm');
    expect(checkOf(() => device().receiveClientHello(hello(a, [top, a])))).toBe('accepted');
  });
  it('chosen not in the offer is suite.downgrade, checked before suite.unsupported', () => {
    const [a, other] = [s('mlkem768-mldsa65-hybrid-aesgcm'), s('mlkem1024-mldsa87-pq-xchacha')];
    expect(checkOf(() => device().receiveClientHello(hello(other, [a])))).toBe('suite.downgrade');
  });
});

describe('phone choice (gap 4)', () => {
  const world = createWorld('v1-phone', defaultOffer(s('mlkem768-mldsa65-hybrid-aesgcm')));
  it('the phone must choose the first offered suite the device registered, and offer in order', () => {
    const mk = (suite: Suite, offered: Suite[]) => () => new PhoneHandshake({ pairing: world.pairing, random: seededRandom('x'), suite, offered });
    const [a, b] = [s('mlkem768-mldsa65-hybrid-aesgcm'), s('mlkem768-mldsa65-pq-aesgcm')];
    expect(mk(b, [a, b])).toThrow(/must choose/);
    expect(mk(a, [b, a])).toThrow(/offer order/);
    expect(mk(a, [a, b])).not.toThrow();
  });
});

describe('ServerHello length is judged by the suite it names (gap 6)', () => {
  it('a ServerHello naming another suite at that suite’s length decodes; the phone then fails suite.mismatch', () => {
    const world = createWorld('v1-sh', defaultOffer(s('mlkem768-mldsa65-hybrid-aesgcm')));
    const phone = new PhoneHandshake({ pairing: world.pairing, random: world.phoneRandom });
    phone.x25519Keygen();
    phone.encapsulate();
    const device = new DeviceHandshake({ se: world.se });
    device.receiveClientHello(phone.clientHello());
    device.decapsulate();
    device.x25519Keygen();
    device.x25519Shared();
    const sh = device.sign();
    const pq = s('mlkem768-mldsa65-pq-aesgcm'); // no X25519 share: 32 bytes shorter
    const forged = new Uint8Array(sh.length - 32);
    forged.set(sh.subarray(0, 70));
    forged.set(pq.code, 2);
    forged.set(sh.subarray(102), 70);
    expect(decodeServerHello(forged).msg.suite).toBe(pq);
    expect(checkOf(() => phone.receiveServerHello(forged))).toBe('suite.mismatch');
    // the same bytes at the chosen suite's length would be judged by the named (pq) suite: decode.length
    const padded = new Uint8Array(sh.length);
    padded.set(forged);
    expect(checkOf(() => decodeServerHello(padded))).toBe('decode.length');
  });
});

describe('application payloads (gap 7)', () => {
  it('a first record that is not "ready" is state.unexpected; a bad status byte or length is decode.field', () => {
    expect(checkOf(() => expectPayload(new Uint8Array([0x03, 0x00]), 'ready'))).toBe('state.unexpected');
    expect(checkOf(() => expectPayload(new Uint8Array([0x01, 0x00]), 'ready'))).toBe('decode.field');
    expect(checkOf(() => expectPayload(new Uint8Array([0x03, 0x02]), 'result'))).toBe('decode.field');
    expect(checkOf(() => expectPayload(new Uint8Array([0x03, 0x01]), 'result'))).toBe('accepted');
    expect(checkOf(() => expectPayload(new Uint8Array([0x03, 0x00]), 'result'))).toBe('accepted');
  });
});

describe('limits (gap 9)', () => {
  it('a registration listing more than 38 suites is decode.field', () => {
    const reg = createWorld('v1-reg', [s('classical-p256-aesgcm')]).provisioning.registration.slice();
    reg[19] = 39;
    expect(checkOf(() => decodeDeviceRegistration(reg))).toBe('decode.field');
  });
  it('a high-S ECDSA signature is refused (sig.device): verification requires low S', () => {
    const sk = p256.utils.randomSecretKey(new Uint8Array(48).fill(5));
    const msg = new Uint8Array([1, 2, 3]);
    const sig = p256.sign(msg, sk);
    const pk = p256.getPublicKey(sk);
    const n = p256.Point.Fn.ORDER;
    const r = sig.slice(0, 32);
    const sv = BigInt('0x' + Buffer.from(sig.slice(32)).toString('hex'));
    const high = Uint8Array.from(Buffer.from((n - sv).toString(16).padStart(64, '0'), 'hex'));
    const highSig = new Uint8Array([...r, ...high]);
    expect(p256.verify(sig, msg, pk)).toBe(true);
    expect(p256.verify(highSig, msg, pk)).toBe(false);
  });
});
