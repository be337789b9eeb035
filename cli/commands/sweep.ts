/**
 * `keytwin sweep <scenario> --set path=v1,v2 [--set ...] [--replications N] [--baseline NAME]`:
 * a grid over scenario fields (times the scenario's own `sweep:` variants), each point run with
 * N replications on common seeds, a table of between-replication intervals, and paired
 * differences against the baseline point. `--sensitivity` runs the profile sensitivity analysis
 * instead (cli/sweep/sensitivity.ts). The sweep's analysis goes to out/ and, with its runs, to
 * the store under a sweep id.
 * @module
 */
import { storeFor } from '../store-choice.ts';
import { parseCommand, UsageError, wholeNumber } from '../args.ts';
import { drawSeed, readOverrides, readScenario } from '../scenario-input.ts';
import { parseSetOption, sweepPoints } from '../sweep/grid.ts';
import { runSweep } from '../sweep/run-sweep.ts';
import { natsSweep } from '../nats-run.ts';
import { DEFAULT_PARTITIONS } from '../../distributed/index.ts';

const HELP = `Usage: keytwin sweep <scenario.yaml> --set path=v1,v2,... [--set ...] [options]

Runs every point of a grid over scenario fields (times the scenario's own sweep: variants), each
with --replications independent seeds; replication r of every point uses the same seed (common
random numbers). Prints each point's headline metrics with 95 % t-intervals between replications
and the paired differences against the baseline point: per keychain for battery life, per
replication for the fleet metrics, "not significant" when the interval covers 0.

Options:
  --set <path=v1,v2>   a scenario field and its values (YAML; commas inside {} or [] stay),
                       e.g. --set radio.attMtu=185,247 --set behaviour.phoneInRange=0.8,0.95
  --replications <n>   replications per point (default 3; 1..100)
  --baseline <name>    the point the others are compared with (default: the first)
  --devices <n>        override the number of keychains
  --duration <d>       override the simulated time (e.g. 7d)
  --seed <s>           override the base seed (replication seeds derive from it)
  --store <url>        where runs and the sweep are stored (default: the scenario's sinks.store)
  --out <dir>          where sweep.json and sweep.txt go (default out/<scenario>/sweep-<id>)
  --workers <n>        worker threads the runs share, several runs at once (default 1;
                       at most one per core); results are the same for any count
  --nats <url>         run each point and replication as a distributed run on 'keytwin worker
                       --nats <url>' processes (several at once; the analysis is the same)
  --partitions <n>     with --nats: work items per run (default ${DEFAULT_PARTITIONS})
  --ack-wait <s>       with --nats: seconds before a silent worker's item is redelivered
  --json               print the analysis as JSON on stdout
  --sensitivity        profile sensitivity analysis instead of a grid (tornado and Morris
                       elementary effects; keytwin sweep --sensitivity --help)
`;

export async function run(argv: readonly string[]): Promise<number> {
  if (argv.includes('--sensitivity')) return (await import('../sweep/sensitivity-command.ts')).sensitivity(argv.filter((a) => a !== '--sensitivity'));
  const parsed = parseCommand(argv, {
    set: { type: 'string', multiple: true },
    replications: { type: 'string' },
    baseline: { type: 'string' },
    devices: { type: 'string' },
    duration: { type: 'string' },
    seed: { type: 'string' },
    store: { type: 'string' },
    out: { type: 'string' },
    workers: { type: 'string' },
    nats: { type: 'string' },
    partitions: { type: 'string' },
    'ack-wait': { type: 'string' },
    json: { type: 'boolean' },
  }, HELP);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`expected one scenario file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}\n${HELP}`);
  const path = positionals[0]!;
  const scenario = readScenario(path);
  const overrides = readOverrides({ devices: values.devices, duration: values.duration, seed: values.seed });
  const replications = values.replications === undefined ? 3 : wholeNumber('replications', values.replications);
  if (replications < 1 || replications > 100) throw new UsageError(`--replications: expected 1..100, got ${replications}`);
  const axes = (values.set ?? []).map(parseSetOption);
  if (axes.length === 0 && scenario.sweep.length === 0) throw new UsageError(`nothing to sweep: give --set path=v1,v2 (or a scenario with a sweep: section)`);
  const points = sweepPoints(scenario, axes);
  const baseline = values.baseline === undefined ? 0 : points.findIndex((p) => p.name === values.baseline);
  if (baseline < 0) throw new UsageError(`--baseline ${values.baseline}: no such point (points: ${points.map((p) => p.name).join(', ')})`);
  const store = storeFor(scenario, values.store);
  const wanted = overrides.seed ?? scenario.seed;
  const seed = wanted === 'random' ? drawSeed() : wanted;
  if (wanted === 'random') process.stderr.write(`seed: random, drew ${seed} (--seed ${seed} repeats this sweep)\n`);
  const workers = values.workers === undefined ? 1 : wholeNumber('workers', values.workers);
  const nats = natsSweep(values);
  await runSweep({ kind: 'grid', scenario, points, baseline, path, overrides, replications, workers, ...(nats ? { nats } : {}), seed, store, out: values.out, json: Boolean(values.json), extra: { axes: axes.map((a) => ({ path: a.path, values: a.texts })) } });
  return 0;
}
