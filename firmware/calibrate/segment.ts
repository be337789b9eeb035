/**
 * Cutting a power trace into segments, each one operation run or one power state:
 *  - by markers: the bench firmware holds D0 high while an op or state runs, with its 7-bit
 *    marker id on D1..D7 (firmware/bench/main/markers.c); each maximal run of samples with D0 high
 *    and one id is a segment, named from the bench log's `marker` lines;
 *  - by thresholds, when the file has no marker channels: each sample is classed by its current
 *    against ascending level boundaries, runs of one class shorter than `minMs` are absorbed into
 *    the run before them (chatter around a boundary), and each remaining run is a segment.
 * @module
 */
import type { PowerTrace } from './power-csv.ts';

export interface Segment {
  /** Marker id (marker mode) or class index (threshold mode). */
  readonly id: number;
  readonly label: string;
  readonly i0: number;
  /** Exclusive end sample index. */
  readonly i1: number;
  readonly t0: number;
  readonly t1: number;
  /** Time-weighted mean current over the segment, mA. */
  readonly meanMa: number;
}

/** Mean current of samples [i0, i1) weighted by each sample's interval (rectangle rule). */
export function meanCurrent(tr: PowerTrace, i0: number, i1: number): number {
  let q = 0;
  let dt = 0;
  for (let i = i0; i < i1; i++) {
    const w = i + 1 < tr.tMs.length ? tr.tMs[i + 1]! - tr.tMs[i]! : tr.tMs[i]! - tr.tMs[i - 1]!;
    q += tr.mA[i]! * w;
    dt += w;
  }
  return dt > 0 ? q / dt : tr.mA[i0]!;
}

function endTime(tr: PowerTrace, i1: number): number {
  return i1 < tr.tMs.length ? tr.tMs[i1]! : tr.tMs[i1 - 1]! + (tr.tMs[i1 - 1]! - tr.tMs[i1 - 2]!);
}

/** Segments where the strobe (D0) is high, one per run of a constant id; `name(id)` labels them. */
export function segmentByMarkers(tr: PowerTrace, name: (id: number) => string): Segment[] {
  const d = tr.digital;
  const ok = tr.digitalValid;
  if (!d || !ok) throw new RangeError(`${tr.file}: no digital channels to segment by`);
  const out: Segment[] = [];
  let start = -1;
  let cur = -1;
  const close = (i: number) => {
    if (start >= 0)
      out.push({
        id: cur,
        label: name(cur),
        i0: start,
        i1: i,
        t0: tr.tMs[start]!,
        t1: endTime(tr, i),
        meanMa: meanCurrent(tr, start, i),
      });
    start = -1;
  };
  for (let i = 0; i < d.length; i++) {
    const on = ok[i] === 1 && (d[i]! & 1) === 1;
    const id = d[i]! >> 1;
    if (!on) close(i);
    else if (start < 0 || id !== cur) {
      close(i);
      start = i;
      cur = id;
    }
  }
  close(d.length);
  return out;
}

export interface Level {
  readonly label: string;
  /** Typical current of the class, mA; boundaries sit at geometric midpoints between levels. */
  readonly mA: number;
}

/**
 * Segments by current class. `levels` ascending; a sample belongs to the class whose geometric
 * band holds it (currents span µA to mA, so the midpoint is taken on a log scale).
 */
export function segmentByThresholds(
  tr: PowerTrace,
  levels: readonly Level[],
  minMs: number,
): Segment[] {
  const sorted = [...levels].sort((a, b) => a.mA - b.mA);
  const bounds = sorted.slice(1).map((l, k) => Math.sqrt(l.mA * sorted[k]!.mA));
  const cls = (x: number) => {
    let c = 0;
    while (c < bounds.length && x >= bounds[c]!) c++;
    return c;
  };
  // Runs of one class.
  type Run = { c: number; i0: number; i1: number };
  let runs: Run[] = [];
  for (let i = 0; i < tr.mA.length; i++) {
    const c = cls(tr.mA[i]!);
    const last = runs.at(-1);
    if (last && last.c === c) last.i1 = i + 1;
    else runs.push({ c, i0: i, i1: i + 1 });
  }
  // One pass: a run shorter than minMs (a spike, or the edge samples of a transition crossing a
  // middle class) is absorbed into the run before it, and runs of one class that then touch are
  // joined. Linear in the number of runs, which noise around a boundary can make large.
  const dur = (r: Run) => endTime(tr, r.i1) - tr.tMs[r.i0]!;
  const merged: Run[] = [];
  for (const r of runs) {
    const last = merged.at(-1);
    if (last && (last.c === r.c || dur(r) < minMs)) last.i1 = r.i1;
    else if (last && dur(last) < minMs)
      merged[merged.length - 1] = { c: r.c, i0: last.i0, i1: r.i1 };
    else merged.push({ ...r });
  }
  runs = merged;
  return runs.map((r) => ({
    id: r.c,
    label: sorted[r.c]!.label,
    i0: r.i0,
    i1: r.i1,
    t0: tr.tMs[r.i0]!,
    t1: endTime(tr, r.i1),
    meanMa: meanCurrent(tr, r.i0, r.i1),
  }));
}

/**
 * The segment without its edge transitions: samples at either end whose current is more than
 * `factor` times above or below the segment's median are dropped. A power state's marker is not
 * exact at its edges; above all the deep-sleep marker, held through sleep, only falls once the
 * app runs again, after the whole wake path (ROM, bootloader, image load) at tens of mA.
 * Samples inside the segment are kept, spikes and all: the mean current is what drains a battery.
 */
export function trimEdges(tr: PowerTrace, seg: Segment, factor = 3): Segment {
  const v = Array.from(tr.mA.subarray(seg.i0, seg.i1)).sort((a, b) => a - b);
  const med = v[v.length >> 1]!;
  const off = (i: number) => tr.mA[i]! > med * factor || tr.mA[i]! < med / factor;
  let i0 = seg.i0;
  let i1 = seg.i1;
  while (i0 < i1 && off(i0)) i0++;
  while (i1 > i0 && off(i1 - 1)) i1--;
  if (i0 === seg.i0 && i1 === seg.i1) return seg;
  return { ...seg, i0, i1, t0: tr.tMs[i0]!, t1: endTime(tr, i1), meanMa: meanCurrent(tr, i0, i1) };
}
