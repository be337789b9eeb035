/**
 * A live-load session: the fleet's request schedule (sim/cloud requestSchedule on the scenario's
 * fleet activity) replayed against a real service with real bodies (requests.ts) by the
 * open-loop runner (http-load.ts). Phases: build the schedule, prepare identities (real key
 * generation, not timed), set up the existing fleet on the service (provisioned, not timed),
 * then the timed replay. The report reconciles counts and says whether thresholds hold.
 * @module
 */
import { createHash } from 'node:crypto';
import { mintToken } from '../../cloud/index.ts';
import { REQUEST_KINDS, requestSchedule, type RequestKind, type RequestSchedule } from '../../sim/cloud/index.ts';
import type { FleetActivity } from '../../results/index.ts';
import type { Scenario } from '../../scenarios/index.ts';
import { cloudConfig } from '../../scenarios/index.ts';
import { runLoad, serializeRequest, type LoadPlan, type LoadStats } from './http-load.ts';
import { ensureRelease, type ReleaseSetup } from './release-setup.ts';
import { RequestFactory, type HttpRequest } from './requests.ts';

export interface LoadSessionOptions {
  scenario: Scenario;
  activity: FleetActivity;
  devices: number;
  seed: number | string;
  target: URL;
  /** Offsets divided by this (60: one simulated minute per second). */
  speed: number;
  fromMs?: number;
  toMs?: number;
  /** Keep at most this many requests (the first ones). */
  maxRequests?: number;
  /** Existing keychains the non-provisioning requests are spread over. */
  identities: number;
  connections: number;
  timeoutMs: number;
  /** HS256 secret of the service's JWTs; without it requests carry no token. */
  jwtSecret: Uint8Array | null;
  /** Provision the existing fleet before the timed run. */
  setup: boolean;
  now: () => number;
  /** Epoch ms for token issue times (the service checks expiry against its clock). */
  wallClock: () => number;
  onPhase?: (phase: string, done: number, total: number) => void;
  onProgress?: (s: LoadStats) => void;
}

export interface LoadReport {
  requests: number;
  counts: Record<RequestKind, number>;
  /** SHA-256 over every request's method, path and body, in order: equal for the same scenario and seed. */
  bodiesSha256: string;
  setup: { provisioned: number; failed: number; byStatus: Record<string, number>; release: ReleaseSetup | null } | null;
  stats: LoadStats;
}

/** The schedule of a session (exposed for tests and `--dry-run`). */
export function sessionSchedule(o: Pick<LoadSessionOptions, 'scenario' | 'activity' | 'devices' | 'seed' | 'fromMs' | 'toMs' | 'maxRequests'>): RequestSchedule {
  if (o.scenario.cloud === null) throw new Error(`scenario ${o.scenario.name} has no cloud: section, so it defines no requests to send`);
  const s = requestSchedule(o.activity, cloudConfig(o.scenario.cloud, o.devices), o.seed, { fromMs: o.fromMs, toMs: o.toMs });
  const n = Math.min(s.timeMs.length, o.maxRequests ?? Infinity);
  if (n === s.timeMs.length) return s;
  const counts = Object.fromEntries(REQUEST_KINDS.map((k) => [k, 0])) as Record<RequestKind, number>;
  for (let i = 0; i < n; i++) counts[REQUEST_KINDS[s.kind[i]!]!]++;
  return { timeMs: s.timeMs.slice(0, n), kind: s.kind.slice(0, n), device: s.device.slice(0, n), counts };
}

export function sessionFactory(o: Pick<LoadSessionOptions, 'scenario' | 'seed' | 'identities'>): RequestFactory {
  const suite = Object.entries(o.scenario.fleet.suites).sort((a, b) => b[1] - a[1])[0]![0];
  return new RequestFactory(o.seed, suite, o.identities, o.scenario.cloud?.telemetryBatchEvents ?? 10, o.scenario.start);
}

