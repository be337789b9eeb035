/**
 * `keytwin worker`: pulls partitions from the shared work-queue consumer one at a time, simulates
 * each in a thread (the same thread for all, so the machines are compiled once), publishes its result (inline, or through the object store when it is larger
 * than a message may be) and only then acks. So a worker killed at any moment loses nothing: an
 * unacked item is redelivered after the ack wait, and a result published twice (killed between
 * publish and ack) is dropped by JetStream's duplicate window and, beyond it, by the coordinator.
 * While simulating, the worker sends in-progress acks every third of the ack wait, so a long
 * partition is not taken from a live worker. An item of other code is refused without stopping
 * (other-code.ts).
 * @module
 */
import { hostname } from 'node:os';
import { serialize } from 'node:v8';
import type { JsMsg } from '@nats-io/jetstream';
import { partitionToMessage } from '../sim/twin/partition-result.ts';
import type { WorkForecast } from '../sim/twin/partition-forecast.ts';
import { ackWaitMs, openSession, type NatsSession } from './connect.ts';
import { simulatorVersion } from './code-version.ts';
import { objectName, progressSubject, resultMsgId, resultSubject, WORK_CONSUMER, WORK_STREAM } from './names.ts';
import { refuseOtherCode, type RefusalContext } from './other-code.ts';
import { encodeNote } from './progress-note.ts';
import { decodeWorkItem, encode, WIRE_VERSION, type ResultEnvelope, type WorkItem } from './work-item.ts';
import { PartitionThread, type PartitionRun } from '../sim/twin/partition-thread.ts';

export interface WorkerOptions {
  url: string;
  /** Results up to this many bytes travel in the message; larger ones in the object store. Default: half the server's max_payload. */
  inlineMax?: number;
  /** Lines for the worker's terminal. */
  log: (line: string) => void;
  /** Aborting stops pulling; a partition in progress is handed back (nak) for another worker. */
  signal: AbortSignal;
  /** Stop after this many partitions (tests and batch jobs); default: until aborted. */
  maxPartitions?: number;
  /** How long an item of other code is handed back for (default REFUSED_ITEM_DELAY_MS; tests shorten it). */
  refusedDelayMs?: number;
  /** How long "no coordinator listens" must hold before such an item is dropped (default DEAD_CONFIRM_MS). */
  deadConfirmMs?: number;
}

const PROGRESS_EVERY_MS = 500;

export async function serveWork(opts: WorkerOptions): Promise<{ partitions: number }> {
  const id = `${hostname()}:${process.pid}`;
  const { code, version } = await simulatorVersion();
  const s = await openSession(opts.url, `keytwin worker ${id}`);
  const inlineMax = opts.inlineMax ?? Math.floor(s.nc.info!.max_payload / 2);
  opts.log(`worker ${id}: connected to ${s.url}, code ${version}, pulling from ${WORK_STREAM}/${WORK_CONSUMER}`);
  const consumer = await s.js.consumers.get(WORK_STREAM, WORK_CONSUMER);
  // One thread for every partition this worker takes: it compiles the machines once.
  const thread = new PartitionThread(code);
  let done = 0;
  const refusal: RefusalContext = { s, id, version, log: opts.log, signal: opts.signal, said: new Set(), verdicts: new Map(), ...(opts.refusedDelayMs !== undefined ? { delayMs: opts.refusedDelayMs } : {}), ...(opts.deadConfirmMs !== undefined ? { confirmMs: opts.deadConfirmMs } : {}) };
  try {
    while (!opts.signal.aborted && done < (opts.maxPartitions ?? Infinity)) {
      const m = await consumer.next({ expires: 2000 });
      if (!m) continue;
      if (opts.signal.aborted) {
        m.nak();
        break;
      }
      let item: WorkItem;
      try {
        item = decodeWorkItem(m.data, m.subject);
      } catch (err) {
        // A message no keytwin worker can read would come back forever: terminate it, say why.
        opts.log(`worker ${id}: dropped ${m.subject}: ${(err as Error).message}`);
        m.term(); // without a reason: nats-server 2.9 does not take "+TERM <reason>" for a term (other-code.ts)
        continue;
      }
      if (item.codeVersion !== version) {
        // Handed back (or dropped when its run has no coordinator), never a reason to stop:
        // every worker shares the consumer, so a stale item would otherwise stop them all.
        if ((await refuseOtherCode(m, item, refusal)) === 'stopped') break;
        continue;
      }
      await simulateOne(s, m, item, { thread, id, inlineMax, log: opts.log, signal: opts.signal });
      if (!opts.signal.aborted) done++;
    }
  } finally {
    await thread.close();
    await s.nc.drain().catch(() => {});
  }
  return { partitions: done };
}

