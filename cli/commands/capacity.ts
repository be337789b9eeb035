/**
 * `keytwin capacity <scenario> --p99 <ms> [--station <name>]`: simulates the scenario's fleet,
 * then searches, per cloud station, the fewest servers whose worst daily p99 stays under the
 * target with no request turned away by a full queue (sim/cloud capacitySweep), and prints a
 * table next to what the scenario's configuration gives.
 * @module
 */
import { resolveScenario } from '../../scenarios/index.ts';
import { capacitySweep, STATIONS, type StationName } from '../../sim/cloud/index.ts';
import { twinMachinesFor } from '../../sim/twin/machines.ts';
import { runFleet } from '../../sim/twin/parallel.ts';
import { oneOf, parseCommand, positiveNumber, UsageError, UserError, wholeNumber } from '../args.ts';
import { checkMemory, usefulWorkers } from '../preflight.ts';
import { createProgress } from '../progress.ts';
import { DAY_MS } from '../../units/index.ts';
import { percentClaim } from '../../charts/index.ts';
import { drawSeed, readOverrides, readScenario } from '../scenario-input.ts';

const HELP = `Usage: keytwin capacity <scenario.yaml> --p99 <ms> [options]

For each cloud station, the fewest servers that keep the worst daily p99 latency at or under
<ms> with no request rejected by a full queue, on the load the scenario's fleet generates.

Options:
  --p99 <ms>           the latency target (required)
  --station <name>     only this station (repeatable): ${STATIONS.join(', ')}
  --max-servers <n>    give up above this many servers (default 4096)
  --devices, --seed, --workers   as for keytwin run
  --json               print the rows as JSON
`;

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    p99: { type: 'string' }, station: { type: 'string', multiple: true }, 'max-servers': { type: 'string' },
    devices: { type: 'string' }, seed: { type: 'string' }, workers: { type: 'string' }, json: { type: 'boolean' },
  }, HELP);
  if (!parsed) return 0;
  const { values: v, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`expected one scenario file\n${HELP}`);
  if (!v.p99) throw new UsageError('--p99 <ms> is required (the latency target)');
  const p99Ms = positiveNumber('p99', v.p99);
  const stations = (v.station ?? [...STATIONS]).map((s) => oneOf('station', s, STATIONS)) as StationName[];
  const scenario = readScenario(positionals[0]!);
  if (scenario.cloud === null) throw new UserError(`${positionals[0]}: the scenario has no cloud: section (stations and demand); see scenarios/telemetry-steady.yaml`);
  const overrides = { ...readOverrides({ devices: v.devices, seed: v.seed }), traceDevices: 0 };
  const { fleet: cfg, cloud } = resolveScenario(scenario, overrides, drawSeed);
  const { workers, note } = usefulWorkers(v.workers ? wholeNumber('workers', v.workers) : 1, cfg.devices);
  if (note) process.stderr.write(note + '\n');
  checkMemory(cfg, workers);
  const progress = createProgress({ unit: 'sim-days', total: cfg.durationDays, label: `${scenario.name}: fleet` });
  const out = await runFleet(cfg, { machines: twinMachinesFor(cfg.firmware), workers, onProgress: (ms, _events, work) => progress.update(ms / DAY_MS, undefined, work) });
  progress.finish();
  const rows = capacitySweep(out.activity, cloud!, cfg.seed, {
    p99Ms, stations, ...(v['max-servers'] ? { maxServers: Math.floor(positiveNumber('max-servers', v['max-servers'])) } : {}),
  });
  if (v.json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return 0;
  }
  const f = (x: number) => (x >= 10_000 ? x.toExponential(2) : x.toFixed(1));
  const lines = [
    `capacity for p99 <= ${p99Ms} ms (worst day), ${cfg.devices} keychains, ${cfg.durationDays} d, seed ${cfg.seed}`,
    '',
    'station        servers  worst-day p99 ms  queue-full  |  needed  worst-day p99 ms  utilisation  peak-hour util  runs',
    ...rows.map((r) =>
      `${r.station.padEnd(14)} ${String(r.servers).padStart(7)}  ${f(r.worstDayP99Ms).padStart(16)}  ${String(r.queueFull).padStart(10)}  |  ${(r.needed === null ? `>${r.atNeeded.servers}` : String(r.needed)).padStart(6)}  ${f(r.atNeeded.worstDayP99Ms).padStart(16)}  ${percentClaim(r.atNeeded.utilisation, 2).padStart(11)}  ${percentClaim(r.atNeeded.peakHourUtilisation, 1).padStart(14)}  ${String(r.evaluations).padStart(4)}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return rows.every((r) => r.needed !== null) ? 0 : 1;
}
