/**
 * The coordinator of a distributed run: publishes the run record and one work item per partition
 * (contiguous device ranges, split as runFleet splits them), follows the workers' progress, collects
 * one result per partition from the results stream (a duplicate counted once) and folds each into
 * the merged result as it arrives, as runFleet does (partition-fold.ts), so the output is
 * byte-identical to a one-process run.
 *
 * Resume: started again with the run's id, it checks the run record (same config, same code),
 * republishes only partitions that have neither a result nor a queued work item, and reads the
 * results already in the stream from the start. After a complete merge the run's results are
 * purged from the stream and the object store.
 * @module
 */
import { deserialize } from 'node:v8';
import { DeliverPolicy } from '@nats-io/jetstream';
import type { FleetConfig } from '../sim/twin/config.ts';
import { partitionBounds } from '../sim/twin/partition-bounds.ts';
import { partitionFromMessage, type PartitionResult } from '../sim/twin/partition-result.ts';
import { PartitionFold } from '../sim/twin/partition-fold.ts';
import { assembleMerged, type FleetOutput } from '../sim/twin/simulate.ts';
import { openSession, setAckWait, type NatsSession } from './connect.ts';
import { simulatorVersion } from './code-version.ts';
import { DistributedError } from './errors.ts';
import { checkRunId, objectName, RESULT_BUCKET, resultsOf, progressSubject, RESULT_STREAM, resultSubject, runSubject, WORK_STREAM, workMsgId, workSubject } from './names.ts';
import { decodeNote } from './progress-note.ts';
import { WorkEstimate } from './work-estimate.ts';
import type { WorkForecast } from '../sim/twin/partition-forecast.ts';
import { configHash, decodeResult, decodeRunRecord, encode, WIRE_VERSION, type ResultEnvelope, type RunRecord } from './work-item.ts';

export interface NatsRunOptions {
  url: string;
  runId: string;
  /** Continue the run with this id from what the stream holds, instead of publishing it afresh. */
  resume?: boolean;
  /** Partitions of a new run (default DEFAULT_PARTITIONS, at most one per keychain). */
  partitions?: number;
  /** Sets the shared worker consumer's ack wait, ms (how soon a silent worker's partition is redelivered). */
  ackWaitMs?: number;
  scenario: string;
  /**
   * Mean simulated ms over keychains (finished partitions count in full), events so far and the
   * run's work (work-estimate.ts; undefined until a worker forecasts).
   */
  onProgress?: (simMs: number, events: number, work: WorkForecast | undefined) => void;
  /** One line per event worth a line: published, resumed, started, redelivered, done, refused. */
  log: (line: string) => void;
  /** After this long with no word from any worker, say how to start one (ms; default 10 s). */
  idleHintMs?: number;
}

export interface NatsRunOutput {
  output: FleetOutput;
  /** Workers that delivered the results merged, by id (host:pid). */
  workers: string[];
  partitions: number;
  /** Partitions already done when a resumed coordinator started. */
  resumed: number;
  /** Results that arrived for a partition already merged (a worker killed between publish and ack). */
  duplicates: number;
}

/** Enough partitions to balance a handful of workers without each result's per-day arrays dominating memory. */
export const DEFAULT_PARTITIONS = 8;

export async function runOnNats(cfg: FleetConfig, opts: NatsRunOptions): Promise<NatsRunOutput> {
  const runId = checkRunId(opts.runId, opts.resume ? '--resume' : 'run id');
  const { version } = await simulatorVersion();
  const s = await openSession(opts.url, `keytwin coordinator ${runId}`);
  try {
    if (opts.ackWaitMs !== undefined) await setAckWait(s.jsm, opts.ackWaitMs);
    const record: RunRecord = opts.resume
      ? await checkedRecord(s, runId, cfg, version)
      : { wire: WIRE_VERSION, runId, configHash: configHash(cfg), bounds: partitionBounds(cfg.devices, Math.min(cfg.devices, opts.partitions ?? DEFAULT_PARTITIONS)), codeVersion: version, scenario: opts.scenario };
    return await collect(s, cfg, record, opts);
  } finally {
    await s.nc.drain().catch(() => {});
  }
}

