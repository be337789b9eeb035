/**
 * The error of a distributed run that is meant for the user as it is (unreachable server, no
 * JetStream, mismatched code, unknown run id): the CLI prints the message and exits 1.
 * @module
 */
export class DistributedError extends Error {
  override name = 'DistributedError';
  readonly userFacing = true;
}
