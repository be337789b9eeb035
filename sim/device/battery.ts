/**
 * Li-Po cell: open-circuit voltage vs state of charge, capacity derated by temperature,
 * self-discharge, internal resistance and the brown-out point, as pure functions of a `Cell` (the
 * per-device parameters) and the remaining charge in mAh (the only state, so a fleet keeps it in a
 * Float64Array).
 *
 * Model (calibration.md §6):
 * - Capacity: design capacity × per-device spread factor × temperature factor (B6.9 table,
 *   linearly interpolated, clamped at the table ends). The device temperature is constant.
 * - OCV: the B6.1 table (5 % steps), linear between points; SoC = remaining / effective capacity.
 * - Self-discharge: exponential in the remaining charge, dq/dt = −I − λq, with
 *   λ = −ln(1 − r)/month for r = selfDischargePerMonth (a month is 365.25/12 days), doubling per
 *   `selfDischargeDoubling` °C above `selfDischargeRefTemp` (B6.7). The protection IC and other
 *   quiescent loads are currents (power.ts), not part of λ.
 * - Cutoff: the device browns out when the loaded voltage OCV(q) − I·R reaches the system minimum
 *   (vSystemMin, B6.13), i.e. at the charge q_c(I) = OCV⁻¹(vSystemMin + I·R).
 * Solving dq/dt = −I − λq exactly gives the time to q_c and the charge after any (I, Δt) segment
 * in closed form, so piecewise-constant currents integrate exactly with no time step.
 * @module
 */
import type { Profile } from '../../firmware/profiles/index.ts';
import { DAY_MS, HOUR_MS } from '../../units/index.ts';

/** Milliseconds per hour: I [mA] × t [ms] / MS_PER_H = charge [mAh]. */
export const MS_PER_H = HOUR_MS;
/** A mean Gregorian month in ms: self-discharge rates are quoted per month. */
export const MONTH_MS = ((365.25 / 12) * DAY_MS);

export interface Cell {
  /** Design capacity from the profile, mAh. */
  readonly designMah: number;
  /** Usable-at-this-temperature capacity (design × spread × temperature factor), mAh. */
  readonly capacityMah: number;
  readonly temperatureC: number;
  /** Self-discharge rate λ at this temperature, per ms (dq/dt = −λq). */
  readonly selfDischargePerMs: number;
  readonly internalOhm: number;
  /** Brown-out threshold on the loaded cell voltage, V. */
  readonly vSystemMin: number;
  /** Nominal voltage for charge → energy, V. */
  readonly vNominal: number;
  /** Constant-current charge rate when charging, mA. */
  readonly chargeCurrentMa: number;
  /** OCV curve with SoC (0..1) ascending. */
  readonly socPoints: Float64Array;
  readonly ocvPoints: Float64Array;
}

export interface CellOptions {
  /** Multiplier on the design capacity (manufacturing spread, ageing). Defaults to 1. */
  capacityFactor?: number;
  /** Cell temperature in °C. Defaults to the self-discharge reference temperature (20 °C). */
  temperatureC?: number;
}

/** Linear interpolation in a table with strictly monotone `xs` (either direction), clamped at the ends. */
export function interpolate(xs: ArrayLike<number>, ys: ArrayLike<number>, x: number): number {
  const n = xs.length;
  const asc = xs[n - 1]! > xs[0]!;
  const first = asc ? 0 : n - 1;
  const last = asc ? n - 1 : 0;
  if (x <= xs[first]!) return ys[first]!;
  if (x >= xs[last]!) return ys[last]!;
  for (let k = 1; k < n; k++) {
    const i = asc ? k - 1 : n - k;
    const j = asc ? k : n - k - 1;
    const x0 = xs[i]!;
    const x1 = xs[j]!;
    if (x >= x0 && x <= x1) return ys[i]! + ((ys[j]! - ys[i]!) * (x - x0)) / (x1 - x0);
  }
  return ys[last]!;
}

/** Capacity factor at a temperature from the profile's capacityVsTemp table. */
export function temperatureFactor(profile: Profile, temperatureC: number): number {
  const t = profile.battery.capacityVsTemp;
  return interpolate(t.tempC, t.factor, temperatureC);
}

/** A cell's usable capacity at a temperature and a spread factor, mAh (the design capacity derated by the capacityVsTemp table). */
export function cellCapacityMah(profile: Profile, temperatureC: number, capacityFactor: number): number {
  return profile.battery.capacity.value * capacityFactor * temperatureFactor(profile, temperatureC);
}

/** Self-discharge rate λ at a temperature, per ms (the monthly rate at the reference temperature, doubling every selfDischargeDoubling °C). */
export function selfDischargePerMs(profile: Profile, temperatureC: number): number {
  const b = profile.battery;
  const rate = b.selfDischargePerMonth.value;
  const lambdaRef = rate > 0 ? -Math.log1p(-rate) / MONTH_MS : 0;
  return lambdaRef * 2 ** ((temperatureC - b.selfDischargeRefTemp.value) / b.selfDischargeDoubling.value);
}

