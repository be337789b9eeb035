/**
 * `keytwin load <scenario> --target <URL>`: replays the fleet's request schedule against a real
 * service (keytwin's own or any implementation of the API), open-loop at the simulated offsets
 * (optionally time-compressed), with real bodies; prints progress, a per-endpoint table and the
 * reconciliation (sent = received + errors); thresholds set the exit code for CI.
 * @module
 */
import { performance } from 'node:perf_hooks';
import { existsSync, readFileSync } from 'node:fs';
import { DEFAULT_KEYS_FILE, loadCloudKeys } from '../../cloud/index.ts';
import { parseDuration, resolveScenario } from '../../scenarios/index.ts';
import { runFleet } from '../../sim/twin/parallel.ts';
import { twinMachinesFor } from '../../sim/twin/machines.ts';
import { parseCommand, positiveNumber, UsageError, UserError, wholeNumber } from '../args.ts';
import { checkMemory, usefulWorkers } from '../preflight.ts';
import { writerStore } from '../reader-store.ts';
import { createProgress } from '../progress.ts';
import { drawSeed, readOverrides, readScenario } from '../scenario-input.ts';
import { checkThresholds, runLoadSession, type LoadReport } from '../load/session.ts';
import { saveLoadRun } from '../load/store-load.ts';
import { DAY_MS } from '../../units/index.ts';

const HELP = `Usage: keytwin load <scenario.yaml> --target <URL> [options]

Simulates the scenario's fleet, derives its cloud requests (the capacity model's arrivals) and
sends them to the service at their simulated offsets, open-loop, with real keys and bodies.
The same scenario and seed send the same requests at the same offsets.

Options:
  --target <url>        the service, e.g. http://127.0.0.1:8080 (required)
  --speed <x>           time compression: 60 plays one simulated minute per second (default 1)
  --from <d>            start at this simulated offset (e.g. 30h; default 0)
  --duration <d>        replay this much simulated time (default: to the end)
  --max-requests <n>    send at most the first n requests
  --identities <n>      existing keychains the requests are spread over (default 200)
  --connections <n>     keep-alive connections at most (default 128)
  --timeout <ms>        a request without a response after this fails (default 10000)
  --keys <file>         the service's key file, to mint its JWTs (as keytwin cloud serve/token;
                        default .keytwin/cloud-keys.json when present; KEYTWIN_JWT_SECRET=<hex>
                        overrides). Without one, requests carry no token.
  --no-setup            do not provision the existing keychains, nor publish a firmware release
                        when none is offered (OTA checks then get 404), before the timed run
  --p99 <ms>            fail (exit 1) if the p99 latency is above this
  --max-errors <r>      fail (exit 1) if more requests fail (e.g. 0.1% or 0.001)
  --store <url>         also store the run's results (postgres://, a directory, memory://)
  --devices, --seed, --workers   as for keytwin run
  --json                print the report as JSON
`;

function duration(name: string, v: string): number {
  const ms = parseDuration(v);
  if (ms === undefined || ms < 0) throw new UsageError(`--${name} '${v}' is not a duration (e.g. 30m, 6h, 2d)`);
  return ms;
}

