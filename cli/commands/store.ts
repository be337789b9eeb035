/**
 * `keytwin store migrate [--store URL] [--influx URL]` applies the schema migrations (and
 * creates the InfluxDB 1.x database); `keytwin store replay <spill-file> [--influx URL]` sends
 * the points a down server did not get; `keytwin store check` validates sinks.
 * @module
 */
import { parseCommand, UsageError, UserError } from '../args.ts';
import { checkSinks, createInfluxDatabase, DEFAULT_STORE, openStore, replaySpill } from '../../store/index.ts';
import { writerStore } from '../reader-store.ts';

const HELP = `Usage:
  keytwin store migrate [--store <url|dir>] [--influx <url>]   apply schema migrations (create the 1.x database)
  keytwin store check   [--store <url|dir>] [--influx <url>]   check the sinks accept writes
  keytwin store replay  <spill-file>... [--influx <url>]       send spilled points (to their recorded target, or --influx's URL)

--store defaults to $KEYTWIN_STORE, then ${DEFAULT_STORE}. --influx defaults to $INFLUX_URL; the
InfluxDB settings come from the URL (?db=, ?org=&bucket=) or INFLUX_DB / INFLUX_ORG, INFLUX_BUCKET, INFLUX_TOKEN.`;

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseCommand(argv, { store: { type: 'string' }, influx: { type: 'string' } }, HELP);
  if (!args) return 0;
  const [sub, ...rest] = args.positionals;
  const influx = args.values.influx ?? process.env.INFLUX_URL;
  switch (sub) {
    case 'migrate': {
      if (rest.length > 0) throw new UsageError(`store migrate takes no positional arguments, got '${rest.join(' ')}'`);
      const url = writerStore(args.values.store);
      try {
        const store = await openStore(url, { migrate: false });
        try {
          const r = await store.migrate();
          process.stdout.write(`store ${store.location}: ${r.applied.length ? `applied ${r.applied.join(', ')}` : 'up to date'} (${r.alreadyApplied.length} already applied)\n`);
        } finally {
          await store.close();
        }
        if (influx) process.stdout.write((await createInfluxDatabase(influx)) + '\n');
      } catch (err) {
        throw new UserError((err as Error).message);
      }
      return 0;
    }
    case 'check': {
      try {
        const ok = await checkSinks({ store: writerStore(args.values.store), ...(influx ? { influx } : {}) });
        process.stdout.write(ok.join('\n') + '\n');
      } catch (err) {
        throw new UserError((err as Error).message);
      }
      return 0;
    }
    case 'replay': {
      if (rest.length === 0) throw new UsageError('store replay needs at least one spill file');
      let failed = 0;
      for (const file of rest) {
        let r;
        try {
          r = await replaySpill(file, args.values.influx ? { url: args.values.influx } : {});
        } catch (err) {
          throw new UserError((err as Error).message);
        }
        failed += r.failed;
        process.stdout.write(`${file}: ${r.written}/${r.attempted} points written to ${r.target}` +
          (r.failed > 0 ? `; ${r.failed} still not written, kept in ${r.spillFile} (${r.errors[0] ?? ''})` : '; spill file removed') + '\n');
      }
      return failed > 0 ? 1 : 0;
    }
    default:
      throw new UsageError(sub ? `unknown store subcommand '${sub}' (valid: migrate, check, replay)` : 'store needs a subcommand: migrate, check or replay');
  }
}
