import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario, ScenarioError } from '../../scenarios/index.ts';
import { resolveScenario } from '../../scenarios/resolve.ts';
import { cumulativeShares, SCAN_MODE_IDS, scanModeOfDevice } from '../../sim/device/index.ts';

const GOOD = `name: t
seed: 1
devices: 10
duration: 7d
fleet:
  suites: { mlkem768-mldsa65-hybrid-aesgcm: 1.0 }
behaviour:
  unlocksPerDay: { dist: lognormal, median: 8, sigma: 0.5 }
`;

function messages(text: string): string[] {
  try {
    parseScenario(text, 'bad.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('bad.yaml:'));
  }
  throw new Error('scenario unexpectedly valid');
}

describe('behaviour.phoneScan', () => {
  it('defaults to Android BALANCED for every owner', () => {
    expect(parseScenario(GOOD, 'ok.yaml').behaviour.phoneScan).toEqual({ 'android-balanced': 1 });
  });

  it('normalises relative shares and reaches the fleet config', () => {
    const s = parseScenario(`${GOOD}  phoneScan: { android-balanced: 2, ios-background: 2 }\n`, 'ok.yaml');
    expect(s.behaviour.phoneScan).toEqual({ 'android-balanced': 0.5, 'ios-background': 0.5 });
    expect(resolveScenario(s, {}).fleet.behaviour.phoneScan).toEqual({ 'android-balanced': 0.5, 'ios-background': 0.5 });
  });

  it('names an unknown mode with the nearest one, and refuses all-zero shares', () => {
    expect(messages(`${GOOD}  phoneScan: { android-balance: 1 }\n`)).toEqual([
      'bad.yaml:9:16: behaviour.phoneScan.android-balance: expected a scan mode (did you mean "android-balanced"?), got an unknown mode',
    ]);
    expect(messages(`${GOOD}  phoneScan: { ios-background: 0 }\n`)[0]).toMatch(/behaviour\.phoneScan: expected at least one scan mode with a share > 0/);
  });

  it('refuses the removed radio.scanDuty with the mode it meant', () => {
    const m = messages(`${GOOD}radio:\n  scanDuty: 0.25\n`);
    expect(m).toHaveLength(1);
    expect(m[0]).toMatch(/^bad\.yaml:10:3: radio\.scanDuty: expected no such field any more: phones scan in windows, set behaviour\.phoneScan/);
    expect(m[0]).toMatch(/android-balanced 25 %.*0\.25 was android-balanced/);
  });

  it('office-fleet gives its owners the modes it documents', () => {
    expect(loadScenario('scenarios/office-fleet.yaml').behaviour.phoneScan).toEqual({ 'android-balanced': 0.45, 'android-screen-off': 0.25, 'ios-background': 0.3 });
  });
});

describe('scanModeOfDevice', () => {
  it('gives each mode its share of a fleet to within a few devices, without a random draw', () => {
    const shares = { 'android-balanced': 0.45, 'android-screen-off': 0.25, 'ios-background': 0.3 } as const;
    const cum = cumulativeShares(SCAN_MODE_IDS, shares);
    for (const n of [20, 1000, 10_000]) {
      const counts = new Array<number>(SCAN_MODE_IDS.length).fill(0);
      for (let g = 0; g < n; g++) counts[scanModeOfDevice(g, cum)]!++;
      for (const [id, share] of Object.entries(shares)) expect(Math.abs(counts[SCAN_MODE_IDS.indexOf(id as never)]! - share * n)).toBeLessThanOrEqual(3);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
    }
  });
});
