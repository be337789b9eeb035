import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSinks, formatLine, influxConfig, persistRun, runPoints, type PointCounts } from '../../store/index.ts';
import { makeRunResult } from './fixture.ts';
import { createDb, influxCount, influxql, vmCounts, vmExport, vmFlush } from './influx-helpers.ts';
import { influx1, postgres, titled, victoria } from './services.ts';

const [inf, vm, pgsvc] = await Promise.all([influx1(), victoria(), postgres()]);
const DB = 'keytwin_test';
const tag = `${process.pid}-${Date.now().toString(36)}`;
let spillDir: string;
beforeAll(() => {
  spillDir = mkdtempSync(join(tmpdir(), 'keytwin-spill-'));
});
afterAll(() => rmSync(spillDir, { recursive: true, force: true }));

describe('formatLine', () => {
  it('escapes names, tags and strings, writes numbers as floats and drops non-finite fields', () => {
    expect(formatLine('my m', [['a,b', 'x=y z'], ['empty', '']], [['n', 1], ['nan', NaN], ['ok', true], ['s', 'say "hi"\\']], 42))
      .toBe('my\\ m,a\\,b=x\\=y\\ z n=1,ok=true,s="say \\"hi\\"\\\\" 42');
    expect(formatLine('m', [], [['x', Infinity]], 1)).toBeNull();
  });
});

describe('runPoints', () => {
  it('yields one point per telemetry event, daily row part, SoC sample, phase and the summary', () => {
    const r = makeRunResult({ runId: 'pts', devices: 6, days: 3 });
    const counts: PointCounts = {};
    const lines = [...runPoints(r, counts)];
    const reasons = Object.keys(r.daily[0]!.failures).length;
    const states = Object.keys(r.daily[0]!.energyMjByState).length;
    expect(counts).toEqual({
      telemetry: r.telemetry.length, fleet_daily: 3, fleet_failures: 3 * reasons, fleet_energy: 3 * states,
      battery: r.socSamples.length, handshake_phase: 4, run_summary: 1,
    });
    expect(lines.length).toBe(Object.values(counts).reduce((a, b) => a + b, 0));
    // simStart 2026-01-01 + timeMs, in microseconds.
    const e = r.telemetry[0]!;
    expect(lines[0]).toMatch(new RegExp(` ${1767225600000000 + Math.round(e.timeMs * 1000)}$`));
    expect(lines[0]).toContain('telemetry,run_id=pts,device_id=0,event_type=handshake,suite=mlkem768-mldsa44-hybrid-aesgcm success=');
  });

  it('moves two events of one series at the same microsecond 1 µs apart so neither is overwritten', () => {
    const r = makeRunResult({ runId: 'dup', days: 1 });
    r.telemetry.push({ ...r.telemetry[0]! }, { ...r.telemetry[0]! });
    const stamps = [...runPoints(r)].filter((l) => l.startsWith('telemetry,run_id=dup,device_id=0,event_type=handshake,')).map((l) => Number(l.split(' ').at(-1)));
    expect(new Set(stamps).size).toBe(stamps.length);
    const t0 = 1767225600000000 + Math.round(r.telemetry[0]!.timeMs * 1000);
    expect(stamps.filter((s) => s >= t0 && s <= t0 + 2).sort()).toEqual([t0, t0 + 1, t0 + 2]);
  });
});

describe('influxConfig', () => {
  it('picks the 1.x API for db, the 2.x API for bucket+org, and names what is missing', () => {
    expect(influxConfig('http://h:8086?db=k', {})).toMatchObject({ url: 'http://h:8086', api: 'v1', db: 'k' });
    expect(influxConfig(undefined, { INFLUX_URL: 'http://h:8428', INFLUX_BUCKET: 'b', INFLUX_ORG: 'o', INFLUX_TOKEN: 't' })).toMatchObject({ api: 'v2', bucket: 'b', org: 'o', token: 't' });
    expect(() => influxConfig('http://h:8428?bucket=b', {})).toThrow(/needs an organisation.*INFLUX_ORG/);
    expect(() => influxConfig('http://h:8086', {})).toThrow(/\?db=<database>.*\?bucket=/);
    expect(() => influxConfig('ftp://h', {})).toThrow(/expected http/);
    expect(() => influxConfig(undefined, {})).toThrow(/INFLUX_URL/);
  });
});

