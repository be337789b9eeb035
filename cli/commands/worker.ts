/**
 * `keytwin worker --nats URL`: a simulation worker for distributed runs. Start any number, on any
 * machines that reach the NATS server; each pulls one partition at a time from the shared
 * work-queue, simulates it and publishes the result for the coordinator (`keytwin run --nats`).
 * @module
 */
import { serveWork } from '../../distributed/index.ts';
import { parseCommand, UsageError, wholeNumber } from '../args.ts';

const HELP = `Usage: keytwin worker --nats <url> [options]

Pulls partitions of distributed runs ('keytwin run <scenario> --nats <url>') from the NATS
JetStream work queue, simulates them and publishes their results. Runs until stopped (Ctrl-C or
SIGTERM hands a partition in progress back to the queue). A partition is simulated only by a
worker of the code that published it: one of other code is refused (logged once per run) and
handed back for 10 s for a worker of that code, or dropped when no coordinator of its run is
listening (resuming that run republishes it); the worker keeps serving its own code's partitions.

Options:
  --nats <url>           the NATS server with JetStream, e.g. nats://10.0.0.5:4222
  --max-partitions <n>   exit after simulating n partitions (batch jobs)
  --inline-max <bytes>   results up to this size travel in the message, larger ones through the
                         object store (default: half the server's max_payload)
`;

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, { nats: { type: 'string' }, 'max-partitions': { type: 'string' }, 'inline-max': { type: 'string' } }, HELP);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals.join(' ')}\n${HELP}`);
  if (values.nats === undefined) throw new UsageError(`--nats <url> is required\n${HELP}`);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const maxPartitions = values['max-partitions'] === undefined ? undefined : wholeNumber('max-partitions', values['max-partitions']);
  const inlineMax = values['inline-max'] === undefined ? undefined : wholeNumber('inline-max', values['inline-max'], 0);
  const { partitions } = await serveWork({
    url: values.nats,
    log: (line) => process.stderr.write(line + '\n'),
    signal: stop.signal,
    ...(maxPartitions !== undefined ? { maxPartitions } : {}),
    ...(inlineMax !== undefined ? { inlineMax } : {}),
  });
  process.stderr.write(`worker: stopped after ${partitions} partition${partitions === 1 ? '' : 's'}\n`);
  return 0;
}
