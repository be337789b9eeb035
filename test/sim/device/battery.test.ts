import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultProfile, validateProfile } from '../../../firmware/profiles/index.ts';
import {
  advanceCharge,
  createCell,
  cutoffMah,
  isBrownedOut,
  loadedVoltage,
  MONTH_MS,
  ocvOf,
  timeToChargeMs,
  timeToCutoffMs,
  timeToFullMs,
} from '../../../sim/device/index.ts';

const profile = defaultProfile();
const H = 3_600_000;

describe('createCell', () => {
  it('createCell(profile) at 20 °C derates 200 mAh by the B6.9 table (0.95 at 10 °C, 1.00 at 25 °C)', () => {
    const cell = createCell(profile);
    expect(cell.capacityMah).toBeCloseTo(200 * (0.95 + (10 / 15) * 0.05), 10);
    expect(createCell(profile, { temperatureC: -20 }).capacityMah).toBeCloseTo(100, 10);
    expect(createCell(profile, { temperatureC: -40 }).capacityMah).toBeCloseTo(100, 10); // clamped
    expect(createCell(profile, { temperatureC: 25, capacityFactor: 0.9 }).capacityMah).toBeCloseTo(180, 10);
  });

  it('self-discharge is 2 %/month at 20 °C and doubles at 30 °C', () => {
    const cell = createCell(profile);
    const q = advanceCharge(cell, 100, 0, MONTH_MS);
    expect(q).toBeCloseTo(98, 10);
    expect(createCell(profile, { temperatureC: 30 }).selfDischargePerMs / cell.selfDischargePerMs).toBeCloseTo(2, 12);
  });

  it('OCV follows the B6.1 table and the loaded voltage drops by I·R', () => {
    const cell = createCell(profile, { temperatureC: 25 });
    expect(ocvOf(cell, 200)).toBeCloseTo(4.2, 12);
    expect(ocvOf(cell, 100)).toBeCloseTo(3.84, 12);
    expect(ocvOf(cell, 0.025 * 200)).toBeCloseTo((3.61 + 3.0) / 2, 12);
    expect(loadedVoltage(cell, 100, 176)).toBeCloseTo(3.84 - 0.176 * 0.3, 12);
  });
});

describe('cutoff', () => {
  const cell = createCell(profile, { temperatureC: 25 });
  it('cutoffMah(cell, I) solves OCV(q) − I·R = 3.3 V on the 0–5 % segment of the table', () => {
    // by hand: between (0 %, 3.00 V) and (5 %, 3.61 V)
    expect(cutoffMah(cell, 0)).toBeCloseTo(200 * 0.05 * (0.3 / 0.61), 10);
    expect(cutoffMah(cell, 176)).toBeCloseTo(200 * 0.05 * ((0.3 + 0.176 * 0.3) / 0.61), 10);
    expect(isBrownedOut(cell, 5.5, 176)).toBe(true);
    expect(isBrownedOut(cell, 5.5, 0.02)).toBe(false);
  });
});

