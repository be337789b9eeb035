import { describe, expect, it } from 'vitest';
import { expandSweep, loadScenario, parseScenario, ScenarioError } from '../../scenarios/index.ts';
import { cloudConfig } from '../../scenarios/index.ts';
import { validateCloudConfig } from '../../sim/cloud/index.ts';

const BASE = `name: t
seed: 1
devices: 10
duration: 1d
fleet:
  suites: { mlkem768-mldsa65-hybrid-aesgcm: 1.0 }
behaviour:
  unlocksPerDay: { dist: lognormal, median: 8, sigma: 0.5 }
`;

function problems(text: string): string[] {
  try {
    parseScenario(text, 'c.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('c.yaml:'));
  }
  throw new Error('scenario unexpectedly valid');
}

describe('parseScenario: the cloud section', () => {
  it('is null when absent, and filled with defaults when present', () => {
    expect(parseScenario(BASE, 'c.yaml').cloud).toBeNull();
    const s = parseScenario(BASE + 'cloud:\n  stations:\n    telemetry: { servers: 3 }\n', 'c.yaml');
    expect(s.cloud!.stations.telemetry.servers).toBe(3);
    expect(s.cloud!.stations.ota.servers).toBe(8);
    expect(s.cloud!.ota).toBeNull();
    expect(validateCloudConfig(cloudConfig(s.cloud!, 10))).toEqual([]);
  });

  it('names file, line, field, expected and got for bad values, with did-you-mean for typos', () => {
    const msgs = problems(BASE + `cloud:
  stations:
    telemetry: { servers: 0, queueLimit: -1 }
    otaa: { servers: 2 }
  ota: { atHour: 3, waves: [0.5, 0.5, 0.5, 0.5] }
`);
    expect(msgs).toContain('c.yaml:11:27: cloud.stations.telemetry.servers: expected an integer in 1..100000, got 0');
    expect(msgs.some((m) => m.startsWith('c.yaml:11:42: cloud.stations.telemetry.queueLimit: expected an integer >= 0, or null'))).toBe(true);
    expect(msgs.some((m) => /^c\.yaml:12:5: cloud\.stations\.otaa: expected a known field \(did you mean "ota"\?\)/.test(m))).toBe(true);
    expect(msgs.some((m) => /^c\.yaml:13:28: cloud\.ota\.waves: expected 4 shares .* got a sum of 2/.test(m))).toBe(true);
  });

  it('survives a sweep (the resolved section re-validates)', () => {
    const s = parseScenario(BASE + `cloud:
  ota: { atHour: 3 }
sweep:
  - { name: a, set: { devices: 20 } }
  - { name: b, set: { cloud.telemetryBatchEvents: 5 } }
`, 'c.yaml');
    const v = expandSweep(s);
    expect(v.map((x) => x.cloud!.telemetryBatchEvents)).toEqual([10, 5]);
    expect(v[0]!.cloud!.ota!.waves).toEqual([0.01, 0.09, 0.3, 0.6]);
  });
});

describe('shipped cloud scenarios', () => {
  for (const f of ['ota-storm', 'provisioning-day', 'telemetry-steady'])
    it(`scenarios/${f}.yaml validates and has a cloud section`, () => {
      const s = loadScenario(`scenarios/${f}.yaml`);
      expect(s.cloud).not.toBeNull();
      expect(validateCloudConfig(cloudConfig(s.cloud!, s.devices))).toEqual([]);
    });
  it('ota-storm releases to 100,000 keychains in 4 waves', () => {
    const s = loadScenario('scenarios/ota-storm.yaml');
    expect(s.devices).toBe(100_000);
    expect(s.cloud!.ota!.waves).toHaveLength(4);
  });
});
