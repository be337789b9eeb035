/**
 * Connecting to NATS for a distributed run, with errors that say what to do: a server that does
 * not answer, a server without JetStream, a URL that is not a NATS URL. Then the streams, the
 * shared worker consumer and the result bucket are created if missing (coordinator and workers
 * both call it, so either may start first).
 * @module
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { DistributedError } from './errors.ts';
import { RESULT_BUCKET, RESULT_STREAM, WORK_CONSUMER, WORK_STREAM } from './names.ts';

export interface NatsSession {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  results: ObjectStore;
  url: string;
}

/** How long ack-pending work stays with a worker that stopped saying it is working (default). */
export const DEFAULT_ACK_WAIT_MS = 30_000;
/** Results are kept this long (a run finished or abandoned longer ago cannot be resumed). */
const RESULT_MAX_AGE_NS = 7 * 24 * 3600 * 1e9;

/** `nats://host:port` (or a bare host:port) checked before any connection is tried. */
export function natsServer(url: string, flag = '--nats'): string {
  const withScheme = url.includes('://') ? url : `nats://${url}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new DistributedError(`${flag} '${url}' is not a URL; expected nats://host:4222`);
  }
  if (u.protocol !== 'nats:' && u.protocol !== 'tls:') throw new DistributedError(`${flag} '${url}': expected a nats:// URL, got ${u.protocol}//`);
  if (!u.hostname) throw new DistributedError(`${flag} '${url}': no host; expected nats://host:4222`);
  return `${u.hostname}:${u.port || '4222'}`;
}

export async function openSession(url: string, name: string): Promise<NatsSession> {
  const server = natsServer(url);
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: server, name, timeout: 5000 });
  } catch (err) {
    throw new DistributedError(`cannot reach NATS at ${server}: ${(err as Error).message} (is nats-server running there with JetStream, e.g. 'nats-server -js'?)`);
  }
  try {
    const jsm = await jetstreamManager(nc, { timeout: 10_000 });
    const js = jetstream(nc, { timeout: 10_000 });
    await ensureStreams(jsm);
    const results = await new Objm(js).create(RESULT_BUCKET, { ttl: RESULT_MAX_AGE_NS });
    return { nc, js, jsm, results, url: server };
  } catch (err) {
    await nc.close().catch(() => {});
    if (err instanceof DistributedError) throw err;
    const msg = (err as Error).message;
    if (/jetstream.*(not enabled|not available)|503/i.test(msg)) throw new DistributedError(`NATS at ${server} has no JetStream (${msg}); start nats-server with -js (JetStream enabled)`);
    throw new DistributedError(`NATS at ${server}: setting up the keytwin streams failed: ${msg}`);
  }
}

async function ensureStreams(jsm: JetStreamManager): Promise<void> {
  const have = async (name: string) =>
    jsm.streams.info(name).then(
      () => true,
      (err: Error) => {
        if (/stream not found/i.test(err.message)) return false;
        throw err;
      },
    );
  if (!(await have(WORK_STREAM))) await jsm.streams.add({ name: WORK_STREAM, subjects: ['keytwin.work.>'], retention: RetentionPolicy.Workqueue });
  if (!(await have(RESULT_STREAM))) await jsm.streams.add({ name: RESULT_STREAM, subjects: ['keytwin.result.>', 'keytwin.run.>'], max_age: RESULT_MAX_AGE_NS });
  const consumer = await jsm.consumers.info(WORK_STREAM, WORK_CONSUMER).catch((err: Error) => {
    if (/consumer not found/i.test(err.message)) return null;
    throw err;
  });
  if (!consumer) await jsm.consumers.add(WORK_STREAM, { durable_name: WORK_CONSUMER, ack_policy: AckPolicy.Explicit, ack_wait: DEFAULT_ACK_WAIT_MS * 1e6, max_ack_pending: -1 });
}

/** The shared consumer's ack wait, ms: how long a silent worker keeps its partition. */
export async function ackWaitMs(jsm: JetStreamManager): Promise<number> {
  const info = await jsm.consumers.info(WORK_STREAM, WORK_CONSUMER);
  return (info.config.ack_wait ?? DEFAULT_ACK_WAIT_MS * 1e6) / 1e6;
}

/** Sets the ack wait of the shared consumer (the coordinator's --ack-wait). */
export async function setAckWait(jsm: JetStreamManager, ms: number): Promise<void> {
  const info = await jsm.consumers.info(WORK_STREAM, WORK_CONSUMER);
  if (info.config.ack_wait === ms * 1e6) return;
  await jsm.consumers.update(WORK_STREAM, WORK_CONSUMER, { ack_wait: ms * 1e6 });
}
