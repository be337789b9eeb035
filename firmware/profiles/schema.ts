/**
 * Profile validation: checks a parsed JSON profile against PROFILE_SPEC and returns it with every
 * quantity normalised to its canonical unit. All problems are reported at once, each naming the
 * field path, what was expected and what was found, so a hand-edited profile is fixed in one pass.
 * @module
 */
import {
  COMPONENTS,
  DERIVED_SOURCES,
  POWER_MODES,
  PROFILE_SPEC,
  SIG_IMPLEMENTATIONS,
  type ColumnKind,
  type LeafSpec,
  type Profile,
  type SectionSpec,
} from './spec.ts';
import { DIMENSIONS, unitChoices, unitFactor, type Dimension } from './units.ts';
import { closestName } from './suggest.ts';

export interface ProfileIssue {
  readonly path: string;
  readonly expected: string;
  readonly got: string;
}

/** A profile that failed validation; `issues` lists every problem found. */
export class ProfileError extends Error {
  override name = 'ProfileError';
  /** Read by the CLI: the message is for the user as it is. */
  readonly userFacing = true;
  readonly source: string;
  readonly issues: readonly ProfileIssue[];
  constructor(source: string, issues: readonly ProfileIssue[]) {
    const lines = issues.map((i) => `${source}: ${i.path}: expected ${i.expected}, got ${i.got}`);
    super(issues.length === 1 ? lines[0]! : `${issues.length} problems in ${source}:\n  ${lines.join('\n  ')}`);
    this.source = source;
    this.issues = issues;
  }
}

// Source IDs (all listed in docs/sources.md): calibration.md's look like P3.4, P3.8c, W9.10;
// esp32-measured.md's have no dot (M1, D1, C1, P8). Several may be joined with "/".
const REF_ID = '[A-Z]\\d+(\\.\\d+[a-z]?)?';
const REF_RE = new RegExp(`^${REF_ID}(/${REF_ID})*$`);
// A figure fitted by `keytwin calibrate` cites the measurement file it came from, e.g.
// "measured:bench.log#L12" or "measured:trace.csv#L2-L200001" (firmware/calibrate/apply.ts).
const MEASURED_RE = /^measured:\S+$/;
const QUANTITY_KEYS = ['v', 'unit', 'ref', 'conf', 'range', 'max', 'note', 'part'];
const CONFS = ['H', 'M', 'L'];
// Dimensions whose values may be negative (dBm, °C); everything else is a magnitude.
const SIGNED: ReadonlySet<Dimension> = new Set(['power', 'temperature']);

function show(x: unknown): string {
  if (x === undefined) return 'nothing';
  if (typeof x === 'string') return JSON.stringify(x);
  if (Array.isArray(x)) return 'an array';
  if (x === null) return 'null';
  if (typeof x === 'object') return 'an object';
  return String(x);
}

