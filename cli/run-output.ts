/**
 * Where `keytwin run` writes, and what it tells the user to do next. Each run gets a new folder
 * (nothing a previous run wrote is overwritten) named to sort by time and show the seed, and
 * out/<scenario>/latest points at the newest; an explicit --out folder holding a run is refused
 * unless --force.
 * @module
 */
import { existsSync, mkdirSync, renameSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DEFAULT_STORE } from '../store/index.ts';

/** A scenario or variant name as one path segment. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** The command that reports this run: with --store unless it is the default embedded store. */
export function reportHint(runId: string, store: string, location: string): string {
  if (store === DEFAULT_STORE) return `keytwin report ${runId}`;
  // Never echo a password: the store's location has it redacted.
  const where = /:\/\/[^/@]*:[^/@]*@/.test(store) ? location : store;
  return `keytwin report ${runId} --store '${where}'`;
}

export function holdsRun(dir: string): boolean {
  return ['summary.json', 'manifest.json', 'result.json'].some((f) => existsSync(join(dir, f)));
}

/**
 * A new folder per run, named so that `ls` sorts runs by time and shows the seed:
 * <base>/2026-12-04T20-05-00Z-seed42 (with -2, -3 … when two runs share the second and seed).
 * Nothing a previous run wrote is overwritten.
 */
export function newRunDir(base: string, at: Date, seed: number | string): string {
  const stamp = at.toISOString().slice(0, 19).replace(/:/g, '-') + 'Z';
  const name = `${stamp}-seed${safeName(String(seed))}`;
  mkdirSync(base, { recursive: true });
  // mkdir without `recursive` fails on an existing folder: claiming the name is atomic, so two
  // runs finishing in the same second never share a folder.
  for (let k = 1; ; k++) {
    const dir = join(base, k === 1 ? name : `${name}-${k}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** out/<scenario>/latest → the newest run's folder (a relative symlink, replaced atomically). */
export function pointLatest(dir: string): void {
  const link = join(dir, '..', 'latest');
  const tmp = `${link}.${process.pid}`;
  try {
    symlinkSync(basename(dir), tmp);
    renameSync(tmp, link);
  } catch {
    // A file system without symlinks: the run's folder is still printed; only the pointer is missing.
  }
}
