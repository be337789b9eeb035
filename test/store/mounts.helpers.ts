/**
 * Scratch mounts for the store's filesystem tests (a full disk, a read-only store): tmpfs and bind
 * mounts under one temporary root, all lazily unmounted and removed after the file's tests.
 * Mounting needs root (CI runs as root); a refused mount returns its reason, for the skip title.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export interface ScratchMounts {
  readonly root: string;
  /** `mount <args> <dir>`: null when mounted, else why not. */
  mount(args: string[], dir: string): string | null;
}

/** A temporary root whose mounts are undone after the calling test file. */
export function scratchMounts(prefix: string): ScratchMounts {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const mounts: string[] = [];
  afterAll(() => {
    for (const m of mounts.reverse()) {
      try {
        execFileSync('umount', ['-l', m]);
      } catch {
        /* already gone */
      }
    }
    rmSync(root, { recursive: true, force: true });
  });
  return {
    root,
    mount(args, dir) {
      try {
        execFileSync('mount', [...args, dir], { stdio: 'pipe' });
        if (!mounts.includes(dir)) mounts.push(dir);
        return null;
      } catch (err) {
        return `${(err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message}`;
      }
    },
  };
}

/** Fails (instead of hanging the test run) when `p` takes longer than `ms`. */
export function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(`${what} hung for ${ms} ms`)), ms)))]).finally(() => clearTimeout(t));
}
