/**
 * What a worker does with a work item published by other code (another bundle hash): it never
 * simulates it (a summary is never merged from mixed code) and never stops over it, because all
 * workers share one consumer and an item that made each of them exit would poison the queue for
 * every later worker of the new code.
 *
 * It asks the item's run whether a coordinator is listening, by sending its refusal as a request
 * on the run's progress subject (any coordinator subscribes there; NATS answers "no responders"
 * at once when nobody does):
 * - a coordinator answers, or the request times out (something listens but does not answer, e.g.
 *   a coordinator of a build from before this file): the run is alive. The item is handed back
 *   with a delay (REFUSED_ITEM_DELAY_MS), so a worker of its code can take it, and this worker
 *   takes the next item meanwhile.
 * - no responders, confirmed over DEAD_CONFIRM_MS (a coordinator reconnecting after a network
 *   blip must not lose its item): nobody can merge the item's result, so it is terminated. That
 *   loses nothing: `--resume <run id>` with the item's code republishes every partition with
 *   neither a result nor a queued item.
 * Each worker logs one line per run and code version, not one per redelivery.
 * @module
 */
import { errors } from '@nats-io/transport-node';
import type { JsMsg } from '@nats-io/jetstream';
import { ackWaitMs, type NatsSession } from './connect.ts';
import { progressSubject } from './names.ts';
import { encodeNote } from './progress-note.ts';
import type { WorkItem } from './work-item.ts';

/**
 * How long a refused item stays out of the queue. Each redelivery costs one pull, one decode of
 * the item (its configuration: a few kB) and one request, under a millisecond of a worker, and
 * happens once per delay per stale item however many workers there are; while a worker of the
 * item's code, if there is one, loses at most about this long each time the item lands on a
 * worker of other code, which is small next to a partition's minutes. 10 s keeps both small.
 */
export const REFUSED_ITEM_DELAY_MS = 10_000;
/** How long "no coordinator is listening" must hold before an item is terminated (above NATS' 2 s reconnect wait). */
export const DEAD_CONFIRM_MS = 5_000;
/** A live coordinator answers in milliseconds; a silent listener (older build) costs this per refusal. */
const PROBE_TIMEOUT_MS = 1_000;
const PROBES = 3;
/**
 * A worker remembers what it found about a run this long, so a run's many items cost one probe
 * (a coordinator that does not answer costs PROBE_TIMEOUT_MS each: at one per item, a few dozen
 * stale items would keep a worker refusing them round after round, since redeliveries come
 * before new items) and one confirmation (not DEAD_CONFIRM_MS per item).
 */
const VERDICT_TTL_MS = 60_000;

export interface RefusalContext {
  s: NatsSession;
  id: string;
  version: string;
  log: (line: string) => void;
  signal: AbortSignal;
  /** Lines already written, one per run and code version (kept across the worker's items). */
  said: Set<string>;
  /** Per run id: whether a coordinator was found listening, and when (performance.now()). */
  verdicts: Map<string, { live: boolean; at: number }>;
  delayMs?: number;
  confirmMs?: number;
}

export type Refusal = 'kept' | 'dropped' | 'stopped';

export async function refuseOtherCode(m: JsMsg, item: WorkItem, ctx: RefusalContext): Promise<Refusal> {
  const { runId, partition, codeVersion } = item;
  const delayMs = ctx.delayMs ?? REFUSED_ITEM_DELAY_MS;
  const reason = `code version mismatch: run ${runId} was published by code ${codeVersion}, this worker runs ${ctx.version}; its partitions stay queued for a worker of code ${codeVersion} (start workers from the coordinator's checkout, or rerun the coordinator with this code)`;
  const note = encodeNote({ kind: 'refused', partition, worker: ctx.id, reason });
  const once = (key: string, line: string) => {
    if (ctx.said.has(key)) return;
    ctx.said.add(key);
    ctx.log(line);
  };
  const codes = `code ${codeVersion}, this worker runs ${ctx.version}`;

  const keep = (): Refusal => {
    m.nak(delayMs);
    once(`kept ${runId} ${codeVersion}`, `worker ${ctx.id}: refused run ${runId} (${codes}): its coordinator is running, so its partitions are handed back (${delayMs / 1000} s each time) for a worker of that code; this worker keeps serving its own code's items (not logged again for this run)`);
    return 'kept';
  };
  const drop = (): Refusal => {
    // No reason argument: nats-server 2.9 (Debian's) does not read "+TERM <reason>" as a term,
    // and the item would stay pending and come back after the ack wait.
    m.term();
    once(`dropped ${runId} ${codeVersion}`, `worker ${ctx.id}: dropped run ${runId} partition ${partition} (${codes}): no coordinator of that run is listening, so nothing could merge it; to finish that run, start its coordinator again with code ${codeVersion} and --resume ${runId}, which republishes dropped partitions (its other items are dropped without a line)`);
    return 'dropped';
  };

  const known = ctx.verdicts.get(runId);
  const fresh = known !== undefined && performance.now() - known.at < VERDICT_TTL_MS;
  const verdict = (live: boolean) => ctx.verdicts.set(runId, { live, at: performance.now() });
  if (fresh && known.live) {
    // The coordinator still hears of each refusal, without a request per item.
    ctx.s.nc.publish(progressSubject(runId), note);
    return keep();
  }
  if (await listened(ctx.s, runId, note)) {
    verdict(true);
    return keep();
  }
  // Absence confirmed a moment ago: drop at once (the probe just above still guards a
  // coordinator resumed since, which would count this item as queued and not republish it).
  if (fresh) return drop();
  // Held while confirming, so no other worker takes it meanwhile; in-progress acks as in simulateOne.
  const waitMs = await ackWaitMs(ctx.s.jsm);
  const keepAlive = setInterval(() => m.working(), Math.max(100, waitMs / 3));
  try {
    const confirmMs = ctx.confirmMs ?? DEAD_CONFIRM_MS;
    for (let i = 1; i < PROBES; i++) {
      await pause(confirmMs / (PROBES - 1), ctx.signal);
      if (ctx.signal.aborted) {
        m.nak();
        return 'stopped';
      }
      if (await listened(ctx.s, runId, note)) {
        verdict(true);
        return keep();
      }
    }
  } finally {
    clearInterval(keepAlive);
  }
  verdict(false);
  return drop();
}

/** True unless NATS says nobody subscribes to the run's progress subject. */
async function listened(s: NatsSession, runId: string, note: Uint8Array): Promise<boolean> {
  try {
    await s.nc.request(progressSubject(runId), note, { timeout: PROBE_TIMEOUT_MS });
    return true;
  } catch (err) {
    if (err instanceof errors.RequestError && err.isNoResponders()) return false;
    if (err instanceof errors.NoRespondersError) return false;
    // A timeout: a listener that does not answer (a coordinator of an older build) is a listener.
    return true;
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
