/**
 * Clear errors from the embedded store when the disk is the problem (issue 15, item 7). PGlite
 * reports filesystem failures as Emscripten `ErrnoError {errno}` objects with no message (hence
 * "cannot open …: undefined"), and a full disk mid-transaction as Postgres errors that name
 * neither the disk nor the directory ("cannot drop active portal"). These helpers name the
 * errno, and check the free space of the directory's filesystem to say when it is full.
 * @module
 */
import { statfsSync } from 'node:fs';

/** Emscripten's errno numbers (not Linux's) for the failures a store directory can hit. */
const EMSCRIPTEN_ERRNO: Readonly<Record<number, string>> = {
  2: 'EACCES (permission denied)', 8: 'EBADF', 20: 'EEXIST', 28: 'EINVAL', 29: 'EIO (input/output error)', 31: 'EISDIR', 33: 'EMFILE',
  44: 'ENOENT (no such file or directory)', 51: 'ENOSPC (no space left on device)', 54: 'ENOTDIR', 63: 'EPERM (operation not permitted)',
  69: 'EROFS (read-only file system)',
};

/** Below this, a failure in the store is blamed on the disk (PGlite writes 8 KiB pages and WAL segments). */
export const LOW_SPACE_BYTES = 16 * 1024 * 1024;
/** A fresh embedded store takes about 40 MB: refuse to create one with less free. */
export const FRESH_STORE_BYTES = 48 * 1024 * 1024;

/** Free bytes on the filesystem holding `dir` (for the caller's user), or null if unknown. */
export function freeBytes(dir: string): number | null {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return null;
  }
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A readable message for what PGlite threw (an ErrnoError has none of its own). */
export function pgliteMessage(err: unknown): string {
  const e = err as { message?: unknown; errno?: unknown; name?: unknown } | null;
  if (e && typeof e.errno === 'number' && (typeof e.message !== 'string' || e.message === '')) {
    return `filesystem error ${EMSCRIPTEN_ERRNO[e.errno] ?? `errno ${e.errno}`}`;
  }
  if (e && typeof e.message === 'string' && e.message !== '') return e.message;
  return String(err);
}

/** Whether the filesystem of `dir` is (nearly) full, with the free space for the message. */
export function diskFull(dir: string): { free: number } | null {
  const free = freeBytes(dir);
  return free !== null && free < LOW_SPACE_BYTES ? { free } : null;
}
