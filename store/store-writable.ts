/**
 * An embedded store needs write access to its directory even to be read: PGlite is a whole
 * Postgres, and opening a cluster replays its WAL, writes a checkpoint and a new pg_control, and
 * takes `<dir>.lock` next to the directory (store-lock.ts). On a read-only mount (or a directory
 * the user may not write) PGlite says only "PGlite failed to initialize properly" (issue 15, item
 * 8). So the places it writes are checked first, with access(2), and the refusal names them.
 * access(2) answers EROFS for a read-only filesystem even to root, and EACCES for a directory the
 * (non-root) user may not write, which is what PGlite would then fail on.
 * @module
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The first place PGlite or the lock must write that is not writable, with why; null when all are. */
export function unwritable(dir: string): { path: string; why: string } | null {
  // A store yet to be created is made in its nearest existing ancestor (mkdir on a read-only
  // filesystem says ENOENT, which would name the wrong problem).
  let base = dir;
  while (!existsSync(base) && dirname(base) !== base) base = dirname(base);
  if (base !== dir) return check([base]);
  // The directory, the lock file's directory, and what an open rewrites inside an existing store.
  return check([dir, dirname(dir), join(dir, 'global'), join(dir, 'global', 'pg_control'), join(dir, 'pg_wal')]);
}

function check(places: readonly string[]): { path: string; why: string } | null {
  for (const path of places) {
    if (!existsSync(path)) continue;
    try {
      accessSync(path, constants.W_OK);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why = e.code === 'EROFS' ? 'EROFS: it is on a read-only filesystem' : e.code === 'EACCES' || e.code === 'EPERM' ? `${e.code}: this user may not write it` : `${e.code ?? 'error'}: ${e.message}`;
      return { path, why };
    }
  }
  return null;
}

/** Throws the refusal for a store that cannot be written, before the lock or PGlite try to. */
export function assertStoreWritable(dir: string): void {
  const bad = unwritable(dir);
  if (!bad) return;
  const place = bad.path === dir ? 'the directory'
    : !existsSync(dir) ? `${bad.path}, where it would be created`
      : bad.path === dirname(dir) ? `its parent ${bad.path}, where its lock file goes` : bad.path;
  throw new Error(`cannot open the embedded store at ${dir}: it is not writable (${place}: ${bad.why}); ` +
    'an embedded (PGlite) store needs write access even to list or read runs, because opening it replays its log and writes a checkpoint: ' +
    'copy the directory somewhere writable and pass that to --store, or remount it read-write');
}
