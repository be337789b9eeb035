/**
 * The coordinator's collecting, driven in-process against a real nats-server with results
 * published the way workers publish them: a resumed run merges what the stream holds, counts a
 * second result for a partition once (one that escaped JetStream's duplicate window: another
 * message id), republishes what a coordinator killed while publishing never sent, and refuses a resume with another configuration or a partition that failed.
 */
import { serialize } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnNats, serveWork } from '../../distributed/index.ts';
import { openSession } from '../../distributed/connect.ts';
import { simulatorVersion } from '../../distributed/code-version.ts';
import { resultSubject, runSubject } from '../../distributed/names.ts';
import { configHash, encode, WIRE_VERSION, type ResultEnvelope } from '../../distributed/work-item.ts';
import { compileTwinMachines } from '../../sim/twin/machines.ts';
import { partitionBounds } from '../../sim/twin/partition-bounds.ts';
import { simulatePartition } from '../../sim/twin/partition.ts';
import { partitionToMessage } from '../../sim/twin/partition-result.ts';
import { simulateFleet } from '../../sim/twin/simulate.ts';
import { smallFleet } from '../sim/twin/fleet.helpers.ts';
import { natsSkip, startNats, type NatsServer } from './nats-server.ts';

const cfg = smallFleet({ devices: 9, durationDays: 1, seed: 'collect' });
const machines = compileTwinMachines();
let server: NatsServer;

/** Publishes a run record and, per entry, a worker's result envelope (inline), as serveWork does. */
async function seedRun(runId: string, entries: { partition: number; msgId: string; worker: string; error?: string }[]): Promise<void> {
  const bounds = partitionBounds(cfg.devices, 3);
  const { version } = await simulatorVersion();
  const s = await openSession(server.url, 'test');
  try {
    await s.js.publish(runSubject(runId), encode({ wire: WIRE_VERSION, runId, configHash: configHash(cfg), bounds, codeVersion: version, scenario: 'test' }));
    for (const e of entries) {
      const base = { wire: WIRE_VERSION, runId, partition: e.partition, worker: e.worker, wallMs: 1, delivery: 1 };
      const env: ResultEnvelope = e.error
        ? { ...base, kind: 'error', message: e.error }
        : { ...base, kind: 'inline', bytes: serialize(partitionToMessage(simulatePartition(cfg, machines, bounds[e.partition]!, bounds[e.partition + 1]!))) };
      await s.js.publish(resultSubject(runId, e.partition), encode(env), { msgID: e.msgId });
    }
  } finally {
    await s.nc.close();
  }
}

describe.skipIf(natsSkip !== null)(`distributed coordinator: collecting results${natsSkip ? ` [skipped: ${natsSkip}]` : ''}`, () => {
  beforeAll(async () => {
    server = await startNats();
  }, 60_000);
  afterAll(async () => server?.stop());

  it('a resumed run merges the stream’s results, a late duplicate counted once, into the one-process summary', async () => {
    // Partition 1 twice (two workers, the second after the duplicate window), then 2, then 0.
    await seedRun('dup', [
      { partition: 1, msgId: 'a', worker: 'w1' },
      { partition: 1, msgId: 'b', worker: 'w2' },
      { partition: 2, msgId: 'c', worker: 'w2' },
      { partition: 0, msgId: 'd', worker: 'w3' },
    ]);
    const lines: string[] = [];
    const r = await runOnNats(cfg, { url: server.url, runId: 'dup', resume: true, scenario: 'test', log: (l) => lines.push(l) });
    expect(r.partitions).toBe(3);
    expect(r.resumed).toBe(3);
    expect(r.duplicates).toBe(1);
    expect(r.workers).toEqual(['w1', 'w2', 'w3']);
    expect(lines.join('\n')).toContain('partition 2/3: a second result (worker w2) ignored; the first was merged');
    expect(JSON.stringify(r.output.summary)).toBe(JSON.stringify(simulateFleet(cfg, { machines }).summary));
  }, 120_000);

  it('a resumed run republishes a partition that has neither a result nor a queued item (killed while publishing)', async () => {
    await seedRun('gap', [
      { partition: 0, msgId: 'g0', worker: 'w1' },
      { partition: 2, msgId: 'g2', worker: 'w1' },
    ]);
    const lines: string[] = [];
    const coordinator = runOnNats(cfg, { url: server.url, runId: 'gap', resume: true, scenario: 'test', log: (l) => lines.push(l) });
    const served = await serveWork({ url: server.url, maxPartitions: 1, signal: new AbortController().signal, log: () => {} });
    const r = await coordinator;
    expect(served.partitions).toBe(1);
    expect(lines.join('\n')).toMatch(/2 of 3 partitions already done, 0 still queued, 1 republished/);
    expect(r.resumed).toBe(2);
    expect(JSON.stringify(r.output.summary)).toBe(JSON.stringify(simulateFleet(cfg, { machines }).summary));
  }, 120_000);

  it('refuses a resume with another configuration, and stops with a partition that failed', async () => {
    await seedRun('other', []);
    const other = { ...cfg, devices: 10 };
    await expect(runOnNats(other, { url: server.url, runId: 'other', resume: true, scenario: 'test', log: () => {} })).rejects.toThrow(
      '--resume other: the run was started with another configuration',
    );
    await seedRun('broken', [{ partition: 0, msgId: 'x', worker: 'w9', error: 'out of memory' }]);
    await expect(runOnNats(cfg, { url: server.url, runId: 'broken', resume: true, scenario: 'test', log: () => {} })).rejects.toThrow(
      'partition 1/3 (devices 0..2) failed on worker w9: out of memory',
    );
    await expect(runOnNats(cfg, { url: server.url, runId: 'no.such', scenario: 'test', log: () => {} })).rejects.toThrow("run id 'no.such' must be 1..64 letters");
  }, 120_000);
});
