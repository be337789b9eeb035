/**
 * `keytwin calibrate --bench LOG [--power FILE] --base <profile|default> [--out FILE] [--report DIR]`:
 * fits the bench firmware's log (firmware/bench) and a power-analyser trace to a base profile,
 * prints what changed, and writes the calibrated profile and an HTML report. The fitting is pure
 * (firmware/calibrate); this file reads and writes the files.
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { calibrate, type Calibration } from '../../firmware/calibrate/index.ts';
import { DEFAULT_PROFILE_FILE, ProfileError } from '../../firmware/profiles/index.ts';
import { calibrationReportHtml } from '../../reports/calibration/index.ts';
import { parseCommand, positiveNumber, UsageError, UserError } from '../args.ts';

export const summary =
  'Fit a bench log and a power trace to a profile: calibrated profile JSON, diff, report';

const HELP = `Usage: keytwin calibrate --bench LOG --base <profile.json|default> [--power FILE] [--out FILE] [--report DIR]

  --bench LOG       the benchmark firmware's serial log (KTBENCH/1 lines; firmware/bench/README.md)
  --power FILE      a power-analyser CSV: Nordic PPK2 (Timestamp(ms),Current(uA)[,D0-D7|,D0..D7])
                    or Joulescope (time,current,voltage,... in s, A, V). With marker channels the
                    trace is cut by the bench's GPIO markers, without them by current thresholds.
  --base PROFILE    the profile to start from ("default" for the bundled one)
  --out FILE        write the calibrated profile JSON here (else only the diff is printed)
  --report DIR      write DIR/calibration.html (distributions, fits, the trace and its segments)
  --min-state-ms N  shortest power-state segment that counts toward a state's current (default 50)

Every changed figure gets ref "measured:<file>#L<lines>", confidence H and a note with what was
fitted and its residuals. Times are converted from cycles at the log header's clock_mhz.`;

function read(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(
      `${path}: cannot read the ${what} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
}

/** Writes a file, creating its folder; a failure names the file instead of printing a stack. */
function write(path: string, text: string, what: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (err) {
    throw new UserError(
      `${path}: cannot write the ${what} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
}

function readBase(spec: string): { json: unknown; file: string } {
  const file =
    spec === 'default'
      ? new URL(`../../firmware/profiles/${DEFAULT_PROFILE_FILE}`, import.meta.url).pathname
      : spec;
  const text = read(file, 'base profile');
  try {
    return { json: JSON.parse(text), file: spec === 'default' ? DEFAULT_PROFILE_FILE : spec };
  } catch (err) {
    throw new ProfileError(spec, [
      { path: '(file)', expected: 'valid JSON', got: (err as Error).message },
    ]);
  }
}

/** The diff against the base as an aligned text table. */
export function diffTable(c: Calibration): string {
  const head = ['key', 'base', 'calibrated', 'unit', 'change', 'residual', 'ref'];
  const num = (x: number) => (Math.abs(x) >= 1000 ? x.toFixed(0) : String(x));
  const rows = c.changes.map((ch) => [
    ch.path,
    `${num(ch.before)} ${ch.beforeConf}`,
    `${num(ch.after)} H`,
    ch.unit,
    ch.before
      ? `${ch.after >= ch.before ? '+' : ''}${(((ch.after - ch.before) / ch.before) * 100).toFixed(1)}%`
      : '—',
    ch.fitted.worst === null ? '—' : `${(ch.fitted.worst * 100).toFixed(1)}%`,
    ch.ref,
  ]);
  const all = [head, ...rows];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const right = new Set([1, 2, 4, 5]);
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => (right.has(i) ? cell.padStart(w[i]!) : cell.padEnd(w[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      bench: { type: 'string' },
      power: { type: 'string' },
      base: { type: 'string' },
      out: { type: 'string' },
      report: { type: 'string' },
      'min-state-ms': { type: 'string' },
    },
    HELP,
  );
  if (!parsed) return 0;
  const o = parsed.values;
  if (parsed.positionals.length > 0)
    throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
  if (!o.bench) throw new UsageError("--bench LOG is required (the bench firmware's serial log)");
  if (!o.base) throw new UsageError('--base is required (a profile JSON file, or "default")');
  const minStateMs =
    o['min-state-ms'] === undefined ? undefined : positiveNumber('min-state-ms', o['min-state-ms']);

  const c = calibrate({
    bench: { text: read(o.bench, 'bench log'), file: o.bench },
    power: o.power ? { text: read(o.power, 'power trace'), file: o.power } : undefined,
    base: readBase(o.base),
    powerOptions: { minStateMs },
  });

  const h = c.log.header;
  const out = process.stdout;
  out.write(
    `bench  ${o.bench}: ${h.chip} ${h.fields.revision} @ ${h.clockMHz} MHz, ${h.fields.compiler} ${h.fields.flags}, ${c.log.rows.length} ops (counter: ${h.fields.counter})\n`,
  );
  if (c.trace && c.power) {
    const span = (c.trace.tMs.at(-1)! - c.trace.tMs[0]!) / 1e3;
    out.write(
      `power  ${o.power}: ${c.trace.format}, ${c.trace.tMs.length} samples over ${span.toFixed(2)} s, ${c.power.segments.length} segments by ${c.power.segmentation}`,
    );
    out.write(
      c.power.states.length
        ? `; ${c.power.states.map((s) => `${s.state} ${s.mA.toPrecision(3)} mA`).join(', ')}\n`
        : '\n',
    );
  }
  out.write(`base   ${c.baseFile} (${c.base.profile} ${c.base.version})\n\n`);
  out.write(c.changes.length ? diffTable(c) : 'No figure changed.\n');
  for (const w of c.warnings) out.write(`warning: ${w}\n`);
  if (o.out) {
    write(o.out, JSON.stringify(c.json, null, 2) + '\n', 'calibrated profile');
    out.write(
      `\nwrote ${o.out} (${c.changes.length} figures changed, version ${String(c.json.version)})\n`,
    );
  } else out.write('\n(no --out: the calibrated profile was not written)\n');
  if (o.report) {
    const file = join(o.report, 'calibration.html');
    write(file, calibrationReportHtml(c), 'calibration report');
    out.write(`wrote ${file}\n`);
  }
  return 0;
}
