import { describe, expect, it } from 'vitest';
import { defaultProfile } from '../../../firmware/profiles/index.ts';
import { bleFragments } from '../../../firmware/index.ts';
import { createRng } from '../../../sim/engine/index.ts';
import {
  advertisingCurrentMa,
  advertisingParams,
  exchangeMs,
  idealTransferMs,
  linkParams,
  llPayloads,
  modeCurrents,
  packetErrorRate,
  pduAirtimeMs,
  prepareLink,
  sampleConnectInto,
  sampleDiscoveryInto,
  sampleTransferInto,
  transferSample,
  zero,
  type AdvertisingParams,
  type Direction,
  type LinkParams,
  total,
  batteryCurrentMa,
} from '../../../sim/device/index.ts';
import { meanDiscoveryDeterministicMs, SCAN_MODES, type Uniform } from '../../../sim/device/index.ts';

const profile = defaultProfile();

// The fleet's allocation-free samplers, each call on a fresh link and result object.
const sampleTransfer = (bytes: number, direction: Direction, link: LinkParams, u: Uniform, startAtAnchor = false) =>
  ({ ...sampleTransferInto(transferSample(), prepareLink(profile, link), bytes, direction, u, startAtAnchor) });
const sampleDiscovery = (adv: AdvertisingParams, u: Uniform) => sampleDiscoveryInto({ ok: true, advEvents: 0, durationMs: 0, charge: zero() }, profile, adv, u);
const sampleConnect = (link: LinkParams, u: Uniform) => sampleConnectInto({ ok: true, events: 0, durationMs: 0, charge: zero() }, prepareLink(profile, link), u);

describe('llPayloads', () => {
  it('agrees with firmware bleFragments on PDU counts and LL bytes', () => {
    for (const bytes of [0, 1, 32, 244, 245, 1088, 1120, 2420, 3309, 4627, 8488])
      for (const mtu of [23, 185, 247, 517]) {
        const f = bleFragments(bytes, mtu);
        const mine = llPayloads(bytes, mtu, 251);
        expect([mine.length, mine.reduce((s, x) => s + x, 0)]).toEqual([f.llPdus, f.llBytes]);
      }
  });
  it('a 1088-byte ciphertext at MTU 247 is 4 full 251-byte PDUs and one of 112 + 7', () => {
    expect(llPayloads(1088, 247, 251)).toEqual([251, 251, 251, 251, 119]);
  });
});

describe('idealTransferMs (hand calculations)', () => {
  it('1088 B, ATT MTU 247, LE 2M, 15 ms interval, 6 packets/event: 6.362 ms in one event', () => {
    // 2M: 4 µs per byte. Full PDU: (2 preamble + 4 AA + 2 header + 251 + 4 MIC + 3 CRC) = 266 B = 1064 µs.
    // Empty ack: (2 + 4 + 2 + 3) = 11 B = 44 µs. Exchange = 1064 + 150 + 44 + 150 = 1408 µs.
    // Last PDU 119 B: 134 B = 536 µs, + 150 + 44 (no trailing IFS) = 730 µs.
    const hand = 4 * 1.408 + 0.73;
    const link = linkParams(profile, { phy: '2M', attMtu: 247, connIntervalMs: 15, packetsPerEvent: 6 });
    expect(idealTransferMs(1088, link)).toBeCloseTo(hand, 9);
    expect(pduAirtimeMs('2M', 251, true)).toBeCloseTo(1.064, 12);
    expect(exchangeMs(link, 251)).toBeCloseTo(1.408, 12);
  });

  it('the same at 4 packets/event needs a second event: 15 + 0.730 ms', () => {
    const link = linkParams(profile, { phy: '2M', attMtu: 247, connIntervalMs: 15, packetsPerEvent: 4 });
    expect(idealTransferMs(1088, link)).toBeCloseTo(15 + 0.73, 9);
  });

  it('1088 B at ATT MTU 23, 27-byte LL payloads, LE 1M, 30 ms, 6 packets/event: 9 × 30 + 0.462 ms', () => {
    // 55 ATT PDUs of 20 B (the last 8 B) → LL payloads 27 (×54) and 15.
    // 1M: 8 µs/B. Full: (1+4+2+27+4+3) = 41 B = 328 µs; ack 10 B = 80 µs; exchange 708 µs.
    // 55 PDUs at 6 per event → 10 events; the last carries one 15-byte PDU: 29 B = 232 µs + 150 + 80.
    const link = linkParams(profile, { phy: '1M', attMtu: 23, llPayloadMax: 27, connIntervalMs: 30, packetsPerEvent: 6 });
    expect(llPayloads(1088, 23, 27)).toHaveLength(55);
    expect(idealTransferMs(1088, link)).toBeCloseTo(9 * 30 + 0.462, 9);
  });

  it('an event never runs past the next anchor: at 7.5 ms only 5 full 2M exchanges fit', () => {
    // 5 × 1408 − 150 = 6.89 ms ≤ 7.5; a sixth would end at 8.298 ms.
    const link = linkParams(profile, { phy: '2M', attMtu: 247, connIntervalMs: 7.5, packetsPerEvent: 10 });
    expect(idealTransferMs(6 * 244, link)).toBeCloseTo(7.5 + 1.408 - 0.15, 9);
  });
});

