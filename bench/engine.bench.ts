/**
 * Engine benchmark: the sleep-wake keychain workload of research/perf.md §1 on
 *   (a) keytwin's engine, through its public API (createEnvironment, createRng, exponential),
 *   (b) a C binary heap of the same workload (bench/engine/holdbench.c, compiled here with gcc -O2
 *       into bench/.build/), and
 *   (c) SimPy (Debian's python3-simpy 2.3.1, bench/engine/simpy_sleepwake.py),
 * all drawing the same sfc32 numbers in the same order, so event counts and battery checksums must
 * match exactly (checked and printed). Rates are events per second of CPU time of the run phase
 * (process CPU time in all three), because the build machine is shared and wall time there mostly
 * measures other tenants. Runs are interleaved (keytwin, C, keytwin, C, ...) so that
 * both see the same machine load, and each figure is the median of the repetitions. Also reports
 * memory per pending event at 10^6 pending.
 *
 * Run: npx tsx bench/engine.bench.ts [--reps 3] [--quick]   (about 2 minutes; --quick about 40 s)
 * @module
 */

import { buildSync } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { EventCalendar, createEnvironment, createRng, exponential, type Rng } from '../sim/engine/index.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BUILD = path.join(HERE, '.build');
const C_SRC = path.join(HERE, 'engine', 'holdbench.c');
const C_BIN = path.join(BUILD, 'holdbench');
const PY_SRC = path.join(HERE, 'engine', 'simpy_sleepwake.py');
/** Debian's interpreter, which has python3-simpy; `python3` on PATH may be another one. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SEED = 1;

interface RunResult {
  engine: string;
  devices: number;
  events: number;
  checksum: number;
  runS: number;
  /** CPU time of the run phase: on a shared machine it excludes time spent descheduled. */
  cpuS: number;
  version?: string;
  python?: string;
}

const CURRENT = [0.001, 1.0]; // asleep, awake (arbitrary units; only the checksum uses them)
const MEAN = [1.0, 0.1]; // mean time asleep, awake

function streamState(): [number, number, number, number] {
  return createRng(SEED).stream('sleep-wake').getState();
}

/** (a) keytwin: one calendar event per device; the handler integrates the battery and reschedules. */
export function keytwinSleepWake(devices: number, tEnd: number): RunResult {
  const rng = createRng(SEED).stream('sleep-wake');
  const env = createEnvironment({ initialCapacity: devices });
  const battery = new Float64Array(devices).fill(1000);
  const last = new Float64Array(devices);
  const awake = new Uint8Array(devices);
  for (let i = 0; i < devices; i++) env.schedule(exponential(rng, 1), 0, i);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  env.run(tEnd, (_kind, id) => {
    const now = env.now;
    let s = awake[id]!;
    battery[id] = battery[id]! - CURRENT[s]! * (now - last[id]!);
    last[id] = now;
    s ^= 1;
    awake[id] = s;
    env.schedule(now + exponential(rng, MEAN[s]!), 0, id);
  });
  const runS = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  let checksum = 0;
  for (let i = 0; i < devices; i++) checksum += battery[i]!;
  return { engine: 'keytwin-heap', devices, events: env.processed, checksum, runS, cpuS: (cpu.user + cpu.system) / 1e6 };
}

/**
 * Hold model (pop the minimum, push it back at t + increment) over several increment shapes,
 * including the skewed ones that made the removed calendar queue collapse (docs/DECISIONS.md):
 * the heap's speed must not depend much on the time distribution.
 */
const HOLD_SHAPES: Record<string, (rng: Rng) => number> = {
  'Exp(1)': (r) => exponential(r, 1),
  'U(0,2)': (r) => 2 * r.next(),
  'bimodal Exp(1e-3)|Exp(1e3)': (r) => (r.next() < 0.5 ? exponential(r, 1e-3) : exponential(r, 1e3)),
  'heavy tail 90/9/1 %': (r) => {
    const u = r.next();
    return u < 0.9 ? exponential(r, 0.01) : u < 0.99 ? exponential(r, 100) : 1e7 * r.next();
  },
  'integer ties {0,1,2}': (r) => Math.floor(3 * r.next()),
};

function holdModel(pending: number, steps: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [shape, inc] of Object.entries(HOLD_SHAPES)) {
    const q = new EventCalendar(pending);
    const rng = createRng(SEED).stream('hold');
    for (let i = 0; i < pending; i++) q.push(inc(rng), 0, 0, i, 0);
    const c0 = process.cpuUsage();
    for (let i = 0; i < steps; i++) {
      q.pop();
      q.push(q.poppedTime + inc(rng), 0, 0, q.poppedTarget, 0);
    }
    const cu = process.cpuUsage(c0);
    out[shape] = steps / ((cu.user + cu.system) / 1e6);
  }
  return out;
}

