/**
 * `keytwin` as a child process whose stderr the test can wait on line by line (a coordinator's
 * "started by worker host:pid", a worker's "simulating"), then kill with a real signal.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export interface CliProcess {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` in stderr (already printed or still to come). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

export function keytwinProcess(...args: string[]): CliProcess {
  const proc = spawn(process.execPath, [resolve('cli/keytwin.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; done: (m: RegExpExecArray) => void }[] = [];
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of [...waiters]) {
      const m = w.re.exec(err);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.done(m);
      }
    }
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(re, timeoutMs = 240_000) {
      const m = re.exec(err);
      if (m) return Promise.resolve(m);
      return new Promise((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`no ${re} in keytwin ${args.join(' ')} after ${timeoutMs} ms; stderr:\n${err}`)), timeoutMs);
        waiters.push({ re, done: (mm) => (clearTimeout(timer), res(mm)) });
        void exited.then(() => setTimeout(() => rej(new Error(`keytwin ${args.join(' ')} exited before ${re}; stderr:\n${err}`)), 50));
      });
    },
  };
}

/** Stops a child still running (SIGTERM; a worker hands its partition back) and waits for it. */
export async function stop(p: CliProcess): Promise<void> {
  if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGTERM');
  await p.exited;
}
