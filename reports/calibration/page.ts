/**
 * The calibration report: one self-contained HTML page (inline CSS and SVG, no script, no
 * network) with the diff against the base profile, every fit's residuals, per-operation
 * distributions with the fitted model, the record-size fits and the power trace with its segments.
 * @module
 */
import { BENCH_OPS, cyclesToMs, type Calibration } from '../../firmware/calibrate/index.ts';
import { distributionChart, rateChart, stateChart, traceChart } from './charts.ts';
import { plotSvg } from './render.ts';

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const CSS = `
body { font: 14px/1.45 "DejaVu Sans", system-ui, sans-serif; color: #1d2433; margin: 0; background: #f6f7f9; }
header { background: #1d2433; color: white; padding: 18px 28px; }
header h1 { margin: 0 0 4px; font-size: 22px; } header p { margin: 0; color: #c9d1e0; }
main { max-width: 1400px; margin: 0 auto; padding: 18px 28px 40px; }
section { background: white; border: 1px solid #dfe3ea; border-radius: 6px; padding: 14px 18px; margin: 16px 0; }
h2 { font-size: 17px; margin: 0 0 6px; } h3 { font-size: 13px; margin: 4px 0; }
p.sub { color: #5b6476; margin: 0 0 10px; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border-bottom: 1px solid #dfe3ea; padding: 3px 8px; text-align: left; vertical-align: top; }
td.n { text-align: right; white-space: nowrap; } th { background: #f0f2f5; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 10px; }
.grid > div { border: 1px solid #eef0f4; border-radius: 4px; padding: 6px; }
.warn { background: #fff8ec; border-color: #c0892b; }
svg { max-width: 100%; height: auto; } code { font-size: 12px; }
`;

function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: ReadonlySet<number> = new Set(),
): string {
  const th = `<tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td${numeric.has(i) ? ' class="n"' : ''}>${esc(c)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table>${th}\n${body}</table>`;
}

const fmt = (x: number) => (Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(4));