describe.skipIf(inf.skip)(titled('persistRun to InfluxDB 1.6 (1.x /write), read back with InfluxQL', inf), () => {
  beforeAll(() => createDb(inf.url, DB));

  it('every point arrives, with its values', async () => {
    const r = makeRunResult({ runId: `influx1-${tag}`, devices: 10, days: 6, eventsPerDay: 8 });
    const rep = await persistRun(r, { influx: `${inf.url}?db=${DB}`, spillDir });
    expect(rep.ok).toBe(true);
    const infl = rep.influx!;
    expect(infl).toMatchObject({ failed: 0, spillFile: null, error: null });
    expect(infl.written).toBe(infl.attempted);
    const fieldOf: Record<string, string> = { telemetry: 'success', fleet_daily: 'alive', fleet_failures: 'count', fleet_energy: 'energy_mj', battery: 'brownout', handshake_phase: 'time_ms', run_summary: 'devices' };
    for (const [m, n] of Object.entries(infl.points)) expect(await influxCount(inf.url, DB, m, fieldOf[m]!, r.manifest.runId), m).toBe(n);
    const tel = await influxql(inf.url, DB, `SELECT latency_ms, success, reason, session_kdf, rssi FROM telemetry WHERE run_id = '${r.manifest.runId}' AND device_id = '1' ORDER BY time`);
    const want = r.telemetry.filter((e) => e.device === 1).sort((a, b) => a.timeMs - b.timeMs);
    expect(tel[0]!.values.map((v) => [v[1], v[2], v[3] ?? '', v[4], v[5]])).toEqual(want.map((e) => [e.latencyMs, e.success, e.reason, e.sessionKdf, e.rssi]));
    expect(tel[0]!.values.map((v) => v[0])).toEqual(want.map((e) => 1767225600000000 + Math.round(e.timeMs * 1000)));
    const fail = await influxql(inf.url, DB, `SELECT sum("count") FROM fleet_failures WHERE run_id = '${r.manifest.runId}' GROUP BY reason`);
    const timeouts = fail.find((s) => (s as unknown as { tags: Record<string, string> }).tags.reason === 'timeout')!;
    expect(timeouts.values[0]![1]).toBe(r.daily.reduce((a, d) => a + d.failures.timeout!, 0));
  });

  it('checkSinks accepts the server and names the URL and the cause when the database is missing', async () => {
    await expect(checkSinks({ influx: `${inf.url}?db=${DB}` })).resolves.toEqual([`influx ${inf.url} /write db=${DB}: accepts writes`]);
    await expect(checkSinks({ influx: `${inf.url}?db=no_such_db_kt` })).rejects.toThrow(/influx http:.* \/write db=no_such_db_kt: .*404.*database not found.*keytwin store migrate/s);
  });
});

describe.skipIf(vm.skip)(titled('persistRun to VictoriaMetrics, read back with /api/v1/export', vm), () => {
  const numericFields = (m: string, counts: PointCounts) => counts[m]!;
  for (const api of ['v2', 'v1'] as const) {
    it(`every numeric point arrives through the ${api === 'v2' ? 'official 2.x client' : '1.x /write'} API`, async () => {
      const r = makeRunResult({ runId: `vm-${api}-${tag}`, devices: 8, days: 4 });
      const url = api === 'v2' ? `${vm.url}?org=keytwin&bucket=test` : `${vm.url}?db=keytwin`;
      const rep = await persistRun(r, { influx: url, spillDir, env: {} });
      expect(rep.ok).toBe(true);
      expect(rep.influx!.written).toBe(rep.influx!.attempted);
      await vmFlush(vm.url);
      let counts: Record<string, number> = {};
      for (let i = 0; i < 50 && (counts.telemetry_latency_ms ?? 0) < r.telemetry.length; i++) {
        counts = await vmCounts(vm.url, r.manifest.runId);
        await new Promise((res) => setTimeout(res, 100));
      }
      expect(counts.telemetry_latency_ms).toBe(numericFields('telemetry', rep.influx!.points));
      expect(counts.telemetry_success).toBe(r.telemetry.length);
      expect(counts.battery_soc).toBe(r.socSamples.length);
      expect(counts.fleet_daily_alive).toBe(r.daily.length);
      expect(counts.handshake_phase_time_ms).toBe(4);
      const lat = await vmExport(vm.url, `{__name__="telemetry_latency_ms",run_id="${r.manifest.runId}",device_id="2"}`);
      const got = lat.flatMap((s) => s.values.map((v, i) => [s.timestamps[i]!, v] as const)).sort((a, b) => a[0] - b[0]);
      const want = r.telemetry.filter((e) => e.device === 2).sort((a, b) => a.timeMs - b.timeMs);
      expect(got.length).toBe(want.length);
      got.forEach(([t, v], i) => {
        expect(t).toBe(Math.floor(1767225600000 + want[i]!.timeMs));
        expect(v).toBeCloseTo(want[i]!.latencyMs, 9); // VictoriaMetrics keeps about 12 significant digits
      });
    });
  }

  it('checkSinks accepts both APIs and names the URL when nothing listens', async () => {
    await expect(checkSinks({ influx: `${vm.url}?org=o&bucket=b`, env: {} })).resolves.toHaveLength(1);
    await expect(checkSinks({ influx: 'http://127.0.0.1:59999?db=x' })).rejects.toThrow(/influx http:\/\/127\.0\.0\.1:59999 \/write db=x: POST .* failed: .*ECONNREFUSED.*is the server running/);
  });
});

describe.skipIf(pgsvc.skip)(titled('checkSinks for stores', pgsvc), () => {
  it('accepts a reachable server and a writable directory; names the URL and the cause otherwise', async () => {
    await expect(checkSinks({ store: pgsvc.url })).resolves.toHaveLength(1);
    await expect(checkSinks({ store: join(spillDir, 'store') })).resolves.toEqual([`store ${join(spillDir, 'store')}: writable`]);
    const noDb = pgsvc.url.replace(/\/[^/?]*(\?|$)/, '/no_such_db_kt$1');
    await expect(checkSinks({ store: noDb })).rejects.toThrow(/store postgres:.*no_such_db_kt: cannot connect: .*does not exist/);
    await expect(checkSinks({ store: 'postgres://u:secret@127.0.0.1:59999/x', influx: 'http://127.0.0.1:59999?db=x' }))
      .rejects.toThrow(/store postgres:\/\/u:\*\*\*@127\.0\.0\.1:59999\/x: cannot connect: nothing is listening[\s\S]*influx http:\/\/127\.0\.0\.1:59999/);
  });
});
