import { describe, expect, it } from 'vitest';
import { defaultProfile } from '../../../firmware/profiles/index.ts';
import { createRng } from '../../../sim/engine/index.ts';
import {
  addInto,
  batteryCurrentMa,
  chargeOf,
  derivedCurrentMa,
  modeCurrents,
  modeTable,
  nfcTransfer,
  opCurrents,
  POWER_MODES,
  sampleNfcTransfer,
  total,
  zero,
} from '../../../sim/device/index.ts';

const profile = defaultProfile();

describe('modeCurrents', () => {
  it('deepSleep sums the MCU RTC-on sleep, SE sleep, accelerometer 10 Hz and the power path', () => {
    const c = modeCurrents(profile, 'deepSleep');
    expect(c.mcu).toBeCloseTo(0.008, 12);
    expect(c.secureElement).toBeCloseTo(0.00003, 12);
    expect(c.accelerometer).toBeCloseTo(0.003, 12);
    expect(c.radio).toBe(0);
    expect(c.powerPath).toBeCloseTo(0.000025 + 0.003 + 0.003, 12);
    expect(total(c)).toBeCloseTo(0.017055, 12);
  });

  it('radio mode carries an idle connection: connEventCharge / connInterval = 5 mA', () => {
    expect(derivedCurrentMa(profile, 'derived:bleConnectionIdle')).toBeCloseTo(5, 12);
    expect(modeCurrents(profile, 'radio').radio).toBeCloseTo(5, 12);
    expect(derivedCurrentMa(profile, 'derived:bleAdvertisingSlow')).toBeCloseTo((0.3 / 966) * 1000, 12);
  });

  it('every mode is defined, active draws most, and charging feeds the cell', () => {
    const table = modeTable(profile);
    expect(Object.keys(table)).toEqual([...POWER_MODES]);
    expect(total(table.active)).toBeGreaterThan(total(table.idle));
    expect(total(table.idle)).toBeGreaterThan(total(table.radio));
    expect(total(table.off)).toBeLessThan(total(table.deepSleep));
    expect(batteryCurrentMa(profile, 'charging')).toBe(-100);
    expect(batteryCurrentMa(profile, 'active')).toBeCloseTo(65.9 + 0.00003 + 0.003 + 0.006025, 12);
    expect(() => modeCurrents(profile, 'turbo' as 'off')).toThrow("unknown power mode 'turbo'");
  });

  it('operation loads replace what the op changes', () => {
    expect(opCurrents(profile, 'seEcc')).toMatchObject({ mcu: 47.6, secureElement: 14 });
    expect(opCurrents(profile, 'flashWrite').mcu).toBeCloseTo(65.9 + 15, 12);
    expect(opCurrents(profile, 'mcuWake').mcu).toBe(30);
  });
});

describe('energy integration', () => {
  it('piecewise-constant currents sum exactly per component and in total', () => {
    const segments: [keyof ReturnType<typeof modeTable>, number][] = [
      ['deepSleep', 3_600_000], ['active', 156], ['radio', 420.5], ['idle', 81], ['lightSleep', 12_000],
    ];
    const acc = zero();
    for (const [mode, ms] of segments) addInto(acc, chargeOf(modeCurrents(profile, mode), ms));
    const byHand = segments.reduce((s, [mode, ms]) => s + (total(modeCurrents(profile, mode)) * ms) / 1000, 0);
    expect(total(acc)).toBeCloseTo(byHand, 12);
    expect(acc.mcu).toBeCloseTo((0.008 * 3_600_000 + 65.9 * 156 + 0.23 * 420.5 + 47.6 * 81 + 0.23 * 12_000) / 1000, 12);
  });
});

describe('nfc', () => {
  it('nfcTransfer(1000 B) = set-up 30 ms + 1000 B / 6 kB/s, in 16 SRAM chunks, at the tap current', () => {
    const r = nfcTransfer(profile, 1000);
    expect(r.durationMs).toBeCloseTo(30 + 1000 / 6, 12);
    expect(r.chunks).toBe(16);
    expect(r.charge.mcu).toBeCloseTo((65.9 * r.durationMs) / 1000, 12);
  });
  it('never beats the raw air time of 85 µs per byte', () => {
    const fast = { ...profile, nfc: { ...profile.nfc, effectiveThroughput: { ...profile.nfc.effectiveThroughput, value: 100 } } };
    expect(nfcTransfer(fast, 8488).durationMs).toBeCloseTo(30 + 8488 * 0.085, 9);
  });
  it('sampleNfcTransfer of the 8,488-byte PQ payload takes about 1.1–1.7 s (N8.8) at the median', () => {
    const rng = createRng(8).stream('nfc');
    const xs = Array.from({ length: 2001 }, () => sampleNfcTransfer(profile, 8488, rng).durationMs).sort((a, b) => a - b);
    expect(xs[1000]!).toBeGreaterThan(1100);
    expect(xs[1000]!).toBeLessThan(1700);
  });
});
