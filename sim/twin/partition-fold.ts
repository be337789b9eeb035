/**
 * PartitionFold: partitions merged one at a time, as they arrive, so whoever collects them (the
 * local worker pool, the NATS coordinator) holds the merged result plus the one partition being
 * folded, not every partition until the last arrives (20 MB a partition per simulated year).
 *
 * The fold is order-independent, so it never waits for a missing partition: per-device columns
 * are placed by device range (offset lo − first lo), accumulators are integers (µJ, µs, counts;
 * Tally sums in fixed point) so adding them in any order is exact, hsStateFirstUs is a minimum,
 * and the trace lists are sorted by device when the output is assembled. The result equals
 * mergePartitions() over the same partitions, field for field (test/sim/twin/fold.test.ts merges
 * in every order). These lists are the one statement of how each field merges: a field of
 * PartitionResult that no list names is refused at the first fold, by name, rather than silently
 * dropped.
 * @module
 */
import { PartitionResult } from './partition-result.ts';

/** Per device: placed at the partition's offset. */
const COLUMNS = [
  'suite', 'capacityMah', 'cutoffMah', 'depletedDay', 'finalSoc', 'unlocks', 'handshakes', 'failures', 'energyUj',
  'deviceIntents', 'deviceJostles', 'deviceNfcTaps',
  'lowDay', 'lambdaPerMs', 'finalMah', 'nfcPerDay', 'nfcWakes', 'nfcUj', 'nfcPeakMa', 'peakMa',
] as const;
/** Fleet accumulators: added element by element. */
const SUMS = [
  'hsStateUs', 'hsStateVisits', 'hsStateUsCompleted', 'outcomes', 'dayOutcomes', 'phaseEnergyUjFailed', 'phaseTimeUsFailed',
  'failuresByReason', 'energyByMode', 'phaseEnergyUj', 'phaseTimeUs', 'dayUnlocks', 'dayHandshakes', 'dayFailures',
  'dayEnergyByMode', 'daySoc', 'dayAlive', 'binWakes', 'binHandshakes', 'binUnlocks', 'binFailures',
] as const;
const COUNTERS = ['intents', 'nfcTaps', 'otaOffered', 'otaApplied', 'handshakesOk', 'hsCompleted', 'hsFailed', 'events', 'tableRelSePpm'] as const;
/** The largest over partitions. */
const MAXES = ['tableRelSeMaxPpm'] as const;
const TALLIES = ['unlockLatency', 'handshakeTime'] as const;
const LISTS = ['socSamples', 'telemetry'] as const;
/** The same in every partition (compiled machines, run length): taken from the first. */
const SHARED = ['reasons', 'modes', 'outcomeNames', 'days', 'suiteIds', 'hsStates', 'lowRestMa', 'lowWakesOnNfc', 'lowWakesOnMotion'] as const;
/** Set by the fold itself. */
const RANGE = ['lo', 'n'] as const;
const MIN = 'hsStateFirstUs';

const KNOWN = new Set<string>([...COLUMNS, ...SUMS, ...COUNTERS, ...TALLIES, ...LISTS, ...SHARED, ...RANGE, ...MAXES, MIN]);

/** All partitions at once (in-thread runs, tests): the fold in device order. */
export function mergePartitions(parts: readonly PartitionResult[]): PartitionResult {
  const sorted = [...parts].sort((a, b) => a.lo - b.lo);
  const fold = new PartitionFold([...sorted.map((p) => p.lo), sorted[sorted.length - 1]!.lo + sorted[sorted.length - 1]!.n]);
  sorted.forEach((p, i) => fold.add(i, p));
  return fold.result();
}

export class PartitionFold {
  private readonly bounds: readonly number[];
  private readonly folded: boolean[];
  private count = 0;
  private out: PartitionResult | null = null;

