/**
 * Bench rows → profile figures. Each op of the KTBENCH log maps to the profile key it measures
 * (firmware/profiles/spec.ts); cycles become ms at the log header's clock.
 *  - constant-time ops (ML-KEM, ML-DSA keygen/verify, X25519, HKDF, flash, wake): the median,
 *    with [min, max] as the range; residuals mean/median, p95/median and the CV;
 *  - ML-DSA signing: the profile's t = base + N·iter, N ~ Geometric(p) on {1, 2, ...} with p
 *    kept from the base profile (it is the FIPS 204 rejection rate, not a property of the chip):
 *    fitted to the mean and the N = 1 level, residuals of the model's median, p95 and sd;
 *  - AEAD and SHA-256 per record size: least squares t = overhead + bytes / rate;
 *  - stack: the largest peak stack of the level's rows.
 * @module
 */
import { activeFigurePath, pqcFigures, type Profile } from '../profiles/index.ts';
import { cyclesToMs, type BenchLog, type BenchRow } from './bench-log.ts';
import { pct, sig, type Fitted } from './fitted.ts';
import { orderStats } from './stats.ts';

export interface BenchFit {
  readonly fitted: readonly Fitted[];
  /** Per-size fits for the report: op → points and the fitted line. */
  readonly lines: readonly LineFit[];
  /** Per-op sign model for the report. */
  readonly signModels: readonly SignModel[];
  readonly warnings: readonly string[];
}

export interface LineFit {
  readonly op: string;
  readonly points: readonly {
    readonly bytes: number;
    readonly ms: number;
    readonly line: number;
  }[];
  readonly interceptMs: number;
  readonly msPerByte: number;
}

export interface SignModel {
  readonly op: string;
  readonly baseMs: number;
  readonly iterMs: number;
  readonly p: number;
}

const KEM_OPS = ['keygen', 'encaps', 'decaps'] as const;
const SIG_LEVELS = ['mldsa44', 'mldsa65', 'mldsa87'] as const;
const KEM_LEVELS = ['mlkem512', 'mlkem768', 'mlkem1024'] as const;

/**
 * Constant-time ops: bench op name → logical profile path. PQ paths name no implementation: they
 * resolve to the base profile's active set (activeFigurePath), since the bench firmware builds the
 * libraries the profile's choices name (mlkem-native / mldsa-native). X25519 is mapped separately:
 * the log's header says which implementation ran.
 */
const FIXED: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    KEM_LEVELS.flatMap((l) => KEM_OPS.map((o) => [`${l}.${o}`, `pqc.${l}.${o}`])),
  ),
  ...Object.fromEntries(
    SIG_LEVELS.flatMap((l) => ['keygen', 'verify'].map((o) => [`${l}.${o}`, `pqc.${l}.${o}`])),
  ),
  'hkdf.sha256': 'classical.hkdfSha256',
  'flash.write': 'flash.pageProgram',
  'flash.erase': 'flash.sectorErase',
  'wake.deepsleep': 'mcu.deepSleepWakeToApp',
};
/** Per-size ops: bench op name → profile path of the rate. */
const RATES: Readonly<Record<string, string>> = {
  'aesgcm.seal': 'classical.aesGcm',
  'xchacha20poly1305.seal': 'classical.chacha20poly1305',
  sha256: 'classical.sha256Hw',
};
/** Every bench op this module knows, for the "not mapped" warning and the README's table. */
export const BENCH_OPS: readonly string[] = [
  ...Object.keys(FIXED),
  'x25519.scalarmult',
  ...SIG_LEVELS.map((l) => `${l}.sign`),
  ...Object.keys(RATES),
];

/** The smallest k with P(N <= k) >= q for N ~ Geometric(p) on {1, 2, ...}. */
export function geometricQuantile(p: number, q: number): number {
  return Math.max(1, Math.ceil(Math.log(1 - q) / Math.log(1 - p) - 1e-12));
}

function where(log: BenchLog, row: BenchRow): { file: string; lines: string } {
  return { file: log.file, lines: String(row.line) };
}

