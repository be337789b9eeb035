/**
 * A sweep and a replicated run on NATS workers (issue 12: "publishes the run's partitions (and
 * sweep points and replications) as work items"): each point and replication a distributed run of
 * its own, several at once, on real `keytwin worker --nats` processes and a real nats-server; the
 * analysis is the one the same sweep gives on local threads.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keytwinProcess, stop, type CliProcess } from './cli-process.ts';
import { natsSkip, startNats, type NatsServer } from './nats-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'keytwin-sweep-nats-'));
const SMALL = ['--devices', '16', '--duration', '2d', '--store', 'none', '--json'];
const children: CliProcess[] = [];
let server: NatsServer;

function spawnCli(...args: string[]): CliProcess {
  const p = keytwinProcess(...args);
  children.push(p);
  return p;
}

async function analysisOf(p: CliProcess): Promise<string> {
  expect(await p.exited, p.stderr()).toBe(0);
  return JSON.stringify((JSON.parse(p.stdout()) as { analysis: unknown }).analysis);
}

describe.skipIf(natsSkip !== null)(`keytwin sweep / run --replications on NATS workers${natsSkip ? ` [skipped: ${natsSkip}]` : ''}`, () => {
  beforeAll(async () => {
    server = await startNats();
  }, 60_000);

  afterAll(async () => {
    for (const c of children) await stop(c);
    await server?.stop();
  });

  it('a sweep over two workers gives the analysis of the same sweep on local threads, each run published as a distributed run', async () => {
    const grid = ['sweep', 'scenarios/quickstart.yaml', '--set', 'radio.attMtu=185,247', '--replications', '2', ...SMALL];
    const local = await analysisOf(spawnCli(...grid, '--out', join(dir, 'local')));
    const workers = [spawnCli('worker', '--nats', server.url), spawnCli('worker', '--nats', server.url)];
    const remote = spawnCli(...grid, '--nats', server.url, '--partitions', '2', '--out', join(dir, 'nats'));
    expect(await analysisOf(remote)).toBe(local);
    expect(remote.stderr().match(/^\[\d\/4\] /gm)).toHaveLength(4);
    // Each run's partitions went to the workers: 4 runs × 2 work items.
    await Promise.all(workers.map((w) => stop(w)));
    expect((workers[0]!.stderr() + workers[1]!.stderr()).match(/simulating/g)!.length).toBeGreaterThanOrEqual(8);
    const sweep = JSON.parse(readFileSync(join(dir, 'nats', 'sweep.json'), 'utf8')) as { spec: { points: string[] } };
    expect(sweep.spec.points).toEqual(['radio.attMtu=185', 'radio.attMtu=247']);
  }, 400_000);

  it('keytwin run --replications on NATS gives the local replications', async () => {
    const reps = ['run', 'scenarios/quickstart.yaml', '--replications', '2', ...SMALL];
    const local = await analysisOf(spawnCli(...reps, '--out', join(dir, 'reps-local')));
    const w = spawnCli('worker', '--nats', server.url);
    const remote = spawnCli(...reps, '--nats', server.url, '--out', join(dir, 'reps-nats'));
    expect(await analysisOf(remote)).toBe(local);
    await stop(w);
  }, 400_000);

  it('a sensitivity analysis on NATS workers gives the local analysis (every run of it a distributed run)', async () => {
    const tornado = ['sweep', 'scenarios/quickstart.yaml', '--sensitivity', '--r', '0', '--devices', '5', '--duration', '1d', '--store', 'none', '--json'];
    const local = spawnCli(...tornado, '--out', join(dir, 'sens-local'));
    expect(await local.exited, local.stderr()).toBe(0);
    const w = spawnCli('worker', '--nats', server.url);
    const remote = spawnCli(...tornado, '--nats', server.url, '--partitions', '1', '--out', join(dir, 'sens-nats'));
    expect(await remote.exited, remote.stderr()).toBe(0);
    await stop(w);
    const analysis = (p: CliProcess) => {
      const { wallMs: _, ...a } = (JSON.parse(p.stdout()) as { analysis: { wallMs: number; runs: number } }).analysis;
      return a;
    };
    expect(JSON.stringify(analysis(remote))).toBe(JSON.stringify(analysis(local)));
    // Every run went to the worker: one work item each.
    expect(w.stderr().match(/simulating/g)).toHaveLength(analysis(local).runs);
  }, 400_000);

  it('replications cannot be resumed (each is a run of its own), and the NATS options need --nats', async () => {
    const resumed = spawnCli('run', 'scenarios/quickstart.yaml', '--replications', '2', '--nats', server.url, '--resume', 'r1', ...SMALL);
    expect(await resumed.exited).toBe(2);
    expect(resumed.stderr()).toMatch(/--resume continues one distributed run; a sweep or --replications publishes a run per point and replication/);
    const orphan = spawnCli('run', 'scenarios/quickstart.yaml', '--replications', '2', '--partitions', '3', ...SMALL);
    expect(await orphan.exited).toBe(2);
    expect(orphan.stderr()).toMatch(/--partitions needs --nats <url>/);
  }, 60_000);
});
