/**
 * Battery life of each keychain with the model's own laws, from where a run left it: observed
 * when the run saw it, otherwise projected in closed form (dq/dt = −I − λq, sim/device battery).
 *
 * Two lives per device: the useful life, until the fuel gauge's low-battery alert (checked at each
 * day boundary) puts the device machine in low-battery mode, and the time to brown-out. A device
 * that browned out has both observed (its useful life is its alert day, or its brown-out if it
 * never got the alert); one that got the alert has an observed useful life and a projected
 * brown-out; the rest are projected in two legs:
 * 1. from the end-of-run charge down to the alert threshold under the run's mean load (load
 *    charge only: self-discharge is the λq term, not a current), then on to the next day
 *    boundary, where the alert is checked;
 * 2. in low-battery mode, under the load of the mode read from the compiled device machine (the
 *    current of its rest configuration plus the wakes it still answers, at what such a wake cost in
 *    the run), down to the brown-out charge. The cutoff depends on the load: a device asleep browns
 *    out at the rest current's cutoff, but one that still wakes browns out at the first wake after
 *    the charge falls below the cutoff at the wake's peak current. Wakes arrive as a Poisson
 *    process (rate r), so the expected brown-out after the charge crosses the peak cutoff (time
 *    tP) and before it reaches the rest cutoff (tS) is tP + (1 − e^{−r(tS − tP)})/r.
 * Why project rather than run on: see docs/DECISIONS.md ("Battery life: closed-form projection").
 * @module
 */
import type { Profile } from '../../firmware/profiles/index.ts';
import { advanceCharge, createCell, cutoffMah, timeToChargeMs, type Cell } from '../device/index.ts';
import type { CompiledMachine } from '../statechart/index.ts';
import { DAY_MS } from '../../units/index.ts';
import type { DeviceIds } from './machines.ts';
import { LOW_SOC } from './partition-energy.ts';
import type { PartitionResult } from './partition-result.ts';

/** Low-battery mode as the compiled device machine defines it. */
export interface LowBatteryMode {
  /** Current of the rest configuration the alert leads to, mA. */
  restMa: number;
  wakesOnNfc: boolean;
  wakesOnMotion: boolean;
}

/** The configuration `battery.low` leads to from the machine's initial rest configuration, and what it draws and answers. */
export function lowBatteryMode(dm: CompiledMachine, ids: DeviceIds, modeMa: Float64Array): LowBatteryMode {
  if (!dm.hasTag(dm.initial, ids.tagRest)) throw new Error(`${dm.name}: the initial configuration is not tagged 'rest'; low-battery mode cannot be read from it`);
  const low = dm.step(dm.initial, ids.batteryLow);
  if (low < 0) throw new Error(`${dm.name}: 'battery.low' has no transition from the initial rest configuration`);
  if (!dm.hasTag(low, ids.tagRest)) throw new Error(`${dm.name}: 'battery.low' leaves the rest configuration; low-battery mode must be a rest configuration`);
  const mode = dm.power[low]!;
  if (mode < 0) throw new Error(`${dm.name}: the low-battery rest configuration has no power:<mode> tag`);
  return { restMa: modeMa[mode]!, wakesOnNfc: dm.handles(low, ids.nfcTapped), wakesOnMotion: dm.handles(low, ids.motion) };
}

export interface DeviceLives {
  /** Days to brown-out and to low-battery mode (useful life), per device; Infinity if never reached. */
  brownoutDays: Float64Array;
  usefulDays: Float64Array;
  /** 1 where the run observed it, 0 where it is projected. */
  brownoutObserved: Uint8Array;
  usefulObserved: Uint8Array;
  /** Mean load current over the run and the low-battery mode's load, per device, mA. */
  loadMa: Float64Array;
  lowLoadMa: Float64Array;
}

