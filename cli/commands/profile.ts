/**
 * `keytwin profile show [path]` prints a calibration profile as an aligned table (section, key,
 * value, unit, conf, ref); `keytwin profile validate <path>` checks one and lists every problem.
 * @module
 */
import { flattenProfile } from '../../firmware/profiles/index.ts';
import { loadProfile } from '../../scenarios/load-profile.ts';
import { parseCommand, UsageError } from '../args.ts';

export const summary = 'Show or validate a calibration profile (units, sources, confidence)';

const HELP = `Usage: keytwin profile show [path]      print the profile (default profile when no path)
       keytwin profile validate <path>  check a profile file; exit 1 listing every problem

Values are printed in canonical units (ms, mA, mC, mAh, V, B/ms); conf is H (primary source),
M (secondary) or L (estimate); ref is the row ID in research/calibration.md.`;

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, {}, HELP);
  if (!parsed) return 0;
  const [sub, path, ...extra] = parsed.positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  if (sub === 'show') {
    const profile = loadProfile(path);
    process.stdout.write(`${profile.profile} (version ${profile.version})\n${profile.description}\n\n`);
    const top = new Set(['profile', 'version', 'description']);
    process.stdout.write(renderTable(flattenProfile(profile).filter((r) => !top.has(r.section))));
    return 0;
  }
  if (sub === 'validate') {
    if (!path) throw new UsageError('profile validate needs a path');
    const profile = loadProfile(path);
    process.stdout.write(`${path}: valid (${profile.profile}, ${flattenProfile(profile).length} entries)\n`);
    return 0;
  }
  throw new UsageError(sub ? `unknown subcommand '${sub}' (valid: show, validate)` : 'missing subcommand (show or validate)');
}

type Row = { section: string; key: string; value: string; unit: string; conf: string; ref: string };
const COLS = ['section', 'key', 'value', 'unit', 'conf', 'ref'] as const;
/** Longer values (tables, notes) wrap onto continuation lines instead of widening every row. */
const VALUE_MAX = 36;

function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const parts = text.split(/(?<=[ /])/);
  const lines: string[] = [];
  let cur = '';
  for (const p of parts) {
    if (cur && (cur + p).length > width) {
      lines.push(cur.trimEnd());
      cur = '';
    }
    cur += p;
  }
  if (cur) lines.push(cur.trimEnd());
  return lines;
}

function renderTable(rows: readonly Row[]): string {
  const header: Row = { section: 'section', key: 'key', value: 'value', unit: 'unit', conf: 'conf', ref: 'ref' };
  const expanded: Row[] = [];
  for (const r of rows) {
    wrap(r.value, VALUE_MAX).forEach((v, i) =>
      expanded.push(i === 0 ? { ...r, value: v } : { section: '', key: '', value: v, unit: '', conf: '', ref: '' }),
    );
  }
  const all = [header, ...expanded];
  const width = Object.fromEntries(COLS.map((c) => [c, Math.max(...all.map((r) => r[c].length))])) as Record<(typeof COLS)[number], number>;
  // Numbers right-aligned so magnitudes line up; text left-aligned.
  const cell = (r: Row, c: (typeof COLS)[number]) =>
    c === 'value' && /^-?[\d.e+-]+( \[.*\])?$/.test(r.value) && r.unit ? r.value.padStart(width.value) : r[c].padEnd(width[c]);
  const line = (r: Row) => COLS.map((c) => cell(r, c)).join('  ').trimEnd();
  return [line(header), COLS.map((c) => '-'.repeat(width[c])).join('  '), ...expanded.map(line)].join('\n') + '\n';
}
