/**
 * The command table. Commands load lazily so `keytwin handshake` does not pay for Postgres.
 * @module
 */
export interface Command {
  run(argv: readonly string[]): Promise<number>;
}

export const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
};