describe('packetErrorRate', () => {
  it('is ≈ 30.8 % for a 37-byte payload at the sensitivity (the BER 1e-3 definition, B7.25)', () => {
    const per = packetErrorRate(profile, '1M', -96.5, 37);
    expect(per).toBeCloseTo(1 - (1 - 1e-3) ** (8 * 47), 12);
    expect(per).toBeGreaterThan(0.3);
    expect(per).toBeLessThan(0.32);
  });
  it('falls by a decade of BER per 1.5 dB and floors at 1e-7', () => {
    expect(packetErrorRate(profile, '2M', -92 + 1.5, 0)).toBeCloseTo(1 - (1 - 1e-4) ** 80, 12);
    expect(packetErrorRate(profile, '2M', -30, 251)).toBeCloseTo(1 - (1 - 1e-7) ** (8 * 261), 12);
  });
});

describe('sampleTransfer', () => {
  const link = linkParams(profile, { phy: '2M', attMtu: 247, connIntervalMs: 15, packetsPerEvent: 6, rssiDbm: -40 });

  it('at strong signal equals the ideal transfer and charges bytes + events on the radio', () => {
    const r = sampleTransfer(1088, 'tx', link, createRng(1).stream('ble'), true);
    expect(r).toMatchObject({ ok: true, llPackets: 5, transmissions: 5, events: 1 });
    expect(r.durationMs).toBeCloseTo(idealTransferMs(1088, link), 12);
    const others = total({ ...modeCurrents(profile, 'radio'), radio: 0 });
    expect(r.charge.radio).toBeCloseTo(1123 * 0.0009 + 0.075, 12);
    expect(total(r.charge) - r.charge.radio).toBeCloseTo((others * r.durationMs) / 1000, 12);
    const rx = sampleTransfer(1088, 'rx', link, createRng(1).stream('ble'), true);
    expect(rx.charge.radio).toBeCloseTo(1123 * 0.00055 + 0.075, 12);
  });

  it('waits U(0, interval) for the next anchor unless told it starts at one', () => {
    const rng = createRng(2).stream('wait');
    const waits = Array.from({ length: 4000 }, () => sampleTransfer(20, 'tx', link, rng).durationMs - idealTransferMs(20, link));
    const mean = waits.reduce((s, x) => s + x, 0) / waits.length;
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...waits)).toBeLessThan(15);
    expect(mean).toBeGreaterThan(7);
    expect(mean).toBeLessThan(8);
  });

  it('with packet loss, the mean number of transmissions is packets / P(success) and lost packets cost intervals', () => {
    const lossy = { ...link, rssiDbm: -90 };
    const fail = 1 - (1 - packetErrorRate(profile, '2M', -90, 251)) * (1 - packetErrorRate(profile, '2M', -90, 0));
    expect(fail).toBeGreaterThan(0.05);
    const rng = createRng(3).stream('loss');
    const n = 3000;
    let tx = 0;
    let slower = 0;
    for (let i = 0; i < n; i++) {
      const r = sampleTransfer(4 * 244, 'tx', lossy, rng, true);
      expect(r.ok).toBe(true);
      tx += r.transmissions;
      if (r.durationMs >= 15) slower++;
    }
    const expected = 4 / (1 - fail);
    expect(tx / n / expected).toBeGreaterThan(0.97);
    expect(tx / n / expected).toBeLessThan(1.03);
    // P(no loss among 4) = (1 − fail)^4: every other run needs at least one more event.
    expect(slower / n).toBeCloseTo(1 - (1 - fail) ** 4, 1);
  });

  it('loses the link after the supervision timeout when nothing gets through', () => {
    const dead = { ...link, rssiDbm: -120 };
    const r = sampleTransfer(1088, 'rx', dead, createRng(4).stream('dead'), true);
    expect(r).toMatchObject({ ok: false, events: expect.any(Number) });
    expect(r.durationMs).toBe(6000);
    expect(r.events).toBe(Math.ceil(6000 / 15));
  });

  it('same seed ⇒ the same result', () => {
    const lossy = { ...link, rssiDbm: -89 };
    const a = sampleTransfer(3309, 'tx', lossy, createRng(9).stream('x'));
    const b = sampleTransfer(3309, 'tx', lossy, createRng(9).stream('x'));
    expect(a).toEqual(b);
  });
});