  /** @param bounds The split: partition i covers devices bounds[i] .. bounds[i + 1] − 1. */
  constructor(bounds: readonly number[]) {
    if (bounds.length < 2) throw new Error('PartitionFold: a split has at least one partition');
    this.bounds = bounds;
    this.folded = new Array<boolean>(bounds.length - 1).fill(false);
  }

  get partitions(): number {
    return this.bounds.length - 1;
  }
  /** Partitions folded so far. */
  get size(): number {
    return this.count;
  }
  has(partition: number): boolean {
    return this.folded[partition] === true;
  }

  /** Folds partition `partition`'s result in; the caller can drop `part` afterwards. */
  add(partition: number, part: PartitionResult): void {
    const lo = this.bounds[partition];
    const hi = this.bounds[partition + 1];
    if (lo === undefined || hi === undefined) throw new Error(`PartitionFold: no partition ${partition} in a split of ${this.partitions}`);
    if (this.folded[partition]) throw new Error(`PartitionFold: partition ${partition} folded twice`);
    if (part.lo !== lo || part.lo + part.n !== hi) throw new Error(`PartitionFold: partition ${partition} should cover devices ${lo}..${hi - 1}, the result covers ${part.lo}..${part.lo + part.n - 1}`);
    this.folded[partition] = true;
    this.count++;
    // One partition is the whole run: keep it as it is (as mergePartitions does).
    if (this.partitions === 1) {
      this.out = part;
      return;
    }
    const out = (this.out ??= this.start(part));
    if (part.reasons.join() !== out.reasons.join() || part.days !== out.days) throw new Error('PartitionFold: partitions compiled different machines or ran different lengths');
    const off = part.lo - out.lo;
    for (const c of COLUMNS) (out[c] as Float64Array).set(part[c] as Float64Array, off);
    for (const s of SUMS) {
      const dst = out[s];
      const src = part[s];
      if (src.length !== dst.length) throw new Error(`PartitionFold: ${s} has ${src.length} entries in partition ${partition}, ${dst.length} in the others`);
      for (let i = 0; i < dst.length; i++) dst[i]! += src[i]!;
    }
    const first = out[MIN];
    for (let i = 0; i < first.length; i++) first[i] = Math.min(first[i]!, part[MIN][i]!);
    for (const t of TALLIES) out[t].merge(part[t]);
    for (const c of COUNTERS) out[c] += part[c];
    for (const m of MAXES) out[m] = Math.max(out[m], part[m]);
    // A loop, not push(...list): a partition's trace can exceed the argument limit.
    for (const l of LISTS) for (const x of part[l]) (out[l] as unknown[]).push(x);
  }

  /** The merged result, once every partition is folded. */
  result(): PartitionResult {
    if (this.count !== this.partitions || !this.out) throw new Error(`PartitionFold: ${this.count} of ${this.partitions} partitions folded`);
    return this.out;
  }

  private start(first: PartitionResult): PartitionResult {
    for (const key of Object.keys(first)) {
      if (!KNOWN.has(key)) throw new Error(`PartitionFold: PartitionResult field '${key}' is not merged; add it to a list in sim/twin/partition-fold.ts (as mergePartitions merges it)`);
    }
    const lo = this.bounds[0]!;
    const out = new PartitionResult(lo, this.bounds[this.partitions]! - lo, first.days, first.reasons, first.modes);
    out.suiteIds = first.suiteIds;
    out.hsStates = first.hsStates;
    out.lowRestMa = first.lowRestMa;
    out.lowWakesOnNfc = first.lowWakesOnNfc;
    out.lowWakesOnMotion = first.lowWakesOnMotion;
    out.hsStateUs = new Float64Array(first.hsStateUs.length);
    out.hsStateVisits = new Float64Array(first.hsStateVisits.length);
    out.hsStateFirstUs = new Float64Array(first.hsStateFirstUs.length).fill(Infinity);
    out.hsStateUsCompleted = new Float64Array(first.hsStateUsCompleted.length);
    return out;
  }
}
