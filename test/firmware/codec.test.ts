import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeClientFinished,
  decodeClientHello,
  decodeDeviceRegistration,
  decodeRecord,
  decodeServerHello,
  encodeClientFinished,
  encodeClientHello,
  encodeServerHello,
  ProtocolError,
  SUITES,
  X25519_BYTES,
  bytesToHex,
  offerOrder,
} from '../../firmware/index.ts';

const suiteArb = fc.constantFrom(...SUITES);
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const chArb = suiteArb.chain((suite) =>
  fc.record({
    suite: fc.constant(suite),
    offered: fc.uniqueArray(suiteArb, { minLength: 0, maxLength: 5 }).map((o) => [suite, ...o.filter((s) => s !== suite)].sort(offerOrder)),
    clientNonce: bytes(32),
    x25519: suite.x25519 ? bytes(X25519_BYTES) : fc.constant(null),
    kemCiphertext: suite.kem ? bytes(suite.kem.cipherText) : fc.constant(null),
  }),
);

/** Decoding arbitrary bytes either succeeds or throws a ProtocolError: never anything else. */
function onlyProtocolErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
  }
}

describe('codec round trips', () => {
  it('decodeClientHello(encodeClientHello(x)) ≡ x', () => {
    fc.assert(
      fc.property(chArb, (m) => {
        const { msg, fields } = decodeClientHello(encodeClientHello(m));
        expect(msg.suite).toBe(m.suite);
        expect(msg.offered).toEqual(m.offered);
        expect(bytesToHex(msg.clientNonce)).toBe(bytesToHex(m.clientNonce));
        expect(msg.kemCiphertext ? bytesToHex(msg.kemCiphertext) : null).toBe(m.kemCiphertext ? bytesToHex(m.kemCiphertext) : null);
        expect(fields.map((f) => f.name)[0]).toBe('type');
      }),
      { numRuns: 60 },
    );
  });
  it('decodeServerHello(encodeServerHello(x)) ≡ x', () => {
    fc.assert(
      fc.property(
        suiteArb.chain((suite) => fc.record({ suite: fc.constant(suite), clientHelloHash: bytes(32), deviceNonce: bytes(32), x25519: suite.x25519 ? bytes(32) : fc.constant(null), signature: bytes(suite.sig.signature) })),
        (m) => {
          const enc = encodeServerHello(m);
          expect(encodeServerHello(decodeServerHello(enc).msg)).toEqual(enc);
        },
      ),
      { numRuns: 40 },
    );
  });
  it('decodeClientFinished(encodeClientFinished(x)) ≡ x', () => {
    fc.assert(
      fc.property(fc.record({ bondSlot: fc.integer({ min: 0, max: 255 }), confirm: bytes(32), auth: bytes(32) }), (m) => {
        expect(decodeClientFinished(encodeClientFinished(m)).msg).toEqual(m);
      }),
    );
  });
});

describe('codec rejects malformed input', () => {
  it('arbitrary bytes: only ProtocolError, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (b) => {
        onlyProtocolErrors(() => decodeClientHello(b));
        onlyProtocolErrors(() => decodeServerHello(b));
        onlyProtocolErrors(() => decodeClientFinished(b));
        onlyProtocolErrors(() => decodeRecord(b, 16));
        onlyProtocolErrors(() => decodeDeviceRegistration(b));
      }),
      { numRuns: 300 },
    );
  });
  it('a valid message with any byte changed, truncated or padded: decodes or a ProtocolError', () => {
    fc.assert(
      fc.property(chArb, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'truncate', 'pad'), (m, pos, v, how) => {
        const enc = encodeClientHello(m);
        const i = pos % enc.length;
        const b = how === 'set' ? Uint8Array.from(enc, (x, j) => (j === i ? v : x)) : how === 'truncate' ? enc.slice(0, i) : new Uint8Array([...enc, v]);
        onlyProtocolErrors(() => decodeClientHello(b));
        if (how !== 'set') expect(() => decodeClientHello(b)).toThrow(ProtocolError);
      }),
      { numRuns: 200 },
    );
  });
  it('names the check and field: version, type, length, suite', () => {
    const m = { suite: SUITES[0]!, offered: [SUITES[0]!], clientNonce: new Uint8Array(32), x25519: new Uint8Array(32), kemCiphertext: new Uint8Array(SUITES[0]!.kem!.cipherText) };
    const enc = encodeClientHello(m);
    const err = (b: Uint8Array) => {
      try {
        decodeClientHello(b);
      } catch (e) {
        return [(e as ProtocolError).check, (e as ProtocolError).field];
      }
      return null;
    };
    expect(err(Uint8Array.from(enc, (x, i) => (i === 1 ? 2 : x)))).toEqual(['decode.version', 'ClientHello.version']);
    expect(err(Uint8Array.from(enc, (x, i) => (i === 0 ? 0x02 : x)))).toEqual(['state.unexpected', 'ClientHello.type']);
    expect(err(Uint8Array.from(enc, (x, i) => (i === 0 ? 0x7f : x)))).toEqual(['decode.type', 'ClientHello.type']);
    expect(err(enc.slice(0, -1))).toEqual(['decode.length', 'ClientHello']);
    expect(err(Uint8Array.from(enc, (x, i) => (i === 3 ? 0x09 : x)))).toEqual(['suite.unknown', 'ClientHello.suite']);
    expect(err(Uint8Array.from(enc, (x, i) => (i === 6 ? 0 : x)))).toEqual(['decode.field', 'ClientHello.offeredCount']);
  });
});
