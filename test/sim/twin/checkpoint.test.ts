/**
 * Checkpoint and resume of a fleet run: a run resumed from any of its checkpoints ends in the
 * same summary, daily rows, telemetry and activity as one that never stopped, in this thread and
 * on two workers; a corrupt checkpoint or one of another run is refused, naming what differs.
 * (Killing `keytwin run --checkpoint` at random moments is test/cli/checkpoint.test.ts.)
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runFleet } from '../../../sim/twin/parallel.ts';
import { compileTwinMachines, twinMachinesFor } from '../../../sim/twin/machines.ts';
import { eventsSaved, fleetIdentity, readCheckpoint, CHECKPOINT_FILE, type CheckpointManifest } from '../../../sim/twin/checkpoint-dir.ts';
import type { FleetOutput } from '../../../sim/twin/simulate.ts';
import type { FleetConfig } from '../../../sim/twin/config.ts';
import { smallFleet } from './fleet.helpers.ts';
import { expandSweep, loadScenario, resolveScenario } from '../../../scenarios/index.ts';

const machines = compileTwinMachines();
/** The lossy-radio scenario, so that failed handshakes (and their own accumulators) are in the state too. */
const lossy = (o: { devices: number; durationDays: number; seed: number }): FleetConfig => resolveScenario(loadScenario('scenarios/lossy-radio.yaml'), o).fleet;
const root = mkdtempSync(join(tmpdir(), 'keytwin-ckpt-'));
const CODE = 'test-code';

/**
 * Everything a run hands back, to compare byte for byte: the summary as it is (a difference shows
 * which figure moved), the rest as its SHA-256 (it is long).
 */
const outputs = (o: FleetOutput) =>
  JSON.stringify(o.summary, null, 1) +
  createHash('sha256')
    .update(JSON.stringify([o.daily, o.devices, o.socSamples, o.telemetry, Array.from(o.activity.wakes), Array.from(o.activity.unlocks), Array.from(o.activity.failures)]))
    .digest('hex');

/** A checkpointed run; a copy of the folder is kept as it was after each checkpoint. */
async function checkpointed(cfg: FleetConfig, name: string, workers: number, everyDays: number): Promise<{ out: FleetOutput; copies: Map<number, string> }> {
  const dir = join(root, name);
  const copies = new Map<number, string>();
  const out = await runFleet(cfg, {
    machines: twinMachinesFor(cfg.firmware),
    workers,
    checkpoint: {
      dir,
      everyDays,
      identity: fleetIdentity(cfg, CODE),
      meta: { test: name },
      onSaved: (day) => {
        const copy = `${dir}-day${day}`;
        cpSync(dir, copy, { recursive: true });
        copies.set(day, copy);
      },
    },
  });
  return { out, copies };
}

const resume = (cfg: FleetConfig, dir: string, workers: number, code = CODE) =>
  runFleet(cfg, { machines: twinMachinesFor(cfg.firmware), workers, checkpoint: { dir: 'unused', everyDays: 1, identity: fleetIdentity(cfg, code), meta: null, from: readCheckpoint(dir) } });