export async function runLoadSession(o: LoadSessionOptions): Promise<LoadReport> {
  const schedule = sessionSchedule(o);
  const factory = sessionFactory(o);
  const n = schedule.timeMs.length;
  const t0 = n > 0 ? schedule.timeMs[0]! : 0;
  const host = o.target.host;
  const port = Number(o.target.port || (o.target.protocol === 'https:' ? 443 : 80));
  if (o.target.protocol !== 'http:') throw new Error(`--target ${o.target.href}: only http:// targets are supported (put TLS in front of the generator's loopback if needed)`);
  // Tokens are minted (jose, asynchronous) for every subject before anything is sent; the
  // request serialiser, called synchronously by the runner, only looks them up.
  const tokens = new Map<string, string>();
  const subject = (r: HttpRequest): string => (r.as.role === 'admin' ? 'keytwin-load' : r.as.userId);
  const mint = async (r: HttpRequest): Promise<void> => {
    const sub = subject(r);
    if (o.jwtSecret && !tokens.has(sub)) tokens.set(sub, await mintToken(o.jwtSecret, { role: r.as.role, sub, ttlSeconds: 86_400, nowMs: o.wallClock() }));
  };
  const headers = (r: HttpRequest): Record<string, string> => {
    const h: Record<string, string> = { 'content-type': 'application/json' };
    if (o.jwtSecret) {
      const t = tokens.get(subject(r));
      if (t === undefined) throw new Error(`load: no token was minted for ${subject(r)} (${r.method} ${r.path})`);
      h.authorization = `Bearer ${t}`;
    }
    return h;
  };

  // Identities need real key generation (~10 ms each): do it before anything is timed.
  const fleetIds = new Set<number>();
  let newIds = 0;
  for (let i = 0; i < n; i++) {
    if (schedule.kind[i] === 0) newIds++;
    else fleetIds.add(schedule.device[i]! % o.identities);
  }
  const total = newIds + fleetIds.size;
  let done = 0;
  for (let i = 0; i < n; i++) if (schedule.kind[i] === 0) {
    await mint(factory.provision(factory.identity('new', schedule.device[i]!)));
    if (++done % 25 === 0) o.onPhase?.('keys', done, total);
  }
  for (const d of fleetIds) {
    await mint(factory.provision(factory.identity('fleet', d)));
    if (++done % 25 === 0) o.onPhase?.('keys', done, total);
  }
  // Policy pushes carry the operator's token.
  await mint({ method: 'POST', path: '/api/v1/policy', as: { role: 'admin' }, body: null });
  o.onPhase?.('keys', total, total);

  let setup: LoadReport['setup'] = null;
  if (o.setup && fleetIds.size > 0) {
    const ids = [...fleetIds].sort((a, b) => a - b);
    const reqs = ids.map((d) => factory.provision(factory.identity('fleet', d)));
    const plan: LoadPlan = {
      count: reqs.length, atMs: () => 0, kind: () => 0, kinds: ['setup.provision'],
      bytes: (i) => serializeRequest(host, reqs[i]!.method, reqs[i]!.path, headers(reqs[i]!), reqs[i]!.body),
    };
    const s = await runLoad(plan, { host: o.target.hostname, port, connections: Math.min(8, o.connections), speed: 1, timeoutMs: o.timeoutMs, now: o.now });
    const ok = (s.byStatus['201'] ?? 0) + (s.byStatus['200'] ?? 0) + (s.byStatus['409'] ?? 0);
    setup = { provisioned: ok, failed: s.sent - ok, byStatus: s.byStatus, release: null };
  }
  // Routine OTA checks need a release offered fleet-wide, or every one is a 404 (release-setup.ts).
  if (o.setup && o.jwtSecret && (schedule.counts.ota ?? 0) + (schedule.counts['ota.download'] ?? 0) > 0) {
    setup ??= { provisioned: 0, failed: 0, byStatus: {}, release: null };
    setup.release = await ensureRelease(o.target, factory.model, o.jwtSecret, o.wallClock(), o.timeoutMs);
  }

  const digest = createHash('sha256');
  const plan: LoadPlan = {
    count: n,
    atMs: (i) => schedule.timeMs[i]! - t0,
    kind: (i) => schedule.kind[i]!,
    kinds: REQUEST_KINDS,
    bytes: (i) => {
      const r = factory.build(i, REQUEST_KINDS[schedule.kind[i]!]!, schedule.device[i]!, schedule.timeMs[i]!);
      digest.update(`${r.method} ${r.path}\n`);
      if (r.body) digest.update(r.body);
      return serializeRequest(host, r.method, r.path, headers(r), r.body);
    },
  };
  const stats = await runLoad(plan, { host: o.target.hostname, port, connections: o.connections, speed: o.speed, timeoutMs: o.timeoutMs, now: o.now, onProgress: o.onProgress });
  return { requests: n, counts: schedule.counts, bodiesSha256: digest.digest('hex'), setup, stats };
}

/** The digest a session's bodies would have, without sending anything (for --dry-run and tests). */
export function scheduleDigest(schedule: RequestSchedule, factory: RequestFactory): string {
  const digest = createHash('sha256');
  for (let i = 0; i < schedule.timeMs.length; i++) {
    const r = factory.build(i, REQUEST_KINDS[schedule.kind[i]!]!, schedule.device[i]!, schedule.timeMs[i]!);
    digest.update(`${r.method} ${r.path}\n`);
    if (r.body) digest.update(r.body);
  }
  return digest.digest('hex');
}

export interface Thresholds {
  /** p99 latency over every response, ms. */
  p99Ms?: number;
  /** Share of requests that failed (transport error or non-2xx), 0..1. */
  maxErrorRate?: number;
}

/** One line per threshold: what was required, what was measured, whether it held. */
export function checkThresholds(stats: LoadStats, t: Thresholds): { ok: boolean; lines: string[] } {
  const lines: string[] = [];
  let ok = true;
  if (t.p99Ms !== undefined) {
    const p99 = stats.received > 0 ? stats.latencyMs.quantile(0.99) : Infinity;
    const pass = p99 <= t.p99Ms;
    ok &&= pass;
    lines.push(`${pass ? 'PASS' : 'FAIL'} p99 ${p99.toFixed(1)} ms (limit ${t.p99Ms} ms)`);
  }
  if (t.maxErrorRate !== undefined) {
    const failed = stats.errors + stats.byKind.reduce((a, k) => a + k.non2xx, 0);
    const rate = stats.sent > 0 ? failed / stats.sent : 0;
    const pass = rate <= t.maxErrorRate;
    ok &&= pass;
    lines.push(`${pass ? 'PASS' : 'FAIL'} errors ${(rate * 100).toFixed(3)} % = ${failed} of ${stats.sent} (limit ${(t.maxErrorRate * 100).toFixed(3)} %)`);
  }
  return { ok, lines };
}
