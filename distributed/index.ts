/**
 * Distribution across machines on NATS JetStream: a coordinator (runOnNats) publishes a run's
 * partitions as work items; workers (serveWork) on any machine simulate them and publish results;
 * the coordinator merges them into the same output as a one-process run.
 * @module
 */
export { runOnNats, DEFAULT_PARTITIONS, type NatsRunOptions, type NatsRunOutput } from './coordinator.ts';
export { serveWork, type WorkerOptions } from './worker-loop.ts';
export { DEFAULT_ACK_WAIT_MS, natsServer } from './connect.ts';
export { DistributedError } from './errors.ts';
