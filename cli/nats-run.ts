/**
 * `keytwin run --nats`: the options of a distributed run, checked, and the call that runs one
 * variant on the workers instead of local threads. Kept out of run.ts so that command only
 * chooses between the two.
 * @module
 */
import type { FleetConfig } from '../scenarios/index.ts';
import { DEFAULT_PARTITIONS, runOnNats } from '../distributed/index.ts';
import type { FleetOutput } from '../sim/twin/simulate.ts';
import { UsageError, wholeNumber } from './args.ts';
import type { Work } from './progress.ts';

export const NATS_OPTIONS = {
  nats: { type: 'string' },
  partitions: { type: 'string' },
  resume: { type: 'string' },
  'ack-wait': { type: 'string' },
} as const;

export const NATS_HELP = `  --nats <url>       distribute the run over 'keytwin worker --nats <url>' processes on any
                     machines, through NATS JetStream (the summary is identical to a local run)
  --partitions <n>   with --nats: device ranges to publish as work items (default ${DEFAULT_PARTITIONS})
  --resume <run id>  with --nats: continue that run (the same scenario and options) from the
                     results already in the stream, instead of publishing it again
  --ack-wait <s>     with --nats: seconds before a silent worker's partition is redelivered
                     (sets the shared worker consumer; default 30)
`;

export interface NatsRun {
  resume: string | undefined;
  /** Runs one variant on the workers; `workers` is then how many delivered its results. */
  fleet(cfg: FleetConfig, run: { runId: string; scenario: string; onProgress: (simMs: number, events: number, work?: Work) => void }): Promise<FleetOutput>;
  workers: number;
}

type NatsValues = { nats?: string; partitions?: string; resume?: string; 'ack-wait'?: string };

/** --nats and its options, checked: null without --nats (and then none of its options may be given). */
function natsOptions(values: NatsValues): { url: string; partitions?: number; ackWaitMs?: number } | null {
  if (values.nats === undefined) {
    for (const o of ['partitions', 'resume', 'ack-wait'] as const) if (values[o] !== undefined) throw new UsageError(`--${o} needs --nats <url> (it is an option of a distributed run)`);
    return null;
  }
  const o: { url: string; partitions?: number; ackWaitMs?: number } = { url: values.nats };
  if (values.partitions !== undefined) o.partitions = wholeNumber('partitions', values.partitions);
  if (values['ack-wait'] !== undefined) {
    const s = Number(values['ack-wait']);
    if (!Number.isFinite(s) || s < 0.5 || s > 3600) throw new UsageError(`--ack-wait must be seconds in 0.5..3600, got '${values['ack-wait']}'`);
    o.ackWaitMs = Math.round(s * 1000);
  }
  return o;
}

/**
 * The runs of a sweep or of `--replications` on NATS (cli/sweep/executor.ts): each run published
 * as a distributed run of its own. A sweep is not resumed (its runs are; rerunning the sweep reruns
 * them), so --resume is refused.
 */
export function natsSweep(values: NatsValues): { url: string; partitions?: number; ackWaitMs?: number } | undefined {
  const o = natsOptions(values);
  if (o === null) return undefined;
  if (values.resume !== undefined) throw new UsageError('--resume continues one distributed run; a sweep or --replications publishes a run per point and replication (rerun the command instead)');
  return o;
}

export function natsRun(values: NatsValues & { live?: string }, variants: number): NatsRun | null {
  const o = natsOptions(values);
  if (o === null) return null;
  if (values.live !== undefined) throw new UsageError('--nats does not combine with --live (workers do not stream days)');
  if (values.resume !== undefined && variants > 1) throw new UsageError(`--resume continues one run, but the scenario has ${variants} variants (a sweep); resume needs a scenario without sweep:`);
  const { url, partitions, ackWaitMs } = o;
  const state: NatsRun = {
    resume: values.resume,
    workers: 0,
    async fleet(cfg, run) {
      const r = await runOnNats(cfg, {
        url,
        runId: run.runId,
        scenario: run.scenario,
        onProgress: run.onProgress,
        log: (line) => process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[2K' : ''}${line}\n`),
        ...(values.resume !== undefined ? { resume: true } : {}),
        ...(partitions !== undefined ? { partitions } : {}),
        ...(ackWaitMs !== undefined ? { ackWaitMs } : {}),
      });
      state.workers = r.workers.length;
      process.stderr.write(`run ${run.runId}: merged ${r.partitions} partitions from ${r.workers.length} worker${r.workers.length === 1 ? '' : 's'} (${r.workers.join(', ')})${r.resumed ? `, ${r.resumed} done before this coordinator started` : ''}${r.duplicates ? `, ${r.duplicates} duplicate result(s) ignored` : ''}\n`);
      return r.output;
    },
  };
  return state;
}
