/**
 * The code version a distributed run checks: the SHA-256 of the worker bundle (bundle.ts), i.e. of
 * exactly the simulator code and library versions a partition runs on. A git describe would call
 * two different uncommitted trees the same ("-dirty"); the bundle cannot. Coordinator and worker
 * compare it before a partition is simulated, so a summary is never merged from mixed code.
 * @module
 */
import { createHash } from 'node:crypto';
import { workerBundle } from '../sim/twin/bundle.ts';

export async function simulatorVersion(): Promise<{ code: string; version: string }> {
  const code = await workerBundle();
  return { code, version: 'bundle-sha256:' + createHash('sha256').update(code).digest('hex').slice(0, 16) };
}
