/**
 * keytwin load against the reference service (cloud/) on loopback, over real HTTP, Postgres and
 * InfluxDB when up: counts reconcile (sent = answered + errors), the service's own tables agree
 * with what was sent, and the same seed sends byte-identical bodies.
 */
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkThresholds, runLoadSession, scheduleDigest, sessionFactory, sessionSchedule, type LoadSessionOptions } from '../../cli/load/session.ts';
import { parseScenario } from '../../scenarios/index.ts';
import { influx1, postgres, titled } from '../store/services.ts';
import { SECRET, startHarness, type Harness } from '../cloud/harness.ts';
import { constantActivity } from '../sim/cloud/helpers.ts';

const [pgsvc, inf] = await Promise.all([postgres(), influx1()]);

const scenarioText = `name: load-test
seed: 5
devices: 40
duration: 1d
start: 2026-01-05T00:00:00Z
fleet:
  suites: { mlkem768-mldsa65-hybrid-aesgcm: 1.0 }
behaviour:
  unlocksPerDay: { dist: lognormal, median: 8, sigma: 0.5 }
cloud:
  telemetryBatchEvents: 10
  attestEveryHandshakes: 0
  policyPushesPerDevicePerDay: 0
  otaChecksPerDevicePerDay: 0
  provisioning: { share: 1, startHour: 0, hours: 0.5 }
`;
const scenario = parseScenario(scenarioText, 'load-test.yaml');
const activity = constantActivity(30, { unlocks: 20, handshakes: 20, wakes: 40 });

function options(target: URL, over: Partial<LoadSessionOptions> = {}): LoadSessionOptions {
  return {
    scenario, activity, devices: 40, seed: 5, target, speed: 600, identities: 12, connections: 16, timeoutMs: 10_000,
    jwtSecret: SECRET, setup: true, now: () => performance.now(), wallClock: () => Date.now(), ...over,
  };
}

describe.skipIf(pgsvc.skip !== null)(titled('runLoadSession against the reference service', pgsvc), () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(pgsvc, 'load', inf.skip === null ? inf : null, { rateLimits: { principal: { capacity: 1000, perSecond: 1000 }, device: { capacity: 100, perSecond: 100 } } });
  }, 30_000);
  afterAll(async () => h?.close());

  it('sends the schedule, every request is answered, and the service registered exactly what was sent', async () => {
    const r = await runLoadSession(options(new URL(h.svc.url)));
    const s = r.stats;
    expect(r.counts.provisioning).toBeGreaterThan(20);
    expect(r.counts.telemetry).toBeGreaterThan(30);
    expect(s.sent).toBe(r.requests);
    expect(s.sent).toBe(s.received + s.errors);
    expect(s.errors).toBe(0);
    const prov = s.byKind.find((k) => k.kind === 'provisioning')!;
    expect(prov.sent).toBe(r.counts.provisioning);
    expect(prov.non2xx).toBe(0);
    expect(r.setup!.failed).toBe(0);
    const devices = await h.svc.store.engine.query<{ n: string }>('SELECT count(*)::text AS n FROM devices');
    expect(Number(devices.rows[0]!.n)).toBe(r.setup!.provisioned + r.counts.provisioning);
    const audit = await h.svc.store.engine.query<{ n: string }>("SELECT count(*)::text AS n FROM audit_log WHERE action = 'device.provision' AND outcome = 'ok'");
    expect(Number(audit.rows[0]!.n)).toBe(r.setup!.provisioned + r.counts.provisioning);
    const tele = s.byKind.find((k) => k.kind === 'telemetry')!;
    // Telemetry is written to InfluxDB (200) when it is up; without it the service answers 503.
    expect(s.byStatus[inf.skip === null ? '200' : '503']).toBe(tele.sent);
    expect(checkThresholds(s, { maxErrorRate: 0 }).ok).toBe(true);
    expect(checkThresholds(s, { p99Ms: 1e-6 }).ok).toBe(false);
  }, 60_000);

  it('sends byte-identical bodies for the same seed (digest), different ones for another seed', async () => {
    const first = scheduleDigest(sessionSchedule(options(new URL(h.svc.url))), sessionFactory(options(new URL(h.svc.url))));
    const again = scheduleDigest(sessionSchedule(options(new URL(h.svc.url))), sessionFactory(options(new URL(h.svc.url))));
    expect(again).toBe(first);
    const other = options(new URL(h.svc.url), { seed: 6 });
    expect(scheduleDigest(sessionSchedule(other), sessionFactory(other))).not.toBe(first);
  });

  // The README's flow on a fresh service: no firmware is published yet, so without setup every
  // routine OTA check would be a 404 (the README's load reported 50 % errors).
  it('on a fresh service, setup publishes and rolls out a release, so OTA checks are answered 200', async () => {
    const ota = parseScenario(scenarioText.replace('otaChecksPerDevicePerDay: 0', 'otaChecksPerDevicePerDay: 2').replace(/  provisioning: .*\n/, ''), 'load-ota.yaml');
    const o = options(new URL(h.svc.url), { scenario: ota });
    const r = await runLoadSession(o);
    expect(r.counts.ota).toBeGreaterThan(0);
    expect(r.setup!.release).toMatchObject({ outcome: 'published' });
    const k = r.stats.byKind.find((x) => x.kind === 'ota')!;
    expect(k.sent).toBe(r.counts.ota);
    expect(k.non2xx).toBe(0);
    // A second load finds the release and leaves it as it is.
    const again = await runLoadSession(o);
    expect(again.setup!.release).toMatchObject({ outcome: 'present' });
    expect(again.stats.byKind.find((x) => x.kind === 'ota')!.non2xx).toBe(0);
  }, 120_000);
});

describe('runLoadSession against a dead target', () => {
  it('counts every request as an error and still reconciles', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const r = await runLoadSession(options(new URL(`http://127.0.0.1:${port}`), { setup: false, speed: 6000, connections: 4 }));
    expect(r.stats.sent).toBe(r.requests);
    expect(r.stats.received).toBe(0);
    expect(r.stats.errors).toBe(r.requests);
    expect(r.stats.errorsByCode.ECONNREFUSED).toBe(r.requests);
    expect(checkThresholds(r.stats, { maxErrorRate: 0.001 }).ok).toBe(false);
  }, 30_000);
});
