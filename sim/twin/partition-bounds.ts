/**
 * How a fleet is split into contiguous device ranges: partition i covers devices
 * bounds[i] .. bounds[i + 1] − 1. One rule for worker threads (parallel.ts) and machines
 * (distributed/), so both merge the same ranges.
 * @module
 */
export function partitionBounds(devices: number, partitions: number): number[] {
  return Array.from({ length: partitions + 1 }, (_, i) => Math.round((i * devices) / partitions));
}