async function checkedRecord(s: NatsSession, runId: string, cfg: FleetConfig, version: string): Promise<RunRecord> {
  const stored = await s.jsm.streams.getMessage(RESULT_STREAM, { last_by_subj: runSubject(runId) });
  if (!stored) throw new DistributedError(`--resume ${runId}: no such run in stream ${RESULT_STREAM} at ${s.url} (a finished run's results are purged; results are kept 7 days)`);
  const record = decodeRunRecord(stored.data, runSubject(runId));
  if (record.configHash !== configHash(cfg)) throw new DistributedError(`--resume ${runId}: the run was started with another configuration (scenario '${record.scenario}'); resume it with the same scenario file and options (--devices, --duration, --seed, --trace)`);
  if (record.codeVersion !== version) throw new DistributedError(`--resume ${runId}: the run was started with code ${record.codeVersion}, this coordinator runs ${version}; partitions of different code are never merged`);
  return record;
}

async function collect(s: NatsSession, cfg: FleetConfig, record: RunRecord, opts: NatsRunOptions): Promise<NatsRunOutput> {
  const { runId, bounds } = record;
  const n = bounds.length - 1;
  const span = (p: number) => `devices ${bounds[p]}..${bounds[p + 1]! - 1}`;
  // Each result is folded in as it arrives (partition-fold.ts): the coordinator holds the merged
  // result and the one result being read, not every partition until the last.
  const results = new PartitionFold(bounds);
  const by = new Map<number, string>();
  const simMs = new Float64Array(n);
  const events = new Float64Array(n);
  const work = new WorkEstimate(bounds);
  const started = new Map<number, string>();
  const refused = new Set<string>();
  let duplicates = 0;
  let lastWord = performance.now();
  let hinted = false;

  const progress = () => {
    let keychainMs = 0;
    for (let p = 0; p < n; p++) keychainMs += (bounds[p + 1]! - bounds[p]!) * (results.has(p) ? cfg.durationDays * 86_400_000 : simMs[p]!);
    opts.onProgress?.(keychainMs / cfg.devices, events.reduce((a, b) => a + b, 0), work.total((p) => results.has(p)));
  };

  // Progress first, so nothing a worker says after the work is published is missed.
  const sub = s.nc.subscribe(progressSubject(runId), {
    callback: (_err, msg) => {
      const note = decodeNote(msg.data);
      // A worker of other code asks whether this run has a coordinator before it hands the item
      // back; without an answer it would drop the item as abandoned (other-code.ts).
      if (note?.kind === 'refused' && msg.reply) msg.respond();
      if (!note || note.partition >= n || results.has(note.partition)) return;
      lastWord = performance.now();
      if (note.kind === 'refused') {
        if (!refused.has(note.worker)) opts.log(`worker ${note.worker} refused partition ${note.partition}: ${note.reason}`);
        refused.add(note.worker);
        return;
      }
      const key = `${note.worker}#${note.delivery}`;
      if (started.get(note.partition) !== key) {
        started.set(note.partition, key);
        opts.log(`partition ${note.partition + 1}/${n} (${span(note.partition)}) ${note.delivery > 1 ? `redelivered (delivery ${note.delivery}) to` : 'started by'} worker ${note.worker}`);
      }
      simMs[note.partition] = note.simMs;
      events[note.partition] = note.events;
      if (note.work) work.note(note.partition, note.work);
      progress();
    },
  });
  await s.nc.flush();

  let resumed = 0;
  if (opts.resume) {
    const missing: number[] = [];
    for (let p = 0; p < n; p++) {
      if (await s.jsm.streams.getMessage(RESULT_STREAM, { last_by_subj: resultSubject(runId, p) })) resumed++;
      else if (!(await s.jsm.streams.getMessage(WORK_STREAM, { last_by_subj: workSubject(runId, p) }))) missing.push(p);
    }
    for (const p of missing) await publishWork(s, cfg, record, p);
    opts.log(`run ${runId}: resumed from ${s.url}: ${resumed} of ${n} partitions already done, ${n - resumed - missing.length} still queued, ${missing.length} republished`);
  } else {
    await s.js.publish(runSubject(runId), encode(record), { msgID: `run/${runId}` });
    for (let p = 0; p < n; p++) await publishWork(s, cfg, record, p);
    opts.log(`run ${runId}: published ${n} partition${n === 1 ? '' : 's'} of ${cfg.devices} keychains × ${cfg.durationDays} d to ${WORK_STREAM} at ${s.url} (resume with --resume ${runId})`);
  }

  const hintEvery = opts.idleHintMs ?? 10_000;
  const idle = setInterval(() => {
    if (hinted || performance.now() - lastWord < hintEvery) return;
    hinted = true;
    opts.log(`no worker has answered for ${(hintEvery / 1000).toFixed(0)} s: start some with 'keytwin worker --nats ${s.url}' (any machine that reaches this server)`);
  }, 1000);

  const consumer = await s.js.consumers.get(RESULT_STREAM, { filter_subjects: resultsOf(runId), deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume();
  try {
    for await (const m of messages) {
      lastWord = performance.now();
      const env = decodeResult(m.data, m.subject);
      if (env.runId !== runId || env.partition >= n) throw new DistributedError(`result on ${m.subject} is for run ${env.runId} partition ${env.partition}, not one of run ${runId}'s ${n} partitions`);
      if (env.kind === 'error') throw new DistributedError(`partition ${env.partition + 1}/${n} (${span(env.partition)}) failed on worker ${env.worker}: ${env.message}`);
      if (results.has(env.partition)) {
        duplicates++;
        opts.log(`partition ${env.partition + 1}/${n}: a second result (worker ${env.worker}) ignored; the first was merged`);
        continue;
      }
      const part = await load(s, env);
      if (part.lo !== bounds[env.partition] || part.lo + part.n !== bounds[env.partition + 1]) throw new DistributedError(`result of partition ${env.partition} covers devices ${part.lo}..${part.lo + part.n - 1}, expected ${span(env.partition)}`);
      results.add(env.partition, part);
      by.set(env.partition, env.worker);
      opts.log(`partition ${env.partition + 1}/${n} (${span(env.partition)}) done by worker ${env.worker} in ${(env.wallMs / 1000).toFixed(1)} s${env.delivery > 1 ? ` (delivery ${env.delivery})` : ''}; ${results.size}/${n} done`);
      progress();
      if (results.size === n) break;
    }
  } finally {
    clearInterval(idle);
    sub.unsubscribe();
    await messages.close().catch(() => {});
  }
  if (results.size !== n) throw new DistributedError(`run ${runId}: the results stream ended with ${results.size} of ${n} partitions`);

  const output = assembleMerged(cfg, results.result());
  await forget(s, runId, n);
  return { output, workers: [...new Set(by.values())].sort(), partitions: n, resumed, duplicates };
}

async function publishWork(s: NatsSession, cfg: FleetConfig, record: RunRecord, p: number): Promise<void> {
  const item = { wire: WIRE_VERSION, kind: 'work' as const, runId: record.runId, partition: p, lo: record.bounds[p]!, hi: record.bounds[p + 1]!, codeVersion: record.codeVersion, cfg };
  await s.js.publish(workSubject(record.runId, p), encode(item), { msgID: workMsgId(record.runId, p) });
}

async function load(s: NatsSession, env: ResultEnvelope): Promise<PartitionResult> {
  let bytes: Uint8Array;
  if (env.kind === 'inline') bytes = env.bytes;
  else if (env.kind === 'object') {
    const blob = await s.results.getBlob(env.name);
    if (!blob) throw new DistributedError(`result of partition ${env.partition} names object ${env.name} in bucket ${RESULT_BUCKET}, which is missing`);
    bytes = blob;
  } else throw new Error('unreachable');
  return partitionFromMessage(deserialize(bytes));
}

/** A merged run's results are not needed again: purge them, so the stream does not grow run by run. */
async function forget(s: NatsSession, runId: string, n: number): Promise<void> {
  await s.jsm.streams.purge(RESULT_STREAM, { filter: resultsOf(runId) });
  await s.jsm.streams.purge(RESULT_STREAM, { filter: runSubject(runId) });
  for (let p = 0; p < n; p++) await s.results.delete(objectName(runId, p)).catch(() => {});
}
