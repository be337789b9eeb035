/**
 * The default calibration profile (ESP32-S3 @240 MHz + ATECC608B + LIS2DH12 + 200 mAh Li-Po),
 * bundled as a JSON module so firmware/ and sim/ get it without file I/O. Validated once, on first
 * use, by the same validator as any user profile.
 * @module
 */
import defaultJson from './esp32s3-atecc608b-lis2dh12-200mah.json' with { type: 'json' };
import { validateProfile } from './schema.ts';
import type { Profile } from './spec.ts';

/** File name of the default profile, relative to firmware/profiles/. */
export const DEFAULT_PROFILE_FILE = 'esp32s3-atecc608b-lis2dh12-200mah.json';

let cached: Profile | undefined;

/** The validated default profile (frozen; the same object on every call). */
export function defaultProfile(): Profile {
  cached ??= validateProfile(defaultJson, `firmware/profiles/${DEFAULT_PROFILE_FILE}`);
  return cached;
}
