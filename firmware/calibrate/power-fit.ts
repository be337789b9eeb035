/**
 * Power trace → profile currents. The trace is cut into segments (by marker channels when the file
 * has them, else by current thresholds placed between the base profile's state currents), the
 * power states are averaged (edges trimmed, see trimEdges), and the currents written to the
 * profile keys they measure.
 * The bench board is assumed to power the ESP32-S3 alone (as a DevKit's 3V3 rail with the
 * regulator bypassed): the currents are the MCU's, written to mcu.*, not a whole keychain's.
 * @module
 */
import type { Profile } from '../profiles/index.ts';
import type { BenchLog } from './bench-log.ts';
import { pct, sig, type Fitted } from './fitted.ts';
import type { PowerTrace } from './power-csv.ts';
import {
  segmentByMarkers,
  segmentByThresholds,
  trimEdges,
  type Level,
  type Segment,
} from './segment.ts';

/** Power-state names printed by the bench (state lines) → the profile current each measures. */
export const STATE_KEYS: Readonly<Record<string, (p: Profile) => { path: string; mA: number }>> = {
  deepSleep: (p) => ({ path: 'mcu.deepSleepRtcPeriphOn', mA: p.mcu.deepSleepRtcPeriphOn.value }),
  lightSleep: (p) => ({ path: 'mcu.lightSleep', mA: p.mcu.lightSleep.value }),
  idle: (p) => ({ path: 'mcu.idleWaiti', mA: p.mcu.idleWaiti.value }),
  active: (p) => ({ path: 'mcu.activeOneCore', mA: p.mcu.activeOneCore.value }),
};

export interface StateCurrent {
  readonly state: string;
  readonly mA: number;
  readonly baseMa: number;
  readonly segments: number;
  readonly ms: number;
}

/** Per op (marker mode): the trace's own timing and current of each marked run. */
export interface OpPower {
  readonly op: string;
  readonly bytes: number;
  readonly runs: number;
  readonly medianMs: number;
  readonly meanMa: number;
}

export interface PowerFit {
  readonly segmentation: 'markers' | 'thresholds';
  readonly segments: readonly Segment[];
  readonly states: readonly StateCurrent[];
  readonly ops: readonly OpPower[];
  readonly fitted: readonly Fitted[];
  readonly warnings: readonly string[];
}

export interface PowerFitOptions {
  /** Segments shorter than this do not count toward a state (edges, spikes); ms. */
  readonly minStateMs?: number;
}

function median(xs: readonly number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  const n = v.length;
  return n % 2 ? v[(n - 1) / 2]! : (v[n / 2 - 1]! + v[n / 2]!) / 2;
}

/** Sample lines of the CSV a segment covers (line 1 is the header). */
function csvLines(segs: readonly Segment[]): string {
  return `${Math.min(...segs.map((s) => s.i0)) + 2}-${Math.max(...segs.map((s) => s.i1)) + 1}`;
}

/** Time-weighted sd of the samples in `segs` around `mean`, mA (the within-state noise). */
function withinSd(tr: PowerTrace, segs: readonly Segment[], mean: number): number {
  let ss = 0;
  let n = 0;
  for (const s of segs)
    for (let i = s.i0; i < s.i1; i++) {
      ss += (tr.mA[i]! - mean) ** 2;
      n++;
    }
  return n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
}