describe('sampleDiscovery', () => {
  const scan = (id: keyof typeof SCAN_MODES) => ({ scanWindowMs: SCAN_MODES[id].windowMs, scanIntervalMs: SCAN_MODES[id].intervalMs });
  const meanOf = (adv: AdvertisingParams, seed: number, n: number) => {
    const rng = createRng(seed).stream('adv');
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const r = sampleDiscovery(adv, rng);
      expect(r.ok).toBe(true);
      sum += r.durationMs;
      sq += r.durationMs ** 2;
    }
    const mean = sum / n;
    return { mean, se: Math.sqrt((sq / n - mean ** 2) / n) };
  };

  it('a continuous scanner (LOW_LATENCY 100/100 ms) at a strong signal hears the first advertising event', () => {
    const adv = advertisingParams(profile, { ...scan('android-low-latency'), rssiDbm: -40 });
    const r = sampleDiscovery(adv, createRng(1).stream('adv'));
    expect(r.ok && r.advEvents).toBe(1);
    expect(r.durationMs).toBe(0);
    expect(r.charge.radio).toBeCloseTo(0.3, 12);
  });

  it('the phase integral agrees with the analytic limit (I − W)² / 2I for dense advertising', () => {
    for (const id of ['android-balanced', 'android-low-power', 'android-screen-off'] as const) {
      const { windowMs: w, intervalMs: i } = SCAN_MODES[id];
      expect(meanDiscoveryDeterministicMs(0.25, w, i, 4000)).toBeCloseTo((i - w) ** 2 / (2 * i), 0);
    }
  });

  it('for deterministic advertising the sampled mean matches the integral over the scan phase', () => {
    for (const [id, seed] of [['android-balanced', 11], ['android-low-power', 12], ['android-screen-off', 13]] as const) {
      const adv = advertisingParams(profile, { ...scan(id), advDelayMaxMs: 0, rssiDbm: -20 });
      const want = meanDiscoveryDeterministicMs(adv.advIntervalFastMs, adv.scanWindowMs, adv.scanIntervalMs);
      const { mean, se } = meanOf(adv, seed, 20_000);
      expect(Math.abs(mean - want)).toBeLessThan(4 * se);
    }
  });

  it('BALANCED (183/730 ms) with 20 ms advertising takes about 215 ms on average, not the duty-cycle 75 ms', () => {
    const closed = meanDiscoveryDeterministicMs(20, 183, 730);
    expect(closed).toBeGreaterThan(205);
    expect(closed).toBeLessThan(225);
    // With advDelay U(0, 10 ms) the mean gap is 25 ms: the integral at 25 ms within sampling error.
    const adv = advertisingParams(profile, { ...scan('android-balanced'), rssiDbm: -20 });
    const { mean, se } = meanOf(adv, 14, 20_000);
    expect(Math.abs(mean - meanDiscoveryDeterministicMs(25, 183, 730))).toBeLessThan(4 * se + 3);
    expect(mean).toBeGreaterThan(200);
  });

  it('a screen-off or iOS-background phone takes seconds', () => {
    for (const id of ['android-screen-off', 'ios-background'] as const) {
      const { mean } = meanOf(advertisingParams(profile, { ...scan(id), rssiDbm: -20 }), 15, 4000);
      expect(mean).toBeGreaterThan(4000);
      expect(mean).toBeLessThan(5500);
    }
  });

  it('after the fast phase advertising slows down, and an unheard keychain fails at the timeout', () => {
    const adv = advertisingParams(profile, { rssiDbm: -130, timeoutMs: 60_000 });
    const r = sampleDiscovery(adv, createRng(3).stream('slow'));
    expect(r.ok).toBe(false);
    expect(r.durationMs).toBe(60_000);
    // 30 s of 20 + U(0, 10) ms gaps (≈ 1200 events), then 30 s of 961 + U(0, 10) ms (≈ 31).
    expect(r.advEvents).toBeGreaterThan(1190);
    expect(r.advEvents).toBeLessThan(1245);
  });

  it('a packet lost in a window is not heard: at the sensitivity edge discovery takes longer', () => {
    const strong = meanOf(advertisingParams(profile, { ...scan('android-balanced'), rssiDbm: -20 }), 16, 4000).mean;
    const adv = advertisingParams(profile, { ...scan('android-balanced'), rssiDbm: -97, timeoutMs: 1e9 });
    const per = packetErrorRate(profile, '1M', -97, 37);
    expect(per).toBeGreaterThan(0.2);
    expect(meanOf(adv, 17, 4000).mean).toBeGreaterThan(strong + 20);
  });

  it('equals, bit for bit, the plain loop with a float modulo per event (integral and fractional scan intervals, lossy and clean links)', () => {
    // The model as written before the modulo was stepped: the first event in a window and not lost.
    const reference = (adv: AdvertisingParams, u: Uniform) => {
      const per = packetErrorRate(profile, adv.phy, adv.rssiDbm, profile.ble.advPayloadBytes.value);
      const continuous = adv.scanWindowMs >= adv.scanIntervalMs;
      const phase = continuous ? 0 : u.next() * adv.scanIntervalMs;
      let t = 0;
      let events = 0;
      for (; t <= adv.timeoutMs; t += (t < adv.advFastDurationMs ? adv.advIntervalFastMs : adv.advIntervalSlowMs) + u.next() * adv.advDelayMaxMs) {
        events++;
        if ((continuous || (t + phase) % adv.scanIntervalMs < adv.scanWindowMs) && (per === 0 || u.next() >= per)) return { ok: true, t, events };
      }
      return { ok: false, t: adv.timeoutMs, events };
    };
    const scans: [number, number][] = [[183, 730], [512, 10240], [140, 1400], [100, 100], [37.5, 731.25], [0.3, 1e-1 + 733.3]];
    let compared = 0;
    for (const [scanWindowMs, scanIntervalMs] of scans) {
      for (const rssiDbm of [-60, -95, -99]) {
        const adv = advertisingParams(profile, { scanWindowMs, scanIntervalMs, rssiDbm, timeoutMs: 40_000 });
        const a = createRng(3).stream(`d${scanIntervalMs}`, -rssiDbm);
        const b = createRng(3).stream(`d${scanIntervalMs}`, -rssiDbm);
        for (let i = 0; i < 300; i++) {
          const want = reference(adv, a);
          const got = sampleDiscovery(adv, b);
          expect([got.ok, got.durationMs, got.advEvents]).toEqual([want.ok, want.t, want.events]);
          compared += want.events;
        }
      }
    }
    expect(compared).toBeGreaterThan(100_000);
  });

  it('refuses a window longer than its interval', () => {
    expect(() => advertisingParams(profile, { scanWindowMs: 200, scanIntervalMs: 100 })).toThrow(/scan window must be in \(0, interval\], got 200\/100 ms/);
  });
});

