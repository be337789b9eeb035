/**
 * `keytwin dashboard [--store URL] [--port N] [--host H]`: serves the local web dashboard until
 * interrupted (Ctrl-C closes the server and the store).
 * @module
 */
import { parseCommand, UsageError, UserError } from '../args.ts';
import { openDashboardStore, startDashboard } from '../../dashboards/index.ts';
import { handshakeMessagesFor, handshakeTraceFor } from '../../reports/index.ts';
import { DEFAULT_STORE } from '../../store/index.ts';
import { readerStore } from '../reader-store.ts';

const HELP = `Usage: keytwin dashboard [options]

Serves the keytwin dashboard on http://127.0.0.1:<port>/: the runs in the store, a run's charts,
a comparison of two runs, and live runs (a simulation POSTs progress to /api/live).

Options:
  --store <url>   postgres://… or a PGlite directory (default .keytwin/store)
  --port <n>      TCP port (default 8787; 0 picks a free one)
  --host <addr>   interface to listen on (default 127.0.0.1; the dashboard has no login)
`;

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, { store: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } }, HELP);
  if (!parsed) return 0;
  if (parsed.positionals.length) throw new UsageError(`unexpected argument '${parsed.positionals[0]}' (see --help)`);
  const port = Number(parsed.values.port ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0..65535, got '${parsed.values.port}'`);
  // A named store must exist; the default one is created, since live runs need no stored runs.
  const url = readerStore(parsed.values.store) ?? DEFAULT_STORE;
  // An embedded store is read per request, never held open: see dashboards/store-access.ts.
  let opened;
  try {
    opened = await openDashboardStore(url);
  } catch (err) {
    throw new UserError(`cannot open the store ${url}: ${(err as Error).message}`);
  }
  const { store } = opened;
  let dash;
  try {
    dash = await startDashboard({ store, port, ...(parsed.values.host ? { host: parsed.values.host } : {}), handshakeMessages: handshakeMessagesFor, handshakeTrace: handshakeTraceFor });
  } catch (err) {
    await opened.close();
    throw new UserError(`cannot listen on port ${port}: ${(err as Error).message}`);
  }
  const runs = await store.listRuns();
  process.stdout.write(`keytwin dashboard: ${dash.url}  (store ${store.location}, ${runs.length} run${runs.length === 1 ? '' : 's'}${runs.length ? '' : ': run a simulation first'})\nlive progress: POST ${dash.url}api/live\nCtrl-C to stop.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await dash.close();
  await opened.close();
  return 0;
}
