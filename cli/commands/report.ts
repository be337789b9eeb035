/**
 * `keytwin report <run-id | result.json | run dir> [--vs <other>] [--store URL] [--out DIR] [--png]`:
 * writes DIR/index.html (self-contained) and DIR/report.md with DIR/charts/*.svg.
 * @module
 */
import { resolve } from 'node:path';
import { parseCommand, UsageError } from '../args.ts';
import { readerStore } from '../reader-store.ts';
import { buildReport, createRunLoader, handshakeMessagesFor, writeReport } from '../../reports/index.ts';

const HELP = `Usage: keytwin report <run-id | path/to/result.json | run-dir> [options]

Writes a self-contained HTML report (inline SVG and CSS, no network) and a Markdown report with
SVG charts next to it: battery life, state of charge, energy by state and handshake phase,
latency, the handshake sequence, failures and cloud load.

Options:
  --vs <run>       compare with a second run (id or path): A is the first, B this one
  --store <url>    where run ids are looked up: postgres://… or a PGlite directory
                   (default .keytwin/store)
  --out <dir>      output directory (default out/report-<run>[-vs-<run>])
  --png            also write a PNG of each chart
`;

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, { vs: { type: 'string' }, store: { type: 'string' }, out: { type: 'string' }, png: { type: 'boolean' } }, HELP);
  if (!parsed) return 0;
  const [ref, ...extra] = parsed.positionals;
  if (!ref) throw new UsageError('which run? give a run id from the store or a path to result.json (see --help)');
  if (extra.length) throw new UsageError(`one run only (use --vs for a second), got also: ${extra.join(' ')}`);
  const v = parsed.values;
  // A named store must exist (a mistyped path would otherwise become a new, empty store).
  if (v.store !== undefined) readerStore(v.store);
  const loader = createRunLoader(v.store);
  try {
    process.stderr.write(`loading ${ref}${v.vs ? ` and ${v.vs}` : ''}…\n`);
    const a = await loader.load(ref);
    const b = v.vs ? await loader.load(v.vs) : undefined;
    const started = performance.now();
    const report = buildReport(a, { ...(b ? { vs: b } : {}), png: Boolean(v.png), handshakeMessages: handshakeMessagesFor });
    const slug = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');
    const out = resolve(v.out ?? `out/report-${slug(a.manifest.runId)}${b ? `-vs-${slug(b.manifest.runId)}` : ''}`);
    const files = await writeReport(report, out);
    const ms = performance.now() - started;
    process.stdout.write(
      `report: ${out}/index.html\nmarkdown: ${out}/report.md\n${files.length} files, ${report.drawn.length} charts drawn in ${(ms / 1000).toFixed(2)} s` +
        (report.empty.length ? `; no data for: ${[...new Set(report.empty)].join(', ')}` : '') + '\n',
    );
    return 0;
  } finally {
    await loader.close();
  }
}
