/**
 * Calibration profiles: the typed, unit-normalised parameters of the device physics, every number
 * with its source (a calibration.md ID) and confidence.
 * @module
 */
export { defaultProfile, DEFAULT_PROFILE_FILE } from './default-profile.ts';
export { validateProfile, parseProfile, ProfileError, type ProfileIssue } from './schema.ts';
export {
  activeFigurePath,
  pqcFigures,
  x25519Figures,
  type KemFigures,
  type KemLevel,
  type SigFigures,
  type SigLevel,
  type SignModel,
  type X25519Figures,
} from './active.ts';
export { flattenProfile, type ProfileRow } from './flatten.ts';
export { closestName, editDistance } from './suggest.ts';
export { DIMENSIONS, unitFactor, type Dimension } from './units.ts';
export {
  COMPONENTS,
  DERIVED_SOURCES,
  KEM_IMPLEMENTATIONS,
  POWER_MODES,
  SIG_IMPLEMENTATIONS,
  X25519_IMPLEMENTATIONS,
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
