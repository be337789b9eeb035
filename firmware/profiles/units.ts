/**
 * Physical units of profile quantities: which unit strings a dimension accepts and the factor that
 * turns each into the dimension's canonical unit. The simulator only ever sees canonical units
 * (time in ms, current in mA, charge in mC, capacity in mAh, data rates in bytes per ms), so a
 * profile may be written in whatever unit its source uses (µA from a datasheet, MB/s from a
 * benchmark) without a conversion slipping into the physics code.
 * @module
 */

export type Dimension =
  | 'time'
  | 'current'
  | 'charge'
  | 'chargePerByte'
  | 'capacity'
  | 'voltage'
  | 'resistance'
  | 'bytes'
  | 'frequency'
  | 'dataRate'
  | 'factor'
  | 'fraction'
  | 'count'
  | 'power'
  | 'temperature'
  | 'connIntervals';

interface DimensionInfo {
  readonly canonical: string;
  /** unit string → multiply a value in that unit by this to get the canonical unit */
  readonly units: Readonly<Record<string, number>>;
}

// prettier-ignore
export const DIMENSIONS: Readonly<Record<Dimension, DimensionInfo>> = {
  time:          { canonical: 'ms',   units: { us: 1e-3, ms: 1, s: 1e3, min: 60e3, h: 3600e3, d: 86400e3 } },
  current:       { canonical: 'mA',   units: { nA: 1e-6, uA: 1e-3, mA: 1, A: 1e3 } },
  charge:        { canonical: 'mC',   units: { uC: 1e-3, mC: 1, C: 1e3 } },
  chargePerByte: { canonical: 'mC/B', units: { 'uC/B': 1e-3, 'mC/B': 1 } },
  capacity:      { canonical: 'mAh',  units: { mAh: 1, Ah: 1e3 } },
  voltage:       { canonical: 'V',    units: { mV: 1e-3, V: 1 } },
  resistance:    { canonical: 'ohm',  units: { mohm: 1e-3, ohm: 1 } },
  bytes:         { canonical: 'B',    units: { B: 1, kB: 1e3, KiB: 1024, MB: 1e6, MiB: 1048576 } },
  frequency:     { canonical: 'MHz',  units: { kHz: 1e-3, MHz: 1, GHz: 1e3 } },
  // 1 MB/s = 1e6 B / 1e3 ms; 1 kbit/s = 125 B/s
  dataRate:      { canonical: 'B/ms', units: { 'B/ms': 1, 'B/s': 1e-3, 'kB/s': 1, 'MB/s': 1e3, 'kbit/s': 0.125, kbps: 0.125, 'Mbit/s': 125, Mbps: 125 } },
  factor:        { canonical: 'x',    units: { x: 1 } },
  fraction:      { canonical: '1',    units: { '1': 1, '%': 0.01 } },
  count:         { canonical: '1',    units: { '1': 1 } },
  power:         { canonical: 'dBm',  units: { dBm: 1 } },
  temperature:   { canonical: 'C',    units: { C: 1 } },
  connIntervals: { canonical: 'connInterval', units: { connInterval: 1 } },
};

/**
 * The factor from `unit` to the canonical unit of `dim`, or undefined if `unit` is not a unit of
 * that dimension.
 */
export function unitFactor(dim: Dimension, unit: string): number | undefined {
  const units = DIMENSIONS[dim].units;
  return Object.hasOwn(units, unit) ? units[unit] : undefined;
}

/** The accepted units of a dimension, for error messages: `"us", "ms", "s", ...`. */
export function unitChoices(dim: Dimension): string {
  return Object.keys(DIMENSIONS[dim].units)
    .map((u) => JSON.stringify(u))
    .join(', ');
}
