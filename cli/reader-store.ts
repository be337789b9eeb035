/**
 * The store a reading command (runs, report, dashboard) opens. Opening an embedded store creates
 * it, so a mistyped `--store` path used to create an empty store there and report "no runs":
 * readers refuse a directory that is not already a store, and a URL the store cannot open.
 * @module
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EMBEDDED_STORE, OverrideError, storeLocation } from '../scenarios/index.ts';
import { DEFAULT_STORE } from '../store/index.ts';
import { UsageError, UserError } from './args.ts';

/** Where an embedded store keeps its files, or null for a server or in-memory store. */
export function embeddedDir(url: string): string | null {
  if (/^(postgres(ql)?|memory):\/\//i.test(url)) return null;
  return resolve(url.startsWith('file://') ? new URL(url).pathname : url);
}

/**
 * The store URL to read from: --store, else $KEYTWIN_STORE, else the default embedded store.
 * @returns null when no store was named and the default one does not exist yet (nothing stored)
 * @throws UsageError for a location the store cannot open; UserError for a named store that is not there
 */
export function readerStore(option: string | undefined, env = process.env.KEYTWIN_STORE): string | null {
  const named = option ?? env;
  if (named === undefined) return existsSync(join(DEFAULT_STORE, 'PG_VERSION')) ? DEFAULT_STORE : null;
  const label = option !== undefined ? '--store' : '$KEYTWIN_STORE';
  let url: string;
  try {
    url = storeLocation(label, named);
  } catch (err) {
    throw err instanceof OverrideError ? new UsageError(err.message) : err;
  }
  if (url === EMBEDDED_STORE) return readerStore(undefined, undefined);
  if (url === 'none') throw new UsageError(`${label} none: there is nothing to read from 'none'`);
  const dir = embeddedDir(url);
  if (dir !== null && !existsSync(join(dir, 'PG_VERSION'))) {
    throw new UserError(`no store at ${dir}${existsSync(dir) ? ' (the folder exists but is not an embedded store)' : ''}: check the path; 'keytwin run --store ${url}' creates one`);
  }
  return url;
}

/**
 * The store a writing command (store migrate/check, load --store) opens, which may create it:
 * only a location the store understands (an unknown `scheme://` would become a directory).
 */
export function writerStore(option: string | undefined, env = process.env.KEYTWIN_STORE): string {
  const named = option ?? env;
  if (named === undefined) return DEFAULT_STORE;
  let url: string;
  try {
    url = storeLocation(option !== undefined ? '--store' : '$KEYTWIN_STORE', named);
  } catch (err) {
    throw err instanceof OverrideError ? new UsageError(err.message) : err;
  }
  return url === EMBEDDED_STORE ? DEFAULT_STORE : url;
}