/** The per-device cell parameters. */
export function createCell(profile: Profile, options: CellOptions = {}): Cell {
  const b = profile.battery;
  const temperatureC = options.temperatureC ?? b.selfDischargeRefTemp.value;
  const capacityFactor = options.capacityFactor ?? 1;
  if (!(capacityFactor > 0)) throw new RangeError(`createCell: capacityFactor must be > 0, got ${capacityFactor}`);
  const order = [...b.ocvTable20C.socPct.keys()].sort((i, j) => b.ocvTable20C.socPct[i]! - b.ocvTable20C.socPct[j]!);
  return Object.freeze({
    designMah: b.capacity.value,
    capacityMah: cellCapacityMah(profile, temperatureC, capacityFactor),
    temperatureC,
    selfDischargePerMs: selfDischargePerMs(profile, temperatureC),
    internalOhm: b.internalResistance.value,
    vSystemMin: b.vSystemMin.value,
    vNominal: b.vNominal.value,
    chargeCurrentMa: b.chargeCurrent.value,
    socPoints: Float64Array.from(order, (i) => b.ocvTable20C.socPct[i]! / 100),
    ocvPoints: Float64Array.from(order, (i) => b.ocvTable20C.ocvV[i]!),
  });
}

/** State of charge 0..1. */
export function socOf(cell: Cell, remainingMah: number): number {
  return Math.min(1, Math.max(0, remainingMah / cell.capacityMah));
}

/** Open-circuit voltage at a remaining charge, V. */
export function ocvOf(cell: Cell, remainingMah: number): number {
  return interpolate(cell.socPoints, cell.ocvPoints, socOf(cell, remainingMah));
}

/** Terminal voltage under a load of `currentMa` (mA × Ω = mV). */
export function loadedVoltage(cell: Cell, remainingMah: number, currentMa: number): number {
  return ocvOf(cell, remainingMah) - (currentMa * cell.internalOhm) / 1000;
}

/**
 * The remaining charge at which a load of `currentMa` browns the device out: where
 * OCV(q) − I·R = vSystemMin. 0 if the cell can supply the load down to empty; the whole capacity
 * if it cannot even when full.
 */
export function cutoffMah(cell: Cell, currentMa: number): number {
  const target = cell.vSystemMin + (Math.max(0, currentMa) * cell.internalOhm) / 1000;
  const ocv = cell.ocvPoints;
  if (target <= ocv[0]!) return 0;
  if (target >= ocv[ocv.length - 1]!) return cell.capacityMah;
  return interpolate(ocv, cell.socPoints, target) * cell.capacityMah;
}

/** Whether the device is browned out at this charge and load. */
export function isBrownedOut(cell: Cell, remainingMah: number, currentMa: number): boolean {
  return remainingMah <= cutoffMah(cell, currentMa);
}

/**
 * The charge left after drawing `currentMa` for `durationMs` (negative current charges), exact
 * under dq/dt = −I − λq; clamped to [0, capacity] (charging stops at full: the CV tail is not
 * modelled).
 */
export function advanceCharge(cell: Cell, remainingMah: number, currentMa: number, durationMs: number): number {
  if (durationMs <= 0) return remainingMah;
  const lambda = cell.selfDischargePerMs;
  const a = currentMa / MS_PER_H; // mAh per ms
  let q: number;
  if (lambda === 0) q = remainingMah - a * durationMs;
  // q(t) = q0 + (q0 + a/λ)(e^{−λt} − 1); expm1 keeps precision when λt is tiny.
  else q = remainingMah + (remainingMah + a / lambda) * Math.expm1(-lambda * durationMs);
  return Math.min(cell.capacityMah, Math.max(0, q));
}

/**
 * Exact time for the charge to move from `remainingMah` to `targetMah` under a constant
 * `currentMa` (negative = charging), ms; Infinity if it never gets there (the charge settles at
 * the equilibrium −I/λ first, or moves the other way).
 */
export function timeToChargeMs(cell: Cell, remainingMah: number, currentMa: number, targetMah: number): number {
  if (remainingMah === targetMah) return 0;
  const lambda = cell.selfDischargePerMs;
  const a = currentMa / MS_PER_H; // mAh per ms
  const falling = targetMah < remainingMah;
  if (lambda === 0) {
    if (a === 0 || a > 0 !== falling) return Infinity;
    return (remainingMah - targetMah) / a;
  }
  // The drift −a − λq must keep its sign all the way to the target.
  const driftAtTarget = -a - lambda * targetMah;
  if (falling ? driftAtTarget >= 0 : driftAtTarget <= 0) return Infinity;
  // q(t) + a/λ = (q0 + a/λ) e^{−λt}  ⇒  t = (1/λ) log1p((q0 − qT)/(qT + a/λ))
  return Math.log1p((remainingMah - targetMah) / (targetMah + a / lambda)) / lambda;
}

/**
 * Exact time until brown-out for a constant `currentMa` from `remainingMah`, ms: 0 if already at
 * or below the cutoff for that load, Infinity if the charge never falls to it.
 */
export function timeToCutoffMs(cell: Cell, remainingMah: number, currentMa: number): number {
  const qc = cutoffMah(cell, currentMa);
  if (remainingMah <= qc) return 0;
  return timeToChargeMs(cell, remainingMah, currentMa, qc);
}

/** Exact time to full charge at the cell's charge current, ms (0 if already full). */
export function timeToFullMs(cell: Cell, remainingMah: number): number {
  if (remainingMah >= cell.capacityMah) return 0;
  return timeToChargeMs(cell, remainingMah, -cell.chargeCurrentMa, cell.capacityMah);
}

/** Charge (mC) to energy (mJ) at the nominal voltage. */
export function energyMj(cell: Cell, chargeMc: number): number {
  return chargeMc * cell.vNominal;
}

/** mA over ms to mAh. */
export function mahOf(currentMa: number, durationMs: number): number {
  return (currentMa * durationMs) / MS_PER_H;
}
