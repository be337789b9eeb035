/**
 * sim/engine: the generic discrete-event engine. It knows nothing about keychains.
 *
 * - environment: clock + typed-array event calendar keyed by (time, priority, sequence)
 * - tokens: per-target generation counters, the cancellation idiom for bulk events
 * - slot-agenda: per-entity fixed event slots (set = replace, no stale events) for independent entities
 * - tally: Tally, the mergeable quantile sketch of observations
 * - rng: seeded sfc32 with hashed named substreams; distributions and declarative samplers
 * @module
 */

export { EventCalendar, MAX_PRIORITY, MIN_PRIORITY } from './calendar.ts';
export { Environment, createEnvironment, MAX_KIND, type EnvironmentOptions, type EventHandler } from './environment.ts';
export { Tokens } from './tokens.ts';
export { SlotAgenda } from './slot-agenda.ts';
export { Tally, type TallyJson } from './tally.ts';
export { Rng, StreamKeys, createRng, seedIndexedInto, sfc32NextU32 } from './rng.ts';
export {
  AliasTable,
  PiecewiseCdf,
  bernoulli,
  exponential,
  gamma,
  geometric,
  logGamma,
  lognormal,
  lognormalFromMeanCv,
  lognormalFromMedian,
  normal,
  poisson,
  triangular,
  uniform,
  weibull,
} from './distributions.ts';
export {
  DISTRIBUTION_NAMES,
  assertDistributionSpec,
  sampler,
  specMean,
  validateDistributionSpec,
  type DistributionName,
  type DistributionSpec,
  type Sampler,
} from './sampler.ts';
