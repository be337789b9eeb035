/**
 * Where a sweep's or replications' runs are stored: the --store flag, else the scenario's
 * sinks.store; 'none' stores nothing, the embedded store means the default directory.
 * @module
 */
import { EMBEDDED_STORE, OverrideError, resolveSinks, type Scenario } from '../scenarios/index.ts';
import { DEFAULT_STORE } from '../store/index.ts';
import { UsageError } from './args.ts';

export function storeFor(scenario: Scenario, flag: string | undefined): string | null {
  try {
    const chosen = resolveSinks(scenario, { store: flag, influx: undefined });
    return chosen.store === 'none' ? null : chosen.store === EMBEDDED_STORE ? DEFAULT_STORE : chosen.store;
  } catch (err) {
    throw err instanceof OverrideError ? new UsageError(err.message) : err;
  }
}
