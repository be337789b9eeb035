/**
 * What `keytwin run` (and capacity, load) checks about the machine before simulating: how many
 * worker threads help, and whether the run fits in memory. Both are facts about this machine, so
 * they live in the composition root, not in scenarios/ or sim/.
 * @module
 */
import { availableParallelism, totalmem } from 'node:os';
import type { FleetConfig } from '../scenarios/index.ts';
import { ACTIVITY_BIN_MS, SOC_BINS } from '../sim/twin/partition-result.ts';
import { UserError } from './args.ts';

/**
 * Below this many keychains per worker a thread's start-up (compiling the machines, ~1 s) costs
 * more than its share of the simulation saves. Results are identical for any worker count.
 */
export const MIN_DEVICES_PER_WORKER = 2_000;

/** The workers that help: at most one per core and one per MIN_DEVICES_PER_WORKER keychains. */
export function usefulWorkers(requested: number, devices: number, cores = availableParallelism()): { workers: number; note: string | null } {
  const workers = Math.max(1, Math.min(requested, cores, Math.ceil(devices / MIN_DEVICES_PER_WORKER)));
  if (workers === requested) return { workers, note: null };
  const why = workers === cores && requested > cores ? `this machine has ${cores} cores` : `${devices} keychains need no more (a worker pays off from ${MIN_DEVICES_PER_WORKER} keychains each)`;
  return { workers, note: `--workers ${requested}: using ${workers}, since ${why}; results are the same for any count` };
}

// Measured (quickstart, 1 day, --store none): 2,000 keychains peak at 269 MB RSS, 40,000 at
// 292 MB, so ~600 B per keychain over a ~270 MB base; the estimate takes 1 KiB to leave room for
// the result's per-device columns and their JSON. Per simulated day, each partition and the
// merged result hold a SoC histogram (SOC_BINS) and four per-minute activity counters, 8 B each.
const BASE_BYTES = 300 * 2 ** 20;
const BYTES_PER_DEVICE = 1024;
const BYTES_PER_DAY = 8 * (SOC_BINS + 4 * (86_400_000 / ACTIVITY_BIN_MS) + 32);

/** Bytes a run is expected to need at its peak, or `runs` such runs in flight at once (a sweep's pool). */
export function estimateBytes(cfg: Pick<FleetConfig, 'devices' | 'durationDays'>, workers: number, runs = 1): number {
  return BASE_BYTES + runs * (BYTES_PER_DEVICE * cfg.devices + BYTES_PER_DAY * Math.ceil(cfg.durationDays) * (workers + 1));
}

const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;

/**
 * Refuses a run that cannot fit in this machine's memory, before it starts, saying what would fit.
 * @param memory the bytes available (default: 80 % of the machine's, or of the cgroup limit)
 */
export function checkMemory(cfg: Pick<FleetConfig, 'devices' | 'durationDays'>, workers: number, memory = availableMemory(), runs = 1): void {
  const need = estimateBytes(cfg, workers, runs);
  if (need <= memory) return;
  const perDay = BYTES_PER_DAY * Math.ceil(cfg.durationDays) * (workers + 1);
  const devicesFit = Math.max(0, Math.floor((memory - BASE_BYTES - runs * perDay) / (runs * BYTES_PER_DEVICE)));
  throw new UserError(
    `${cfg.devices} keychains for ${cfg.durationDays} days${runs > 1 ? `, ${runs} runs at once,` : ''} need about ${gib(need)} of memory and ${gib(memory)} is available ` +
      `(${BYTES_PER_DEVICE} B per keychain, ${Math.round(BYTES_PER_DAY / 1024)} KiB per simulated day and worker): ` +
      (devicesFit > 0 ? `at most about ${devicesFit} keychains fit for this duration` : `shorten --duration or use fewer --workers`),
  );
}

function availableMemory(): number {
  // KEYTWIN_MEMORY_BYTES sets the budget by hand (a machine shared with other jobs; the tests).
  const set = Number(process.env.KEYTWIN_MEMORY_BYTES);
  if (Number.isFinite(set) && set > 0) return set;
  // In a container the cgroup limit (when set) is lower than the host's memory.
  const limit = process.constrainedMemory?.() ?? 0;
  const total = limit > 0 && limit < totalmem() ? limit : totalmem();
  return Math.floor(total * 0.8);
}
