/**
 * The profile figures a sensitivity analysis varies: every quantity (a number with `v` and
 * `conf`) of the profile's JSON, low-confidence (conf L) ones by default. Each gets a low and a
 * high level: its documented `range` where the profile gives one, else ±pct % of its value
 * (stated as such in the output). Levels are in the file's own unit, so a varied profile is the
 * file with one `v` replaced and validates like any other.
 * @module
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { geometricQuantile } from '../../firmware/calibrate/index.ts';
import { DEFAULT_PROFILE_FILE, parseProfile, type Profile } from '../../firmware/profiles/index.ts';

export interface Figure {
  /** Dotted path in the profile JSON, e.g. "ble.connectToReady". */
  name: string;
  path: string[];
  value: number;
  unit: string;
  low: number;
  high: number;
  /** Where the levels come from. */
  levels: 'range' | `±${number} %`;
}

export interface ProfileSource {
  raw: Record<string, unknown>;
  file: string;
}

export function readProfileSource(profile: string): ProfileSource {
  const file = profile === 'default' ? fileURLToPath(new URL(`../../firmware/profiles/${DEFAULT_PROFILE_FILE}`, import.meta.url)) : profile;
  return { raw: JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>, file };
}

export function listFigures(raw: unknown, which: 'low-confidence' | 'all', pct: number): Figure[] {
  const out: Figure[] = [];
  const walk = (x: unknown, path: string[]) => {
    if (typeof x !== 'object' || x === null) return;
    const q = x as Record<string, unknown>;
    if (typeof q.v === 'number' && typeof q.conf === 'string') {
      // An ML-DSA signing model's mean and p99 are derived from base, iter and p (the validator
      // checks them), so they are not inputs to vary: profileWith recomputes them.
      const derived = path.at(-2) === 'sign' && (path.at(-1) === 'mean' || path.at(-1) === 'p99');
      if (!derived && (which === 'all' || q.conf === 'L')) {
        const range = Array.isArray(q.range) && q.range.length === 2 && (q.range[0] as number) < (q.range[1] as number) ? (q.range as [number, number]) : null;
        const v = q.v;
        // A zero figure has no ±pct spread; a range is the only way to vary it.
        if (range || v !== 0)
          out.push({ name: path.join('.'), path, value: v, unit: String(q.unit ?? ''), low: range ? range[0] : v * (1 - pct / 100), high: range ? range[1] : v * (1 + pct / 100), levels: range ? 'range' : `±${pct} %` });
      }
      return;
    }
    for (const [k, v] of Object.entries(q)) walk(v, [...path, k]);
  };
  walk(raw, []);
  return out;
}

/** The profile with the given figures set to the given values (others as in the file). */
export function profileWith(source: ProfileSource, values: ReadonlyMap<Figure, number>): Profile {
  const raw = structuredClone(source.raw);
  for (const [f, v] of values) {
    let node = raw as Record<string, unknown>;
    for (const k of f.path) node = node[k] as Record<string, unknown>;
    node.v = v;
  }
  rederiveSignModels(raw);
  return parseProfile(JSON.stringify(raw), `${source.file} (varied)`);
}

/** Sets every signing model's mean (base + iter/p) and p99 (base + n99·iter) from its varied inputs. */
function rederiveSignModels(x: unknown): void {
  if (typeof x !== 'object' || x === null) return;
  const o = x as Record<string, unknown>;
  const sign = o.sign as Record<string, { v: number; range?: unknown }> | undefined;
  if (sign && sign.base && sign.iter && sign.p && sign.mean && sign.p99) {
    const p = sign.p.v;
    sign.mean.v = sign.base.v + sign.iter.v / p;
    sign.p99.v = sign.base.v + geometricQuantile(p, 0.99) * sign.iter.v;
    delete sign.mean.range;
    delete sign.p99.range;
  }
  for (const v of Object.values(o)) rederiveSignModels(v);
}