// Divide by the reciprocal when it is a whole number, so 0.9 uC/B becomes exactly 0.0009 mC/B
// (0.9 * 1e-3 would be 0.0009000000000000001 and show up in every printed table).
function scale(v: number, f: number): number {
  const inv = 1 / f;
  return f < 1 && Number.isInteger(inv) ? v / inv : v * f;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

class Checker {
  readonly issues: ProfileIssue[] = [];
  fail(path: string, expected: string, got: unknown, raw = false): void {
    this.issues.push({ path, expected, got: raw ? String(got) : show(got) });
  }

  unknownKeys(path: string, obj: Record<string, unknown>, allowed: readonly string[]): void {
    for (const k of Object.keys(obj)) {
      if (allowed.includes(k)) continue;
      const near = closestName(k, allowed);
      const where = path || 'the profile';
      const hint = near ? `did you mean "${near}"?` : `allowed: ${allowed.join(', ')}`;
      this.fail(join(path, k), `a known field of ${where} (${hint})`, 'an unknown field', true);
    }
  }

  provenance(path: string, obj: Record<string, unknown>): { ref: string; conf: 'H' | 'M' | 'L'; note?: string } {
    const ref = obj.ref;
    if (typeof ref !== 'string' || !(ref === 'estimate' || REF_RE.test(ref) || MEASURED_RE.test(ref)))
      this.fail(join(path, 'ref'), 'a source ID of docs/sources.md such as "P3.4" or "M1" (or "W9.2/W9.4"), "measured:<file>", or "estimate"', ref);
    const conf = obj.conf;
    if (typeof conf !== 'string' || !CONFS.includes(conf)) this.fail(join(path, 'conf'), '"H", "M" or "L"', conf);
    const note = obj.note;
    if (note !== undefined && typeof note !== 'string') this.fail(join(path, 'note'), 'a string', note);
    if (ref === 'estimate') {
      if (conf !== 'L') this.fail(join(path, 'conf'), '"L" for an estimate', conf);
      if (typeof note !== 'string' || note.length < 10) this.fail(join(path, 'note'), 'the reasoning behind the estimate', note);
    }
    return { ref: String(ref), conf: conf as 'H' | 'M' | 'L', ...(typeof note === 'string' ? { note } : {}) };
  }

  quantity(path: string, x: unknown, dim: Dimension): unknown {
    if (!isRecord(x)) {
      this.fail(path, `{ v, unit, ref, conf } with a ${dim} unit`, x);
      return undefined;
    }
    this.unknownKeys(path, x, QUANTITY_KEYS);
    const prov = this.provenance(path, x);
    const { v, unit } = x;
    let factor: number | undefined;
    if (typeof unit !== 'string' || (factor = unitFactor(dim, unit)) === undefined)
      this.fail(join(path, 'unit'), `a ${dim} unit (${unitChoices(dim)})`, unit);
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(join(path, 'v'), 'a finite number', v);
    else if (v < 0 && !SIGNED.has(dim)) this.fail(join(path, 'v'), 'a value >= 0', v);
    const f = factor ?? 1;
    const out: Record<string, unknown> = { value: typeof v === 'number' ? scale(v, f) : NaN, unit: DIMENSIONS[dim].canonical, ...prov };
    if (x.range !== undefined) {
      const r = x.range;
      if (!Array.isArray(r) || r.length !== 2 || !r.every((e) => typeof e === 'number' && Number.isFinite(e)) || r[0] > r[1])
        this.fail(join(path, 'range'), '[low, high] with low <= high', JSON.stringify(r), true);
      else {
        if (typeof v === 'number' && (v < r[0] || v > r[1])) this.fail(join(path, 'v'), `a value within range [${r[0]}, ${r[1]}]`, v);
        out.range = [scale(r[0], f), scale(r[1], f)];
      }
    }
    if (x.max !== undefined) {
      if (typeof x.max !== 'number' || (typeof v === 'number' && x.max < v)) this.fail(join(path, 'max'), 'a number >= v', x.max);
      else out.max = scale(x.max, f);
    }
    if (x.part !== undefined) {
      if (typeof x.part !== 'string') this.fail(join(path, 'part'), 'a string', x.part);
      else out.part = x.part;
    }
    return Object.freeze(out);
  }

  table(path: string, x: unknown, fields: Readonly<Record<string, ColumnKind>>): unknown {
    if (!isRecord(x)) {
      this.fail(path, `a table { ${Object.keys(fields).join(', ')}, ref, conf }`, x);
      return undefined;
    }
    this.unknownKeys(path, x, [...Object.keys(fields), 'ref', 'conf', 'note']);
    const out: Record<string, unknown> = { ...this.provenance(path, x) };
    for (const [k, kind] of Object.entries(fields)) {
      const val = x[k];
      const p = join(path, k);
      if (kind === 'text') {
        if (typeof val !== 'string') this.fail(p, 'a string', val);
      } else if (kind === 'numbers') {
        if (!Array.isArray(val) || val.length < 2 || !val.every((e) => typeof e === 'number' && Number.isFinite(e)))
          this.fail(p, 'an array of at least 2 finite numbers', val);
      } else if (typeof val !== 'number' || !Number.isFinite(val) || (kind === 'int' && !Number.isInteger(val)))
        this.fail(p, kind === 'int' ? 'an integer' : 'a finite number', val);
      out[k] = Array.isArray(val) ? Object.freeze([...(val as number[])]) : val;
    }
    return Object.freeze(out);
  }

  leaf(path: string, x: unknown, spec: LeafSpec): unknown {
    switch (spec.kind) {
      case 'q':
        return this.quantity(path, x, spec.dim);
      case 'text':
        if (typeof x !== 'string') this.fail(path, 'a string', x);
        return x;
      case 'choice': {
        if (!isRecord(x)) {
          this.fail(path, `{ v: ${spec.options.map((o) => JSON.stringify(o)).join(' | ')}, ref, conf }`, x);
          return undefined;
        }
        this.unknownKeys(path, x, ['v', 'ref', 'conf', 'note']);
        if (typeof x.v !== 'string' || !spec.options.includes(x.v))
          this.fail(join(path, 'v'), `one of ${spec.options.map((o) => JSON.stringify(o)).join(', ')}`, x.v);
        return Object.freeze({ value: x.v, ...this.provenance(path, x) });
      }
      case 'table':
        return this.table(path, x, spec.fields);
      case 'modes':
        return this.modes(path, x);
    }
  }

  modes(path: string, x: unknown): unknown {
    if (!isRecord(x)) {
      this.fail(path, `an object with the modes ${POWER_MODES.join(', ')}`, x);
      return undefined;
    }
    this.unknownKeys(path, x, POWER_MODES);
    const out: Record<string, unknown> = {};
    for (const mode of POWER_MODES) {
      const m = x[mode];
      const mp = join(path, mode);
      if (!isRecord(m)) {
        this.fail(mp, `an object with the components ${COMPONENTS.join(', ')}`, m);
        continue;
      }
      this.unknownKeys(mp, m, COMPONENTS);
      const comp: Record<string, readonly string[]> = {};
      for (const c of COMPONENTS) {
        const list = m[c];
        if (!Array.isArray(list) || !list.every((e) => typeof e === 'string')) {
          this.fail(join(mp, c), 'a list of profile paths to currents (may be empty)', list);
          continue;
        }
        comp[c] = Object.freeze([...(list as string[])]);
      }
      out[mode] = Object.freeze(comp);
    }
    return Object.freeze(out);
  }

  section(path: string, x: unknown, spec: SectionSpec): unknown {
    if (!isRecord(x)) {
      this.fail(path || '(root)', `an object with ${Object.keys(spec).join(', ')}`, x);
      return undefined;
    }
    this.unknownKeys(path, x, Object.keys(spec));
    const out: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(spec)) {
      const p = join(path, k);
      if (!(k in x)) {
        this.fail(p, isLeaf(s) ? describeLeaf(s) : 'a section', undefined);
        continue;
      }
      out[k] = isLeaf(s) ? this.leaf(p, x[k], s) : this.section(p, x[k], s);
    }
    return Object.freeze(out);
  }
}

