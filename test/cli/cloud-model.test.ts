import { describe, expect, it } from 'vitest';
import { cloudFromFleet } from '../../cli/cloud-model.ts';
import { parseScenario, resolveScenario } from '../../scenarios/index.ts';
import { runFleet } from '../../sim/twin/parallel.ts';
import { STATIONS } from '../../sim/cloud/index.ts';

const BASE = `name: cf
seed: 3
devices: 30
duration: 2d
fleet:
  suites: { mlkem768-mldsa65-hybrid-aesgcm: 1.0 }
behaviour:
  unlocksPerDay: { dist: lognormal, median: 20, sigma: 0.3 }
  jostlesPerDay: 10
`;

describe('cloudFromFleet', () => {
  it('resolves no cloud model without a cloud section, and derives the load from the fleet run with one', async () => {
    const plain = parseScenario(BASE, 'cf.yaml');
    const withCloud = parseScenario(BASE + 'cloud:\n  telemetryBatchEvents: 2\n  attestEveryHandshakes: 1\n  provisioning: { share: 1, startHour: 0, hours: 1 }\n', 'cf.yaml');
    const resolved = resolveScenario(withCloud);
    const out = await runFleet(resolved.fleet);
    expect(resolveScenario(plain).cloud).toBeNull();
    const cloud = cloudFromFleet(out, resolved.cloud!);
    expect(cloud.daily).toHaveLength(2 * STATIONS.length);
    const attest = cloud.summary.stations.find((s) => s.station === 'attestation')!;
    // One challenge per established handshake: Poisson around the fleet's handshake count.
    const handshakes = out.activity.handshakes.reduce((a, b) => a + b, 0);
    expect(handshakes).toBeGreaterThan(500);
    expect(Math.abs(attest.requests - handshakes)).toBeLessThan(4 * Math.sqrt(handshakes));
    expect(cloud.summary.stations.find((s) => s.station === 'provisioning')!.requests).toBeGreaterThan(10);
    expect(JSON.stringify(cloudFromFleet(out, resolveScenario(withCloud).cloud!))).toBe(JSON.stringify(cloud));
  }, 60_000);
});
