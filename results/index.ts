/**
 * results/: the run-result contract. What a run produced (summary, per-device columns, daily
 * rows, samples, telemetry, the cloud model's result), its JSON codec and schema version, and the
 * live-progress snapshot. sim/ writes these; store/, reports/, dashboards/ and charts/ read them
 * from here and never import the simulator.
 * @module
 */
export type {
  DailyRow,
  DeviceColumns,
  Estimate,
  Percentiles,
  PhaseBreakdown,
  RunManifest,
  RunResult,
  RunSummary,
  SocSample,
  TelemetryEvent,
} from './result.ts';
export { RESULT_SCHEMA_VERSION, resultFromJson, resultToJson } from './result-json.ts';
export { STATIONS, type CloudHourRow, type CloudLoadRow, type CloudResult, type CloudSummary, type RolloutPlan, type StationName, type StationSummary, type WavePlan } from './cloud.ts';
export type { FleetActivity } from './activity.ts';
export { MAX_LIVE_VALUES, type LiveSnapshot } from './live.ts';