export function calibrationReportHtml(c: Calibration): string {
  const h = c.log.header.fields;
  const fittedMs = new Map(c.bench.fitted.map((f) => [f.path, f.value]));

  const diff = table(
    [
      'profile key',
      'base',
      'calibrated',
      'unit',
      'change',
      'worst residual',
      'ref',
      'what was fitted; residuals',
    ],
    c.changes.map((ch) => [
      ch.path,
      `${fmt(ch.before)} (${ch.beforeConf}, ${ch.beforeRef})`,
      fmt(ch.after),
      ch.unit,
      ch.before ? `${(((ch.after - ch.before) / ch.before) * 100).toFixed(1)} %` : '—',
      ch.fitted.worst === null ? '—' : `${(ch.fitted.worst * 100).toFixed(1)} %`,
      ch.ref,
      `${ch.fitted.what}; ${ch.fitted.residuals}`,
    ]),
    new Set([1, 2, 4, 5]),
  );
  const measured = new Set(c.log.rows.map((r) => r.name));
  const missing = BENCH_OPS.filter((op) => !measured.has(op));

  // Per-op distributions: the fitted figure is the constant-op median, or the sign model.
  const dist: string[] = [];
  for (const row of c.log.rows) {
    const model = c.bench.signModels.find((m) => m.op === row.name);
    const path = c.bench.fitted.find(
      (f) =>
        f.lines === String(row.line) &&
        !f.path.endsWith('stackBytes') &&
        !f.path.endsWith('stackBytesSign'),
    )?.path;
    const fitted = model
      ? null
      : path
        ? (fittedMs.get(path) ?? null)
        : cyclesToMs(c.log, row.median);
    const opts = distributionChart(c.log, row, fitted, model);
    if (!opts) continue;
    const sub = model
      ? `red: base + N·iter model (base ${model.baseMs.toFixed(2)} ms, iter ${model.iterMs.toFixed(2)} ms, p ${model.p})`
      : `red: fitted ${path ?? 'median'} ${fitted?.toPrecision(4)} ms`;
    dist.push(
      `<div><h3>${esc(row.name)}${row.bytes ? ` · ${row.bytes} B` : ''} <small>(line ${row.line}, n ${row.n})</small></h3><p class="sub">${esc(sub)}</p>${plotSvg(opts)}</div>`,
    );
  }
  const rates = c.bench.lines.map(
    (f) =>
      `<div><h3>${esc(f.op)}</h3><p class="sub">overhead ${(f.interceptMs * 1e3).toFixed(2)} µs, rate ${(1 / f.msPerByte / 1e3).toPrecision(4)} MB/s</p>${plotSvg(rateChart(f))}</div>`,
  );

  let power = '';
  if (c.trace && c.power) {
    const pf = c.power;
    const st = stateChart(pf);
    const opRows = pf.ops.map((o) => {
      const row = c.log.rows.find((r) => r.name === o.op && r.bytes === o.bytes);
      const benchMs = row ? cyclesToMs(c.log, row.median) : NaN;
      return [
        o.op,
        String(o.bytes),
        String(o.runs),
        fmt(o.medianMs),
        Number.isNaN(benchMs) ? '—' : fmt(benchMs),
        o.meanMa.toPrecision(4),
      ];
    });
    power = `<section><h2>Power trace: ${esc(c.trace.file)}</h2>
<p class="sub">${c.trace.format === 'ppk2' ? 'Nordic PPK2' : 'Joulescope'} CSV, ${c.trace.tMs.length} samples over ${((c.trace.tMs.at(-1)! - c.trace.tMs[0]!) / 1e3).toFixed(2)} s; segmented by ${pf.segmentation === 'markers' ? 'marker channels (D0 strobe, D1–D7 id)' : "current thresholds between the base profile's state currents"} into ${pf.segments.length} segments. Shaded: segments; red: per-state fitted currents.</p>
${plotSvg(traceChart(c.trace, pf))}
${st ? `<h3>Per-state current: measured (blue dot) vs base (grey ring)</h3>${plotSvg(st)}` : ''}
${table(
  ['state', 'segments', 'seconds', 'measured mA', 'base mA'],
  pf.states.map((s) => [
    s.state,
    String(s.segments),
    (s.ms / 1e3).toFixed(2),
    s.mA.toPrecision(4),
    s.baseMa.toPrecision(4),
  ]),
  new Set([1, 2, 3, 4]),
)}
${opRows.length ? `<h3>Marked operations: the trace's own timing against the bench log</h3>${table(['op', 'bytes', 'runs', 'median ms (trace)', 'median ms (log)', 'mean mA'], opRows, new Set([1, 2, 3, 4, 5]))}` : ''}
</section>`;
  }

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>keytwin calibration: ${esc(c.log.header.chip)}</title><style>${CSS}</style></head>
<body><header><h1>Calibration: ${esc(c.log.header.chip)} @ ${c.log.header.clockMHz} MHz</h1>
<p>base ${esc(c.baseFile)} (${esc(c.base.profile)} ${esc(c.base.version)}) → ${esc(String(c.json.version))}; ${c.changes.length} figures changed</p></header>
<main>
<section><h2>Bench log: ${esc(c.log.file)}</h2>
${table(
  ['header field', 'value'],
  Object.entries(h).map(([k, v]) => [k, v]),
)}
<p class="sub">${c.log.rows.length} op rows. Not measured in this log (kept from the base): ${missing.length ? esc(missing.join(', ')) : 'none'}.</p></section>
${c.warnings.length ? `<section class="warn"><h2>Warnings</h2><ul>${c.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></section>` : ''}
<section><h2>Changed figures (diff against the base)</h2><p class="sub">Every changed figure has confidence H and cites the file and line it was fitted from.</p>${c.changes.length ? diff : '<p>No figure changed.</p>'}</section>
<section><h2>Per-operation distributions</h2><p class="sub">Histograms of the runs (ms at the header's clock) with the fitted figure.</p><div class="grid">${dist.join('\n') || '<p>The log has no samples lines.</p>'}</div></section>
${rates.length ? `<section><h2>Record-size fits: t = overhead + bytes / rate</h2><div class="grid">${rates.join('\n')}</div></section>` : ''}
${power}
</main></body></html>
`;
}
