/**
 * `keytwin report <run-id | result.json | run dir> [--vs <other>] [--store URL] [--out DIR] [--png]`:
 * writes DIR/index.html (self-contained) and DIR/report.md with DIR/charts/*.svg.
 * @module
 */
import { resolve } from 'node:path';
import { parseCommand, UsageError, UserError } from '../args.ts';
import { DEFAULT_STORE, getSweep, openStore } from '../../store/index.ts';
import { writeSweepReport } from '../../reports/index.ts';
import type { SweepAnalysis } from '../sweep/analyse.ts';
import { sensitivityChartSpecs, sweepChartSpecs } from '../sweep/report-charts.ts';
import type { SensitivityResult } from '../sweep/sensitivity.ts';
import { readerStore } from '../reader-store.ts';
import { buildReport, createRunLoader, handshakeMessagesFor, handshakeTraceFor, writeReport } from '../../reports/index.ts';

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
  --sweep <id>     instead of a run: the report of a stored sweep (keytwin sweep / run
                   --replications / sweep --sensitivity), rebuilt from its stored analysis
`;

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, { vs: { type: 'string' }, store: { type: 'string' }, out: { type: 'string' }, png: { type: 'boolean' }, sweep: { type: 'string' } }, HELP);
  if (!parsed) return 0;
  if (parsed.values.sweep !== undefined) {
    if (parsed.positionals.length > 0 || parsed.values.vs !== undefined) throw new UsageError('--sweep takes the sweep id alone (no run, no --vs)');
    return sweepReport(parsed.values.sweep, parsed.values.store, parsed.values.out);
  }
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
    const report = buildReport(a, { ...(b ? { vs: b } : {}), png: Boolean(v.png), handshakeMessages: handshakeMessagesFor, handshakeTrace: handshakeTraceFor });
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

async function sweepReport(id: string, storeUrl: string | undefined, outDir: string | undefined): Promise<number> {
  const url = readerStore(storeUrl);
  if (url === null) throw new UserError(`sweep ${id}: nothing is stored yet (no store at ${DEFAULT_STORE})`);
  const store = await openStore(url);
  try {
    const sweep = await getSweep(store.engine, id);
    if (!sweep) throw new UserError(`sweep ${id}: not in ${store.location} (sweeps are stored by keytwin sweep and keytwin run --replications)`);
    const specs = sweep.kind === 'sensitivity' ? sensitivityChartSpecs(sweep.analysis as SensitivityResult) : sweepChartSpecs(sweep.analysis as SweepAnalysis);
    const out = resolve(outDir ?? `out/report-sweep-${id.replace(/[^A-Za-z0-9._-]+/g, '_')}`);
    const files = writeSweepReport(out, `keytwin ${sweep.kind === 'sensitivity' ? 'sensitivity' : 'sweep'}: ${sweep.scenario}`, `sweep ${id} · ${sweep.kind} · ${sweep.runs.length} stored runs · created ${sweep.createdAt ?? ''}`, specs);
    process.stdout.write(`report: ${files[0]}\n${files.length - 1} charts drawn\n`);
    return 0;
  } finally {
    await store.close();
  }
}
