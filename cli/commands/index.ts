/**
 * The command table. Commands load lazily so `keytwin handshake` does not pay for Postgres.
 * @module
 */
export interface Command {
  run(argv: readonly string[]): Promise<number>;
}

export const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  profile: { summary: 'Show or validate a calibration profile (units, sources, confidence)', load: () => import('./profile.ts') },
};