function cyclesWhat(log: BenchLog, row: BenchRow, stat: string): string {
  return `${stat} of ${row.n} runs of ${row.name}${row.bytes ? ` (${row.bytes} B)` : ''}: ${Math.round(row[stat as 'median'])} cycles at ${log.header.clockMHz} MHz`;
}

function fixedFit(log: BenchLog, row: BenchRow, path: string): Fitted {
  const ms = (c: number) => cyclesToMs(log, c);
  const med = row.median;
  const cv = med > 0 ? row.sd / med : 0;
  const r1 = med > 0 ? row.mean / med - 1 : 0;
  const r2 = med > 0 ? row.p95 / med - 1 : 0;
  return {
    path,
    value: sig(ms(med), 5),
    range: [sig(ms(row.min), 5), sig(ms(row.max), 5)],
    ...where(log, row),
    what: cyclesWhat(log, row, 'median'),
    residuals: `mean/median ${pct(r1)}, p95/median ${pct(r2)}, CV ${(cv * 100).toFixed(1)} %`,
    worst: Math.max(Math.abs(r1), Math.abs(r2)),
  };
}

/**
 * ML-DSA signing, t = base + N·iter with N ~ Geometric(p) on {1, 2, ...}, p kept from the base.
 * Two statistics pin the two unknowns: the mean (= base + iter/p) and the level of the N = 1 runs
 * (= base + iter), read as the p/2 quantile of the samples (the middle of the N = 1 mass, which
 * holds a fraction p of the runs) or, without samples, the row's min. Matching mean and sd instead
 * (method of moments) is much noisier: the sd of a geometric tail converges slowly, and the error
 * in iter is multiplied by 1/p in base.
 */
function signFit(
  log: BenchLog,
  row: BenchRow,
  level: (typeof SIG_LEVELS)[number],
  p: number,
): { fitted: Fitted[]; model: SignModel } | string {
  const ms = (c: number) => cyclesToMs(log, c);
  const s = row.samples ? orderStats(row.samples) : row;
  const mean = ms(s.mean);
  const sorted = row.samples ? [...row.samples].sort((a, b) => a - b) : null;
  const t1 = sorted
    ? ms(sorted[Math.min(sorted.length - 1, Math.floor((p / 2) * sorted.length))]!)
    : ms(row.min);
  const iter = (mean - t1) / (1 / p - 1);
  const base = t1 - iter;
  if (!(iter > 0) || base < 0)
    return `${row.name} (line ${row.line}): mean ${mean.toFixed(3)} ms and N = 1 level ${t1.toFixed(3)} ms do not fit base + N·iter with p = ${p} (base ${base.toFixed(3)} ms, iter ${iter.toFixed(3)} ms); sign figures kept`;
  const at = (q: number) => base + geometricQuantile(p, q) * iter;
  const sdModel = (iter * Math.sqrt(1 - p)) / p;
  const rMed = at(0.5) / ms(row.median) - 1;
  const rP95 = at(0.95) / ms(row.p95) - 1;
  const rSd = sdModel / ms(s.sd) - 1;
  const res = `model median ${at(0.5).toFixed(2)} ms vs measured ${ms(row.median).toFixed(2)} ms (${pct(rMed)}), p95 ${at(0.95).toFixed(2)} vs ${ms(row.p95).toFixed(2)} ms (${pct(rP95)}), sd ${sdModel.toFixed(2)} vs ${ms(s.sd).toFixed(2)} ms (${pct(rSd)})`;
  const worst = Math.max(Math.abs(rMed), Math.abs(rP95), Math.abs(rSd));
  const src = { ...where(log, row), residuals: res, worst };
  const stats = `mean ${mean.toFixed(3)} ms and N = 1 level ${t1.toFixed(3)} ms (${sorted ? `the ${((p / 2) * 100).toFixed(1)} % quantile` : 'the min'}) of ${row.n} runs of ${row.name} at ${log.header.clockMHz} MHz, p = ${p} kept from the base profile`;
  const path = `pqc.${level}.sign`;
  return {
    model: { op: row.name, baseMs: base, iterMs: iter, p },
    fitted: [
      {
        path: `${path}.base`,
        value: sig(base),
        ...src,
        what: `base = N1 level − iter, from ${stats}`,
      },
      {
        path: `${path}.iter`,
        value: sig(iter),
        ...src,
        what: `iter = (mean − N1 level)/(1/p − 1), from ${stats}`,
      },
      {
        path: `${path}.mean`,
        value: sig(mean),
        range: [sig(ms(row.min)), sig(ms(row.max))],
        ...src,
        what: `mean of ${row.n} runs of ${row.name}`,
      },
      {
        path: `${path}.p99`,
        value: sig(at(0.99)),
        ...src,
        what: `base + N99·iter with N99 = ${geometricQuantile(p, 0.99)}, the fitted model's 99th percentile`,
      },
    ],
  };
}

