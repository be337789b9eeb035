/**
 * store/: where results go and come back from. Postgres (server through `pg`, or embedded
 * PGlite) for the registry and run results; InfluxDB-protocol servers for time series.
 * @module
 */
export type { Engine, Queryable, QueryResult, Tx } from './engine.ts';
export { openStore, isPostgresUrl, DEFAULT_STORE, type Store, type OpenStoreOptions } from './store.ts';
export { migrate, loadMigrations, type MigrateReport, type Migration } from './migrate.ts';
export { saveSweep, getSweep, listSweeps, type SweepRecord, type SweepRunLink, type SweepListing } from './sweeps.ts';
export { saveRun, getRun, listRuns, deleteRun, copyTables, type CopyTable, type SaveRunOptions, type SaveRunReport, type SaveStep, type RunListing } from './runs.ts';
export {
  provisionDevice, changePolicy, revokeDevice, policyHistory, PUBLIC_KEY_LENGTHS,
  type ProvisionInput, type Provisioned, type PolicyVersion, type PolicyRow, type NewUser,
} from './registry.ts';
export { redact, isConnectionError } from './engine-pg.ts';
export { lockStore, lockStoreWaiting, BRIEF_WAIT_MS, lockHolder, lockPath, StoreLockedError, type LockHolder, type StoreLock } from './store-lock.ts';
export {
  openInflux, influxConfig, describeTarget, runPoints, formatLine, readSpill, PRECISION,
  type InfluxConfig, type InfluxEnv, type InfluxSink, type InfluxWriteReport, type PointCounts, type FieldValue, type SpillContents,
} from './influx/index.ts';
export { persistRun, checkSinks, replaySpill, createInfluxDatabase, SinkError, type SinkOptions, type PersistReport, type ReplayReport } from './persist.ts';
