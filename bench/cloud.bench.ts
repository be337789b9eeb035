/**
 * Cloud service benchmark (issue 6): throughput and latency of the reference service
 * (`keytwin cloud serve`, a separate process on loopback, Postgres + InfluxDB 1.6) for
 * provisioning, telemetry ingest (50-record batches, each acknowledged by InfluxDB) and
 * attestation (challenge + verify; the client's ML-DSA signing is inside the round), measured
 * with a closed-loop keep-alive client at fixed concurrency. Baseline in the same run: the
 * trivial `GET /api/v1/health` (one SELECT 1) with this client and with wrk, so the client's own
 * ceiling is visible next to the service figures.
 * Run: npx tsx bench/cloud.bench.ts [--quick] [--concurrency 16]
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { attestationMessage, loadCloudKeys, mintToken } from '../cloud/index.ts';
import { seededRandom, SecureElement, SUITES } from '../firmware/index.ts';

interface Result {
  what: string;
  requests: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
  extra?: string;
}

const PG = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const INFLUX = process.env.INFLUX1_URL ?? 'http://127.0.0.1:8086';

function quantile(sorted: Float64Array, q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
}

/** A closed-loop client: `concurrency` workers, each sending its next request when the last answered. */
async function load(base: string, agent: Agent, n: number, concurrency: number, make: (i: number) => Promise<{ method: string; path: string; token?: string; body?: string; expect: number }>): Promise<Omit<Result, 'what'>> {
  const lat = new Float64Array(n);
  let next = 0;
  let errors = 0;
  let firstError = '';
  const t0 = performance.now();
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const r = await make(i);
      const t = performance.now();
      const { status, text } = await send(base, agent, r.method, r.path, r.token, r.body);
      lat[i] = performance.now() - t;
      if (status !== r.expect) {
        errors++;
        firstError ||= `${r.method} ${r.path} → ${status} ${text.slice(0, 200)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  if (firstError) process.stderr.write(`  first error: ${firstError}\n`);
  lat.sort();
  return { requests: n, errors, seconds, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) };
}

function send(base: string, agent: Agent, method: string, path: string, token?: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(base + path, {
      method, agent,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function startServer(schema: string, keysFile: string): Promise<{ child: ChildProcess; url: string }> {
  const store = `${PG}${PG.includes('?') ? '&' : '?'}schema=${schema}`;
  const child = spawn(process.execPath, ['cli/keytwin.mjs', 'cloud', 'serve', '--store', store, '--influx', `${INFLUX}?db=keytwin_bench`, '--port', '0',
    '--keys', keysFile, '--principal-rate', '1e9', '--device-rate', '1e9'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /keytwin cloud: (http:\/\/[\d.:]+)\/api\/v1/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`keytwin cloud serve exited ${code}: ${out}`)));
  });
  return { child, url };
}

function wrk(url: string, concurrency: number, seconds: number): { rps: number; p50: number; p99: number } | string {
  const r = spawnSync('wrk', ['-t1', `-c${concurrency}`, `-d${seconds}s`, '--latency', url], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `wrk not available (${r.error?.message ?? r.stderr.trim()}); apt-get install wrk`;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
  const ms = (label: string) => {
    const m = new RegExp(`\\s${label}%\\s+([\\d.]+)(us|ms|s)`).exec(r.stdout);
    if (!m) return NaN;
    return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
  };
  return { rps, p50: ms('50'), p99: ms('99') };
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({ args: [...argv], options: { quick: { type: 'boolean' }, concurrency: { type: 'string' } } });
  const scale = values.quick ? 0.2 : 1;
  const concurrency = Number(values.concurrency ?? 16);
  const schema = `kt_bench_cloud_${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'keytwin-cloud-bench-'));
  const keysFile = join(dir, 'keys.json');
  const keys = loadCloudKeys(keysFile, {});
  await fetch(`${INFLUX}/query`, { method: 'POST', body: new URLSearchParams({ q: 'CREATE DATABASE keytwin_bench' }) });
  const { child, url } = await startServer(schema, keysFile);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const results: Result[] = [];
  const run = async (what: string, n: number, c: number, make: Parameters<typeof load>[4], extra?: (r: Omit<Result, 'what'>) => string) => {
    const r = await load(url, agent, Math.round(n), c, make);
    results.push({ what, ...r, ...(extra ? { extra: extra(r) } : {}) });
    process.stdout.write(`  ${what}: ${(r.requests / r.seconds).toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, errors ${r.errors}\n`);
  };
  try {
    process.stdout.write(`cloud bench: ${url} (keytwin cloud serve, Postgres ${PG.replace(/:[^:@/]*@/, ':***@')}, InfluxDB ${INFLUX}), concurrency ${concurrency}, ${cpus().length} cores, Node ${process.version}\n`);
    // Keys made before timing: 24 keychains' real ML-DSA-65 public keys, reused across device ids.
    const suite = SUITES.find((s) => s.id === 'mlkem768-mldsa65-hybrid-aesgcm')!;
    const ses = Array.from({ length: 24 }, (_, i) => new SecureElement(seededRandom(`bench-${i}`)));
    const pubs = ses.map((se) => {
      const k = se.generateKeys([suite]);
      return { mldsa: Buffer.from(k.sigKeys.mldsa65!).toString('base64'), mlkem: Buffer.from(k.kemKeys.mlkem768!).toString('base64') };
    });
    const cert = Buffer.from([0x30, 0x81, 64, ...new Uint8Array(64).fill(1)]).toString('base64');
    const users = Array.from({ length: 64 }, () => randomUUID());
    const tokens = await Promise.all(users.map((u) => mintToken(keys.jwtSecret, { role: 'user', sub: u, ttlSeconds: 3600 })));
    const owned: { id: string; user: number; se: number }[] = [];

    // Warm-up (JIT, connection pools) before anything is timed.
    await load(url, agent, 2000, concurrency, async () => ({ method: 'GET', path: '/api/v1/health', expect: 200 }));
    await run('GET /api/v1/health (baseline, this client)', 20000 * scale, concurrency, async () => ({ method: 'GET', path: '/api/v1/health', expect: 200 }));
    const w = wrk(`${url}/api/v1/health`, concurrency, values.quick ? 2 : 5);
    await run('POST /api/v1/provision', 3000 * scale, concurrency, async (i) => {
      const id = randomUUID();
      const u = i % users.length;
      owned.push({ id, user: u, se: i % ses.length });
      return { method: 'POST', path: '/api/v1/provision', token: tokens[u]!, body: JSON.stringify({ device_id: id, device_type: 'keychain', device_model: 'kt-s3', public_keys: pubs[i % pubs.length], se_certificate: cert }), expect: 201 };
    });
    const t0 = Date.now() - 86_400_000;
    const BATCH = 50;
    await run(`POST /api/v1/telemetry (${BATCH} records)`, 3000 * scale, concurrency, async (i) => {
      const u = i % users.length;
      const mine = owned.filter((d) => d.user === u).slice(0, 5);
      const records = Array.from({ length: BATCH }, (_, j) => ({
        device_id: mine[j % mine.length]!.id, timestamp: t0 + i * BATCH + j, event_type: j % 3 ? 'unlock_attempt' : 'handshake',
        success: j % 17 !== 0, latency_ms: 150 + (j % 40), meta: { rssi: -55 - (j % 30), session_kdf: 'hybrid-v1' },
      }));
      return { method: 'POST', path: '/api/v1/telemetry', token: tokens[u]!, body: JSON.stringify({ records }), expect: 200 };
    }, (r) => `${((r.requests * BATCH) / r.seconds).toFixed(0)} records/s`);
    // Attestation: one challenge, then the device's ML-DSA-65 signature (client side), then verify.
    await run('attestation round (challenge + sign + verify)', 600 * scale, Math.min(8, concurrency), async (i) => {
      const d = owned[i]!;
      const c = await send(url, agent, 'POST', '/api/v1/auth/challenge', tokens[d.user]!, JSON.stringify({ device_id: d.id }));
      const ch = JSON.parse(c.text) as { challenge_id: string; nonce: string };
      const sig = ses[d.se]!.sign('mldsa65', attestationMessage(d.id, new Uint8Array(Buffer.from(ch.nonce, 'base64'))));
      return { method: 'POST', path: '/api/v1/auth/verify', token: tokens[d.user]!, body: JSON.stringify({ device_id: d.id, challenge_id: ch.challenge_id, signature: Buffer.from(sig).toString('base64') }), expect: 200 };
    });

    process.stdout.write('\n| endpoint | requests | errors | req/s | p50 ms | p99 ms | note |\n|---|---|---|---|---|---|---|\n');
    for (const r of results) {
      process.stdout.write(`| ${r.what} | ${r.requests} | ${r.errors} | ${(r.requests / r.seconds).toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.extra ?? ''} |\n`);
    }
    if (typeof w === 'string') process.stdout.write(`| GET /api/v1/health (wrk) | – | – | – | – | – | ${w} |\n`);
    else {
      process.stdout.write(`| GET /api/v1/health (wrk -t1 -c${concurrency}) | – | – | ${w.rps.toFixed(0)} | ${w.p50.toFixed(2)} | ${w.p99.toFixed(2)} | baseline: this client reaches ${((results[0]!.requests / results[0]!.seconds) / w.rps).toFixed(2)}× wrk |\n`);
    }
    process.stdout.write('Attestation: req/s = complete rounds (challenge, client-side ML-DSA-65 signing, verify) per second; p50/p99 = the verify call alone.\n');
  } finally {
    agent.destroy();
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    const c = new pg.Client({ connectionString: PG });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
    await fetch(`${INFLUX}/query`, { method: 'POST', body: new URLSearchParams({ q: 'DROP DATABASE keytwin_bench' }) }).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  });
}
