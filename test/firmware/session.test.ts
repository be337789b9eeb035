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

  // docs/protocol.md: every rejected record is fatal; the window decides which numbers are fresh.
  const fresh = (window: number) => pair('mlkem768-mldsa65-hybrid-aesgcm', window);
  const sealN = (s: Session, n: number) => Array.from({ length: n }, () => s.seal(new Uint8Array(1)));

  it('default window: accepts increasing numbers with gaps', () => {
    const { phone, device } = fresh(1);
    const r = sealN(phone, 4);
    device.open(r[0]!);
    device.open(r[2]!); // r[1] lost: a gap is fine
    device.open(r[3]!);
    expect(device.closed).toBe(false);
  });

  it('default window: a duplicate is replay.seq and closes the session', () => {
    const { phone, device } = fresh(1);
    const r = sealN(phone, 2);
    device.open(r[0]!);
    expect(checkOf(() => device.open(r[0]!))).toBe('replay.seq');
    expect(device.closed).toBe(true);
    expect(checkOf(() => device.open(r[1]!))).toBe('session.closed');
  });

  it('default window: an older number (reordering) is replay.seq and fatal', () => {
    const { phone, device } = fresh(1);
    const r = sealN(phone, 3);
    device.open(r[2]!);
    expect(checkOf(() => device.open(r[1]!))).toBe('replay.seq');
    expect(device.closed).toBe(true);
  });

  it('a 64-wide window accepts a reordered record once; the duplicate is fatal', () => {
    const { phone, device } = fresh(64);
    const r = sealN(phone, 3);
    device.open(r[2]!);
    device.open(r[0]!);
    device.open(r[1]!);
    expect(checkOf(() => device.open(r[0]!))).toBe('replay.seq');
    expect(device.closed).toBe(true);
  });

  it('a forged record is aead.tag, closes the session, and the genuine one then meets session.closed', () => {
    const { phone, device } = fresh(1);
    const r = phone.seal(new Uint8Array(1));
    const forged = r.slice();
    forged[forged.length - 1]! ^= 1;
    expect(checkOf(() => device.open(forged))).toBe('aead.tag');
    expect(__tests.sessionKeys(device)!.c2sKey.every((b) => b === 0)).toBe(true);
    expect(checkOf(() => device.open(r))).toBe('session.closed');
  });

  it('sequence limit: 2^64 - 2 is the last number sent; the next seal is seq.exhausted and closes', () => {
    const { phone, device } = fresh(1);
    __tests.setSendSeq(phone, 0xffff_ffff_ffff_fffen);
    const last = phone.seal(new Uint8Array(1));
    expect(bytesToHex(last.subarray(2, 10))).toBe('fffffffffffffffe');
    expect(device.open(last)).toEqual(new Uint8Array(1));
    expect(checkOf(() => phone.seal(new Uint8Array(1)))).toBe('seq.exhausted');
    expect(phone.closed).toBe(true);
  });

  it('sequence limit: a record carrying 2^64 - 1 is replay.seq, checked before the tag', () => {
    const { phone, device } = fresh(1);
    __tests.setSendSeq(phone, 0xffff_ffff_ffff_ffffn - 1n);
    phone.seal(new Uint8Array(1));
    // a sender that ignored the rule: force the reserved number through the test hook of a second session
    const rogue = pair('mlkem768-mldsa65-hybrid-aesgcm').phone;
    __tests.setSendSeq(rogue, 0xffff_ffff_ffff_fffen);
    const r = rogue.seal(new Uint8Array(1));
    r.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 2);
    expect(checkOf(() => device.open(r))).toBe('replay.seq');
  });

  it('limits: an empty record (plaintext 0) is decode.length; sealing one is refused', () => {
    const { phone, device } = fresh(1);
    const r = phone.seal(new Uint8Array(1));
    expect(checkOf(() => device.open(r.subarray(0, r.length - 1)))).toBe('decode.length');
    expect(() => phone.seal(new Uint8Array(0))).toThrow(RangeError);
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
  it('width w accepts s > highest, or highest - w < s <= highest once (w = 4, highest 10: 7..9 fresh, 6 old)', () => {
    const w = new ReplayWindow(4);
    w.check(0n); // nothing accepted yet: any number but the reserved one
    w.accept(10n);
    for (const s of [7n, 8n, 9n, 11n, 0xffff_ffff_ffff_fffen]) w.check(s);
    for (const s of [6n, 10n, 0xffff_ffff_ffff_ffffn]) expect(() => w.check(s)).toThrow(ProtocolError);
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
