import { describe, expect, it } from 'vitest';
import { handshakeMessagesFor } from '../../reports/index.ts';
import { messageSizes } from '../../firmware/index.ts';

describe('handshakeMessagesFor()', () => {
  it('takes sizes from firmware and fragments at ATT MTU 247 (244 B per PDU)', () => {
    const m = handshakeMessagesFor('mlkem768-mldsa65-hybrid-aesgcm')!;
    const sizes = messageSizes('mlkem768-mldsa65-hybrid-aesgcm');
    expect(m.map((x) => x.name)).toEqual(['ClientHello', 'ServerHello', 'ClientFinished', 'SessionReady', 'UnlockRequest', 'UnlockResult']);
    expect(m[1]!.bytes).toBe(sizes.ServerHello);
    // ML-DSA-65 signature alone is 3309 B, so ServerHello needs at least 14 PDUs of 244 B.
    expect(m[1]!.fragments).toBe(Math.ceil(sizes.ServerHello / 244));
    expect(m[1]!.fragments).toBeGreaterThanOrEqual(14);
    expect(m.map((x) => x.from)).toEqual(['phone', 'keychain', 'phone', 'keychain', 'phone', 'keychain']);
  });

  it('a larger KEM gives a larger ClientHello', () => {
    const a = handshakeMessagesFor('mlkem768-mldsa65-hybrid-aesgcm')![0]!.bytes;
    const b = handshakeMessagesFor('mlkem1024-mldsa65-hybrid-aesgcm')![0]!.bytes;
    expect(b - a).toBe(1568 - 1088); // ML-KEM ciphertexts, FIPS 203
  });

  it('an unknown suite gives null (the chart then says the messages are unknown)', () => {
    expect(handshakeMessagesFor('no-such-suite')).toBeNull();
  });
});
