/**
 * What the fleet did, minute by minute: written by sim/twin, read by the cloud capacity model
 * (sim/cloud) and the load generator (cli/load). Part of a run's output, though not of
 * result.json.
 * @module
 */

/**
 * Fleet activity per one-minute bin (counts over the whole fleet): what the cloud capacity model
 * turns into request arrivals. Kept out of result.json (a year is 525,600 bins per series).
 */
export interface FleetActivity {
  binMs: number;
  wakes: Float64Array;
  handshakes: Float64Array;
  unlocks: Float64Array;
  failures: Float64Array;
}
