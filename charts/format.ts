/**
 * Number formatting for titles and tables: locale-independent (en-US style with thin grouping),
 * rounded so that snapshots and reports are stable across machines.
 * @module
 */

/** 1234.5 → "1,235"; keeps `digits` decimals. */
export function num(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '–';
  const fixed = Math.abs(value).toFixed(digits);
  const [int = '0', frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = value < 0 && Number(fixed) !== 0 ? '−' : '';
  return sign + grouped + (frac ? '.' + frac : '');
}

/** A value with enough significant digits to read: 0.0123 → "0.0123", 12.34 → "12.3", 1234 → "1,234". */
export function sig(value: number): string {
  const a = Math.abs(value);
  if (!Number.isFinite(value)) return '–';
  if (a >= 100) return num(value, 0);
  if (a >= 10) return num(value, 1);
  if (a >= 1) return num(value, 2);
  return num(value, 3);
}

/**
 * 0.0512 → "5.1 %". Every percentage a title prints is a claim, so this is percentClaim: a
 * non-zero share never prints as 0 % (0.00003 → "< 0.1 %"), a partial one never as 100 %.
 */
export function percent(fraction: number, digits = 1): string {
  return percentClaim(fraction, digits);
}

function plainPercent(fraction: number, digits: number): string {
  return `${num(fraction * 100, digits)} %`;
}

/**
 * A share as a claim: `digits` decimals, but a non-zero share never reads as 0 % and a share
 * short of the whole never reads as 100 % (0.0004 → "< 0.1 %", 0.99996 → "> 99.9 %"), so
 * "18 failures (0.0 %)" cannot happen.
 */
export function percentClaim(fraction: number, digits = 1): string {
  if (!Number.isFinite(fraction)) return '–';
  const step = 10 ** -digits;
  const pct = fraction * 100;
  if (pct > 0 && pct < step / 2) return `< ${num(step, digits)} %`;
  if (pct < 100 && pct >= 100 - step / 2) return `> ${num(100 - step, digits)} %`;
  return plainPercent(fraction, digits);
}

/** Rounds for tables so snapshots do not churn on the last float bit. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return NaN;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Linear-interpolated quantile of an ascending-sorted array (type 7, as d3.quantileSorted). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const i = (n - 1) * q;
  const lo = Math.floor(i);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(n - 1, lo + 1)] as number;
  return a + (b - a) * (i - lo);
}

/** Human names for the power states and handshake phases the sim reports. */
export const LABELS: Record<string, string> = {
  deepSleep: 'deep sleep',
  lightSleep: 'light sleep',
  idle: 'idle',
  active: 'active',
  radio: 'radio',
  charging: 'charging',
  off: 'off',
  crypto: 'crypto',
  secureElement: 'secure element',
  other: 'other',
};

export function label(key: string): string {
  return LABELS[key] ?? key;
}
