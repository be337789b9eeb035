/**
 * The fleet simulator end to end: office-fleet (10,000 keychains × 1 simulated year) on one
 * worker and on two, per operation and with the handshake table, with events/s and the 2-core
 * speed-up measured in the same run (also as the median of interleaved 30-day pairs), and memory
 * per simulated keychain at 10^6 keychains, and how the cost scales with the fleet: the same days
 * at 10^3 … 10^6 keychains, as µs per keychain-day (issue 12: cost linear in keychain-days).
 *
 *   npx tsx bench/twin.bench.ts            # full year (minutes)
 *   npx tsx bench/twin.bench.ts --days 30  # shorter horizon, same fleet
 *   node --expose-gc --import tsx bench/twin.bench.ts --memory-only  # only the memory at 10^6 keychains
 *   node --import tsx bench/twin.bench.ts --pairs-only     # only the 2-worker pairs (3 × 30 d)
 *
 * Events are the events each device handles (timed ops, timers, arrivals, phone messages); since
 * the per-device slot agenda there are no stale (cancelled) events to pop, so the count is ≈ 17 %
 * below what the global-heap version counted for the same simulation: compare wall times.
 * @module
 */
import { pathToFileURL } from 'node:url';
import os from 'node:os';
import { loadScenario, resolveScenario } from '../scenarios/index.ts';
import { runFleet } from '../sim/twin/parallel.ts';
import { compileTwinMachines } from '../sim/twin/machines.ts';
import type { FleetOutput } from '../sim/twin/simulate.ts';

async function timed(label: string, days: number, workers: number, handshakeTable = 0): Promise<{ s: number; events: number; summary: string; alive: number; lastBrownout: number; out: FleetOutput }> {
  const cfg = resolveScenario(loadScenario('scenarios/office-fleet.yaml'), { durationDays: days, handshakeTable }).fleet;
  const t0 = performance.now();
  const out = await runFleet(cfg, { workers });
  const s = (performance.now() - t0) / 1000;
  console.log(
    `${label.padEnd(34)} ${s.toFixed(1).padStart(7)} s  ${(out.summary.events / 1e6).toFixed(1).padStart(8)} M events  ${(out.summary.events / s / 1e6).toFixed(2)} M ev/s`,
  );
  const dead = Array.from(out.devices.depletedDay).filter((d) => Number.isFinite(d));
  return { s, events: out.summary.events, summary: JSON.stringify(out.summary), alive: out.summary.battery.censored, lastBrownout: dead.length ? Math.max(...dead) : NaN, out };
}

/**
 * Cost per keychain-day at 10^3 … 10^6 keychains over the same `days` (every keychain alive: the
 * first days of office-fleet, so more work per keychain-day than a year's average, when ~40 % of
 * keychain-days are after brown-out). Wall time includes the run's fixed start-up (bundle,
 * statechart compile, thread), so the small fleets show it and the large ones show the slope.
 */
async function scaling(days: number): Promise<void> {
  console.log(`# scaling: office-fleet, ${days} d, 1 worker; µs per keychain-day (wall / keychain-days)`);
  const rows: { n: number; s: number }[] = [];
  for (const n of [1_000, 10_000, 100_000, 1_000_000]) {
    const cfg = resolveScenario(loadScenario('scenarios/office-fleet.yaml'), { devices: n, durationDays: days, traceDevices: 0 }).fleet;
    const t0 = performance.now();
    const out = await runFleet(cfg, { workers: 1 });
    const s = (performance.now() - t0) / 1000;
    rows.push({ n, s });
    console.log(`${String(n).padStart(9)} keychains  ${s.toFixed(1).padStart(7)} s  ${((s * 1e6) / (n * days)).toFixed(1).padStart(7)} µs/keychain-day  ${(out.summary.events / (n * days)).toFixed(0)} events/keychain-day`);
  }
  // The slope between the two largest fleets is the marginal cost; the intercept, the start-up.
  const [a, b] = rows.slice(-2) as [{ n: number; s: number }, { n: number; s: number }];
  const slope = (b.s - a.s) / ((b.n - a.n) * days);
  console.log(`marginal cost ${(slope * 1e6).toFixed(1)} µs per keychain-day; fixed ≈ ${(a.s - slope * a.n * days).toFixed(1)} s`);
}

/**
 * The 2-worker speed-up as the median of `rounds` interleaved pairs (1 worker, then 2) on the same
 * `days`: one pair of year runs moved between 1.67× and 1.91× on this VM from run-to-run spread
 * alone (±5 % on each run), so one pair cannot tell a real loss of scaling from noise.
 *
 * Beside each pair, the machine's own 2-core capacity at that moment, on the same work: two
 * identical 1-worker runs of half the fleet at once against one of them alone. Two independent
 * runs share nothing but the machine, so 2 × (alone / both at once) is the most any split into 2
 * workers could reach then; on this VM it moved between ≈ 1.1 and 2.0 (its two vCPUs slow each
 * other down by up to half, even on a pure arithmetic loop), which is why the split's efficiency
 * (speed-up ÷ that capacity) is the figure the code answers for.
 */
