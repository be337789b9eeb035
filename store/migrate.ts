/**
 * Schema migrations: the numbered SQL files in store/migrations, applied in order, each recorded
 * in `schema_migrations` with its checksum. All pending files run in one transaction under an
 * advisory lock, so two processes migrating the same database at once do not race, and a
 * migration that fails leaves the schema as it was.
 * @module
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Engine } from './engine.ts';

export interface Migration {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateReport {
  applied: string[];
  alreadyApplied: string[];
}

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Reads store/migrations/NNN_name.sql in version order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => {
      const m = /^(\d+)_([a-z0-9_]+)\.sql$/.exec(file);
      if (!m) throw new Error(`${dir}${file}: migration files must be named NNN_name.sql`);
      const sql = readFileSync(dir + file, 'utf8');
      return { version: m[1]!, name: m[2]!, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export async function migrate(engine: Engine, migrations = loadMigrations()): Promise<MigrateReport> {
  return engine.transaction(async (tx) => {
    const schema = engine.schema;
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`keytwin.migrate:${schema ?? 'default'}`]);
    if (schema) await tx.exec(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    text PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Map(
      (await tx.query<{ version: string; checksum: string }>('SELECT version, checksum FROM schema_migrations')).rows.map((r) => [r.version, r.checksum]),
    );
    const report: MigrateReport = { applied: [], alreadyApplied: [] };
    for (const m of migrations) {
      const label = `${m.version}_${m.name}`;
      const previous = done.get(m.version);
      if (previous !== undefined) {
        if (previous !== m.checksum) {
          throw new Error(`migration ${label}.sql was changed after it was applied to ${engine.location} (checksum ${previous.slice(0, 12)} in the database, ${m.checksum.slice(0, 12)} on disk); add a new migration instead`);
        }
        report.alreadyApplied.push(label);
        continue;
      }
      try {
        await tx.exec(m.sql);
      } catch (err) {
        throw new Error(`migration ${label}.sql failed on ${engine.location}: ${(err as Error).message}`, { cause: err });
      }
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
      report.applied.push(label);
    }
    return report;
  });
}
