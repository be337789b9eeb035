/**
 * One process per embedded store (issue 15, item 1): a second opener — in this process, or a real
 * `keytwin` process next to `keytwin cloud serve` or another `keytwin run` — is refused with a
 * message naming the holder's pid and command, no run is lost, and a holder killed with -9 leaves
 * a stale lock the next opener takes over.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockPath, openStore, StoreLockedError } from '../../store/index.ts';
import { makeRunResult } from './fixture.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'cli/keytwin.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'kt-lock-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Exit {
  code: number | null;
  out: string;
  err: string;
}

function keytwin(args: string[]): { child: ChildProcess; done: Promise<Exit>; out: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: tmp, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<Exit>((res) => child.on('close', (code) => res({ code, out, err })));
  return { child, done, out: () => out + err };
}

async function until(what: string, ok: () => boolean, ms = 400_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('embedded store lock', () => {
  it('refuses a second open in the same process, naming the holder; reopens after close; memory:// is not locked', async () => {
    const dir = join(tmp, 'same-process');
    const a = await openStore(dir);
    const err = await openStore(dir).then(() => null, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(StoreLockedError);
    expect(err!.message).toContain(`in use by pid ${process.pid} (`);
    expect(err!.message).toMatch(/wait for it to finish, stop it, or use a Postgres store/);
    await a.saveRun(makeRunResult({ runId: 'lock-a' }));
    await a.close();
    expect(existsSync(lockPath(dir))).toBe(false);
    const b = await openStore(dir);
    expect((await b.listRuns()).map((r) => r.runId)).toEqual(['lock-a']);
    await b.close();
    const [m1, m2] = await Promise.all([openStore('memory://'), openStore('memory://')]);
    await Promise.all([m1.close(), m2.close()]);
  }, 300_000);

  it('`keytwin runs`/`run` next to `keytwin cloud serve` on the same store are refused naming its pid and command; after it stops they work', async () => {
    const dir = join(tmp, 'served');
    const serve = keytwin(['cloud', 'serve', '--store', dir, '--port', '0', '--keys', join(tmp, 'keys.json')]);
    try {
      await until('keytwin cloud serve to listen', () => /keytwin cloud: http/.test(serve.out()) || serve.child.exitCode !== null);
      expect(serve.out()).toMatch(/keytwin cloud: http/);
      const runs = await keytwin(['runs', '--store', dir]).done;
      expect(runs.code, runs.out + runs.err).not.toBe(0);
      expect(runs.err).toContain(`in use by pid ${serve.child.pid} (`);
      expect(runs.err).toMatch(/cloud serve --store/);
      // The run is refused by the sink check, before any simulation.
      const t0 = Date.now();
      const run = await keytwin(['run', join(ROOT, 'scenarios/quickstart.yaml'), '--devices', '3', '--duration', '1d', '--store', dir, '--out', join(tmp, 'out-served')]).done;
      expect(run.code).not.toBe(0);
      expect(run.err).toContain(`in use by pid ${serve.child.pid} (`);
      expect(run.out).not.toMatch(/stored in/);
      expect(Date.now() - t0).toBeLessThan(60_000);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.done;
    }
    expect(existsSync(lockPath(dir))).toBe(false);
    const after = await keytwin(['runs', '--store', dir]).done;
    expect(after.code, after.err).toBe(0);
  }, 600_000);

  it('a brief holder (a dashboard answering one request) makes the next opener wait for its close, not fail', async () => {
    const dir = join(tmp, 'brief');
    await (await openStore(dir)).close();
    const reader = await openStore(dir, { migrate: false, brief: true });
    const t0 = Date.now();
    const closed = new Promise<number>((res) => setTimeout(() => void reader.close().then(() => res(Date.now())), 1500));
    const writer = await openStore(dir);
    const openedAt = Date.now();
    await writer.saveRun(makeRunResult({ runId: 'after-brief' }));
    await writer.close();
    expect(openedAt).toBeGreaterThanOrEqual(await closed);
    expect(openedAt - t0).toBeGreaterThanOrEqual(1500);
    // A writer is not brief: a dashboard request behind it is refused with its name once waiting is over.
    const holder = await openStore(dir);
    const err = await openStore(dir, { brief: true }).then(() => null, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(StoreLockedError);
    await holder.close();
  }, 300_000);

  it('takes over the stale lock of a holder killed with -9', async () => {
    const dir = join(tmp, 'killed');
    const serve = keytwin(['cloud', 'serve', '--store', dir, '--port', '0', '--keys', join(tmp, 'keys.json')]);
    await until('keytwin cloud serve to listen', () => /keytwin cloud: http/.test(serve.out()) || serve.child.exitCode !== null);
    serve.child.kill('SIGKILL');
    await serve.done;
    expect(existsSync(lockPath(dir))).toBe(true);
    const s = await openStore(dir);
    expect(await s.listRuns()).toEqual([]);
    await s.close();
  }, 600_000);

  it('two `keytwin run --store <dir>` at once: each either stores its run (and it is listed) or is refused naming the other; the store stays usable', async () => {
    const dir = join(tmp, 'two-runs');
    const args = (i: number) => ['run', join(ROOT, 'scenarios/quickstart.yaml'), '--devices', '3', '--duration', '1d', '--seed', String(i), '--store', dir, '--out', join(tmp, `out-${i}`)];
    const results = await Promise.all([keytwin(args(1)).done, keytwin(args(2)).done]);
    const stored = results.filter((r) => /stored in/.test(r.out));
    for (const r of results) {
      if (/stored in/.test(r.out)) expect(r.code, r.err).toBe(0);
      else expect(r.err).toMatch(/is in use by pid \d+ \(.*run/);
    }
    expect(stored.length).toBeGreaterThanOrEqual(1);
    const ids = stored.map((r) => /keytwin report ([0-9a-f-]+)/.exec(r.out)![1]);
    const s = await openStore(dir);
    expect((await s.listRuns()).map((r) => r.runId).sort()).toEqual(ids.sort());
    await s.close();
  }, 600_000);
});