function rate(v: string): number {
  const pct = /^([\d.]+)%$/.exec(v);
  const r = pct ? Number(pct[1]) / 100 : Number(v);
  if (!Number.isFinite(r) || r < 0 || r > 1) throw new UsageError(`--max-errors must be a share like 0.1% or 0.001, got '${v}'`);
  return r;
}

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    target: { type: 'string' }, speed: { type: 'string' }, from: { type: 'string' }, duration: { type: 'string' },
    'max-requests': { type: 'string' }, identities: { type: 'string' }, connections: { type: 'string' }, timeout: { type: 'string' },
    keys: { type: 'string' }, 'no-setup': { type: 'boolean' }, p99: { type: 'string' }, 'max-errors': { type: 'string' },
    store: { type: 'string' }, devices: { type: 'string' }, seed: { type: 'string' }, workers: { type: 'string' }, json: { type: 'boolean' },
  }, HELP);
  if (!parsed) return 0;
  const { values: v, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`expected one scenario file\n${HELP}`);
  if (!v.target) throw new UsageError('--target <URL> is required (the service to load)');
  let target: URL;
  try {
    target = new URL(v.target);
  } catch {
    throw new UsageError(`--target '${v.target}' is not a URL (e.g. http://127.0.0.1:8080)`);
  }
  const scenario = readScenario(positionals[0]!);
  // Checked now, not after the replay: an unusable location fails before anything is sent.
  const storeUrl = v.store === undefined ? undefined : writerStore(v.store);
  if (scenario.cloud === null) throw new UserError(`${positionals[0]}: the scenario has no cloud: section, so it defines no cloud requests (see scenarios/ota-storm.yaml)`);
  const overrides = { ...readOverrides({ devices: v.devices, seed: v.seed }), traceDevices: 0 };
  const keysFile = v.keys ?? DEFAULT_KEYS_FILE;
  if (v.keys !== undefined && !existsSync(v.keys)) throw new UserError(`--keys ${v.keys}: no such file`);
  const jwtSecret = process.env.KEYTWIN_JWT_SECRET !== undefined || existsSync(keysFile) ? loadCloudKeys(keysFile).jwtSecret : null;
  if (jwtSecret === null) process.stderr.write(`load: no ${keysFile} and no KEYTWIN_JWT_SECRET: requests carry no token\n`);
  const fromMs = v.from ? duration('from', v.from) : 0;

  const cfg = resolveScenario(scenario, overrides, drawSeed).fleet;
  const { workers, note } = usefulWorkers(v.workers ? wholeNumber('workers', v.workers) : 1, cfg.devices);
  if (note) process.stderr.write(note + '\n');
  checkMemory(cfg, workers);
  const fleetProgress = createProgress({ unit: 'sim-days', total: cfg.durationDays, label: `${scenario.name}: fleet` });
  const out = await runFleet(cfg, { machines: twinMachinesFor(cfg.firmware), workers, onProgress: (simMs) => fleetProgress.update(simMs / DAY_MS) });
  fleetProgress.finish();

  let keys = createProgress({ unit: 'keychains', total: 1, label: 'keys (real ML-DSA/ML-KEM keygen)' });
  let load: ReturnType<typeof createProgress> | null = null;
  const startedAt = new Date();
  const report: LoadReport = await runLoadSession({
    scenario, activity: out.activity, devices: cfg.devices, seed: cfg.seed, target,
    speed: v.speed ? positiveNumber('speed', v.speed) : 1,
    fromMs, toMs: v.duration ? fromMs + duration('duration', v.duration) : undefined,
    maxRequests: v['max-requests'] ? Math.floor(positiveNumber('max-requests', v['max-requests'])) : undefined,
    identities: v.identities ? Math.floor(positiveNumber('identities', v.identities)) : 200,
    connections: v.connections ? Math.floor(positiveNumber('connections', v.connections)) : 128,
    timeoutMs: v.timeout ? positiveNumber('timeout', v.timeout) : 10_000,
    jwtSecret,
    setup: !v['no-setup'],
    now: () => performance.now(),
    wallClock: () => Date.now(),
    onPhase: (_phase, done, total) => {
      keys = total > 0 && done === 0 ? createProgress({ unit: 'keychains', total, label: 'keys (real ML-DSA/ML-KEM keygen)' }) : keys;
      keys.update(done / Math.max(1, total));
    },
    onProgress: (s) => {
      load ??= createProgress({ unit: 'ms', total: s.scheduledMs, label: 'load' });
      load.update(s.wallMs, `${s.sent} sent, ${s.received} answered, ${s.errors} errors, ${(s.received / Math.max(1e-3, s.wallMs / 1000)).toFixed(0)} req/s`);
    },
  });
  (load as ReturnType<typeof createProgress> | null)?.finish();
  const s = report.stats;
  const thresholds = checkThresholds(s, { ...(v.p99 ? { p99Ms: positiveNumber('p99', v.p99) } : {}), ...(v['max-errors'] ? { maxErrorRate: rate(v['max-errors']) } : {}) });
  if (v.json) process.stdout.write(JSON.stringify(jsonReport(report, thresholds), null, 2) + '\n');
  else process.stdout.write(formatReport(report, target, thresholds.lines) + '\n');
  if (storeUrl !== undefined) {
    const id = await saveLoadRun(storeUrl, { scenario: scenario.name, scenarioText: readFileSync(positionals[0]!, 'utf8'), seed: cfg.seed, target: target.href, speed: v.speed ? Number(v.speed) : 1, startedAt, report, passed: thresholds.ok });
    process.stdout.write(`stored load run ${id} in ${v.store}\n`);
  }
  return thresholds.ok ? 0 : 1;
}

