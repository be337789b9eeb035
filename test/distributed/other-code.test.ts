/**
 * A work item of other code (another bundle hash, e.g. left by a coordinator of an older build)
 * in the shared queue, against a real nats-server, worker and coordinator in-process: the worker
 * refuses it without stopping and completes a run of its own code into the one-process summary;
 * while the item's coordinator listens, the item stays queued (handed back, never acked) for a
 * worker of its code, and the refusal is logged once however often it comes back; once nobody
 * listens, it is terminated, with a line that says how to get it back (--resume). An item no
 * keytwin can read is terminated too, and really leaves the stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { runOnNats, serveWork } from '../../distributed/index.ts';
import { openSession } from '../../distributed/connect.ts';
import { progressSubject, WORK_CONSUMER, WORK_STREAM, workSubject } from '../../distributed/names.ts';
import { encode, WIRE_VERSION } from '../../distributed/work-item.ts';
import { encodeNote } from '../../distributed/progress-note.ts';
import { compileTwinMachines } from '../../sim/twin/machines.ts';
import { simulateFleet } from '../../sim/twin/simulate.ts';
import { smallFleet } from '../sim/twin/fleet.helpers.ts';
import { natsSkip, startNats, type NatsServer } from './nats-server.ts';

const cfg = smallFleet({ devices: 9, durationDays: 1, seed: 'other-code' });
const OLD = 'bundle-sha256:0000000000000000';
let server: NatsServer;
let nc: NatsConnection;
let baseline: string;

/** Items as a coordinator of code OLD publishes them (a real configuration, so only the code differs). */
async function publishStale(runId: string, partitions: number): Promise<void> {
  const js = jetstream(nc);
  for (let p = 0; p < partitions; p++) await js.publish(workSubject(runId, p), encode({ wire: WIRE_VERSION, kind: 'work', runId, partition: p, lo: p, hi: p + 1, codeVersion: OLD, cfg }));
}
/** Whether the work stream still holds the item (a work-queue stream deletes it on ack or term). */
const queued = async (runId: string, p: number): Promise<boolean> =>
  Boolean(
    await (await jetstreamManager(nc)).streams.getMessage(WORK_STREAM, { last_by_subj: workSubject(runId, p) }).catch(() => null),
  );
const until = async (ok: () => boolean, what: string, ms = 60_000) => {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.skipIf(natsSkip !== null)(`distributed worker: an item of other code${natsSkip ? ` [skipped: ${natsSkip}]` : ''}`, () => {
  beforeAll(async () => {
    server = await startNats();
    nc = await connect({ servers: server.url.replace('nats://', '') });
    // The streams and the shared consumer, as a coordinator or worker creates them.
    await (await openSession(server.url, 'test')).nc.close();
    baseline = JSON.stringify(simulateFleet(cfg, { machines: compileTwinMachines() }).summary);
  }, 60_000);
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it('its coordinator listening: the item is handed back again and again (one line), never acked, and the worker completes its own run', async () => {
    // The older build's coordinator, still waiting for its partition.
    const notes: string[] = [];
    nc.subscribe(progressSubject('old-live'), {
      callback: (_e, m) => {
        notes.push(m.string());
        m.respond();
      },
    });
    await nc.flush();
    await publishStale('old-live', 1);
    const lines: string[] = [];
    const stop = new AbortController();
    const worker = serveWork({ url: server.url, signal: stop.signal, refusedDelayMs: 200, log: (l) => lines.push(l) });
    const r = await runOnNats(cfg, { url: server.url, runId: 'new-live', partitions: 3, scenario: 'test', log: () => {} });
    expect(JSON.stringify(r.output.summary)).toBe(baseline);
    // Redelivered to this worker several times, refused each time, logged once.
    await until(() => notes.length >= 3, 'three refusals');
    stop.abort();
    expect((await worker).partitions).toBe(3);
    const refusals = lines.filter((l) => l.includes('refused run old-live'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain(`(code ${OLD}, this worker runs bundle-sha256:`);
    expect(refusals[0]).toContain('its coordinator is running');
    expect(notes[0]).toContain('"kind":"refused"');
    expect(lines.join('\n')).not.toMatch(/dropped/);
    // Still queued, for a worker of its code: that one receives it (delivered many times) and acks it.
    expect(await queued('old-live', 0)).toBe(true);
    const c = await jetstream(nc).consumers.get(WORK_STREAM, WORK_CONSUMER);
    const m = await c.next({ expires: 5000 });
    expect(m?.subject).toBe(workSubject('old-live', 0));
    expect(m!.info.deliveryCount).toBeGreaterThan(3);
    await m!.ackAck();
    expect(await queued('old-live', 0)).toBe(false);
  }, 120_000);

  it('no coordinator listening: the items are dropped (one line, naming --resume), the worker completes its own run, which answers refusals', async () => {
    await publishStale('old-dead', 2);
    // And one no keytwin can read, which is dropped at once.
    await jetstream(nc).publish(workSubject('junk', 0), new TextEncoder().encode('not v8'));
    const lines: string[] = [];
    const log: string[] = [];
    const stop = new AbortController();
    const coordinator = runOnNats(cfg, { url: server.url, runId: 'new-dead', partitions: 3, scenario: 'test', log: (l) => log.push(l) });
    await until(() => log.some((l) => l.includes('published 3 partitions')), 'the new run published');
    // A live coordinator answers a refusal at once (that is what keeps its items queued).
    const answer = await nc.request(progressSubject('new-dead'), encodeNote({ kind: 'refused', partition: 0, worker: 'test', reason: 'test' }), { timeout: 2000 });
    expect(answer.data.length).toBe(0);
    const worker = serveWork({ url: server.url, signal: stop.signal, refusedDelayMs: 200, deadConfirmMs: 400, log: (l) => lines.push(l) });
    const r = await coordinator;
    expect(JSON.stringify(r.output.summary)).toBe(baseline);
    // Both stale items met and dropped (the run may finish first: the worker keeps pulling).
    for (let i = 0; i < 200 && ((await queued('old-dead', 0)) || (await queued('old-dead', 1)) || (await queued('junk', 0))); i++) await new Promise((res) => setTimeout(res, 100));
    stop.abort();
    expect((await worker).partitions).toBe(3);
    expect(await queued('old-dead', 0), lines.join('\n')).toBe(false);
    expect(await queued('old-dead', 1), lines.join('\n')).toBe(false);
    expect(await queued('junk', 0), lines.join('\n')).toBe(false);
    expect(lines.join('\n')).toContain(`dropped ${workSubject('junk', 0)}: work item on ${workSubject('junk', 0)} is not a keytwin message`);
    const drops = lines.filter((l) => l.includes('dropped run old-dead'));
    expect(drops).toHaveLength(1);
    expect(drops[0]).toMatch(new RegExp(`dropped run old-dead partition \\d \\(code ${OLD}, this worker runs bundle-sha256:\\w+\\): no coordinator of that run is listening.*--resume old-dead`));
  }, 120_000);
});