describe('advertisingCurrentMa', () => {
  it('is the lightSleep current plus one 0.3 mC advertising event per 20 + 5 ms (+12 mA)', () => {
    expect(advertisingCurrentMa(profile)).toBeCloseTo(batteryCurrentMa(profile, 'lightSleep') + 12, 9);
  });

  it('matches the charge rate of an unheard fast-phase discovery', () => {
    const adv = advertisingParams(profile, { rssiDbm: -130, timeoutMs: 20_000 });
    const r = sampleDiscovery(adv, createRng(4).stream('unheard'));
    expect(r.ok).toBe(false);
    expect((total(r.charge) / r.durationMs) * 1000).toBeCloseTo(advertisingCurrentMa(profile), 1);
  });
});

describe('sampleConnect', () => {
  it('median set-up time is connectToReady (300 ms) at a strong signal', () => {
    const link = linkParams(profile, { rssiDbm: -40 });
    const rng = createRng(5).stream('conn');
    const xs = Array.from({ length: 4001 }, () => sampleConnect(link, rng).durationMs).sort((a, b) => a - b);
    expect(xs[2000]! / 300).toBeCloseTo(1, 1);
  });
  it('fails by supervision timeout on a dead link', () => {
    const link = linkParams(profile, { rssiDbm: -125 });
    const r = sampleConnect(link, createRng(6).stream('conn'));
    expect(r).toMatchObject({ ok: false, events: expect.any(Number) });
  });
});