/** Both lives of every device of a (merged) result. */
export function deviceLives(r: PartitionResult, profile: Profile, durationDays: number): DeviceLives {
  const n = r.n;
  const out: DeviceLives = {
    brownoutDays: new Float64Array(n),
    usefulDays: new Float64Array(n),
    brownoutObserved: new Uint8Array(n),
    usefulObserved: new Uint8Array(n),
    loadMa: new Float64Array(n),
    lowLoadMa: new Float64Array(n),
  };
  const proto = createCell(profile);
  const cell: { -readonly [K in keyof Cell]: Cell[K] } = { ...proto };
  const v = proto.vNominal;
  const endMs = durationDays * DAY_MS;
  // A device that never tapped in the run is costed at the fleet's mean tap-wake and peak.
  let uj = 0;
  let wakes = 0;
  let fleetPeak = 0;
  for (let k = 0; k < n; k++) {
    uj += r.nfcUj[k]!;
    wakes += r.nfcWakes[k]!;
    fleetPeak = Math.max(fleetPeak, r.nfcPeakMa[k]!);
  }
  const fleetTapMaMs = wakes > 0 ? uj / wakes / v : 0;
  for (let k = 0; k < n; k++) {
    cell.capacityMah = r.capacityMah[k]!;
    cell.selfDischargePerMs = r.lambdaPerMs[k]!;
    const dead = r.depletedDay[k]!;
    const lowDay = r.lowDay[k]!;
    const aliveMs = dead === dead ? dead * DAY_MS : endMs;
    const loadMa = aliveMs > 0 ? r.energyUj[k]! / v / aliveMs : 0;
    const tapMaMs = r.nfcWakes[k]! > 0 ? r.nfcUj[k]! / r.nfcWakes[k]! / v : fleetTapMaMs;
    const tapPeak = r.nfcWakes[k]! > 0 ? r.nfcPeakMa[k]! : fleetPeak;
    const tapsPerMs = r.lowWakesOnNfc ? r.nfcPerDay[k]! / DAY_MS : 0;
    const lowLoadMa = r.lowWakesOnMotion ? loadMa : r.lowRestMa + tapsPerMs * tapMaMs;
    const lowPeak = r.lowWakesOnMotion ? r.peakMa[k]! : tapsPerMs > 0 ? Math.max(tapPeak, r.lowRestMa) : r.lowRestMa;
    out.loadMa[k] = loadMa;
    out.lowLoadMa[k] = lowLoadMa;
    if (dead === dead) {
      out.brownoutDays[k] = dead;
      out.usefulDays[k] = lowDay === lowDay ? lowDay : dead;
      out.brownoutObserved[k] = 1;
      out.usefulObserved[k] = 1;
      continue;
    }
    let startMs = endMs;
    let q = r.finalMah[k]!;
    if (lowDay === lowDay) {
      out.usefulDays[k] = lowDay;
      out.usefulObserved[k] = 1;
    } else {
      const qLow = LOW_SOC * cell.capacityMah;
      const qPeak = cutoffMah(cell, r.peakMa[k]!);
      if (qPeak >= qLow) {
        // The cell cannot carry the run's peak down to the alert: it browns out in normal use.
        const t = endMs + timeToChargeMs(cell, q, loadMa, Math.min(q, qPeak));
        out.brownoutDays[k] = t / DAY_MS;
        out.usefulDays[k] = t / DAY_MS;
        continue;
      }
      const crossMs = endMs + timeToChargeMs(cell, q, loadMa, Math.min(q, qLow));
      if (!Number.isFinite(crossMs)) {
        out.usefulDays[k] = Infinity;
        out.brownoutDays[k] = Infinity;
        continue;
      }
      // The gauge is read at day boundaries: low-battery mode begins at the first one below the threshold.
      startMs = Math.max(endMs, Math.ceil(crossMs / DAY_MS) * DAY_MS);
      q = advanceCharge(cell, q, loadMa, startMs - endMs);
      out.usefulDays[k] = startMs / DAY_MS;
    }
    out.brownoutDays[k] = (startMs + lowModeBrownoutMs(cell, q, lowLoadMa, r.lowRestMa, lowPeak, tapsPerMs)) / DAY_MS;
  }
  return out;
}

/**
 * Expected time from charge `q` to brown-out in low-battery mode, ms: at the rest cutoff if
 * nothing wakes the device, else at the first wake after the charge falls below the wake peak's
 * cutoff (Poisson wakes at `wakesPerMs`), or at the rest cutoff if that comes first.
 */
export function lowModeBrownoutMs(cell: Cell, q: number, loadMa: number, restMa: number, peakMa: number, wakesPerMs: number): number {
  const tRest = timeToChargeMs(cell, q, loadMa, Math.min(q, cutoffMah(cell, restMa)));
  if (!(wakesPerMs > 0) || peakMa <= restMa) return tRest;
  const tPeak = timeToChargeMs(cell, q, loadMa, Math.min(q, cutoffMah(cell, peakMa)));
  if (!Number.isFinite(tPeak)) return Infinity;
  const span = tRest - tPeak;
  return tPeak + (Number.isFinite(span) ? -Math.expm1(-wakesPerMs * span) : 1) / wakesPerMs;
}