describe('timeToCutoffMs', () => {
  it('constant current: battery life = usable capacity ÷ (current + self-discharge) within 0.5 %', () => {
    const cell = createCell(profile, { temperatureC: 25 });
    // Down to 50 µA (about 5 months): there the mean-charge correction is second-order accurate;
    // the exact solution at lower currents is checked against an explicit integration below.
    for (const currentMa of [0.05, 0.1, 1, 20]) {
      const q0 = cell.capacityMah;
      const qc = 200 * 0.05 * ((0.3 + (currentMa * 0.3) / 1000) / 0.61); // hand: the 0–5 % OCV segment
      // 2 %/month at 20 °C, doubling per 10 °C (B6.7): ×√2 at 25 °C
      const lambdaPerHour = (-Math.log(0.98) / (MONTH_MS / H)) * Math.SQRT2;
      // Self-discharge as the equivalent current at the mean charge over the discharge.
      const handHours = (q0 - qc) / (currentMa + lambdaPerHour * ((q0 + qc) / 2));
      const simHours = timeToCutoffMs(cell, q0, currentMa) / H;
      expect(Math.abs(simHours / handHours - 1)).toBeLessThan(0.005);
    }
  });

  it('without self-discharge the life is exactly capacity ÷ current', () => {
    const cell = { ...createCell(profile, { temperatureC: 25 }), selfDischargePerMs: 0 };
    const qc = cutoffMah(cell, 2);
    expect(timeToCutoffMs(cell, 200, 2)).toBeCloseTo(((200 - qc) / 2) * H, 3);
  });

  it('agrees with a fine explicit integration of dq/dt = −I − λq', () => {
    const cell = createCell(profile, { temperatureC: 45 }); // 5.7× faster self-discharge
    const I = 0.01;
    const qc = cutoffMah(cell, I);
    let q = cell.capacityMah;
    let t = 0;
    const dt = 3_600_000; // 1 h steps, midpoint (RK2) rule
    while (q > qc) {
      const k1 = -I / H - cell.selfDischargePerMs * q;
      const mid = q + (k1 * dt) / 2;
      const k2 = -I / H - cell.selfDischargePerMs * mid;
      const next = q + k2 * dt;
      if (next <= qc) {
        t += ((q - qc) / (q - next)) * dt;
        q = qc;
        break;
      }
      q = next;
      t += dt;
    }
    expect(timeToCutoffMs(cell, cell.capacityMah, I) / t).toBeCloseTo(1, 4);
  });

  it('is 0 at or below the cutoff and Infinity while charging', () => {
    const cell = createCell(profile);
    expect(timeToCutoffMs(cell, 1, 1)).toBe(0);
    expect(timeToCutoffMs(cell, 100, -50)).toBe(Infinity);
  });

  it('advanceCharge(timeToCutoffMs) lands on the cutoff charge', () => {
    const cell = createCell(profile, { temperatureC: 0 });
    const t = timeToCutoffMs(cell, 150, 0.5);
    expect(advanceCharge(cell, 150, 0.5, t)).toBeCloseTo(cutoffMah(cell, 0.5), 9);
  });
});

describe('advanceCharge', () => {
  const cell = createCell(profile);
  it('piecewise-constant segments compose exactly: 1000 pieces equal one segment', () => {
    let q = 150;
    for (let k = 0; k < 1000; k++) q = advanceCharge(cell, q, 3.7, 86_400);
    expect(q).toBeCloseTo(advanceCharge(cell, 150, 3.7, 86_400_000), 10);
  });

  it('without self-discharge the drop is exactly the sum of I·t over the segments', () => {
    const lossless = { ...cell, selfDischargePerMs: 0 };
    const segments: [number, number][] = [[0.017, 3.6e6], [65.9, 156], [176, 1.064], [5, 30_000], [0.23, 12_345]];
    let q = 100;
    for (const [i, t] of segments) q = advanceCharge(lossless, q, i, t);
    const drop = segments.reduce((s, [i, t]) => s + (i * t) / H, 0);
    expect(q).toBeCloseTo(100 - drop, 12);
  });

  it('charging stops at full capacity; timeToFullMs is exact', () => {
    expect(advanceCharge(cell, 10, -100, 10 * H)).toBe(cell.capacityMah);
    const t = timeToFullMs(cell, 10);
    expect(t / H).toBeCloseTo((cell.capacityMah - 10) / 100, 3);
    expect(advanceCharge(cell, 10, -100, t)).toBeCloseTo(cell.capacityMah, 9);
    expect(timeToChargeMs(cell, 50, 1, 60)).toBe(Infinity); // discharging never rises
  });
});

describe('profile-driven', () => {
  it('a profile without self-discharge gives capacity ÷ current exactly', () => {
    const raw = JSON.parse(JSON.stringify(profileJson()));
    raw.battery.selfDischargePerMonth.v = 0;
    const p = validateProfile(raw, 'test');
    const cell = createCell(p, { temperatureC: 25 });
    expect(cell.selfDischargePerMs).toBe(0);
    expect(timeToCutoffMs(cell, 200, 1) / H).toBeCloseTo(200 - cutoffMah(cell, 1), 9);
  });
});

function profileJson(): unknown {
  return JSON.parse(readFileSync('firmware/profiles/esp32s3-atecc608b-lis2dh12-200mah.json', 'utf8'));
}