async function simulateOne(s: NatsSession, m: JsMsg, item: WorkItem, ctx: { thread: PartitionThread; id: string; inlineMax: number; log: (line: string) => void; signal: AbortSignal }): Promise<void> {
  const { runId, partition, lo, hi } = item;
  const delivery = m.info.deliveryCount;
  const label = `run ${runId} partition ${partition} (devices ${lo}..${hi - 1})${delivery > 1 ? `, delivery ${delivery}` : ''}`;
  ctx.log(`worker ${ctx.id}: ${label}: simulating`);
  const t0 = performance.now();
  // Re-read per item: the coordinator may have changed the consumer's ack wait.
  const waitMs = await ackWaitMs(s.jsm);
  const keepAlive = setInterval(() => m.working(), Math.max(100, waitMs / 3));
  let lastNote = -Infinity;
  const note = (simMs: number, events: number, work?: WorkForecast) => {
    const now = performance.now();
    if (now - lastNote < PROGRESS_EVERY_MS) return;
    lastNote = now;
    s.nc.publish(progressSubject(runId), encodeNote({ kind: 'progress', partition, worker: ctx.id, delivery, simMs, events, ...(work ? { work } : {}) }));
  };
  note(0, 0);
  let run: PartitionRun | null = null;
  const onAbort = () => void run?.stop();
  ctx.signal.addEventListener('abort', onAbort);
  const base = { wire: WIRE_VERSION, runId, partition, worker: ctx.id, delivery };
  let envelope: ResultEnvelope;
  try {
    run = ctx.thread.run(item.cfg, lo, hi, note);
    const result = await run.result;
    const bytes = serialize(partitionToMessage(result));
    const wallMs = performance.now() - t0;
    if (bytes.length <= ctx.inlineMax) envelope = { ...base, wallMs, kind: 'inline', bytes };
    else {
      const name = objectName(runId, partition);
      await s.results.putBlob({ name }, bytes);
      envelope = { ...base, wallMs, kind: 'object', name, size: bytes.length };
    }
  } catch (err) {
    clearInterval(keepAlive);
    ctx.signal.removeEventListener('abort', onAbort);
    if (ctx.signal.aborted) {
      m.nak();
      ctx.log(`worker ${ctx.id}: ${label}: handed back (stopping)`);
      return;
    }
    // The simulation itself failed: the same code would fail on every worker, so the error is the
    // partition's result (the coordinator stops with it) rather than a redelivery loop.
    envelope = { ...base, wallMs: performance.now() - t0, kind: 'error', message: (err as Error).message };
  }
  clearInterval(keepAlive);
  ctx.signal.removeEventListener('abort', onAbort);
  const ack = await s.js.publish(resultSubject(runId, partition), encode(envelope), { msgID: resultMsgId(runId, partition) });
  // A worker that was paused past the ack wait finds its item redelivered and perhaps already
  // acked by another: its ack then fails, harmlessly (its result was a duplicate).
  const acked = await m.ackAck().catch((err: Error) => {
    ctx.log(`worker ${ctx.id}: ${label}: ack not confirmed (${err.message}); the partition went to another worker`);
    return false;
  });
  if (!acked && !ack.duplicate) ctx.log(`worker ${ctx.id}: ${label}: result published but the work item was not acked`);
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  if (envelope.kind === 'error') ctx.log(`worker ${ctx.id}: ${label}: FAILED after ${secs} s: ${envelope.message}`);
  else ctx.log(`worker ${ctx.id}: ${label}: done in ${secs} s, result ${envelope.kind === 'inline' ? envelope.bytes.length : envelope.size} B ${envelope.kind}${ack.duplicate ? ' (a duplicate: already delivered by another worker)' : ''}`);
}
