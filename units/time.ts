/**
 * Simulated time is in milliseconds everywhere (the engine's clock, results, scenarios); these are
 * its calendar units, defined once. A year is 365 days where a scenario says `y` (no leap days:
 * a simulated year is a fixed span, not a calendar year).
 * @module
 */
export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
