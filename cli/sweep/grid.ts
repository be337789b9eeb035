/**
 * `--set path=v1,v2,...` → the points of a sweep grid. Each value is read as YAML (so
 * `fleet.suites={mlkem512-mldsa44-hybrid-aesgcm: 1.0}` is a mapping, `185` a number), commas
 * inside brackets or braces belong to the value. Points are the scenario's own `sweep:` variants
 * (or the scenario alone) times every combination of --set values; each point is checked by the
 * scenario's own rules through expandSweep, so a bad path or value fails with the scenario's
 * wording, naming the --set that caused it.
 * @module
 */
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { expandSweep, ScenarioError, type Scenario, type SweepVariant } from '../../scenarios/index.ts';
import { UsageError } from '../args.ts';

export interface GridAxis {
  path: string;
  /** Values as typed (for names) and as parsed (for the scenario). */
  texts: string[];
  values: unknown[];
}

export interface SweepPoint {
  /** Short name: the scenario variant's name and/or `path=value` pairs. */
  name: string;
  scenario: Scenario;
}

/** Splits at commas outside [], {} and quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  parts.push(cur.trim());
  return parts;
}

export function parseSetOption(option: string): GridAxis {
  const eq = option.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set ${option}: expected path=value1,value2,... (e.g. --set radio.attMtu=185,247)`);
  const path = option.slice(0, eq).trim();
  if (!/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9][A-Za-z0-9-]*)*$/.test(path)) throw new UsageError(`--set ${option}: '${path}' is not a field path (dotted names, e.g. behaviour.phoneInRange)`);
  const texts = splitTopLevel(option.slice(eq + 1));
  if (texts.some((t) => t === '')) throw new UsageError(`--set ${option}: an empty value (values are separated by commas)`);
  const values = texts.map((t) => {
    try {
      return parse(t) as unknown;
    } catch (err) {
      throw new UsageError(`--set ${path}=${t}: not a YAML value (${(err as Error).message.split('\n')[0]})`);
    }
  });
  if (new Set(texts).size !== texts.length) throw new UsageError(`--set ${option}: a value is given twice`);
  return { path, texts, values };
}

/** Every combination of the axes' values, as set-maps with names. */
function combinations(axes: readonly GridAxis[]): { name: string; set: Record<string, unknown> }[] {
  let out: { name: string; set: Record<string, unknown> }[] = [{ name: '', set: {} }];
  for (const a of axes) {
    out = out.flatMap((c) => a.values.map((v, i) => ({ name: c.name ? `${c.name},${a.path}=${a.texts[i]}` : `${a.path}=${a.texts[i]}`, set: { ...c.set, [a.path]: v } })));
  }
  return out;
}

/**
 * The points of the sweep, in order: scenario variants outermost, --set combinations inside.
 * @throws UsageError naming the --set value (or variant) a rule rejected
 */
export function sweepPoints(scenario: Scenario, axes: readonly GridAxis[]): SweepPoint[] {
  const own: SweepVariant[] = scenario.sweep.length > 0 ? scenario.sweep : [{ name: '', set: {} }];
  const grid = combinations(axes);
  const variants: SweepVariant[] = own.flatMap((v) => grid.map((g) => ({ name: [v.name, g.name].filter(Boolean).join('/') || 'base', set: { ...v.set, ...g.set } })));
  const seen = new Set<string>();
  for (const v of variants) if (seen.has(v.name)) throw new UsageError(`sweep point '${v.name}' appears twice`);
  else seen.add(v.name);
  try {
    const expanded = expandSweep({ ...scenario, sweep: variants });
    // expandSweep keeps the base's (already resolved) profile path; a swept profile is a
    // command-line path, so it is taken relative to the working directory.
    return expanded.map((s, i) => {
      const profile = variants[i]!.set.profile;
      return { name: variants[i]!.name, scenario: typeof profile === 'string' && profile !== 'default' ? { ...s, profile: resolve(profile) } : s };
    });
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    // expandSweep names the failing point `<scenario>/<point>`; the point names its --set values.
    throw new UsageError(`--set: ${err.message.replace(/:0:0: /g, ": ")}`);
  }
}
