import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandSweep, loadScenario, parseScenario, parseDuration, ScenarioError } from '../../scenarios/index.ts';
import { SUITE_IDS } from '../../firmware/index.ts';

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

describe('shipped scenarios', () => {
  const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
  it('include quickstart, office-fleet, kem-levels and lossy-radio', () => {
    expect(files).toEqual(expect.arrayContaining(['quickstart.yaml', 'office-fleet.yaml', 'kem-levels.yaml', 'lossy-radio.yaml']));
  });
  for (const f of files)
    it(`loadScenario('scenarios/${f}') validates`, () => {
      const s = loadScenario(`scenarios/${f}`);
      expect(s.name).toBe(f.replace('.yaml', ''));
      expect(typeof s.seed).toBe('number');
      for (const id of Object.keys(s.fleet.suites)) expect(SUITE_IDS).toContain(id);
    });

  it('quickstart is about 100 keychains × 7 days; office-fleet 10,000 × 1 year', () => {
    const q = loadScenario('scenarios/quickstart.yaml');
    expect([q.devices, q.durationMs]).toEqual([100, 7 * 86_400_000]);
    const o = loadScenario('scenarios/office-fleet.yaml');
    expect([o.devices, o.durationMs]).toEqual([10_000, 365 * 86_400_000]);
    expect(o.behaviour.diurnal.weights).toHaveLength(24);
    expect(o.behaviour.diurnal.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('kem-levels expands to the 3 × 3 ML-KEM × ML-DSA grid with the same seed', () => {
    const base = loadScenario('scenarios/kem-levels.yaml');
    const variants = expandSweep(base);
    expect(variants.map((v) => Object.keys(v.fleet.suites)[0])).toEqual(
      ['mlkem512', 'mlkem768', 'mlkem1024'].flatMap((k) => ['mldsa44', 'mldsa65', 'mldsa87'].map((s) => `${k}-${s}-hybrid-aesgcm`)),
    );
    expect(new Set(variants.map((v) => v.seed))).toEqual(new Set([base.seed]));
    expect(variants[0]!.name).toBe('kem-levels/mlkem512-mldsa44');
    expect(variants.every((v) => v.sweep.length === 0 && v.devices === base.devices)).toBe(true);
  });
});

describe('parseScenario', () => {
  it('fills defaults: start, profile, radio, sinks', () => {
    const s = parseScenario(GOOD, 'good.yaml');
    expect(s.start).toBe('2026-01-01T00:00:00Z');
    expect(s.profile).toBe('default');
    expect(s.radio).toMatchObject({ phy: '2M', attMtu: 247, connIntervalMs: 15, loss: { model: 'rssi' } });
    expect(s.sinks).toEqual({ store: 'pglite', influx: null });
    expect(s.fleet.capacityFactor).toEqual({ dist: 'constant', value: 1 });
  });

  it('a missing required field names the file, the line of its parent and the expectation', () => {
    expect(messages(GOOD.replace('seed: 1\n', ''))).toEqual(['bad.yaml:1:1: seed: expected a value (required field), got nothing']);
    expect(messages(GOOD.replace('  unlocksPerDay: { dist: lognormal, median: 8, sigma: 0.5 }\n', '  phoneInRange: 0.5\n'))).toEqual([
      'bad.yaml:8:3: behaviour.unlocksPerDay: expected a value (required field), got nothing',
    ]);
  });

  it('a cell capacity factor the fleet would raise is refused, not silently changed', () => {
    const text = GOOD.replace('  suites: { mlkem768-mldsa65-hybrid-aesgcm: 1.0 }\n', '  suites: { mlkem768-mldsa65-hybrid-aesgcm: 1.0 }\n  capacityFactor: 0.01\n');
    expect(messages(text)).toEqual([expect.stringMatching(/^bad\.yaml:\d+:\d+: fleet\.capacityFactor\.value: expected a value >= 0\.05, got 0\.01$/)]);
    expect(() => parseScenario(text.replace('capacityFactor: 0.01', 'capacityFactor: 0.05'), 'ok.yaml')).not.toThrow();
  });

  it('a wrong value names its line and column', () => {
    expect(messages(GOOD.replace('devices: 10', 'devices: -3'))).toEqual(['bad.yaml:3:10: devices: expected an integer in 1..10000000, got -3']);
    expect(messages(GOOD.replace('duration: 7d', 'duration: 7 days'))).toEqual([
      'bad.yaml:4:11: duration: expected a duration like 7d, 12h, 1y (units ms, s, min, h, d, w, y; at most 20y), got "7 days"',
    ]);
    expect(messages(GOOD.replace('sigma: 0.5', 'sigma: -1'))).toEqual([
      'bad.yaml:8:55: behaviour.unlocksPerDay.sigma: expected a number ≥ 0, got -1',
    ]);
  });

  it('an unknown field suggests the closest known one', () => {
    expect(messages(GOOD + '  phoneInRnage: 0.8\n')).toEqual([
      'bad.yaml:9:3: behaviour.phoneInRnage: expected a known field (did you mean "phoneInRange"?), got an unknown field',
    ]);
    expect(messages(GOOD + 'raido: { phy: 2M }\n')).toEqual([
      'bad.yaml:9:1: raido: expected a known field (did you mean "radio"?), got an unknown field',
    ]);
  });

  it('an unknown suite id suggests the closest real one', () => {
    expect(messages(GOOD.replace('mlkem768-mldsa65-hybrid-aesgcm', 'mlkem768-mldsa65-hybird-aesgcm'))).toEqual([
      'bad.yaml:6:13: fleet.suites.mlkem768-mldsa65-hybird-aesgcm: expected a suite id (did you mean "mlkem768-mldsa65-hybrid-aesgcm"?), got an unknown suite',
    ]);
  });

  it('checks ranges and physical sense of radio settings and distributions', () => {
    const text = GOOD + 'radio:\n  attMtu: 600\n  connIntervalMs: 16\n  phy: 3M\n';
    expect(messages(text)).toEqual([
      'bad.yaml:11:19: radio.connIntervalMs: expected a multiple of 1.25 ms (Bluetooth Core: 7.5 ms .. 4 s in 1.25 ms units), got 16',
      'bad.yaml:12:8: radio.phy: expected one of "1M", "2M", got "3M"',
      'bad.yaml:10:11: radio.attMtu: expected an integer in 23..517, got 600',
    ]);
    expect(messages(GOOD + '  rssiDbm: { dist: lognormal, median: 60, sigma: 0.2 }\n')).toEqual([
      'bad.yaml:9:20: behaviour.rssiDbm.dist: expected a distribution bounded to >= -130 and <= 0 (constant, uniform, triangular, normal, empirical or cdf), got "lognormal"',
    ]);
  });

  it('reports every problem at once', () => {
    const text = GOOD.replace('seed: 1', 'seed: lucky').replace('devices: 10', 'devices: 1.5');
    expect(messages(text)).toHaveLength(2);
    expect(messages(text)[0]).toBe('bad.yaml:2:7: seed: expected a non-negative integer, or "random" to opt in to a fresh seed, got "lucky"');
  });

  it('seed: random is an explicit opt-in', () => {
    expect(parseScenario(GOOD.replace('seed: 1', 'seed: random'), 'r.yaml').seed).toBe('random');
  });

  it('YAML syntax errors carry the line', () => {
    const [m] = messages('name: x\nfleet: { suites: [\n');
    expect(m).toMatch(/^bad\.yaml:\d+:\d+: expected valid YAML, got /);
  });

  it('a sweep variant that breaks the scenario is reported at its set entry', () => {
    const text = GOOD + 'sweep:\n  - name: ok\n    set: { radio.phy: 1M }\n  - name: broken\n    set:\n      radio.attMtu: 1000\n';
    expect(messages(text)).toEqual([
      'bad.yaml:14:7: sweep[1].set.radio.attMtu: expected an integer in 23..517 (in variant "broken": radio.attMtu), got 1000',
    ]);
  });

  it('expandSweep applies dotted overrides and keeps everything else', () => {
    const text = GOOD + 'sweep:\n  - name: slow\n    set: { radio.connIntervalMs: 30, behaviour.phoneInRange: 0.5 }\n';
    const [v] = expandSweep(parseScenario(text, 's.yaml'));
    expect(v!.name).toBe('t/slow');
    expect(v!.radio.connIntervalMs).toBe(30);
    expect(v!.behaviour.phoneInRange).toBe(0.5);
    expect(v!.behaviour.unlocksPerDay).toEqual({ dist: 'lognormal', median: 8, sigma: 0.5 });
  });

  it('relative profile paths resolve against the scenario folder', () => {
    const s = parseScenario(GOOD + 'profile: ../firmware/profiles/x.json\n', '/work/main/scenarios/a.yaml');
    expect(s.profile).toBe('/work/main/firmware/profiles/x.json');
  });
});

describe('parseDuration', () => {
  it('parses 7d, 1y, 12h, 90s, 250ms and rejects 1 month', () => {
    expect([parseDuration('7d'), parseDuration('1y'), parseDuration('12h'), parseDuration('90s'), parseDuration('250ms')]).toEqual([
      604_800_000, 31_536_000_000, 43_200_000, 90_000, 250,
    ]);
    expect(parseDuration('1 month')).toBeUndefined();
  });
});
