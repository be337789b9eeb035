/**
 * Power: the current each component draws in each power mode (the `power:<mode>` tags of the
 * models), and during each timed operation, from the profile's `power.modes` composition. Charges
 * are kept per component so the simulator can attribute energy to states, phases and parts.
 *
 * Convention: an operation's cost (`OpCost`) is the TOTAL battery charge during the operation,
 * every component included, so a state with `meta.op` is charged its op cost and nothing else;
 * a state without an op is charged its mode currents × time in state.
 * Units: currents mA, durations ms, charges mC (mA × ms / 1000).
 * @module
 */
import {
  COMPONENTS,
  POWER_MODES,
  type Component,
  type PowerMode,
  type Profile,
  type Quantity,
} from '../../firmware/profiles/index.ts';

export type { Component, PowerMode };
export { COMPONENTS, POWER_MODES };

/** One number per component (mA for currents, mC for charges). */
export interface PerComponent {
  mcu: number;
  secureElement: number;
  accelerometer: number;
  radio: number;
  powerPath: number;
}

/** What a timed operation takes: its duration and the charge drawn, per component. */
export interface OpCost {
  durationMs: number;
  /** mC per component; the battery drain is their sum. */
  charge: PerComponent;
}

export function zero(): PerComponent {
  return { mcu: 0, secureElement: 0, accelerometer: 0, radio: 0, powerPath: 0 };
}

export function total(x: Readonly<PerComponent>): number {
  return x.mcu + x.secureElement + x.accelerometer + x.radio + x.powerPath;
}

/** Charge (mC) of currents (mA) held for `durationMs`. */
export function chargeOf(currents: Readonly<PerComponent>, durationMs: number): PerComponent {
  return chargeInto(zero(), currents, durationMs);
}

/** {@link chargeOf} written into `out` (no allocation: for hot loops); returns `out`. */
export function chargeInto(out: PerComponent, currents: Readonly<PerComponent>, durationMs: number): PerComponent {
  const k = durationMs / 1000;
  out.mcu = currents.mcu * k;
  out.secureElement = currents.secureElement * k;
  out.accelerometer = currents.accelerometer * k;
  out.radio = currents.radio * k;
  out.powerPath = currents.powerPath * k;
  return out;
}

/**
 * `total(chargeOf(currents, durationMs))` without building the object: the battery charge (mC),
 * the same products summed in the same order, so the same number.
 */
export function chargeTotal(currents: Readonly<PerComponent>, durationMs: number): number {
  const k = durationMs / 1000;
  return currents.mcu * k + currents.secureElement * k + currents.accelerometer * k + currents.radio * k + currents.powerPath * k;
}

/** Adds `b` into `a` (in place) and returns `a`. */
export function addInto(a: PerComponent, b: Readonly<PerComponent>): PerComponent {
  a.mcu += b.mcu;
  a.secureElement += b.secureElement;
  a.accelerometer += b.accelerometer;
  a.radio += b.radio;
  a.powerPath += b.powerPath;
  return a;
}

/** The average current of the derived sources a mode composition may name, mA. */
export function derivedCurrentMa(profile: Profile, source: string): number {
  const ble = profile.ble;
  switch (source) {
    case 'derived:bleConnectionIdle':
      // mC per event / ms per event = C/s = A; ×1000 for mA
      return (ble.connEventCharge.value / ble.connInterval.value) * 1000;
    case 'derived:bleAdvertisingSlow':
      return (ble.advEventCharge.value / (ble.advIntervalSlow.value + ble.advDelayMax.value / 2)) * 1000;
    default:
      throw new RangeError(`derivedCurrentMa: unknown derived source '${source}'`);
  }
}

function currentAt(profile: Profile, path: string): number {
  if (path.startsWith('derived:')) return derivedCurrentMa(profile, path);
  let cur: unknown = profile;
  for (const k of path.split('.')) cur = (cur as Record<string, unknown> | undefined)?.[k];
  const q = cur as Quantity | undefined;
  // validateProfile checked every composition path already; this guards hand-built profiles.
  if (q?.unit !== 'mA') throw new RangeError(`power composition: '${path}' is not a current in profile ${profile.profile}`);
  return q.value;
}

// Profiles are frozen, so a mode's currents can be resolved once per profile object.
const modeCache = new WeakMap<Profile, Map<PowerMode, Readonly<PerComponent>>>();

/** Currents per component in a power mode, mA (a fresh object the caller may modify). */
export function modeCurrents(profile: Profile, mode: PowerMode): PerComponent {
  let byMode = modeCache.get(profile);
  if (!byMode) modeCache.set(profile, (byMode = new Map()));
  let cached = byMode.get(mode);
  if (!cached) {
    const comp = profile.power.modes[mode];
    if (!comp) throw new RangeError(`modeCurrents: unknown power mode '${mode}' (valid: ${POWER_MODES.join(', ')})`);
    const out = zero();
    for (const c of COMPONENTS) for (const path of comp[c]) out[c] += currentAt(profile, path);
    byMode.set(mode, (cached = Object.freeze(out)));
  }
  return { ...cached };
}

/** All modes at once (for a fleet: compute once per profile). */
export function modeTable(profile: Profile): Readonly<Record<PowerMode, Readonly<PerComponent>>> {
  return Object.freeze(Object.fromEntries(POWER_MODES.map((m) => [m, Object.freeze(modeCurrents(profile, m))]))) as Record<
    PowerMode,
    Readonly<PerComponent>
  >;
}

/**
 * The current drawn from the battery in a mode, mA. In `charging` the system runs from the
 * charger and the cell takes the charge current, so the result is −chargeCurrent.
 */
export function batteryCurrentMa(profile: Profile, mode: PowerMode): number {
  if (mode === 'charging') return -profile.battery.chargeCurrent.value;
  return total(modeCurrents(profile, mode));
}

/** How an operation loads the parts: the base mode plus what it replaces. */
export type OpLoad =
  | 'mcuCompute' // crypto on one core at full clock
  | 'seEcc' // secure-element ECC command, MCU waiting
  | 'seIo' // secure-element non-ECC command (SHA, AES, RNG, KDF), MCU waiting
  | 'seWake' // SE woken and idle, MCU waiting
  | 'mcuWake' // deep-sleep wake to app
  | 'flashWrite' // MCU active plus flash program/erase
  | 'nfc'; // MCU awake servicing the NFC tag

/** Currents per component during an operation of a given load, mA. */
export function opCurrents(profile: Profile, load: OpLoad): PerComponent {
  const se = profile.secureElement;
  switch (load) {
    case 'mcuCompute':
      return modeCurrents(profile, 'active');
    case 'seEcc':
      return { ...modeCurrents(profile, 'idle'), secureElement: se.activeEcc.value };
    case 'seIo':
      return { ...modeCurrents(profile, 'idle'), secureElement: se.activeIo.value };
    case 'seWake':
      return { ...modeCurrents(profile, 'idle'), secureElement: se.idle.value };
    case 'mcuWake':
      return { ...modeCurrents(profile, 'deepSleep'), mcu: profile.mcu.deepSleepWakeCurrent.value };
    case 'flashWrite': {
      const a = modeCurrents(profile, 'active');
      return { ...a, mcu: a.mcu + profile.flash.writeExtraCurrent.value };
    }
    case 'nfc':
      return { ...modeCurrents(profile, 'active'), mcu: profile.nfc.mcuCurrentDuringTap.value };
  }
}
