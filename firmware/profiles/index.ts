/**
 * Calibration profiles: the typed, unit-normalised parameters of the device physics, every number
 * with its source (a calibration.md ID) and confidence.
 * @module
 */
export { defaultProfile, DEFAULT_PROFILE_FILE } from './default-profile.ts';
export { validateProfile, parseProfile, ProfileError, type ProfileIssue } from './schema.ts';
export { flattenProfile, type ProfileRow } from './flatten.ts';
export { closestName, editDistance } from './suggest.ts';
export { DIMENSIONS, unitFactor, type Dimension } from './units.ts';
export {
  COMPONENTS,
  DERIVED_SOURCES,
  POWER_MODES,
  PROFILE_SPEC,
  type Choice,
  type Component,
  type Conf,
  type ModeComposition,
  type PowerMode,
  type Profile,
  type Quantity,
  type Table,
} from './spec.ts';