describe('checkpoint and resume', () => {
  it('in this thread: resuming from every checkpoint gives the uninterrupted outputs, byte for byte', async () => {
    const cfg = lossy({ devices: 30, durationDays: 9, seed: 7 });
    const uninterrupted = await runFleet(cfg, { machines, workers: 0 });
    // Every kind of accumulator is exercised: a snapshot that lost one would show.
    expect(uninterrupted.summary.handshake.failed).toBeGreaterThan(0);
    expect(uninterrupted.summary.unlocks.succeeded).toBeGreaterThan(0);
    const plain = outputs(uninterrupted);
    const { out, copies } = await checkpointed(cfg, 'thread', 0, 2);
    expect(outputs(out), 'checkpointing changes nothing').toBe(plain);
    expect([...copies.keys()]).toEqual([2, 4, 6, 8]);
    let events = 0;
    for (const [day, copy] of copies) {
      const m = JSON.parse(readFileSync(join(copy, CHECKPOINT_FILE), 'utf8')) as CheckpointManifest;
      expect(m.day).toBe(day);
      // The events handled by then (a resumed run's rate counts only its own): growing, short of the whole run's.
      expect(eventsSaved(m)).toBeGreaterThan(events);
      expect(eventsSaved(m)).toBeLessThan(uninterrupted.summary.events);
      events = eventsSaved(m);
      expect(readdirSync(copy).sort(), 'only the complete day is kept').toEqual([CHECKPOINT_FILE, `part-0-day-${day}.bin`]);
      expect(outputs(await resume(cfg, copy, 0)), `resumed after day ${day}`).toBe(plain);
    }
  }, 120_000);

  it('a handshake-table run resumed from each checkpoint gives the uninterrupted outputs (the table is rebuilt, not saved)', async () => {
    const cfg = { ...lossy({ devices: 30, durationDays: 5, seed: 9 }), handshakeTable: 64 };
    const plain = outputs(await runFleet(cfg, { machines, workers: 0 }));
    const { out, copies } = await checkpointed(cfg, 'table', 0, 2);
    expect(outputs(out)).toBe(plain);
    for (const [day, copy] of copies) expect(outputs(await resume(cfg, copy, 0)), `resumed after day ${day}`).toBe(plain);
  }, 120_000);

  // Each scenario drives other parts of the state (OTA, firmware strategies, suites, cloud load).
  for (const name of readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort()) {
    it(`${name}: 12 keychains × 5 days resumed after day 2 give the uninterrupted outputs`, async () => {
      const [first] = expandSweep(loadScenario(`scenarios/${name}.yaml`));
      const cfg = resolveScenario(first!, { devices: 12, durationDays: 5 }).fleet;
      const plain = outputs(await runFleet(cfg, { machines: twinMachinesFor(cfg.firmware), workers: 0 }));
      const { copies } = await checkpointed(cfg, `scenario-${name}`, 0, 2);
      expect(outputs(await resume(cfg, copies.get(2)!, 0))).toBe(plain);
    }, 120_000);
  }

  it('on two workers: each partition resumes from its own snapshot and the outputs are identical', async () => {
    const cfg = lossy({ devices: 40, durationDays: 7, seed: 11 });
    const plain = outputs(await runFleet(cfg, { machines, workers: 0 }));
    const { out, copies } = await checkpointed(cfg, 'two', 2, 3);
    expect(outputs(out)).toBe(plain);
    expect([...copies.keys()]).toEqual([3, 6]);
    const m = readCheckpoint(copies.get(3)!).manifest;
    expect(m.partitions.map((p) => [p.lo, p.hi])).toEqual([[0, 20], [20, 40]]);
    // A resumed run keeps checkpointing into its folder, so each resume gets its own copy.
    const copy = (day: number, name: string) => {
      const to = `${copies.get(day)!}-${name}`;
      cpSync(copies.get(day)!, to, { recursive: true });
      return to;
    };
    // The requested worker count does not matter: the checkpoint's split is kept.
    expect(outputs(await resume(cfg, copy(6, 'two'), 1))).toBe(plain);
    // Leftovers of a killed writer (a temporary, a day not complete in every partition) are removed.
    const again = copy(3, 'again');
    writeFileSync(join(again, 'part-1-day-6.bin.tmp-999'), 'half written');
    writeFileSync(join(again, 'part-0-day-6.bin'), 'not complete: partition 1 had not saved day 6');
    expect(outputs(await resume(cfg, again, 2))).toBe(plain);
    const after = readCheckpoint(again);
    expect(after.manifest.day).toBe(6);
    expect(readdirSync(again).sort()).toEqual([CHECKPOINT_FILE, 'part-0-day-6.bin', 'part-1-day-6.bin']);
    // The manifest says the run was resumed, and from which day; a fresh run says never.
    expect(readCheckpoint(copies.get(3)!).manifest.resumedFrom).toEqual([]);
    expect(after.manifest.resumedFrom).toEqual([3]);
    expect(outputs(await resume(cfg, again, 2))).toBe(plain);
    expect(readCheckpoint(again).manifest.resumedFrom).toEqual([3, 6]);
  }, 180_000);

  it('refuses a corrupt snapshot, a checkpoint of another run or other code, and a snapshot of other fields, saying what differs', async () => {
    const cfg = smallFleet({ devices: 10, durationDays: 4, seed: 3 });
    const { copies } = await checkpointed(cfg, 'refuse', 0, 2);
    const dir = copies.get(2)!;
    const other = smallFleet({ devices: 10, durationDays: 4, seed: 4 });
    await expect(resume(other, dir, 0)).rejects.toThrow(/another run, refused:\n {2}seed: checkpoint 3, this run 4/);
    await expect(resume(cfg, dir, 0, 'other-code')).rejects.toThrow(/code version: checkpoint "test-code", this run "other-code"/);
    const warmer = smallFleet({ devices: 10, durationDays: 4, seed: 3, traceDevices: 2 });
    await expect(resume(warmer, dir, 0)).rejects.toThrow(/fleet config \(scenario file or profile changed\)/);

    // A snapshot of code with other fields: named by its path.
    const bad = `${dir}-fields`;
    cpSync(dir, bad, { recursive: true });
    const file = join(bad, 'part-0-day-2.bin');
    const snap = deserialize(readFileSync(file)) as { leaves: Record<string, unknown> };
    delete snap.leaves['t.remMah'];
    snap.leaves['t.renamed'] = 1;
    const bytes = serialize(snap);
    writeFileSync(file, bytes);
    const m = JSON.parse(readFileSync(join(bad, CHECKPOINT_FILE), 'utf8')) as CheckpointManifest;
    m.partitions[0]!.sha256 = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(bad, CHECKPOINT_FILE), JSON.stringify(m));
    await expect(resume(cfg, bad, 0)).rejects.toThrow(/nothing for t\.remMah; it was written by other code/);

    // A refused resume is not counted; a resumedFrom that is not a list of days so far is corrupt.
    expect(readCheckpoint(dir).manifest.resumedFrom).toEqual([]);
    const odd = `${dir}-resumes`;
    cpSync(dir, odd, { recursive: true });
    writeFileSync(join(odd, CHECKPOINT_FILE), JSON.stringify({ ...m, resumedFrom: [1, 9] }));
    expect(() => readCheckpoint(odd)).toThrow(/resumedFrom is not a list of days up to 2/);

    // One flipped byte: refused by its checksum before it is decoded.
    const flipped = `${dir}-flipped`;
    cpSync(dir, flipped, { recursive: true });
    const f = join(flipped, 'part-0-day-2.bin');
    const b = readFileSync(f);
    b[b.length >> 1]! ^= 0xff;
    writeFileSync(f, b);
    expect(() => readCheckpoint(flipped)).toThrow(/part-0-day-2\.bin: corrupt \(SHA-256/);
    writeFileSync(join(flipped, CHECKPOINT_FILE), '{"format": "keytwin-checkpoint/1", "day"');
    expect(() => readCheckpoint(flipped)).toThrow(/corrupt checkpoint manifest/);
    expect(() => readCheckpoint(join(root, 'nowhere'))).toThrow(/not a checkpoint folder \(no checkpoint\.json/);
  }, 120_000);
});
