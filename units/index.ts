/**
 * units/: the units every layer shares (time spans in milliseconds). Imports nothing, so any
 * folder may import it.
 * @module
 */
export { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from './time.ts';
