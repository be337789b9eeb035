/**
 * Where the runs of a sweep, a replicated run or a sensitivity analysis are simulated: on a pool
 * of this machine's threads (sim/twin/fleet-pool.ts), or on `keytwin worker --nats` processes on
 * any machines, each run published as its own distributed run (distributed/coordinator.ts). Either
 * way several runs are in flight at once, so the threads or workers stay busy, and a run's result
 * is the same wherever it ran.
 * @module
 */
import type { FleetConfig } from '../../scenarios/index.ts';
import { runOnNats } from '../../distributed/index.ts';
import { FleetPool } from '../../sim/twin/fleet-pool.ts';
import { runFleet } from '../../sim/twin/parallel.ts';
import type { FleetOutput } from '../../sim/twin/simulate.ts';
import { checkMemory, usefulWorkers } from '../preflight.ts';

export interface RunExecutor {
  /** Runs in flight at once. */
  readonly inFlight: number;
  /** Simulates one run; `workers` is what its manifest records (threads it was split over, or NATS workers that delivered). */
  fleet(cfg: FleetConfig, run: { runId: string; label: string }): Promise<{ output: FleetOutput; workers: number }>;
  close(): Promise<void>;
}

/** The local pool of `requestedWorkers` threads; each run split as `keytwin run --workers` would split it. */
export async function poolExecutor(requestedWorkers: number): Promise<RunExecutor> {
  const pool = await FleetPool.open(requestedWorkers);
  return {
    inFlight: pool.size,
    async fleet(cfg) {
      const { workers } = usefulWorkers(requestedWorkers, cfg.devices);
      return { output: await runFleet(cfg, { workers, pool }), workers };
    },
    close: () => pool.close(),
  };
}

export interface NatsExecutorOptions {
  url: string;
  partitions?: number;
  ackWaitMs?: number;
  /** Where the coordinator's lines go (those worth a sweep's attention: refusals, redeliveries, no workers). */
  log: (line: string) => void;
}

/**
 * Runs in flight on NATS: each is published as `partitions` work items (default 8), so four runs
 * keep up to 32 workers busy while the coordinator holds only four runs' partial results.
 */
export const NATS_RUNS_IN_FLIGHT = 4;

/** Each run published on NATS JetStream for `keytwin worker --nats` processes. */
export function natsExecutor(o: NatsExecutorOptions): RunExecutor {
  // A sweep's runs each say when each partition starts and ends: one line per run is enough.
  const routine = /^run [\w-]+: published |\) started by worker | done by worker /;
  return {
    inFlight: NATS_RUNS_IN_FLIGHT,
    async fleet(cfg, run) {
      const r = await runOnNats(cfg, {
        url: o.url,
        runId: run.runId,
        scenario: run.label,
        log: (line) => {
          if (!routine.test(line)) o.log(`${run.label}: ${line}`);
        },
        ...(o.partitions !== undefined ? { partitions: o.partitions } : {}),
        ...(o.ackWaitMs !== undefined ? { ackWaitMs: o.ackWaitMs } : {}),
      });
      return { output: r.output, workers: r.workers.length };
    },
    close: async () => {},
  };
}

/** Where a sweep's runs go: the local pool of `workers` threads, or NATS workers. */
export interface ExecutorChoice {
  workers: number;
  nats?: Omit<NatsExecutorOptions, 'log'> | undefined;
  log: (line: string) => void;
}

/**
 * The executor for runs of these fleets, at most `runs` of them in flight, after checking that
 * they fit in this machine's memory: each run in flight holds its partial results here.
 */
export async function openExecutor(o: ExecutorChoice, fleets: readonly FleetConfig[], runs = Infinity): Promise<RunExecutor> {
  const inFlight = Math.min(o.nats ? NATS_RUNS_IN_FLIGHT : FleetPool.sizeFor(o.workers), runs);
  for (const f of fleets) checkMemory(f, o.nats ? 0 : usefulWorkers(o.workers, f.devices).workers, undefined, inFlight);
  return o.nats ? natsExecutor({ ...o.nats, log: (l) => o.log(l + '\n') }) : poolExecutor(o.workers);
}
