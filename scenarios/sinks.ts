/**
 * Where a run's results go: `sinks.store` and `sinks.influx` in a scenario, `--store` and
 * `--influx` on the command line. Both are checked by these rules (the command line wins when
 * both are given), so a location the store cannot open (`mysql://…`, a bare `postgres`) fails
 * while the scenario is read, before anything is created or simulated.
 * @module
 */
import { OverrideError } from './resolve.ts';
import { Checker, type PathSegment } from './schema.ts';

/** The embedded store at its default place (store/ DEFAULT_STORE), as a scenario names it. */
export const EMBEDDED_STORE = 'pglite';

const STORE_WHAT = `"${EMBEDDED_STORE}" (the embedded store), "none", a postgres://user@host:port/db URL, memory://, or a directory`;

/**
 * A store location: "pglite", "none", postgres(ql)://…, memory://, file://… or a directory path.
 * Any other `scheme://` is refused here: the embedded store would otherwise take it for a
 * directory name and create `mysql:/…` next to the working directory.
 */
export function checkStoreLocation(c: Checker, path: PathSegment[], x: unknown, fallback: string): string {
  if (x === undefined) return fallback;
  if (typeof x !== 'string' || x.trim() === '') {
    c.fail(path, STORE_WHAT, x);
    return fallback;
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(x)?.[1]?.toLowerCase();
  if (scheme !== undefined && !['postgres', 'postgresql', 'memory', 'file'].includes(scheme)) {
    c.fail(path, `${STORE_WHAT} (the scheme ${scheme}:// is not supported)`, x);
    return fallback;
  }
  // A bare "postgres" used to fall back silently to the embedded store: it does not say which server.
  if (/^postgres(ql)?$/i.test(x)) {
    c.fail(path, `${STORE_WHAT}; "${x}" alone does not say which server (e.g. postgres://postgres@127.0.0.1:5432/keytwin)`, x);
    return fallback;
  }
  return x;
}

/** An InfluxDB URL in the form --influx takes (e.g. http://127.0.0.1:8086?db=keytwin), or null. */
export function checkInfluxUrl(c: Checker, path: PathSegment[], x: unknown): string | null {
  if (x === undefined || x === null) return null;
  if (typeof x !== 'string' || !/^https?:\/\/\S+$/.test(x)) {
    c.fail(path, 'an http(s) URL as --influx takes it, e.g. http://127.0.0.1:8086?db=keytwin (1.x) or http://host:8428?org=o&bucket=b (2.x API)', x);
    return null;
  }
  return x;
}

/** Where a run goes: the store location ("none" for nowhere) and the InfluxDB URL or null. */
export interface RunSinks {
  store: string;
  influx: string | null;
}

/**
 * The run's sinks: --store and --influx when given (checked by the same rules as the file,
 * failing as `--store: expected …`), else the scenario's `sinks:`.
 * @throws OverrideError naming the option
 */
export function resolveSinks(scenario: { sinks: RunSinks }, args: { store?: string | undefined; influx?: string | undefined }): RunSinks {
  const c = new Checker();
  const store = args.store === undefined ? scenario.sinks.store : checkStoreLocation(c, ['--store'], args.store, EMBEDDED_STORE);
  const influx = args.influx === undefined ? scenario.sinks.influx : checkInfluxUrl(c, ['--influx'], args.influx);
  if (c.issues.length > 0) throw new OverrideError(c.issues);
  return { store, influx };
}

/**
 * One store location given outside a scenario (an option or environment variable named `label`).
 * @throws OverrideError naming `label`
 */
export function storeLocation(label: string, value: string): string {
  const c = new Checker();
  const url = checkStoreLocation(c, [label], value, EMBEDDED_STORE);
  if (c.issues.length > 0) throw new OverrideError(c.issues);
  return url;
}