export function fitPower(
  tr: PowerTrace,
  log: BenchLog | undefined,
  base: Profile,
  opts: PowerFitOptions = {},
): PowerFit {
  const minMs = opts.minStateMs ?? 50;
  const warnings: string[] = [];
  let segments: Segment[];
  let segmentation: PowerFit['segmentation'];
  // Marker ids of the states and ops, from the bench log's marker lines.
  const markerOf = new Map((log?.markers ?? []).map((m) => [m.id, m]));
  if (tr.digital && tr.digitalValid) {
    segmentation = 'markers';
    if (!log)
      warnings.push(
        `${tr.file}: marker channels but no --bench log to name them; segments are labelled by marker id`,
      );
    segments = segmentByMarkers(tr, (id) => markerOf.get(id)?.name ?? `marker${id}`);
    if (segments.length === 0)
      warnings.push(
        `${tr.file}: the marker channel D0 is never high; no operation or state was marked`,
      );
  } else {
    segmentation = 'thresholds';
    const levels: Level[] = Object.entries(STATE_KEYS).map(([label, f]) => ({
      label,
      mA: f(base).mA,
    }));
    segments = segmentByThresholds(tr, levels, minMs);
  }
  const stateNames = new Set(Object.keys(STATE_KEYS));
  const isState = (s: Segment) =>
    segmentation === 'thresholds'
      ? true
      : markerOf.get(s.id)?.kind === 'state' || (!log && stateNames.has(s.label));

  const states: StateCurrent[] = [];
  const fitted: Fitted[] = [];
  for (const [state, key] of Object.entries(STATE_KEYS)) {
    const segs = segments
      .filter((s) => s.label === state && isState(s))
      .map((s) => trimEdges(tr, s))
      .filter((s) => s.t1 - s.t0 >= minMs);
    if (segs.length === 0) continue;
    const ms = segs.reduce((a, s) => a + (s.t1 - s.t0), 0);
    const mA = segs.reduce((a, s) => a + s.meanMa * (s.t1 - s.t0), 0) / ms;
    const { path, mA: baseMa } = key(base);
    states.push({ state, mA, baseMa, segments: segs.length, ms });
    const sd = withinSd(tr, segs, mA);
    const spread =
      segs.length > 1 ? Math.max(...segs.map((s) => Math.abs(s.meanMa / mA - 1))) : null;
    const how =
      segmentation === 'markers'
        ? `marked by D0 with the ${state} marker id`
        : `classed ${state} by current thresholds between the base profile's state currents`;
    fitted.push({
      path,
      value: sig(mA),
      file: tr.file,
      lines: csvLines(segs),
      what: `time-weighted mean current over ${segs.length} segment(s), ${(ms / 1e3).toFixed(2)} s ${how}, edges beyond ×3 of the median trimmed; MCU rail only`,
      residuals: `within-state sd ${sd.toPrecision(3)} mA (${((sd / mA) * 100).toFixed(1)} % of the mean)${spread === null ? '' : `, segment means within ${pct(spread)} of it`}`,
      worst: spread,
    });
  }

  const ops: OpPower[] = [];
  if (segmentation === 'markers') {
    const groups = new Map<number, Segment[]>();
    for (const s of segments) if (!isState(s)) groups.set(s.id, [...(groups.get(s.id) ?? []), s]);
    for (const [id, segs] of groups) {
      const m = markerOf.get(id);
      ops.push({
        op: m?.name ?? `marker${id}`,
        bytes: m?.bytes ?? 0,
        runs: segs.length,
        medianMs: median(segs.map((s) => s.t1 - s.t0)),
        meanMa:
          segs.reduce((a, s) => a + s.meanMa * (s.t1 - s.t0), 0) /
          segs.reduce((a, s) => a + (s.t1 - s.t0), 0),
      });
    }
    // Flash programming draws on top of the running CPU: the extra is the flash.write runs' mean
    // current minus the active state's.
    const flash = ops.find((o) => o.op === 'flash.write');
    const active = states.find((s) => s.state === 'active');
    if (flash && active) {
      const extra = flash.meanMa - active.mA;
      const segs = groups.get(
        [...groups].find(([id]) => markerOf.get(id)?.name === 'flash.write')![0],
      )!;
      if (extra > 0)
        fitted.push({
          path: 'flash.writeExtraCurrent',
          value: sig(extra),
          file: tr.file,
          lines: csvLines(segs),
          what: `mean current of ${flash.runs} marked flash.write runs (${flash.meanMa.toFixed(2)} mA) minus the active state's (${active.mA.toFixed(2)} mA)`,
          residuals: `single difference of means; the write runs last ${flash.medianMs.toFixed(3)} ms each`,
          worst: null,
        });
      else
        warnings.push(
          `${tr.file}: flash.write runs draw ${flash.meanMa.toFixed(2)} mA, not more than the active state (${active.mA.toFixed(2)} mA); flash.writeExtraCurrent kept`,
        );
    }
  }
  if (states.length === 0)
    warnings.push(
      `${tr.file}: no power state of at least ${minMs} ms found (${segmentation}); no current calibrated`,
    );
  return { segmentation, segments, states, ops, fitted, warnings };
}