function lineFit(log: BenchLog, op: string, rows: readonly BenchRow[]): LineFit | string {
  const pts = rows.map((r) => ({ bytes: r.bytes, ms: cyclesToMs(log, r.median), line: r.line }));
  const sizes = new Set(pts.map((p) => p.bytes));
  if (sizes.size < 2)
    return `${op}: rows at ${sizes.size} record size(s); a rate needs at least two sizes (line ${rows[0]!.line})`;
  const n = pts.length;
  const mx = pts.reduce((s, p) => s + p.bytes, 0) / n;
  const my = pts.reduce((s, p) => s + p.ms, 0) / n;
  const sxx = pts.reduce((s, p) => s + (p.bytes - mx) ** 2, 0);
  const sxy = pts.reduce((s, p) => s + (p.bytes - mx) * (p.ms - my), 0);
  const b = sxy / sxx;
  if (!(b > 0))
    return `${op}: time does not grow with record size (slope ${b.toExponential(2)} ms/B, lines ${pts.map((p) => p.line).join(', ')}); rate kept`;
  return { op, points: pts, interceptMs: my - b * mx, msPerByte: b };
}

function rateFitted(log: BenchLog, fit: LineFit, path: string): Fitted {
  const res = fit.points.map((p) => (fit.interceptMs + fit.msPerByte * p.bytes) / p.ms - 1);
  const lines = fit.points.map((p) => p.line);
  return {
    path,
    value: sig(1 / fit.msPerByte),
    file: log.file,
    lines: `${Math.min(...lines)}-${Math.max(...lines)}`,
    what: `1/slope of least squares t = overhead + bytes/rate over the medians of ${fit.op} at ${fit.points.map((p) => p.bytes).join(', ')} B (${log.header.clockMHz} MHz); overhead ${(fit.interceptMs * 1e3).toFixed(1)} µs`,
    residuals: `per size ${fit.points.map((p, i) => `${p.bytes} B ${pct(res[i]!)}`).join(', ')}`,
    worst: Math.max(...res.map(Math.abs)),
  };
}

