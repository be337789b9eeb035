/**
 * The optional `firmware:` section of a scenario: the firmware strategies a keychain can ship,
 * each a choice whose default is sourced (docs/sources.md, research/esp32-measured.md):
 * - `sleep`: `deepSleep` re-initialises the BLE stack on every wake (wake-to-app, then ~200 ms of
 *   stack init at the wake current: P7, P8); `lightSleep` keeps the stack between wakes (a higher
 *   floor current, µs wake: P2, P7, P13).
 * - `advertising`: interval and window. Apple's accessory guidance (L1) is 20 ms for ≥ 30 s, then
 *   one of 152.5 … 1285 ms; `windowMs` is how long the keychain advertises after a wake before it
 *   gives up (3 s, today's firmware value: a design choice, not a measurement).
 * - `motionWake`: what reaches the MCU from the accelerometer. `any` wakes on every motion
 *   interrupt (each jostle advertises for the whole window); `tap` uses the accelerometer's
 *   double-tap detector, so the owner taps to unlock and only the share `jostlePassRate` of
 *   jostles (an assumption, no measurement) looks like a double tap.
 * Without the section a run uses deepSleep, the profile's advertising figures, a 3 s window and
 * `any`: today's behaviour.
 * @module
 */
import type { Checker, PathSegment } from './schema.ts';

export const SLEEP_STRATEGIES = ['deepSleep', 'lightSleep'] as const;
export type SleepStrategy = (typeof SLEEP_STRATEGIES)[number];
export const MOTION_FILTERS = ['any', 'tap'] as const;
export type MotionFilter = (typeof MOTION_FILTERS)[number];

/** L1: the advertising intervals Apple's accessory guidance allows after the 20 ms phase, ms. */
export const APPLE_SLOW_INTERVALS_MS = [152.5, 211.25, 318.75, 417.5, 546.25, 760, 852.5, 1022.5, 1285] as const;

export interface ScenarioFirmware {
  sleep: SleepStrategy;
  advertising: {
    /** null: the profile's ble.advIntervalFast / advFastDuration / advIntervalSlow. */
    fastIntervalMs: number | null;
    fastDurationMs: number | null;
    slowIntervalMs: number | null;
    /** How long a wake advertises before the keychain sleeps again. */
    windowMs: number;
  };
  motionWake: { filter: MotionFilter; jostlePassRate: number };
}

export const DEFAULT_FIRMWARE: Readonly<ScenarioFirmware> = Object.freeze({
  sleep: 'deepSleep',
  advertising: Object.freeze({ fastIntervalMs: null, fastDurationMs: null, slowIntervalMs: null, windowMs: 3000 }),
  motionWake: Object.freeze({ filter: 'any', jostlePassRate: 1 }),
}) as ScenarioFirmware;

/** Validates `firmware:` (undefined → the defaults). */
export function checkFirmware(c: Checker, raw: unknown): ScenarioFirmware {
  if (raw === undefined || raw === null) return structuredClone(DEFAULT_FIRMWARE);
  const at = (...p: PathSegment[]): PathSegment[] => ['firmware', ...p];
  const f = c.map(at(), raw, ['sleep', 'advertising', 'motionWake']) ?? {};
  const sleep = c.oneOf(at('sleep'), f.sleep, SLEEP_STRATEGIES, 'deepSleep');
  const a = f.advertising === undefined ? {} : (c.map(at('advertising'), f.advertising, ['fastIntervalMs', 'fastDurationMs', 'slowIntervalMs', 'windowMs']) ?? {});
  // Bluetooth Core: advertising intervals are 20 ms .. 10.24 s.
  const interval = (k: string): number | null => (a[k] == null ? null : c.num(at('advertising', k), a[k], { min: 20, max: 10_240 }, 20));
  const advertising = {
    fastIntervalMs: interval('fastIntervalMs'),
    fastDurationMs: a.fastDurationMs == null ? null : c.num(at('advertising', 'fastDurationMs'), a.fastDurationMs, { min: 0, max: 600_000 }, 30_000),
    slowIntervalMs: interval('slowIntervalMs'),
    windowMs: c.num(at('advertising', 'windowMs'), a.windowMs, { min: 100, max: 600_000 }, 3000),
  };
  const m = f.motionWake === undefined ? {} : (c.map(at('motionWake'), f.motionWake, ['filter', 'jostlePassRate']) ?? {});
  const filter = c.oneOf(at('motionWake', 'filter'), m.filter, MOTION_FILTERS, 'any');
  if (filter === 'any' && m.jostlePassRate !== undefined)
    c.fail(at('motionWake', 'jostlePassRate'), 'no such field with filter "any" (every jostle wakes)', 'a value', 'key', true);
  const jostlePassRate = filter === 'any' ? 1 : c.num(at('motionWake', 'jostlePassRate'), m.jostlePassRate, { min: 0, max: 1 }, 0.05);
  return { sleep, advertising, motionWake: { filter, jostlePassRate } };
}

/** The YAML-shaped form of a validated section (so sweep overrides re-validate like the file). */
export function firmwareToRaw(f: ScenarioFirmware): Record<string, unknown> {
  return {
    sleep: f.sleep,
    advertising: Object.fromEntries(Object.entries(f.advertising).filter(([, v]) => v !== null)),
    motionWake: f.motionWake.filter === 'any' ? { filter: 'any' } : { ...f.motionWake },
  };
}