async function speedUpPairs(days: number, rounds: number): Promise<void> {
  const ratios: number[] = [];
  const ones: number[] = [];
  const twos: number[] = [];
  const capacity: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = await timed(`  pair ${r + 1}: 1 worker`, days, 1);
    const b = await timed(`  pair ${r + 1}: 2 workers`, days, 2);
    if (a.summary !== b.summary) throw new Error(`speed-up pair ${r + 1}: the 2-worker summary differs from the 1-worker one`);
    ones.push(a.s);
    twos.push(b.s);
    ratios.push(a.s / b.s);
    capacity.push(await machineCapacity(days, r + 1));
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
  const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' / ');
  const efficiency = ratios.map((x, r) => x / capacity[r]!);
  console.log(
    `2-core speed-up, ${rounds} interleaved pairs × ${days} d: median ${median(ratios).toFixed(2)}× (pairs ${list(ratios)}; ` +
      `1 worker ${ones.map((x) => x.toFixed(1)).join(' / ')} s, 2 workers ${twos.map((x) => x.toFixed(1)).join(' / ')} s; summaries identical; target ≥ 1.9×)`,
  );
  console.log(
    `  the machine's 2-core capacity beside each pair (2 identical half-fleet runs at once vs one alone): ${list(capacity)}×; ` +
      `the split's efficiency (speed-up ÷ capacity): median ${median(efficiency).toFixed(2)} (${list(efficiency)})`,
  );
}

/** 2 × (one half-fleet 1-worker run alone ÷ two of them at once): what 2 cores give this work now. */
async function machineCapacity(days: number, round: number): Promise<number> {
  const cfg = resolveScenario(loadScenario('scenarios/office-fleet.yaml'), { devices: 5_000, durationDays: days }).fleet;
  const t0 = performance.now();
  await Promise.all([runFleet(cfg, { workers: 1 }), runFleet(cfg, { workers: 1 })]);
  const both = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await runFleet(cfg, { workers: 1 });
  const alone = (performance.now() - t1) / 1000;
  console.log(`  pair ${round}: machine: 2 × 5,000 keychains at once ${both.toFixed(1)} s, one alone ${alone.toFixed(1)} s → ${((2 * alone) / both).toFixed(2)}×`);
  return (2 * alone) / both;
}

/**
 * Bytes per keychain a 10^6-keychain partition holds: heap + array buffers, collected (gc) at the
 * progress call, less the same before the run. Without the collection the figure moved by ±40 B
 * with whatever garbage the heap held at that moment (255 to 343 B on the same tree).
 */
async function memoryPerKeychain(devices: number): Promise<number> {
  const cfg = resolveScenario(loadScenario('scenarios/office-fleet.yaml'), { devices, durationDays: 1 / 24, traceDevices: 0 }).fleet;
  const machines = compileTwinMachines();
  const gc = globalThis.gc;
  if (!gc) throw new Error('memoryPerKeychain needs node --expose-gc (npm run bench passes it)');
  const used = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = used();
  let peak = 0;
  await runFleet(cfg, { machines, workers: 0, onProgress: () => (peak = Math.max(peak, used())) });
  return (peak - before) / devices;
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const i = argv.indexOf('--days');
  const days = i >= 0 ? Number(argv[i + 1]) : 365;
  const j = argv.indexOf('--scaling-days');
  const scalingDays = j >= 0 ? Number(argv[j + 1]) : 2;
  if (argv.includes('--pairs-only')) {
    // Just the 2-worker pairs (≈ 5 min): node --import tsx bench/twin.bench.ts --pairs-only [--days 30]
    await speedUpPairs(i >= 0 ? days : 30, 3);
    return;
  }
  if (argv.includes('--memory-only')) {
    // Just the memory figure (a minute, not the year): node --expose-gc --import tsx bench/twin.bench.ts --memory-only
    const bytes = await memoryPerKeychain(1_000_000);
    console.log(`memory at 10^6 keychains: ${bytes.toFixed(0)} B per keychain held (collected; target ≤ 256 B, issue 12)`);
    return;
  }
  console.log(`# twin: office-fleet 10,000 keychains × ${days} days (${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, Node ${process.version})`);
  const one = await timed('1 worker', days, 1);
  const two = await timed('2 workers', days, 2);
  console.log(`2-core speed-up: ${(one.s / two.s).toFixed(2)}× (target ≥ 1.9×); summaries identical: ${one.summary === two.summary}`);
  await speedUpPairs(Math.min(days, 30), 3);
  console.log(`target: ≤ 60 s on one core for 365 days → measured ${one.s.toFixed(1)} s for ${days} days (≈ ${((one.s * 365) / days).toFixed(0)} s for a year at this rate)`);
  // The episode economy (issue 12): whole handshakes drawn from a table, against the per-operation run above.
  const tab = await timed('1 worker, handshake table 1024', days, 1, 1024);
  const a = one.out.summary;
  const b = tab.out.summary;
  console.log(
    `handshake table: ${(one.s / tab.s).toFixed(2)}× the per-operation run; median life ${b.battery.lifeDays.p50.value} d against ${a.battery.lifeDays.p50.value} d, ` +
      `handshake mean ${b.handshake.timeMs.mean} ms against ${a.handshake.timeMs.mean} ms; table error on a keychain's mean handshake charge ±${b.handshake.table?.chargeSePctMean} % (1 SE, worst link ±${b.handshake.table?.chargeSePctMax} %)`,
  );
  const tab2 = await timed('2 workers, handshake table 1024', days, 2, 1024);
  console.log(`handshake table on 2 workers: summary identical to 1 worker's: ${tab.summary === tab2.summary}`);
  console.log(`brown-out: ${one.alive} of 10,000 keychains alive at the end, last brown-out on day ${one.lastBrownout.toFixed(1)} (a run to the whole fleet's brown-out when none is alive)`);
  // Memory before the scaling runs, so their leftovers are not in its baseline.
  const bytes = await memoryPerKeychain(1_000_000);
  console.log(`memory at 10^6 keychains: ${bytes.toFixed(0)} B per keychain held (collected; target ≤ 256 B, issue 12)`);
  if (scalingDays > 0) await scaling(scalingDays);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
