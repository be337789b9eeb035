/**
 * The NATS names a distributed run uses, in one place: the JetStream streams, the shared worker
 * consumer, the object-store bucket, and the subjects and message ids of one run's work items,
 * results and progress. Coordinator and workers must agree on every one of them.
 * @module
 */
import { DistributedError } from './errors.ts';

/** Work items: a work-queue stream, so an item is gone once a worker acks its result. */
export const WORK_STREAM = 'KEYTWIN_WORK';
/** The one durable pull consumer every worker shares (a work-queue stream allows one per subject). */
export const WORK_CONSUMER = 'keytwin-workers';
/** Partition results and run records: a limits stream the coordinator reads (and re-reads on resume). */
export const RESULT_STREAM = 'KEYTWIN_RESULTS';
/** Results larger than a message's payload limit allows go here, the message then names the object. */
export const RESULT_BUCKET = 'keytwin-results';

export const workSubject = (runId: string, partition: number) => `keytwin.work.${runId}.${partition}`;
export const resultSubject = (runId: string, partition: number) => `keytwin.result.${runId}.${partition}`;
/** Every result subject of one run (a consumer filter, a purge filter). */
export const resultsOf = (runId: string) => `keytwin.result.${runId}.>`;
export const runSubject = (runId: string) => `keytwin.run.${runId}`;
/** Progress and refusals travel on plain NATS: losing one costs a stale progress line, nothing else. */
export const progressSubject = (runId: string) => `keytwin.progress.${runId}`;
export const objectName = (runId: string, partition: number) => `${runId}.${partition}`;
/** JetStream drops a second publish with the same id (within the stream's duplicate window). */
export const resultMsgId = (runId: string, partition: number) => `result/${runId}/${partition}`;
export const workMsgId = (runId: string, partition: number) => `work/${runId}/${partition}`;

/** A run id becomes a subject token, so it may hold no dots, wildcards or spaces. */
export function checkRunId(runId: string, where: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(runId)) throw new DistributedError(`${where}: run id '${runId}' must be 1..64 letters, digits, '-' or '_' (it is part of NATS subjects)`);
  return runId;
}
