import { describe, expect, it } from 'vitest';
import { defaultProfile } from '../../../firmware/profiles/index.ts';
import { createRng } from '../../../sim/engine/index.ts';
import {
  DEVICE_OPS,
  PHONE_OPS,
  advertisingParams,
  chargeInto,
  chargeOf,
  chargeTotal,
  createCryptoTiming,
  linkParams,
  modeCurrents,
  prepareLink,
  sampleConnectInto,
  sampleDiscoveryInto,
  sampleTransferInto,
  total,
  transferSample,
  zero,
  type DeviceOp,
} from '../../../sim/device/index.ts';

/**
 * The samplers are allocation-free (prepared link, results written into a reused object, ops by
 * id), the way the fleet runs them. Reusing the objects must not leak state between calls: the
 * same draws give bit-identical numbers as fresh objects, on links where packets are lost.
 */
const profile = defaultProfile();
const lossy = linkParams(profile, { phy: '2M', attMtu: 247, connIntervalMs: 15, rssiDbm: -95, interferencePer: 0.02 });
const dying = linkParams(profile, { phy: '1M', attMtu: 23, connIntervalMs: 30, rssiDbm: -104, supervisionTimeoutMs: 300 });

describe('allocation-free BLE samplers', () => {
  it('sampleTransferInto() on one prepared link and result reused for every size equals fresh ones, draw for draw', () => {
    for (const link of [lossy, dying]) {
      const a = createRng(11).stream('t');
      const b = createRng(11).stream('t');
      const prepared = prepareLink(profile, link);
      const out = transferSample();
      let failures = 0;
      for (let i = 0; i < 600; i++) {
        const bytes = [27, 1088, 1184, 3309, 4627][i % 5]!;
        const dir = i % 2 ? 'rx' : 'tx';
        const want = sampleTransferInto(transferSample(), prepareLink(profile, link), bytes, dir, a, i % 3 === 0);
        const got = sampleTransferInto(out, prepared, bytes, dir, b, i % 3 === 0);
        expect(got).toBe(out);
        expect([got.ok, got.durationMs, got.llPackets, got.transmissions, got.events, { ...got.charge }]).toEqual([
          want.ok, want.durationMs, want.llPackets, want.transmissions, want.events, want.charge,
        ]);
        if (!want.ok) failures++;
      }
      // The streams are still in step after all of it.
      expect(a.next()).toBe(b.next());
      if (link === dying) expect(failures).toBeGreaterThan(0);
    }
  });

  it('sampleConnectInto() reusing its link and result equals fresh ones, including lost connections', () => {
    const a = createRng(5).stream('c');
    const b = createRng(5).stream('c');
    const prepared = prepareLink(profile, dying);
    const out = { ok: true, events: 0, durationMs: 0, charge: zero() };
    let lost = 0;
    for (let i = 0; i < 400; i++) {
      const want = sampleConnectInto({ ok: true, events: 0, durationMs: 0, charge: zero() }, prepareLink(profile, dying), a);
      const got = sampleConnectInto(out, prepared, b);
      expect([got.ok, got.events, got.durationMs, { ...got.charge }]).toEqual([want.ok, want.events, want.durationMs, want.charge]);
      if (!want.ok) lost++;
    }
    expect(lost).toBeGreaterThan(0);
    expect(a.next()).toBe(b.next());
  });

  it('sampleDiscoveryInto() reusing its result equals a fresh one', () => {
    const adv = advertisingParams(profile, { rssiDbm: -92, timeoutMs: 20_000 });
    const a = createRng(3).stream('d');
    const b = createRng(3).stream('d');
    const out = { ok: true, advEvents: 0, durationMs: 0, charge: zero() };
    let failed = 0;
    for (let i = 0; i < 400; i++) {
      const want = sampleDiscoveryInto({ ok: true, advEvents: 0, durationMs: 0, charge: zero() }, profile, adv, a);
      const got = sampleDiscoveryInto(out, profile, adv, b);
      expect([got.ok, got.advEvents, got.durationMs, { ...got.charge }]).toEqual([want.ok, want.advEvents, want.durationMs, want.charge]);
      if (!want.ok) failed++;
    }
    expect(a.next()).toBe(b.next());
    expect(failed).toBeLessThan(400);
  });
});

describe('allocation-free power and crypto timing', () => {
  it('chargeInto() writes what chargeOf() returns', () => {
    const c = modeCurrents(profile, 'radio');
    const out = zero();
    expect(chargeInto(out, c, 12.5)).toBe(out);
    expect(out).toEqual(chargeOf(c, 12.5));
  });

  it('sampleMsById() and chargeMcById() equal sampleMs() and total(cost().charge) for every device op', () => {
    const t = createCryptoTiming(profile, { kem: 'mlkem1024', sig: 'mldsa87', aead: 'xchacha' });
    const a = createRng(8).stream('ops');
    const b = createRng(8).stream('ops');
    for (const op of DEVICE_OPS) {
      const id = t.opId(op);
      const bytes = op.startsWith('aead.') || op === 'flash.write' ? 1184 : undefined;
      for (let i = 0; i < 20; i++) {
        const want = t.sampleMs(op, a, bytes);
        const got = t.sampleMsById(id, b, bytes);
        expect(got).toBe(want);
        expect(t.chargeMcById(id, got)).toBe(total(t.cost(op as DeviceOp, want).charge));
      }
    }
    // Phone ops time but cost the keychain nothing; unknown and unavailable ops are refused by name.
    expect(t.sampleMsById(t.opId('phone.message'), b)).toBe(t.sampleMs('phone.message', a));
    expect(() => t.chargeMcById(t.opId(PHONE_OPS[0]), 1)).toThrow(/runs on the phone/);
    expect(() => t.opId('warp.drive' as DeviceOp)).toThrow(/unknown operation 'warp.drive'/);
    const classical = createCryptoTiming(profile, { kem: null, sig: 'p256', aead: 'aesgcm' });
    expect(() => classical.opId('mldsa.sign')).toThrow(/mldsa.sign is not available/);
    expect(() => classical.sampleMsById(9999, a)).toThrow(/no available operation with id 9999/);
  });
});

describe('chargeTotal', () => {
  it('equals total(chargeOf()) bit for bit in every power mode and for awkward durations', () => {
    for (const mode of ['deepSleep', 'lightSleep', 'idle', 'active', 'radio'] as const) {
      const c = modeCurrents(profile, mode);
      for (const ms of [0, 1e-3, 0.1, 7.3, 1234.5678, 86_400_000 / 7]) expect(chargeTotal(c, ms)).toBe(total(chargeOf(c, ms)));
    }
  });
});
