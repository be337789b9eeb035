/**
 * Spill files: the points a sink could not write, kept as line protocol with their target in a
 * header, so nothing is lost when a server stays down. `keytwin store replay <file>` sends them.
 *
 *   # keytwin-spill v1
 *   # target {"url":"http://127.0.0.1:8086","api":"v1","db":"keytwin"}
 *   # precision us
 *   # failed: <why the next batch was not written>
 *   telemetry,run_id=...,device_id=3 success=true,latency_ms=181.2 1767225600000000
 *
 * Lines are appended synchronously as batches fail, so a crash later in the run still leaves
 * them on disk.
 * @module
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { publicTarget, type InfluxConfig } from './config.ts';
import { PRECISION } from './points.ts';

const MAGIC = '# keytwin-spill v1';

export interface Spill {
  /** The file, once something was spilled; null while nothing was. */
  readonly path: string | null;
  /** Points written to the file so far. */
  readonly count: number;
  append(lines: readonly string[], reason: string): void;
}

export function createSpill(config: InfluxConfig): Spill {
  let path: string | null = null;
  let count = 0;
  return {
    get path() {
      return path;
    },
    get count() {
      return count;
    },
    append(lines, reason) {
      if (lines.length === 0) return;
      if (path === null) {
        const dir = resolve(config.spillDir ?? '.keytwin/spill');
        mkdirSync(dir, { recursive: true });
        const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
        path = join(dir, `${(config.spillName ?? 'points').replace(/[^\w.-]+/g, '_')}-${config.api}-${stamp}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.lp`);
        appendFileSync(path, `${MAGIC}\n# target ${JSON.stringify(publicTarget(config))}\n# precision ${PRECISION}\n`);
      }
      appendFileSync(path, `# failed: ${reason.replace(/\n/g, ' ')}\n${lines.join('\n')}\n`);
      count += lines.length;
    },
  };
}

export interface SpillContents {
  target: ReturnType<typeof publicTarget>;
  lines: string[];
}

export function readSpill(file: string): SpillContents {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read spill file ${file}: ${(err as Error).message}`, { cause: err });
  }
  const all = text.split('\n');
  if (all[0] !== MAGIC) throw new Error(`${file}: not a keytwin spill file (first line must be '${MAGIC}', got '${(all[0] ?? '').slice(0, 40)}')`);
  const targetLine = all[1] ?? '';
  if (!targetLine.startsWith('# target ')) throw new Error(`${file}:2: expected '# target {json}', got '${targetLine.slice(0, 40)}'`);
  let target: SpillContents['target'];
  try {
    target = JSON.parse(targetLine.slice('# target '.length)) as SpillContents['target'];
  } catch (err) {
    throw new Error(`${file}:2: the target is not valid JSON (${(err as Error).message})`);
  }
  if (typeof target.url !== 'string' || (target.api !== 'v1' && target.api !== 'v2')) {
    throw new Error(`${file}:2: the target needs "url" and "api" ("v1" or "v2"), got ${targetLine.slice(9, 120)}`);
  }
  const precision = all[2] ?? '';
  if (precision !== `# precision ${PRECISION}`) throw new Error(`${file}:3: expected '# precision ${PRECISION}', got '${precision}'`);
  const lines = all.slice(3).filter((l) => l !== '' && !l.startsWith('#'));
  return { target, lines };
}
