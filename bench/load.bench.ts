/**
 * bench/load.bench.ts: how many requests/s the `keytwin load` runner sustains against a trivial
 * loopback server (node:http, one process, answering 200 with a 2-byte body), next to wrk on the
 * same server with the same number of connections, in the same run. The runner is given a
 * schedule with every request due at once (the open-loop runner then saturates its connections),
 * so both tools measure the throughput they can push; the server is shared, so the ratio says
 * whether the generator or the server limits. Prints both figures and the ratio (target ≥ 0.7).
 * @module
 */
import { execFileSync, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { runLoad, serializeRequest, type LoadPlan } from '../cli/load/http-load.ts';

const CONNECTIONS = 32;
const SECONDS = 5;

function startServer(): Promise<{ port: number; stop: () => void }> {
  // A separate process, like a real service: the generator and the server do not share a thread.
  const child = spawn(process.execPath, ['-e', `
    const http = require('node:http');
    const s = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 }); res.end('ok'); }); });
    s.keepAliveTimeout = 60000;
    s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => {
    child.stdout!.once('data', (d: Buffer) => resolve({ port: Number(d.toString().trim()), stop: () => child.kill() }));
  });
}

function wrkRate(port: number): number | null {
  try {
    const out = execFileSync('wrk', ['-t', '1', '-c', String(CONNECTIONS), '-d', `${SECONDS}s`, `http://127.0.0.1:${port}/api/v1/telemetry`], { encoding: 'utf8' });
    const m = /Requests\/sec:\s*([\d.]+)/.exec(out);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

async function keytwinRate(port: number, count: number): Promise<{ rate: number; errors: number; sent: number; received: number }> {
  const bytes = serializeRequest(`127.0.0.1:${port}`, 'GET', '/api/v1/telemetry', {}, null);
  const plan: LoadPlan = { count, atMs: () => 0, bytes: () => bytes, kind: () => 0, kinds: ['get'] };
  const s = await runLoad(plan, { host: '127.0.0.1', port, connections: CONNECTIONS, speed: 1, timeoutMs: 10_000, now: () => performance.now() });
  return { rate: s.received / (s.wallMs / 1000), errors: s.errors, sent: s.sent, received: s.received };
}

export async function main(): Promise<void> {
  const server = await startServer();
  try {
    await keytwinRate(server.port, 20_000); // warm-up (JIT, server sockets)
    const wrk1 = wrkRate(server.port);
    const ours = await keytwinRate(server.port, Math.round((wrk1 ?? 10_000) * SECONDS * 0.8));
    const wrk2 = wrkRate(server.port);
    const wrk = wrk1 !== null && wrk2 !== null ? (wrk1 + wrk2) / 2 : (wrk1 ?? wrk2);
    console.log(`load generator vs wrk: trivial node:http loopback server, ${CONNECTIONS} keep-alive connections, ~${SECONDS} s each`);
    console.log(`  keytwin load runner  ${ours.rate.toFixed(0).padStart(8)} req/s  (sent ${ours.sent}, received ${ours.received}, errors ${ours.errors})`);
    if (wrk === null) console.log('  wrk                  not installed (apt-get install wrk): no baseline');
    else {
      console.log(`  wrk -t1 -c${CONNECTIONS}        ${wrk.toFixed(0).padStart(8)} req/s  (runs before and after: ${wrk1?.toFixed(0)}, ${wrk2?.toFixed(0)})`);
      console.log(`  ratio                ${(ours.rate / wrk).toFixed(2)}×   (target ≥ 0.7×; ≥ 5,000 req/s: ${ours.rate >= 5000 ? 'yes' : 'NO'})`);
    }
  } finally {
    server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
