/**
 * sim/cloud: the cloud capacity model. The fleet's activity (sim/twin) becomes request arrivals
 * at five stations (provisioning, attestation, telemetry, OTA, policy) that run as c-server
 * queues with limits and rate limiting on sim/engine; OTA rollouts follow the models/cloud
 * rollout statechart. Outputs per station over time, a summary checked against Erlang C, and a
 * capacity sweep ("how many servers keep p99 under X ms").
 * The result types (CloudResult and its rows) live in results/, the run-result contract.
 * @module
 */
export { STATIONS, STATION_ENDPOINTS, assertCloudConfig, validateCloudConfig, type CloudConfig, type CloudDemand, type OtaRelease, type StationConfig, type StationName } from './config.ts';
export { arrivalStreams, type ArrivalStream } from './arrivals.ts';
export { compileRollout, planRollout } from './rollout.ts';
export { Station, type PeriodStats } from './station.ts';
export { batchRatio, erlangC, tQuantile975, type ErlangC } from './erlang.ts';
export { simulateCloud, type SimulateCloudOptions } from './simulate.ts';
export { streamName, cloudRng } from './simulate.ts';
export { requestSchedule, REQUEST_KINDS, type RequestKind, type RequestSchedule, type ScheduleWindow } from './schedule.ts';
export { capacitySweep, type CapacityOptions, type CapacityRow } from './capacity.ts';
