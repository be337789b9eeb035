/**
 * The command table. Commands load lazily so `keytwin handshake` does not pay for Postgres.
 * @module
 */
export interface Command {
  run(argv: readonly string[]): Promise<number>;
}

export const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  run: { summary: 'Simulate a fleet of keychains from a scenario file; print and store the summary', load: () => import('./run.ts') },
  worker: { summary: 'Simulate partitions of distributed runs (keytwin run --nats) pulled from NATS JetStream', load: () => import('./worker.ts') },
  resume: { summary: "Continue a run saved by 'run --checkpoint <dir>' to the same end and outputs", load: () => import('./resume.ts') },
  handshake: { summary: 'Run the real hybrid PQ handshake (both roles), optionally under attack', load: () => import('./handshake.ts') },
  verify: { summary: 'Model-check the handshake with SPIN (statecharts + Dolev-Yao attacker, mutants)', load: () => import('./verify.ts') },
  profile: { summary: 'Show or validate a calibration profile (units, sources, confidence)', load: () => import('./profile.ts') },
  calibrate: { summary: 'Fit a bench log and a power trace to a profile: calibrated profile JSON, diff, report', load: () => import('./calibrate.ts') },
  report: { summary: 'Write an HTML + Markdown report of a run (or two: --vs)', load: () => import('./report.ts') },
  dashboard: { summary: 'Serve the local web dashboard: runs, charts, comparisons, live runs', load: () => import('./dashboard.ts') },
  sweep: { summary: 'Run a grid of scenario variants with replications; paired differences with CIs; profile sensitivity', load: () => import('./sweep.ts') },
  runs: { summary: 'List the stored runs (Postgres or the embedded store)', load: () => import('./runs.ts') },
  store: { summary: 'Store maintenance: migrate, check sinks, replay spilled InfluxDB points', load: () => import('./store.ts') },
  load: { summary: 'Replay the fleet\'s cloud requests against a real service (open loop, real bodies, thresholds)', load: () => import('./load.ts') },
  capacity: { summary: 'Servers per cloud station that keep p99 under a target, on the fleet\'s load', load: () => import('./capacity.ts') },
  cloud: { summary: 'Run the reference cloud API (serve) or mint a dev token for it (token)', load: () => import('./cloud.ts') },
};