/** Fits every figure the log measures. `base` supplies the ML-DSA rejection rate p. */
export function fitBench(log: BenchLog, base: Profile): BenchFit {
  const fitted: Fitted[] = [];
  const warnings: string[] = [];
  const lines: LineFit[] = [];
  const signModels: SignModel[] = [];
  const known = new Set(BENCH_OPS);
  for (const r of log.rows)
    if (!known.has(r.name))
      warnings.push(`${log.file}:${r.line}: op ${r.name} is not a figure of the profile; ignored`);
  for (const e of log.errors)
    warnings.push(
      `${log.file}:${e.line}: ${e.name} failed on the device (rc ${e.rc}); its figure is not calibrated`,
    );

  const byName = (name: string) => log.rows.filter((r) => r.name === name);
  for (const [op, path] of Object.entries(FIXED)) {
    const rows = byName(op);
    if (rows.length === 0) continue;
    if (rows.length > 1)
      warnings.push(
        `${log.file}:${rows[1]!.line}: ${op} measured at several sizes; the row on line ${rows[0]!.line} is used`,
      );
    fitted.push(fixedFit(log, rows[0]!, path));
  }
  const x = byName('x25519.scalarmult')[0];
  if (x) {
    // The bench times the shared-secret scalar multiplication; a keygen adds the RNG and base-point
    // encoding (C1: 88.8 vs 91.9 ms on mbedTLS), so it is not inferred from it.
    const impl = x25519Implementation(log.header.fields.x25519);
    if (impl === null)
      warnings.push(`${log.file}:${log.header.line}: header x25519=${log.header.fields.x25519 ?? '(missing)'} names no X25519 implementation of the profile (mbedtls or libsodium); X25519 not calibrated`);
    else {
      if (impl !== base.classical.x25519Implementation.value)
        warnings.push(`${log.file}:${x.line}: X25519 ran ${log.header.fields.x25519}: its figures go to classical.x25519.${impl}; the profile's active implementation stays ${base.classical.x25519Implementation.value} (set classical.x25519Implementation to use them)`);
      fitted.push(fixedFit(log, x, `classical.x25519.${impl}.shared`));
    }
  }
  for (const level of SIG_LEVELS) {
    const row = byName(`${level}.sign`)[0];
    if (!row) continue;
    const r = signFit(log, row, level, pqcFigures(base, level).sign.p.value);
    if (typeof r === 'string') warnings.push(r);
    else {
      fitted.push(...r.fitted);
      signModels.push(r.model);
    }
  }
  const intercepts: { op: string; ms: number; fit: LineFit }[] = [];
  for (const [op, path] of Object.entries(RATES)) {
    const rows = byName(op);
    if (rows.length === 0) continue;
    const f = lineFit(log, op, rows);
    if (typeof f === 'string') {
      warnings.push(`${log.file}: ${f}`);
      continue;
    }
    lines.push(f);
    fitted.push(rateFitted(log, f, path));
    if (op !== 'sha256') intercepts.push({ op, ms: f.interceptMs, fit: f });
  }
  // One aeadCallOverhead in the profile for both AEADs: the mean of their fitted intercepts.
  const good = intercepts.filter((i) => i.ms > 0);
  if (good.length > 0) {
    const all = good.flatMap((g) => g.fit.points.map((p) => p.line));
    fitted.push({
      path: 'classical.aeadCallOverhead',
      value: sig(good.reduce((s, g) => s + g.ms, 0) / good.length),
      file: log.file,
      lines: `${Math.min(...all)}-${Math.max(...all)}`,
      what: `intercept of t = overhead + bytes/rate, mean over ${good.map((g) => `${g.op} (${(g.ms * 1e3).toFixed(1)} µs)`).join(' and ')}`,
      residuals:
        good.length === 2
          ? `the two AEADs' intercepts differ by ${pct(good[0]!.ms / good[1]!.ms - 1)}`
          : 'one AEAD measured',
      worst: good.length === 2 ? Math.abs(good[0]!.ms / good[1]!.ms - 1) : null,
    });
  } else if (intercepts.length > 0)
    warnings.push(
      `AEAD per-call overhead: fitted intercepts are not positive (${intercepts.map((i) => `${i.op} ${(i.ms * 1e3).toFixed(2)} µs`).join(', ')}); aeadCallOverhead kept`,
    );

  // Peak stacks are printed by the bench for firmware sizing; the profile keeps no stack figures.
  const resolved = fitted.map((f) => ({ ...f, path: activeFigurePath(base, f.path) }));
  return { fitted: resolved, lines, signModels, warnings };
}

/** The profile's X25519 implementation named by a bench header's `x25519` field. */
function x25519Implementation(field: string | undefined): 'mbedtls-esp-idf' | 'optimised' | null {
  if (field === undefined) return null;
  if (/mbedtls/i.test(field)) return 'mbedtls-esp-idf';
  if (/libsodium|optimi[sz]ed/i.test(field)) return 'optimised';
  return null;
}
