/**
 * Scenarios: what to run, as validated YAML (fleet, behaviour, radio, profile, sweep, sinks, seed).
 * @module
 */
export { checkScenario, DEFAULT_START, type LossModel, type PathSegment, type Scenario, type ScenarioIssue, type SweepVariant } from './schema.ts';
export { expandSweep, formatIssue, loadScenario, parseScenario, ScenarioError, type LocatedIssue } from './load.ts';
export { loadProfile } from './load-profile.ts';
export { DIURNAL_PRESETS, normaliseWeights } from './diurnal.ts';
export { DURATION_UNITS_MS, parseDuration } from './duration.ts';
export { checkCloud, DEFAULT_STATIONS, type ScenarioCloud } from './cloud-schema.ts';
export { checkOverrides, cloudConfig, OverrideError, resolveScenario, type OverrideArgs, type ResolvedScenario, type RunOverrides } from './resolve.ts';
export { checkInfluxUrl, checkStoreLocation, EMBEDDED_STORE, resolveSinks, storeLocation, type RunSinks } from './sinks.ts';
export { STATIONS, STATION_ENDPOINTS, type CloudConfig, type CloudDemand, type FleetBehaviour, type FleetConfig, type FleetRadio, type OtaRelease, type StationConfig, type StationName } from './config.ts';
