/**
 * `keytwin runs [--store URL] [--delete ID]`: the runs stored in Postgres or the embedded store,
 * newest first, as a table.
 * @module
 */
import { parseCommand, UserError } from '../args.ts';
import { DEFAULT_STORE, openStore, type RunListing } from '../../store/index.ts';
import { readerStore } from '../reader-store.ts';

const HELP = `Usage: keytwin runs [--store <postgres://...|directory|memory://>] [--delete <run-id>] [--json]

Lists the stored runs, newest first. The store defaults to $KEYTWIN_STORE, then ${DEFAULT_STORE}.
  --store   where runs are stored (postgres:// URL or embedded directory)
  --delete  delete one run and everything stored with it
  --json    print the list as JSON`;

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseCommand(argv, { store: { type: 'string' }, delete: { type: 'string' }, json: { type: 'boolean' } }, HELP);
  if (!args) return 0;
  const url = readerStore(args.values.store);
  if (url === null) {
    if (args.values.delete !== undefined) throw new UserError(`no run '${args.values.delete}': nothing is stored yet (no store at ${DEFAULT_STORE})`);
    process.stdout.write(args.values.json ? '[]\n' : `no runs stored yet (no store at ${DEFAULT_STORE}; 'keytwin run <scenario>' creates it)\n`);
    return 0;
  }
  let store;
  try {
    store = await openStore(url);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  try {
    if (args.values.delete !== undefined) {
      const ok = await store.deleteRun(args.values.delete);
      if (!ok) throw new UserError(`no run '${args.values.delete}' in ${store.location}`);
      process.stdout.write(`deleted run ${args.values.delete} from ${store.location}\n`);
      return 0;
    }
    const runs = await store.listRuns();
    if (args.values.json) process.stdout.write(JSON.stringify(runs, null, 2) + '\n');
    else if (runs.length === 0) process.stdout.write(`no runs stored in ${store.location}\n`);
    else process.stdout.write(table(runs) + `\n${runs.length} run(s) in ${store.location}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

function table(runs: RunListing[]): string {
  const head = ['run id', 'scenario', 'seed', 'devices', 'days', 'profile', 'code', 'started (UTC)', 'wall'];
  const rows = runs.map((r) => [r.runId, r.scenario, String(r.seed), String(r.devices), String(r.durationDays), r.profile, r.codeVersion, r.startedAt.replace('T', ' ').slice(0, 19), `${(r.wallMs / 1000).toFixed(1)} s`]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const right = new Set([2, 3, 4, 8]);
  const fmt = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(width[i]!) : c.padEnd(width[i]!))).join('  ').trimEnd();
  return [fmt(head), fmt(width.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}
