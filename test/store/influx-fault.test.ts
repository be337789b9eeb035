/**
 * Fault tests against PRIVATE server instances (own ports, own temp dirs) started and stopped
 * by this file, never the shared ones: the server is stopped in the middle of a write; either it
 * comes back within the retry window (nothing spilled) or it stays down (the rest is spilled,
 * counted exactly, and replayed once it is back). Every point must then be present.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInflux, readSpill, replaySpill, runPoints, type InfluxConfig, type PointCounts } from '../../store/index.ts';
import { makeRunResult } from './fixture.ts';
import { createDb, influxCount, vmExport, vmFlush } from './influx-helpers.ts';

const REQUIRED = process.env.KEYTWIN_REQUIRE_SERVICES === '1';
const which = (bin: string) => process.env.PATH!.split(':').some((d) => existsSync(join(d, bin)));
const haveInfluxd = which('influxd');
const haveVm = which('victoria-metrics');
if (REQUIRED && (!haveInfluxd || !haveVm)) throw new Error('KEYTWIN_REQUIRE_SERVICES=1 but influxd or victoria-metrics is not installed (run .ci/services.sh)');

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

interface Server {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function server(bin: string, args: string[], url: string, health: string): Server {
  let child: ChildProcess | null = null;
  return {
    url,
    async start() {
      child = spawn(bin, args, { stdio: 'ignore' });
      for (let i = 0; i < 200; i++) {
        if (await fetch(url + health).then((r) => r.ok, () => false)) return;
        await sleep(50);
      }
      throw new Error(`${bin} did not start at ${url}`);
    },
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((res) => c.once('exit', res));
      c.kill('SIGTERM');
      await exited;
      child = null;
    },
  };
}

const FIELD: Record<string, string> = { telemetry: 'success', fleet_daily: 'alive', fleet_failures: 'count', fleet_energy: 'energy_mj', battery: 'brownout', handshake_phase: 'time_ms', run_summary: 'devices' };

function bigRun(runId: string) {
  // At most 24 events per device-day, one per hour: no two events of a series share a millisecond,
  // so VictoriaMetrics (which trims timestamps to ms) can be checked by distinct timestamps.
  const r = makeRunResult({ runId, devices: 40, days: 10, sampledDevices: 24, eventsPerDay: 20 });
  const counts: PointCounts = {};
  return { r, counts, lines: [...runPoints(r, counts)] };
}

describe.skipIf(!haveInfluxd)('InfluxDB 1.6 stopped mid-write (private influxd)' + (haveInfluxd ? '' : ' [skipped: influxd not installed]'), () => {
  let dir: string;
  let srv: Server;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keytwin-influxd-'));
    const [http, rpc] = [await freePort(), await freePort()];
    writeFileSync(join(dir, 'influxdb.conf'), `reporting-disabled = true
bind-address = "127.0.0.1:${rpc}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:${http}"
  log-enabled = false
[monitor]
  store-enabled = false
`);
    srv = server('influxd', ['-config', join(dir, 'influxdb.conf')], `http://127.0.0.1:${http}`, '/ping');
    await srv.start();
    await createDb(srv.url, 'fault');
  });
  afterAll(async () => {
    await srv?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const config = (extra: Partial<InfluxConfig>): InfluxConfig => ({ url: srv.url, api: 'v1', db: 'fault', batchSize: 250, concurrency: 1, spillDir: join(dir, 'spill'), ...extra });

  it('comes back within the retry window: retried with backoff, nothing spilled, every point present', async () => {
    const { r, counts, lines } = bigRun('fault-back');
    const sink = openInflux(config({ maxRetries: 10, minRetryDelayMs: 100, maxRetryDelayMs: 800 }));
    await sink.write(lines.slice(0, 1500));
    await srv.stop();
    const restart = sleep(1200).then(() => srv.start());
    await sink.write(lines.slice(1500));
    const rep = await sink.close();
    await restart;
    expect(rep).toMatchObject({ attempted: lines.length, written: lines.length, failed: 0, spillFile: null });
    expect(rep.retries).toBeGreaterThan(0);
    for (const [m, n] of Object.entries(counts)) expect(await influxCount(srv.url, 'fault', m, FIELD[m]!, r.manifest.runId), m).toBe(n);
  });

  it('stays down: the run completes, reports exactly what was not written, spills it; replay restores every point', async () => {
    const { r, counts, lines } = bigRun('fault-down');
    const sink = openInflux(config({ maxRetries: 3, minRetryDelayMs: 50, maxRetryDelayMs: 200, spillName: 'fault-down' }));
    await sink.write(lines.slice(0, 1500));
    await srv.stop();
    await sink.write(lines.slice(1500));
    const rep = await sink.close();
    expect(rep.attempted).toBe(lines.length);
    expect(rep.written + rep.failed).toBe(lines.length);
    expect(rep.written).toBeGreaterThanOrEqual(1000);
    expect(rep.failed).toBeGreaterThanOrEqual(lines.length - 1500);
    expect(rep.spillFile).not.toBeNull();
    const spilled = readSpill(rep.spillFile!);
    expect(spilled.lines.length).toBe(rep.failed);
    expect(spilled.target).toEqual({ url: srv.url, api: 'v1', db: 'fault' });
    expect(rep.errors.join('\n')).toMatch(/ECONNREFUSED|fetch failed|other side closed/);

    await srv.start();
    const before = await influxCount(srv.url, 'fault', 'telemetry', 'success', r.manifest.runId);
    expect(before).toBeLessThan(counts.telemetry!);
    const replay = await replaySpill(rep.spillFile!);
    expect(replay).toMatchObject({ attempted: rep.failed, written: rep.failed, failed: 0, spillFile: null });
    expect(existsSync(rep.spillFile!)).toBe(false);
    for (const [m, n] of Object.entries(counts)) expect(await influxCount(srv.url, 'fault', m, FIELD[m]!, r.manifest.runId), m).toBe(n);
  });
});

describe.skipIf(!haveVm)('VictoriaMetrics stopped mid-write through the official 2.x client (private instance)' + (haveVm ? '' : ' [skipped: victoria-metrics not installed]'), () => {
  let dir: string;
  let srv: Server;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keytwin-vm-'));
    const port = await freePort();
    srv = server('victoria-metrics', [`-storageDataPath=${dir}/data`, `-httpListenAddr=127.0.0.1:${port}`, '-retentionPeriod=100y', '-loggerLevel=ERROR'], `http://127.0.0.1:${port}`, '/health');
    await srv.start();
  });
  afterAll(async () => {
    await srv?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts acknowledged lines from the client callbacks, spills the rest, replay restores every point', async () => {
    const { r, lines } = bigRun('fault-vm');
    const sink = openInflux({ url: srv.url, api: 'v2', org: 'o', bucket: 'b', batchSize: 250, maxRetries: 2, minRetryDelayMs: 50, maxRetryDelayMs: 200, spillDir: join(dir, 'spill'), spillName: 'fault-vm' });
    await sink.write(lines.slice(0, 1500));
    await sleep(300); // let the client's first batches be acknowledged
    await srv.stop();
    await sink.write(lines.slice(1500));
    const rep = await sink.close();
    expect(rep.attempted).toBe(lines.length);
    expect(rep.written + rep.failed).toBe(lines.length);
    expect(rep.failed).toBeGreaterThanOrEqual(lines.length - 1500);
    const spilledLines = readSpill(rep.spillFile!).lines;
    expect(spilledLines.length).toBe(rep.failed);
    await srv.start();
    const replay = await replaySpill(rep.spillFile!);
    expect(replay).toMatchObject({ written: rep.failed, failed: 0 });
    await vmFlush(srv.url);
    // Every telemetry point present: distinct (series, timestamp) pairs of one numeric field.
    const want = r.telemetry.length;
    let got = 0;
    for (let i = 0; i < 50 && got < want; i++) {
      const series = await vmExport(srv.url, `{__name__="telemetry_latency_ms",run_id="fault-vm"}`);
      got = series.reduce((a, s) => a + new Set(s.timestamps).size, 0);
      if (got < want) await sleep(100);
    }
    expect(got).toBe(want);
  });
});
