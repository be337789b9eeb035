/**
 * Distributed runs on a real nats-server with real worker processes (the CLI): the merged summary
 * is byte-identical to a one-process run with several workers, with one worker SIGKILLed in the
 * middle of a partition, with the coordinator SIGKILLed and resumed from the stream, and with a
 * stale item of other code in the queue (refused, kept for its own code, no worker exits); and the
 * failures say what is wrong (server down, no JetStream, unknown run).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { deserialize, serialize } from 'node:v8';
import { keytwinProcess, stop, type CliProcess } from './cli-process.ts';
import { natsSkip, startNats, type NatsServer } from './nats-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'keytwin-nats-test-'));
// Small enough for a loaded 2-core machine, big enough that a partition lasts seconds.
const FLEET = ['scenarios/quickstart.yaml', '--devices', '36', '--duration', '3d', '--store', 'none'];
const children: CliProcess[] = [];
let server: NatsServer;
let baseline: string;

function spawnCli(...args: string[]): CliProcess {
  const p = keytwinProcess(...args);
  children.push(p);
  return p;
}
const worker = (...extra: string[]) => spawnCli('worker', '--nats', server.url, ...extra);
const summaryOf = (out: string) => readFileSync(join(dir, out, 'summary.json'), 'utf8');

describe.skipIf(natsSkip !== null)(`keytwin run --nats / keytwin worker${natsSkip ? ` [skipped: ${natsSkip}]` : ''}`, () => {
  beforeAll(async () => {
    server = await startNats();
    const one = spawnCli('run', ...FLEET, '--workers', '1', '--out', join(dir, 'one'));
    expect(await one.exited).toBe(0);
    baseline = summaryOf('one');
  }, 300_000);

  afterAll(async () => {
    for (const c of children) await stop(c);
    await server?.stop();
  });

  it('three workers (one passing results through the object store) give the one-process summary byte for byte', async () => {
    const ws = [worker(), worker(), worker('--inline-max', '0')];
    const run = spawnCli('run', ...FLEET, '--nats', server.url, '--partitions', '6', '--out', join(dir, 'three'));
    expect(await run.exited, run.stderr()).toBe(0);
    expect(summaryOf('three')).toBe(baseline);
    expect(run.stderr()).toMatch(/published 6 partitions/);
    expect(run.stderr().match(/ done by worker /g)).toHaveLength(6);
    expect(run.stderr()).toMatch(/merged 6 partitions from [1-3] workers?/);
    for (const w of ws) await stop(w);
    expect(ws[2]!.stderr()).toMatch(/result \d+ B object/);
    expect(ws[0]!.stderr() + ws[1]!.stderr()).toMatch(/result \d+ B inline/);
    const manifest = JSON.parse(readFileSync(join(dir, 'three', 'manifest.json'), 'utf8')) as { workers: number };
    expect(manifest.workers).toBeGreaterThanOrEqual(1);
  }, 400_000);

  it('a worker SIGKILLed mid-partition: the partition is redelivered after the ack wait and counted once', async () => {
    const run = spawnCli('run', ...FLEET, '--nats', server.url, '--partitions', '3', '--ack-wait', '2', '--out', join(dir, 'killed'));
    await run.waitFor(/published 3 partitions/);
    const victim = worker();
    const started = await run.waitFor(/partition (\d)\/3 \(devices [\d.]+\) started by worker [^:\s]+:(\d+)/);
    expect(Number(started[2])).toBe(victim.proc.pid);
    await victim.waitFor(/simulating/);
    // Frozen inside the partition, then killed: a worker that hangs and dies sends neither a result
    // nor in-progress acks, however fast the machine (a fixed sleep raced the simulation here).
    victim.proc.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 500));
    expect(victim.stderr()).not.toMatch(/done in/);
    victim.proc.kill('SIGKILL');
    expect(await victim.exited).toBe(null);
    const rescuer = worker();
    expect(await run.exited, run.stderr()).toBe(0);
    expect(run.stderr()).toMatch(new RegExp(`partition ${started[1]}/3 \\(devices [\\d.]+\\) redelivered \\(delivery 2\\) to worker`));
    expect(run.stderr().match(/ done by worker /g)).toHaveLength(3);
    expect(run.stderr()).not.toMatch(new RegExp(`done by worker [^:\\s]+:${victim.proc.pid}`));
    expect(summaryOf('killed')).toBe(baseline);
    expect(run.stderr().match(/redelivered/g)).toHaveLength(1);
    await stop(rescuer);
  }, 400_000);

  it('a worker paused past the ack wait and resumed: the partition is done twice and merged once', async () => {
    const run = spawnCli('run', ...FLEET, '--nats', server.url, '--partitions', '1', '--ack-wait', '2', '--out', join(dir, 'paused'));
    await run.waitFor(/published 1 partition of/);
    const sleeper = worker();
    await run.waitFor(new RegExp(`started by worker [^:\\s]+:${sleeper.proc.pid}`));
    sleeper.proc.kill('SIGSTOP');
    const other = worker();
    await run.waitFor(new RegExp(`redelivered \\(delivery 2\\) to worker [^:\\s]+:${other.proc.pid}`));
    sleeper.proc.kill('SIGCONT');
    expect(await run.exited, run.stderr()).toBe(0);
    await sleeper.waitFor(/done in .*\n/);
    await other.waitFor(/done in .*\n/);
    expect(summaryOf('paused')).toBe(baseline);
    expect(run.stderr().match(/ done by worker /g)).toHaveLength(1);
    // Whichever finished second published a duplicate, which JetStream dropped by its message id.
    expect(sleeper.stderr() + other.stderr()).toMatch(/a duplicate: already delivered by another worker/);
    await stop(sleeper);
    await stop(other);
  }, 400_000);

  it('a coordinator SIGKILLed after publishing resumes from the stream: done partitions are not redone', async () => {
    const first = spawnCli('run', ...FLEET, '--nats', server.url, '--partitions', '3', '--out', join(dir, 'lost'));
    const [, runId] = await first.waitFor(/run ([0-9a-f-]{36}): published 3 partitions/);
    first.proc.kill('SIGKILL');
    await first.exited;
    // One partition finishes while no coordinator runs.
    const one = worker('--max-partitions', '1');
    expect(await one.exited, one.stderr()).toBe(0);
    const resumed = spawnCli('run', ...FLEET, '--nats', server.url, '--resume', runId!, '--out', join(dir, 'resumed'));
    await resumed.waitFor(/resumed from .*: 1 of 3 partitions already done, 2 still queued, 0 republished/);
    const rest = worker();
    expect(await resumed.exited, resumed.stderr()).toBe(0);
    expect(resumed.stderr().match(/ done by worker /g)).toHaveLength(3);
    expect(summaryOf('resumed')).toBe(baseline);
    const manifest = JSON.parse(readFileSync(join(dir, 'resumed', 'manifest.json'), 'utf8')) as { runId: string };
    expect(manifest.runId).toBe(runId);
    // Merged runs are purged: resuming it again is refused by name.
    const again = spawnCli('run', ...FLEET, '--nats', server.url, '--resume', runId!, '--out', join(dir, 'again'));
    expect(await again.exited).toBe(1);
    expect(again.stderr()).toContain(`--resume ${runId}: no such run in stream KEYTWIN_RESULTS`);
    await stop(rest);
  }, 400_000);

  it('in-progress acks keep a live worker\'s partition that lasts longer than the ack wait', async () => {
    // The ack wait is the shared consumer's: the tests after this one set none or do not depend on it.
    const run = spawnCli('run', 'scenarios/quickstart.yaml', '--devices', '1500', '--duration', '10d', '--store', 'none', '--nats', server.url, '--partitions', '1', '--ack-wait', '1', '--out', join(dir, 'long'));
    await run.waitFor(/published 1 partition of/);
    const w = worker();
    expect(await run.exited, `${run.stderr()}\nworker:\n${w.stderr()}`).toBe(0);
    const secs = Number(/done by worker \S+ in ([\d.]+) s/.exec(run.stderr())?.[1]);
    expect(secs, 'the partition must outlast the 1 s ack wait for this to say anything').toBeGreaterThan(1.5);
    expect(run.stderr()).not.toMatch(/redelivered/);
    expect(run.stderr().match(/ done by worker /g)).toHaveLength(1);
    await stop(w);
  }, 400_000);

  it('a stale item of other code in the queue: the worker refuses it once, keeps it queued for its coordinator and completes a run of its own code', async () => {
    // The coordinator of an older build, still waiting: it listens on its progress subject but (as
    // coordinators before the refusal protocol) does not answer, which the worker takes as alive.
    const nc = await connect({ servers: server.url.replace('nats://', '') });
    const seen: string[] = [];
    nc.subscribe('keytwin.progress.other-code', { callback: (_e, m) => void seen.push(m.string()) });
    await nc.flush();
    const js = jetstream(nc);
    const stale = 'keytwin.work.other-code.0';
    const w = worker();
    await w.waitFor(/pulling from/);
    await js.publish(stale, serialize({ wire: 1, kind: 'work', runId: 'other-code', partition: 0, lo: 0, hi: 1, codeVersion: 'bundle-sha256:0000000000000000', cfg: {} }));
    await w.waitFor(/refused run other-code/);
    const run = spawnCli('run', ...FLEET, '--nats', server.url, '--partitions', '2', '--out', join(dir, 'stale'));
    expect(await run.exited, `${run.stderr()}\nworker:\n${w.stderr()}`).toBe(0);
    expect(summaryOf('stale')).toBe(baseline);
    expect(run.stderr().match(/ done by worker /g)).toHaveLength(2);
    // Still serving (it used to exit 1 here), the refusal said once with both code versions.
    expect(w.proc.exitCode).toBe(null);
    expect(w.stderr().match(/refused run other-code/g)).toHaveLength(1);
    expect(w.stderr()).toMatch(/refused run other-code \(code bundle-sha256:0000000000000000, this worker runs bundle-sha256:\w+\): its coordinator is running/);
    await nc.flush();
    expect(seen.some((s) => s.includes('"kind":"refused"') && s.includes('code version mismatch: run other-code was published by code bundle-sha256:0000000000000000'))).toBe(true);
    await stop(w);
    // Never acked by the worker of other code: still queued (after its hand-back delay) for one of its own.
    const jsm = await jetstreamManager(nc);
    const kept = await jsm.streams.getMessage('KEYTWIN_WORK', { last_by_subj: stale });
    expect(kept?.subject).toBe(stale);
    expect(deserialize(kept!.data)).toMatchObject({ kind: 'work', runId: 'other-code', partition: 0, codeVersion: 'bundle-sha256:0000000000000000' });
    const c = await js.consumers.get('KEYTWIN_WORK', 'keytwin-workers');
    const m = await c.next({ expires: 15_000 });
    expect(m?.subject).toBe(stale);
    // Taken out, so it does not reach later tests' workers.
    await m!.ackAck();
    await nc.close();
  }, 400_000);

  it('says clearly when the server is down, has no JetStream, or the URL is not NATS', async () => {
    const down = spawnCli('worker', '--nats', 'nats://127.0.0.1:1');
    expect(await down.exited).toBe(1);
    expect(down.stderr()).toMatch(/cannot reach NATS at 127\.0\.0\.1:1: .*nats-server running/);
    const plain = await startNats(false);
    try {
      const nojs = spawnCli('run', ...FLEET, '--nats', plain.url, '--out', join(dir, 'nojs'));
      expect(await nojs.exited).toBe(1);
      expect(nojs.stderr()).toMatch(/has no JetStream .*start nats-server with -js/);
    } finally {
      await plain.stop();
    }
    const http = spawnCli('worker', '--nats', 'http://127.0.0.1:4222');
    expect(await http.exited).toBe(1);
    expect(http.stderr()).toContain("--nats 'http://127.0.0.1:4222': expected a nats:// URL, got http://");
    const orphan = spawnCli('run', ...FLEET, '--partitions', '3', '--out', join(dir, 'orphan'));
    expect(await orphan.exited).toBe(2);
    expect(orphan.stderr()).toContain('--partitions needs --nats <url>');
  }, 120_000);

});
