/**
 * How phones scan for advertisers: a scan window opened every scan interval, per platform and
 * app state. Discovery latency depends on these far more than on the duty cycle alone (a 25 %
 * duty scanner that listens 183 ms every 730 ms misses every event for up to 547 ms).
 *
 * Sources (calibration.md B7.15, esp32-measured.md §6 L2/L3):
 * - Android: AOSP Bluetooth module, `ScanUtil.kt` (com.android.bluetooth.le_scan; formerly
 *   `ScanManager.java` in com.android.bluetooth.gatt): SCAN_MODE_LOW_LATENCY 100/100 ms,
 *   SCAN_MODE_BALANCED 183/730 ms, SCAN_MODE_LOW_POWER 140/1400 ms, and with the screen off
 *   SCAN_MODE_SCREEN_OFF_LOW_POWER 512/10240 ms (a LOW_POWER scan while the screen is off; screen-off
 *   BALANCED keeps 183/730 ms, so it needs no mode of its own).
 * - iOS publishes no scan parameters (L2: "the interval at which your central device scans …
 *   increases" in the background). Both iOS modes are choices of ours, confidence L:
 *   foreground as a continuous scanner (like LOW_LATENCY), background as Android's screen-off
 *   LOW_POWER (512/10240 ms), the only published figure for a background-class scanner.
 * @module
 */

export interface ScanMode {
  /** Scanner listening time per interval, ms. */
  readonly windowMs: number;
  /** Time from one window start to the next, ms. */
  readonly intervalMs: number;
  readonly source: string;
  /** H: read from platform source; L: our choice where the platform publishes nothing. */
  readonly confidence: 'H' | 'L';
}

const AOSP = 'AOSP packages/modules/Bluetooth le_scan/ScanUtil.kt';

export const SCAN_MODES = Object.freeze({
  'android-low-latency': { windowMs: 100, intervalMs: 100, source: `${AOSP} SCAN_MODE_LOW_LATENCY_WINDOW_MS/INTERVAL_MS`, confidence: 'H' },
  'android-balanced': { windowMs: 183, intervalMs: 730, source: `${AOSP} SCAN_MODE_BALANCED_WINDOW_MS/INTERVAL_MS`, confidence: 'H' },
  'android-low-power': { windowMs: 140, intervalMs: 1400, source: `${AOSP} SCAN_MODE_LOW_POWER_WINDOW_MS/INTERVAL_MS`, confidence: 'H' },
  'android-screen-off': { windowMs: 512, intervalMs: 10240, source: `${AOSP} SCAN_MODE_SCREEN_OFF_LOW_POWER_WINDOW/INTERVAL`, confidence: 'H' },
  'ios-foreground': { windowMs: 100, intervalMs: 100, source: 'choice: iOS publishes no scan parameters (esp32-measured L2); modelled as a continuous scanner', confidence: 'L' },
  'ios-background': { windowMs: 512, intervalMs: 10240, source: 'choice: iOS publishes no background duty cycle (esp32-measured L2); modelled as Android screen-off LOW_POWER', confidence: 'L' },
} satisfies Record<string, ScanMode>);

export type ScanModeId = keyof typeof SCAN_MODES;
export const SCAN_MODE_IDS = Object.freeze(Object.keys(SCAN_MODES)) as readonly ScanModeId[];

/**
 * The default share of owners per scan mode: everyone on Android BALANCED, the scanner the
 * profile assumed before scan windows were modelled (its scanDuty 0.25 was BALANCED's 183/730).
 * Scenarios that know their owners' phones say so in behaviour.phoneScan.
 */
export const DEFAULT_PHONE_SCAN: Readonly<Partial<Record<ScanModeId, number>>> = Object.freeze({ 'android-balanced': 1 });

/**
 * The scan mode of device `g` of a fleet with these shares, without a random draw: devices are
 * placed on [0, 1) by the golden-ratio sequence and take the mode whose cumulative share covers
 * that point. Shares hold to within a few devices at any fleet size, and the owner's phone does
 * not depend on (or disturb) any random stream.
 */
export function scanModeOfDevice(g: number, cumulative: readonly number[]): number {
  const x = (g * 0.6180339887498949) % 1;
  let i = 0;
  while (i < cumulative.length - 1 && x >= cumulative[i]!) i++;
  return i;
}

/** Cumulative shares (normalised, last exactly 1) of `modes` in `shares`. */
export function cumulativeShares(modes: readonly ScanModeId[], shares: Readonly<Partial<Record<ScanModeId, number>>>): number[] {
  const total = modes.reduce((a, m) => a + (shares[m] ?? 0), 0);
  let acc = 0;
  const out = modes.map((m) => (acc += (shares[m] ?? 0) / total));
  out[out.length - 1] = 1;
  return out;
}

/**
 * Mean time from the first advertising event until one falls in a scan window, ms, for
 * deterministic advertising every `advIntervalMs` (no advDelay, no loss) and a scan phase uniform
 * over the interval: the integral over the phase, by the midpoint rule on `steps` points. The
 * reference the discovery sampler is validated against.
 */
export function meanDiscoveryDeterministicMs(advIntervalMs: number, windowMs: number, intervalMs: number, steps = 20_000): number {
  if (windowMs >= intervalMs) return 0;
  let sum = 0;
  const maxEvents = Math.ceil(intervalMs / advIntervalMs) * 1000 + 1;
  for (let s = 0; s < steps; s++) {
    const phase = ((s + 0.5) / steps) * intervalMs;
    let k = 0;
    while (((k * advIntervalMs + phase) % intervalMs) >= windowMs) {
      if (++k > maxEvents) throw new RangeError(`meanDiscoveryDeterministicMs: advertising every ${advIntervalMs} ms never meets a ${windowMs}/${intervalMs} ms scanner at phase ${phase}`);
    }
    sum += k * advIntervalMs;
  }
  return sum / steps;
}
