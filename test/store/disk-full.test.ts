/**
 * The embedded store on a full disk (issue 15, item 7): a fresh store is refused at once with a
 * message naming the free space (not "cannot open …: undefined"), leaving no half-store behind;
 * a save that runs out of space fails naming the disk, and the store still opens and lists its
 * runs afterwards without hanging. Runs on small tmpfs mounts (CI runs as root); skipped, with
 * the reason in the title, only where mounting is not permitted.
 * @module
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockPath, openStore } from '../../store/index.ts';
import { makeRunResult } from './fixture.ts';
import { scratchMounts, within } from './mounts.helpers.ts';

const { root, mount } = scratchMounts('kt-disk-');

/** A tmpfs of `size` at root/name: its path, or 'ERR <why>' when mounting is refused. */
function mountTmpfs(name: string, size: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const refused = mount(['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs'], dir);
  return refused === null ? dir : `ERR ${refused}`;
}

const probe = mountTmpfs('probe', '1m');
const skip = probe.startsWith('ERR ') ? `mounting a tmpfs is not permitted here (${probe.slice(4)})` : null;

function fill(dir: string): void {
  const chunk = Buffer.alloc(1 << 20, 1);
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(dir, `filler-${i}`), chunk);
    } catch {
      return;
    }
  }
}

describe.skipIf(skip !== null)(skip ? `embedded store on a full disk [skipped: ${skip}]` : 'embedded store on a full disk', () => {
  it('refuses a fresh store on an 8 MB filesystem at once, naming the free space, and leaves nothing behind', async () => {
    const fs8 = mountTmpfs('small', '8m');
    const dir = join(fs8, 'store');
    const t0 = Date.now();
    const err = await within(30_000, 'openStore', openStore(dir).then(() => null, (e: unknown) => e as Error));
    expect(err?.message).toMatch(new RegExp(`cannot create the embedded store at ${dir}: only [0-9.]+ MB free .*ENOSPC`));
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(lockPath(dir))).toBe(false);
  });

  it('a save that fills the disk fails naming it; the store then opens and lists its runs without hanging', async () => {
    const fs = mountTmpfs('medium', '64m');
    const dir = join(fs, 'store');
    const s = await within(120_000, 'openStore', openStore(dir));
    await s.saveRun(makeRunResult({ runId: 'before-full', devices: 5, days: 2 }));
    await s.close();
    const s2 = await within(120_000, 'openStore', openStore(dir));
    fill(fs);
    // Opening it now is refused at once, naming the disk (the lock file cannot be written).
    await expect(openStore(join(fs, 'other'))).rejects.toThrow(/no space left on device|ENOSPC/);
    const err = await within(120_000, 'saveRun on a full disk', s2.saveRun(makeRunResult({ runId: 'too-big', devices: 3000, days: 30, sampledDevices: 50 })).then(() => null, (e: unknown) => e as Error));
    expect(err?.message).toMatch(/ran out of disk space \([0-9.]+ MB free on its filesystem\)/);
    await within(60_000, 'close', s2.close().catch(() => {}));
    for (const f of readdirSync(fs)) if (f.startsWith('filler-')) rmSync(join(fs, f));
    const s3 = await within(120_000, 'reopen after the disk was freed', openStore(dir));
    expect((await within(60_000, 'listRuns', s3.listRuns())).map((r) => r.runId)).toEqual(['before-full']);
    await s3.close();
  }, 600_000);
});
