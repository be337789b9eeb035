/**
 * A private nats-server (Debian's binary, the one .ci/services.sh starts on :4222) for one test
 * file: a random loopback port and a fresh store, so the shared worker consumer's ack wait and
 * leftover streams of other runs cannot leak between tests. With KEYTWIN_REQUIRE_SERVICES=1 a
 * missing binary fails the file instead of skipping it.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NATS_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
export const natsSkip: string | null = existsSync(NATS_BIN) ? null : `${NATS_BIN} not installed (run .ci/services.sh)`;
if (natsSkip && process.env.KEYTWIN_REQUIRE_SERVICES === '1') throw new Error(`KEYTWIN_REQUIRE_SERVICES=1 but ${natsSkip}`);

export interface NatsServer {
  url: string;
  stop(): Promise<void>;
}

export async function startNats(jetStream = true): Promise<NatsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'keytwin-nats-'));
  const args = ['-a', '127.0.0.1', '-p', '-1', ...(jetStream ? ['-js', '-sd', dir] : [])];
  const proc: ChildProcess = spawn(NATS_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`nats-server did not start in 20 s:\n${log}`)), 20_000);
    proc.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /Listening for client connections on ([\d.]+:\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(`nats://${m[1]}`);
      }
    });
    proc.on('exit', (code) => reject(new Error(`nats-server exited with ${code}:\n${log}`)));
  });
  proc.stderr!.resume();
  return {
    url,
    stop: async () => {
      if (proc.exitCode === null) {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