function pct(n: number, of: number): string {
  return of > 0 ? `${((100 * n) / of).toFixed(2)} %` : '-';
}

export function formatReport(r: LoadReport, target: URL, thresholdLines: readonly string[]): string {
  const s = r.stats;
  const rows = s.byKind.filter((k) => k.sent > 0).map((k) =>
    `${k.kind.padEnd(14)} ${String(k.sent).padStart(8)} ${String(k.received).padStart(9)} ${String(k.errors).padStart(7)} ${String(k.non2xx).padStart(7)} ${(k.received ? k.latencyMs.quantile(0.5).toFixed(1) : '-').padStart(8)} ${(k.received ? k.latencyMs.quantile(0.99).toFixed(1) : '-').padStart(8)}`);
  return [
    `load: ${r.requests} requests to ${target.origin} in ${(s.wallMs / 1000).toFixed(1)} s (scheduled ${(s.scheduledMs / 1000).toFixed(1)} s), ${(s.received / Math.max(1e-3, s.wallMs / 1000)).toFixed(0)} responses/s`,
    r.setup ? `setup: ${r.setup.provisioned} existing keychains provisioned, ${r.setup.failed} failed ${JSON.stringify(r.setup.byStatus)}${r.setup.release ? `; firmware: ${r.setup.release.detail}` : ''}` : 'setup: none',
    `bodies sha256 ${r.bodiesSha256}`,
    '',
    'endpoint           sent  answered  errors  non-2xx  p50 ms   p99 ms',
    ...rows,
    '',
    `statuses ${JSON.stringify(s.byStatus)}${s.errors ? `, errors ${JSON.stringify(s.errorsByCode)}` : ''}; sent late: p99 ${s.lateMs.count ? s.lateMs.quantile(0.99).toFixed(1) : 0} ms`,
    `reconciled: sent ${s.sent} = answered ${s.received} + errors ${s.errors}: ${s.sent === s.received + s.errors ? 'yes' : 'NO'} (failed ${pct(s.errors + s.byKind.reduce((a, k) => a + k.non2xx, 0), s.sent)})`,
    ...thresholdLines,
  ].join('\n');
}

function jsonReport(r: LoadReport, t: { ok: boolean; lines: string[] }): unknown {
  const s = r.stats;
  return {
    requests: r.requests, counts: r.counts, bodiesSha256: r.bodiesSha256, setup: r.setup,
    sent: s.sent, received: s.received, errors: s.errors, byStatus: s.byStatus, errorsByCode: s.errorsByCode, wallMs: s.wallMs, scheduledMs: s.scheduledMs,
    latencyMs: s.received ? { p50: s.latencyMs.quantile(0.5), p99: s.latencyMs.quantile(0.99), max: s.latencyMs.max } : null,
    byKind: s.byKind.filter((k) => k.sent > 0).map((k) => ({ kind: k.kind, sent: k.sent, received: k.received, errors: k.errors, non2xx: k.non2xx, p50Ms: k.received ? k.latencyMs.quantile(0.5) : null, p99Ms: k.received ? k.latencyMs.quantile(0.99) : null })),
    thresholds: t,
  };
}