function isLeaf(s: LeafSpec | SectionSpec): s is LeafSpec {
  return typeof (s as { kind?: unknown }).kind === 'string';
}

function describeLeaf(s: LeafSpec): string {
  switch (s.kind) {
    case 'q':
      return `{ v, unit, ref, conf } with a ${s.dim} unit (${unitChoices(s.dim)})`;
    case 'text':
      return 'a string';
    case 'choice':
      return `{ v: one of ${s.options.join(', ')}, ref, conf }`;
    case 'table':
      return `a table { ${Object.keys(s.fields).join(', ')}, ref, conf }`;
    case 'modes':
      return `the power modes ${POWER_MODES.join(', ')}`;
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** The value at a dotted path of a (validated, possibly partial) profile object. */
function at(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const k of path.split('.')) cur = isRecord(cur) ? cur[k] : undefined;
  return cur;
}

/**
 * The ML-DSA signing model t = base + N·iter, N ~ Geometric(p), must reproduce its declared mean
 * (within 2 %) and 99th percentile (base + N99·iter, N99 the geometric 99th percentile, within
 * 5 %): mean and p99 are the measured (or derived) targets the model was fitted to.
 */
function signModelChecks(c: Checker, path: string, sign: unknown): void {
  const s = sign as Record<string, { value: number } | undefined> | undefined;
  const [base, iter, prob, mean, p99] = (['base', 'iter', 'p', 'mean', 'p99'] as const).map((k) => s?.[k]?.value);
  if (prob === undefined || base === undefined || iter === undefined) return;
  if (!(prob > 0 && prob <= 1)) {
    c.fail(`${path}.p.v`, 'a probability in (0, 1]', prob);
    return;
  }
  const model = base + iter / prob;
  if (mean !== undefined && Math.abs(model - mean) > 0.02 * mean) c.fail(`${path}.mean.v`, `base + iter/p = ${model.toFixed(1)} ms (within 2 %)`, mean);
  const n99 = prob === 1 ? 1 : Math.ceil(Math.log(0.01) / Math.log1p(-prob));
  const tail = base + n99 * iter;
  if (p99 !== undefined && Math.abs(tail - p99) > 0.05 * p99) c.fail(`${path}.p99.v`, `base + ${n99}·iter = ${tail.toFixed(0)} ms (within 5 %)`, p99);
}

/** Checks that relate several fields: table shapes, the ML-DSA model's mean, mode composition paths. */
function crossChecks(c: Checker, p: Record<string, unknown>): void {
  const ocv = at(p, 'battery.ocvTable20C') as { socPct?: number[]; ocvV?: number[] } | undefined;
  if (ocv?.socPct && ocv.ocvV) {
    const { socPct: s, ocvV: v } = ocv;
    if (s.length !== v.length) c.fail('battery.ocvTable20C.ocvV', `${s.length} values (one per socPct)`, `${v.length}`, true);
    else {
      const order = [...s.keys()].sort((a, b) => s[a]! - s[b]!);
      const sorted = order.map((i) => s[i]!);
      if (sorted[0] !== 0 || sorted[sorted.length - 1] !== 100 || sorted.some((x, i) => i > 0 && x <= sorted[i - 1]!))
        c.fail('battery.ocvTable20C.socPct', 'distinct values covering 0 and 100', JSON.stringify(s), true);
      else if (order.some((idx, i) => i > 0 && v[idx]! <= v[order[i - 1]!]!))
        c.fail('battery.ocvTable20C.ocvV', 'voltages rising strictly with SoC', JSON.stringify(v), true);
    }
  }
  const cvt = at(p, 'battery.capacityVsTemp') as { tempC?: number[]; factor?: number[] } | undefined;
  if (cvt?.tempC && cvt.factor) {
    if (cvt.tempC.length !== cvt.factor.length) c.fail('battery.capacityVsTemp.factor', `${cvt.tempC.length} values (one per tempC)`, `${cvt.factor.length}`, true);
    if (new Set(cvt.tempC).size !== cvt.tempC.length) c.fail('battery.capacityVsTemp.tempC', 'distinct temperatures', JSON.stringify(cvt.tempC), true);
    if (cvt.factor.some((f) => !(f > 0 && f <= 1.5))) c.fail('battery.capacityVsTemp.factor', 'factors in (0, 1.5]', JSON.stringify(cvt.factor), true);
  }
  const vMin = (at(p, 'battery.vSystemMin') as { value?: number } | undefined)?.value;
  const vMax = (at(p, 'battery.vMax') as { value?: number } | undefined)?.value;
  if (Number.isFinite(vMin) && Number.isFinite(vMax) && !(vMin! < vMax!)) c.fail('battery.vSystemMin.v', `a voltage below vMax (${vMax} V)`, vMin);
  for (const level of ['mldsa44', 'mldsa65', 'mldsa87'])
    for (const impl of SIG_IMPLEMENTATIONS) signModelChecks(c, `pqc.${level}.${impl}.sign`, at(p, `pqc.${level}.${impl}.sign`));
  const defaults = at(p, 'pqc.defaults') as { kem?: unknown; sig?: unknown } | undefined;
  if (defaults && typeof defaults.kem === 'string' && !['mlkem512', 'mlkem768', 'mlkem1024'].includes(defaults.kem))
    c.fail('pqc.defaults.kem', '"mlkem512", "mlkem768" or "mlkem1024"', defaults.kem);
  if (defaults && typeof defaults.sig === 'string' && !['mldsa44', 'mldsa65', 'mldsa87'].includes(defaults.sig))
    c.fail('pqc.defaults.sig', '"mldsa44", "mldsa65" or "mldsa87"', defaults.sig);
  const modes = at(p, 'power.modes') as Record<string, Record<string, readonly string[]>> | undefined;
  for (const [mode, comps] of Object.entries(modes ?? {}))
    for (const [comp, list] of Object.entries(comps))
      list.forEach((ref, i) => {
        if ((DERIVED_SOURCES as readonly string[]).includes(ref)) return;
        const target = at(p, ref) as { unit?: string } | undefined;
        if (target?.unit !== 'mA')
          c.fail(`power.modes.${mode}.${comp}[${i}]`, `the path of a current in this profile (e.g. "mcu.lightSleep") or one of ${DERIVED_SOURCES.join(', ')}`, ref);
      });
}

/**
 * Validates a parsed profile and returns it normalised (every quantity in its canonical unit).
 * @param json the parsed JSON
 * @param source the file name (or other origin) used in error messages
 * @throws ProfileError listing every problem found
 */
export function validateProfile(json: unknown, source: string): Profile {
  const c = new Checker();
  const out = c.section('', json, PROFILE_SPEC);
  if (isRecord(out)) crossChecks(c, out);
  if (c.issues.length > 0) throw new ProfileError(source, c.issues);
  return out as Profile;
}

/** Parses profile JSON text and validates it; a syntax error is reported like any other issue. */
export function parseProfile(text: string, source: string): Profile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ProfileError(source, [{ path: '(file)', expected: 'valid JSON', got: (err as Error).message }]);
  }
  return validateProfile(json, source);
}