/**
 * Runs keytwin in a child process, so that its event loop stays monomorphic (one handler), as in
 * a real run; many closures in one process measure V8's polymorphic call sites instead.
 * The child runs an esbuild bundle of this file, as the fleet does (sim/twin/bundle.ts): under
 * tsx every cross-module call goes through an export getter, which would measure tsx.
 */
function child(args: string[]): string[] {
  const out = execFileSync(process.execPath, [childScript(), '--child', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return out.trim().split('\n');
}

let bundledChild: string | null = null;
function childScript(): string {
  if (bundledChild) return bundledChild;
  mkdirSync(BUILD, { recursive: true });
  const out = path.join(BUILD, 'engine.bench.mjs');
  buildSync({
    entryPoints: [fileURLToPath(import.meta.url)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    logLevel: 'silent',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  return (bundledChild = out);
}

function childMain(argv: readonly string[]): void {
  const [mode, a, b, c] = argv;
  if (mode === 'hold') {
    console.log(JSON.stringify(holdModel(Number(a), Number(b))));
    return;
  }
  keytwinSleepWake(10_000, 50); // warm-up: let V8 optimise the loop before timing
  for (let r = 0; r < Number(c); r++) console.log(JSON.stringify(keytwinSleepWake(Number(a), Number(b))));
}

function compileC(): string {
  mkdirSync(BUILD, { recursive: true });
  if (!existsSync(C_BIN) || statSync(C_BIN).mtimeMs < statSync(C_SRC).mtimeMs) {
    execFileSync('gcc', ['-O2', '-o', C_BIN, C_SRC, '-lm'], { stdio: 'inherit' });
  }
  return execFileSync('gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? 'gcc';
}

function cSleepWakeReps(devices: number, tEnd: number, reps: number): RunResult[] {
  const out = execFileSync(C_BIN, [String(devices), String(tEnd), ...streamState().map(String), String(reps)], { encoding: 'utf8' });
  return out.trim().split('\n').map((l) => JSON.parse(l) as RunResult);
}

function cSleepWake(devices: number, tEnd: number): RunResult {
  return cSleepWakeReps(devices, tEnd, 1)[0]!;
}

function simpySleepWake(devices: number, tEnd: number): RunResult | { error: string } {
  try {
    const out = execFileSync(PYTHON, [PY_SRC, String(devices), String(tEnd), ...streamState().map(String)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return JSON.parse(out.trim()) as RunResult;
  } catch (e) {
    return { error: String((e as Error).message).split('\n')[0] ?? 'failed' };
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const fmt = (r: number) => (r >= 1e6 ? `${(r / 1e6).toFixed(2)} M` : `${(r / 1e3).toFixed(1)} k`);

function sameRun(a: RunResult, b: RunResult): boolean {
  // Checksums are sums of the same doubles in the same order; allow 1e-12 relative for libm's log.
  return a.events === b.events && Math.abs(a.checksum - b.checksum) <= 1e-12 * Math.abs(a.checksum);
}

/** Bytes per pending event: growth of ArrayBuffer memory with `count` events scheduled. */
function bytesPerPending(count: number): { measured: number; structural: number } {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
  const before = process.memoryUsage();
  const env = createEnvironment();
  const rng = createRng(SEED);
  for (let i = 0; i < count; i++) env.schedule(exponential(rng, 1), 0, i);
  gc();
  const after = process.memoryUsage();
  const grew = after.heapUsed + after.external - (before.heapUsed + before.external);
  return { measured: grew / env.pending, structural: env.calendarBytes / env.pending };
}

interface Row {
  devices: number;
  tEnd: number;
  heap: number[];
  c: number[];
  events: number;
  match: boolean;
}

/** Interleaves keytwin and C processes so both see the same machine load. */
function compare(devices: number, tEnd: number, procs: number, reps: number): Row {
  const row: Row = { devices, tEnd, heap: [], c: [], events: 0, match: true };
  for (let p = 0; p < procs; p++) {
    const c = cSleepWakeReps(devices, tEnd, reps);
    for (const line of child(['sleep-wake', String(devices), String(tEnd), String(reps)])) {
      const k = JSON.parse(line) as RunResult;
      row.match &&= sameRun(k, c[0]!);
      row.heap.push(k.events / k.cpuS);
    }
    for (const b of c) row.c.push(b.events / b.cpuS);
    row.events = c[0]!.events;
  }
  return row;
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const quick = argv.includes('--quick');
  const repsArg = argv.indexOf('--reps');
  const reps = repsArg >= 0 ? Number(argv[repsArg + 1]) : quick ? 2 : 3;
  const procs = quick ? 2 : 3;
  const gcc = compileC();
  console.log(`# engine bench: sleep-wake keychains (perf.md §1), ${os.cpus()[0]?.model ?? '?'} ×${os.cpus().length}, node ${process.version}, ${gcc}`);
  console.log(`# load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; medians over ${procs} interleaved processes × ${reps} runs; events per CPU-second of the run phase\n`);

  // Memory first, while the JS heap holds nothing else of ours.
  const memHeap = bytesPerPending(1_000_000);


  // Equivalence at a horizon SimPy can afford: all three must agree exactly.
  const checkN = 100_000;
  const checkT = quick ? 0.5 : 1;
  const kCheck = keytwinSleepWake(checkN, checkT);
  const cCheck = cSleepWake(checkN, checkT);
  const simpy: (RunResult | { error: string })[] = [];
  for (let r = 0; r < (quick ? 1 : 3); r++) simpy.push(simpySleepWake(checkN, checkT));
  const simpyOk = simpy.filter((s): s is RunResult => !('error' in s));
  console.log(`check N=${checkN} T=${checkT}: keytwin ${kCheck.events} events, checksum ${kCheck.checksum}`);
  console.log(`                     C       ${cCheck.events} events, checksum ${cCheck.checksum}  ${sameRun(kCheck, cCheck) ? 'MATCH' : 'MISMATCH'}`);
  if (simpyOk[0] !== undefined) {
    console.log(
      `                     SimPy   ${simpyOk[0].events} events, checksum ${simpyOk[0].checksum}  ${sameRun(kCheck, simpyOk[0]) ? 'MATCH' : 'MISMATCH'} (${simpyOk[0].version})`,
    );
  } else console.log(`                     SimPy   not run: ${(simpy[0] as { error: string }).error}`);

  const rows = [compare(100_000, quick ? 10 : 20, procs, reps), compare(1_000_000, quick ? 2 : 4, procs, Math.max(1, reps - 1))];
  const range = (xs: number[]) => `${fmt(Math.min(...xs))}..${fmt(Math.max(...xs))}`;
  console.log('\n| engine | pending events | events/run | median ev/s (CPU) | range | vs C | same events + checksum as C |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const row of rows) {
    const cm = median(row.c);
    const xs = row.heap;
    console.log(`| keytwin, 4-ary SoA heap | ${row.devices} | ${row.events} | ${fmt(median(xs))} | ${range(xs)} | ${(median(xs) / cm).toFixed(2)}× | ${row.match ? 'yes' : 'NO'} |`);
    console.log(`| C -O2 binary heap | ${row.devices} | ${row.events} | ${fmt(cm)} | ${range(row.c)} | 1.00× | |`);
  }
  // SimPy's rate is compared with keytwin's at the same N (1e5); SimPy's per-event cost does not
  // depend on the horizon, and a 20-unit horizon would take minutes per run.
  const simpyRates = simpyOk.map((s) => s.events / s.cpuS);
  const simpyRate = simpyOk.length > 0 ? median(simpyRates) : NaN;
  const c5 = median(rows[0]!.c);
  if (simpyOk.length > 0) {
    console.log(`| ${simpyOk[0]!.version} (Python ${simpyOk[0]!.python ?? '?'}) | ${checkN} | ${simpyOk[0]!.events} | ${fmt(simpyRate)} | ${range(simpyRates)} | ${(simpyRate / c5).toFixed(3)}× | ${sameRun(kCheck, simpyOk[0]!) ? 'yes' : 'NO'} |`);
  }

  console.log('\nhold model, 1e5 pending, pop + push per step (events/s of CPU):');
  console.log('| increment | 4-ary heap | / Exp(1) |');
  console.log('| --- | ---: | ---: |');
  const steps = String(quick ? 500_000 : 2_000_000);
  const holdHeap = JSON.parse(child(['hold', '100000', steps])[0]!) as Record<string, number>;
  for (const shape of Object.keys(HOLD_SHAPES)) {
    console.log(`| ${shape} | ${fmt(holdHeap[shape]!)} | ${(holdHeap[shape]! / holdHeap['Exp(1)']!).toFixed(2)}× |`);
  }

  console.log(`\nmemory at 10^6 pending (heap + external growth / allocated by the queue's typed arrays):`);
  console.log(`  4-ary heap: ${memHeap.measured.toFixed(1)} B/event measured, ${memHeap.structural.toFixed(1)} B/event allocated (26 B per entry of capacity)`);

  {
    const name = '4-ary heap';
    const k5 = median(rows[0]!.heap);
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(`\ntargets at 1e5 pending, keytwin ${name}:`);
    console.log(`  ≥ 4 M ev/s ......... ${fmt(k5)} ev/s: ${verdict(k5 >= 4e6)}`);
    console.log(`  ≥ 0.6× C ........... ${(k5 / c5).toFixed(2)}×: ${verdict(k5 / c5 >= 0.6)}`);
    if (simpyOk.length > 0) console.log(`  ≥ 50× SimPy ........ ${(k5 / simpyRate).toFixed(0)}×: ${verdict(k5 / simpyRate >= 50)}`);
  }
  console.log(`# load average at end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--child');
  if (i >= 0) childMain(process.argv.slice(i + 1));
  else await main();
}
