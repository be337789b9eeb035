/**
 * One writer per embedded store. PGlite is a single-user Postgres: two processes (or two PGlite
 * instances in one process) on the same directory silently lose runs or corrupt the cluster
 * (issue 15). So opening a directory takes `<dir>.lock`, created atomically (O_EXCL) with the
 * holder's pid and command line; a second opener is refused with a message naming the holder. A
 * lock whose pid no longer runs (kill -9, power loss) is stale and taken over. The file sits next
 * to the directory, not in it, because PGlite wants an empty directory to initialise a store.
 * @module
 */
import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

export interface LockHolder {
  pid: number;
  command: string;
  host: string;
  since: string;
  /** A reader that holds the store for one request (the dashboard): others wait for it instead of being refused. */
  brief?: boolean;
}

export interface StoreLock {
  readonly path: string;
  release(): void;
}

/** The error of a refused open: `holder` says who has the store. */
export class StoreLockedError extends Error {
  override name = 'StoreLockedError';
  readonly holder: LockHolder;
  constructor(dir: string, holder: LockHolder) {
    super(`the embedded store ${dir} is in use by pid ${holder.pid} (${holder.command}) on ${holder.host} since ${holder.since}; ` +
      'an embedded store takes one process at a time: wait for it to finish, stop it, or use a Postgres store (--store postgres://...) for concurrent writers');
    this.holder = holder;
  }
}

export function lockPath(dir: string): string {
  return `${dir.replace(/\/+$/, '')}.lock`;
}

/** Locks held by this process, so an exit (even process.exit) removes them. */
const held = new Set<string>();
let exitHook = false;

function command(): string {
  const argv = process.argv.slice(1).map((a) => a.replace(/^.*\/(?=[^/]+$)/, ''));
  const s = [process.argv0.replace(/^.*\//, ''), ...argv].join(' ');
  return s.length > 200 ? s.slice(0, 199) + '…' : s;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live holder of the directory's lock, or null when it is free (or stale). */
export function lockHolder(dir: string): LockHolder | null {
  let text: string;
  try {
    text = readFileSync(lockPath(dir), 'utf8');
  } catch {
    return null;
  }
  let h: Partial<LockHolder>;
  try {
    h = JSON.parse(text) as Partial<LockHolder>;
  } catch {
    // Being written by its creator this very moment (created, not yet filled): held, unless it
    // has stayed unreadable for seconds (its creator died between create and write).
    const age = Date.now() - (statSafe(lockPath(dir)) ?? 0);
    return age > 5000 ? null : { pid: 0, command: 'unknown (lock file being written)', host: hostname(), since: 'now' };
  }
  if (typeof h.pid !== 'number') return null;
  // A lock from another host (a shared filesystem) cannot be checked: it counts as held.
  if (h.host === hostname() && !alive(h.pid)) return null;
  return { pid: h.pid, command: String(h.command), host: String(h.host), since: String(h.since), ...(h.brief ? { brief: true } : {}) };
}

function statSafe(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/** How long an opener waits for a brief holder (a dashboard request) before it is refused. */
export const BRIEF_WAIT_MS = 60_000;

/**
 * Takes the directory's lock, waiting while a brief holder (a dashboard answering one request)
 * has it; any other holder is refused at once with StoreLockedError naming it.
 */
export async function lockStoreWaiting(dir: string, options: { brief?: boolean; waitMs?: number } = {}): Promise<StoreLock> {
  const end = Date.now() + (options.waitMs ?? BRIEF_WAIT_MS);
  for (;;) {
    try {
      return lockStore(dir, options);
    } catch (err) {
      if (!(err instanceof StoreLockedError) || !err.holder.brief || Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Takes the directory's lock or throws StoreLockedError naming its holder. */
export function lockStore(dir: string, options: { brief?: boolean } = {}): StoreLock {
  const path = lockPath(dir);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new Error(`cannot lock the embedded store ${dir} (${path}): ${(err as Error).message}`, { cause: err });
      }
      const holder = lockHolder(dir);
      if (holder) throw new StoreLockedError(dir, holder);
      // Stale: move it aside under a name of our own (atomic, so two takers cannot both win),
      // then retry the exclusive create.
      try {
        renameSync(path, `${path}.stale-${process.pid}`);
        unlinkSync(`${path}.stale-${process.pid}`);
      } catch {
        /* another process took it over first: the retry sees its lock */
      }
      continue;
    }
    const me: LockHolder = { pid: process.pid, command: command(), host: hostname(), since: new Date().toISOString(), ...(options.brief ? { brief: true } : {}) };
    try {
      writeSync(fd, JSON.stringify(me));
    } catch (err) {
      // A full disk: an empty lock file would look held to the next opener for seconds.
      closeSync(fd);
      unlinkSync(path);
      throw new Error(`cannot lock the embedded store ${dir}: writing ${path} failed: ${(err as Error).message}`, { cause: err });
    }
    closeSync(fd);
    held.add(path);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => {
        for (const p of held) release(p);
      });
    }
    let released = false;
    return {
      path,
      release() {
        if (released) return;
        released = true;
        held.delete(path);
        release(path);
      },
    };
  }
  throw new Error(`cannot lock the embedded store ${dir}: ${path} kept reappearing (another process is taking it over)`);
}

/** Removes the lock file only if it is still ours. */
function release(path: string): void {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (h.pid === process.pid && h.host === hostname()) unlinkSync(path);
  } catch {
    /* already gone */
  }
}
