/**
 * What the parts of a partition share, handed to each part once at construction (each copies the
 * fields it uses into its own, so the hot path reads one object deep).
 * @module
 */
import type { Suite } from '../../firmware/index.ts';
import type { CryptoTiming } from '../device/index.ts';
import type { CompiledMachine } from '../statechart/index.ts';
import type { DeviceIds, HandshakeIds } from './machines.ts';
import type { Clock } from './partition-clock.ts';
import type { ConfigFlags } from './partition-configs.ts';
import type { Deliver } from './partition-machine.ts';
import type { PartitionResult } from './partition-result.ts';
import type { Streams } from './partition-streams.ts';
import type { DeviceTable } from './partition-table.ts';

export interface Parts {
  readonly t: DeviceTable;
  readonly clock: Clock;
  /** The devices' random streams by purpose. */
  readonly s: Streams;
  readonly res: PartitionResult;
  readonly dm: CompiledMachine;
  readonly hm: CompiledMachine;
  readonly dIds: DeviceIds;
  readonly hIds: HandshakeIds;
  readonly flags: ConfigFlags;
  /** The partition's suites (by index) and their crypto timing. */
  readonly suites: readonly Suite[];
  readonly timing: readonly CryptoTiming[];
  /** Delivers events to a device's machines. */
  readonly p: Deliver;
}
