/**
 * What the service does with a request whose client gives up (disconnects, or times out and
 * closes) before the answer: docs/cloud-api.md ("Decisions and limits") says it is not cancelled,
 * its transaction commits and its telemetry batch is written as if the client had waited, and
 * that a retried identical batch overwrites its points instead of duplicating them. This pins
 * those statements to the code (issue 15, item 8).
 * @module
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { influxql } from '../store/influx-helpers.ts';
import { influx1, postgres, titled } from '../store/services.ts';
import { call, INFLUX_DB, keychain, provisionBody, startHarness, type Harness } from './harness.ts';

const [pgsvc, inf] = await Promise.all([postgres(), influx1()]);

/** Sends one request and closes the connection once the bytes are flushed, without reading an answer. */
async function sendAndHangUp(url: string, path: string, token: string, body: unknown): Promise<void> {
  const u = new URL(url);
  const payload = Buffer.from(JSON.stringify(body));
  const head = `POST ${path} HTTP/1.1\r\nhost: ${u.host}\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\ncontent-length: ${payload.length}\r\n\r\n`;
  await new Promise<void>((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname, () => {
      s.write(Buffer.concat([Buffer.from(head), payload]), (err) => {
        s.destroy();
        if (err) reject(err);
        else resolve();
      });
    });
    s.on('error', reject);
  });
}

/** Polls `probe` until `done` accepts its value or `ms` have passed; returns the last value. */
async function eventually<T>(ms: number, probe: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(pgsvc.skip || inf.skip)(titled('requests whose client hung up before the answer', inf.skip ? inf : pgsvc), () => {
  let h: Harness;
  const alice = randomUUID();
  let dev: string;
  beforeAll(async () => {
    h = await startHarness(pgsvc, 'hangup', inf);
    const r = await call(h.svc, 'POST', '/api/v1/provision', await h.svc.token('user', alice), provisionBody(keychain('hangup-a')));
    expect(r.status).toBe(201);
    dev = r.body.device_id as string;
  }, 30_000);
  afterAll(async () => h?.close());

  it('still writes the telemetry batch, and an identical retry overwrites its points', async () => {
    const tok = await h.svc.token('user', alice);
    const t0 = Date.UTC(2026, 9, 1);
    const records = Array.from({ length: 40 }, (_, i) => ({ device_id: dev, timestamp: t0 + i * 1000, event_type: 'hangup_probe', success: true, latency_ms: i }));
    await sendAndHangUp(h.svc.url, '/api/v1/telemetry', tok, { records });
    const count = async () => Number((await influxql(inf.url, INFLUX_DB, `SELECT count(latency_ms) FROM device_telemetry WHERE device_id = '${dev}' AND event_type = 'hangup_probe'`))[0]?.values[0]?.[1] ?? 0);
    expect(await eventually(10_000, count, (n) => n === 40)).toBe(40);
    // The client retries after its timeout: same records, same points.
    const retry = await call(h.svc, 'POST', '/api/v1/telemetry', tok, { records });
    expect(retry.status).toBe(200);
    expect(await count()).toBe(40);
  }, 30_000);

  it('still commits a provisioning transaction (device row and audit row)', async () => {
    const bob = randomUUID();
    await sendAndHangUp(h.svc.url, '/api/v1/provision', await h.svc.token('user', bob), provisionBody(keychain('hangup-b')));
    const rows = async () => (await h.svc.store.engine.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM devices d JOIN audit_log a ON a.device_id = d.device_id AND a.action = 'device.provision' AND a.outcome = 'ok' WHERE d.user_id = $1", [bob])).rows[0]!.n;
    expect(await eventually(10_000, rows, (n) => n === '1')).toBe('1');
  }, 30_000);
});
