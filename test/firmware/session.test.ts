import { describe, expect, it } from 'vitest';
import { Session, ReplayWindow, deriveSessionKeys, parseSuite, ProtocolError, bytesToHex } from '../../firmware/index.ts';
import { __tests } from '../../firmware/session.ts';

const pair = (suiteId: string, window = 1) => {
  const suite = parseSuite(suiteId);
  const mk = () => deriveSessionKeys(suite, new Uint8Array(32).fill(1), new Uint8Array(32).fill(2), new Uint8Array(32).fill(3));
  return { phone: new Session(suite, 'phone', mk(), window), device: new Session(suite, 'device', mk(), window) };
};
const checkOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as ProtocolError).check;
  }
  return 'accepted';
};

describe('Session', () => {
  for (const id of ['mlkem768-mldsa65-hybrid-aesgcm', 'mlkem768-mldsa65-hybrid-xchacha']) {
    it(`seals and opens in both directions (${id})`, () => {
      const { phone, device } = pair(id);
      expect(device.open(phone.seal(new Uint8Array([1, 2])))).toEqual(new Uint8Array([1, 2]));
      expect(phone.open(device.seal(new Uint8Array([3])))).toEqual(new Uint8Array([3]));
    });
  }

  it('puts the sequence number in the nonce: equal plaintexts give different ciphertexts', () => {
    const { phone } = pair('mlkem768-mldsa65-hybrid-aesgcm');
    const a = phone.seal(new Uint8Array(4));
    const b = phone.seal(new Uint8Array(4));
    expect(bytesToHex(a.subarray(10))).not.toBe(bytesToHex(b.subarray(10)));
  });

  it('rejects a record reflected to its sender (direction keys) with aead.tag', () => {
    const { phone } = pair('mlkem768-mldsa65-hybrid-aesgcm');
    expect(checkOf(() => phone.open(phone.seal(new Uint8Array(1))))).toBe('aead.tag');
  });

  it('rejects duplicates and reordering with the default window, and accepts gaps', () => {
    const { phone, device } = pair('mlkem768-mldsa65-hybrid-aesgcm');
    const r = [0, 1, 2, 3].map(() => phone.seal(new Uint8Array(1)));
    device.open(r[0]!);
    expect(checkOf(() => device.open(r[0]!))).toBe('replay.seq');
    device.open(r[2]!); // r[1] lost: a gap is fine
    expect(checkOf(() => device.open(r[1]!))).toBe('replay.seq');
    device.open(r[3]!);
  });

  it('with a 64-wide window accepts a reordered record once', () => {
    const { phone, device } = pair('mlkem768-mldsa65-hybrid-aesgcm', 64);
    const r = [0, 1, 2].map(() => phone.seal(new Uint8Array(1)));
    device.open(r[2]!);
    device.open(r[0]!);
    expect(checkOf(() => device.open(r[0]!))).toBe('replay.seq');
    device.open(r[1]!);
  });

  it('does not advance the window on a forged record', () => {
    const { phone, device } = pair('mlkem768-mldsa65-hybrid-aesgcm');
    const r = phone.seal(new Uint8Array(1));
    const forged = r.slice();
    forged[forged.length - 1]! ^= 1;
    expect(checkOf(() => device.open(forged))).toBe('aead.tag');
    expect(device.open(r)).toEqual(new Uint8Array(1));
  });

  it('close() zeroes every key byte in place, and use after close throws session.closed', () => {
    const { phone } = pair('mlkem768-mldsa65-hybrid-xchacha');
    const keys = __tests.sessionKeys(phone)!;
    const all = () => [keys.c2sKey, keys.c2sIv, keys.s2cKey, keys.s2cIv, keys.finishedKey];
    expect(all().some((k) => k.some((b) => b !== 0))).toBe(true);
    phone.close();
    for (const k of all()) expect(k.every((b) => b === 0)).toBe(true);
    expect(checkOf(() => phone.seal(new Uint8Array(1)))).toBe('session.closed');
    expect(checkOf(() => phone.open(new Uint8Array(30)))).toBe('session.closed');
    expect(phone.closed).toBe(true);
  });
});

describe('ReplayWindow', () => {
  it('rejects widths outside 1..1024', () => {
    expect(() => new ReplayWindow(0)).toThrow(/1\.\.1024/);
    expect(() => new ReplayWindow(1025)).toThrow(/1\.\.1024/);
  });
  it('drops sequence numbers that fall out of the window', () => {
    const w = new ReplayWindow(4);
    w.accept(10n);
    w.check(7n);
    expect(() => w.check(6n)).toThrow(/older than the replay window/);
    w.accept(8n);
    expect(() => w.check(8n)).toThrow(/already received/);
  });
});
