/**
 * An embedded store that cannot be written (issue 15, item 8): PGlite needs write access even to
 * list runs, and on a read-only mount it said only "PGlite failed to initialize properly". Now
 * `openStore` and `keytwin runs --store` refuse at once, naming the directory and that it is not
 * writable, and the store is intact once writable again. Tests run as root, for whom chmod does
 * not block writes, so the read-only store is a read-only bind mount of a store on a tmpfs (and a
 * read-only tmpfs for a store yet to be created); skipped, with the reason in the title, only
 * where mounting is not permitted.
 * @module
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { keytwinInProcess } from '../cli/in-process.helpers.ts';
import { openStore } from '../../store/index.ts';
import { makeRunResult } from './fixture.ts';
import { scratchMounts, within } from './mounts.helpers.ts';

const { root, mount } = scratchMounts('kt-ro-');

mkdirSync(join(root, 'fs'));
const skip = mount(['-t', 'tmpfs', '-o', 'size=128m', 'tmpfs'], join(root, 'fs'));

const cli = keytwinInProcess;

const refusal = (dir: string) => new RegExp(`cannot open the embedded store at ${dir}: it is not writable \\(the directory: EROFS: it is on a read-only filesystem\\); an embedded \\(PGlite\\) store needs write access even to list or read runs`);

describe.skipIf(skip !== null)(skip ? `a read-only embedded store [skipped: mounting is not permitted here (${skip})]` : 'a read-only embedded store', () => {
  const dir = join(root, 'fs', 'store');
  beforeAll(async () => {
    const s = await openStore(dir);
    await s.saveRun(makeRunResult({ runId: 'stored-before', devices: 3, days: 2 }));
    await s.close();
    // The store directory alone becomes read-only: its parent (where the lock goes) stays writable.
    expect(mount(['--bind', dir], dir)).toBeNull();
    expect(mount(['-o', 'remount,bind,ro'], dir)).toBeNull();
  }, 120_000);

  it('openStore refuses at once, naming the directory and that it is not writable', async () => {
    const t0 = Date.now();
    const err = await within(30_000, 'openStore', openStore(dir).then(() => null, (e: unknown) => e as Error));
    expect(err?.message).toMatch(refusal(dir));
    expect(err?.message).not.toMatch(/failed to initialize/);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('keytwin runs --store says the same and exits 1', async () => {
    const r = await within(30_000, 'keytwin runs', cli('runs', '--store', dir));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(refusal(dir));
  });

  it('a store to be created on a read-only filesystem names the filesystem, not a missing file', async () => {
    const ro = join(root, 'rofs');
    mkdirSync(ro);
    expect(mount(['-t', 'tmpfs', '-o', 'size=1m,ro', 'tmpfs'], ro)).toBeNull();
    const err = await openStore(join(ro, 'new', 'store')).then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toMatch(new RegExp(`cannot open the embedded store at ${ro}/new/store: it is not writable \\(${ro}, where it would be created: EROFS`));
  });

  it('the store is intact: writable again, it opens and lists its run', async () => {
    expect(mount(['-o', 'remount,bind,rw'], dir)).toBeNull();
    const s = await within(120_000, 'openStore', openStore(dir));
    expect((await s.listRuns()).map((r) => r.runId)).toEqual(['stored-before']);
    await s.close();
  }, 120_000);
});
