import { describe, expect, it } from 'vitest';
import { expandSweep, loadScenario, parseScenario, resolveScenario, ScenarioError } from '../../scenarios/index.ts';

const BASE = `name: t
seed: 1
devices: 10
duration: 7d
fleet:
  suites: { mlkem768-mldsa65-hybrid-aesgcm: 1.0 }
behaviour:
  unlocksPerDay: { dist: lognormal, median: 8, sigma: 0.5 }
`;

function errors(firmware: string): string[] {
  try {
    parseScenario(BASE + firmware, 'bad.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('bad.yaml:'));
  }
  throw new Error('scenario unexpectedly valid');
}

describe('scenario firmware: section', () => {
  it('defaults to today\'s firmware: deep sleep, 3 s window, every jostle wakes, the profile\'s intervals', () => {
    const { fleet } = resolveScenario(parseScenario(BASE, 'ok.yaml'));
    expect(fleet.firmware).toEqual({ keepsStackInSleep: false, advertiseWindowMs: 3000, jostlePassRate: 1 });
    expect(fleet.profile.ble.advIntervalSlow.ref).toBe('B7.16');
  });

  it('names the bad field and what it expects', () => {
    expect(errors('firmware: { sleep: hibernate }\n')[0]).toMatch(/firmware\.sleep: expected one of .*deepSleep.*lightSleep/);
    expect(errors('firmware: { advertising: { slowIntervalMs: 5 } }\n')[0]).toMatch(/firmware\.advertising\.slowIntervalMs: expected a number in 20\.\.10240/);
    expect(errors('firmware: { motionWake: { filter: any, jostlePassRate: 0.1 } }\n')[0]).toMatch(/firmware\.motionWake\.jostlePassRate: expected no such field with filter "any"/);
    expect(errors('firmware: { motionWake: { filter: tap, jostlePassRate: 2 } }\n')[0]).toMatch(/jostlePassRate: expected a number in 0\.\.1/);
  });

  it('advertising choices replace the profile\'s figures and cite the scenario', () => {
    const s = parseScenario(BASE + 'firmware: { advertising: { slowIntervalMs: 152.5, windowMs: 30000 } }\n', 'ok.yaml');
    const { fleet } = resolveScenario(s);
    expect(fleet.profile.ble.advIntervalSlow).toMatchObject({ value: 152.5, ref: 'scenario firmware.advertising' });
    expect(fleet.firmware.advertiseWindowMs).toBe(30_000);
  });

  it('firmware-strategies.yaml: every variant differs only in firmware, with the same seed', () => {
    const variants = expandSweep(loadScenario('scenarios/firmware-strategies.yaml')).map((v) => resolveScenario(v).fleet);
    expect(variants.length).toBe(6);
    expect(new Set(variants.map((v) => v.seed)).size).toBe(1);
    expect(new Set(variants.map((v) => JSON.stringify(v.behaviour))).size).toBe(1);
    expect(new Set(variants.map((v) => JSON.stringify(v.firmware))).size).toBe(6);
  });
});
