/**
 * Writing fitted figures into a copy of the base profile's JSON. Each changed quantity keeps its
 * unit as written in the base (µA stays µA), gets ref "measured:<file>#L<lines>", confidence H
 * and a note saying what was fitted and the fit's residuals; the result is validated like any
 * profile so what `keytwin calibrate` writes always loads.
 * @module
 */
import {
  PROFILE_SPEC,
  unitFactor,
  validateProfile,
  type Dimension,
  type Profile,
} from '../profiles/index.ts';
import type { Fitted } from './fitted.ts';
import { sig } from './fitted.ts';

export interface Change {
  readonly path: string;
  readonly unit: string;
  readonly before: number;
  readonly after: number;
  readonly beforeRef: string;
  readonly beforeConf: string;
  readonly ref: string;
  readonly fitted: Fitted;
}

/** The dimension of a quantity path in PROFILE_SPEC, or undefined if the path is not a quantity. */
export function dimensionOf(path: string): Dimension | undefined {
  let node: unknown = PROFILE_SPEC;
  for (const k of path.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, k)) return undefined;
    node = (node as Record<string, unknown>)[k];
  }
  const leaf = node as { kind?: string; dim?: Dimension };
  return leaf.kind === 'q' ? leaf.dim : undefined;
}

/** Cites a measurement file: its base name (paths differ between machines) and line span. */
export function measuredRef(file: string, lines: string): string {
  const name = file.split(/[\\/]/).pop()!.replace(/\s+/g, '_');
  const [a, b] = lines.split('-');
  return `measured:${name}#L${a}${b && b !== a ? `-L${b}` : ''}`;
}

type Json = Record<string, unknown>;

/**
 * Applies `fitted` to a deep copy of `baseJson`. Unchanged figures (equal to 4 significant digits
 * in the base's unit) are left as they were, so the diff lists only what the measurement moved.
 * @throws Error when a fitted path is not a quantity of the base, ProfileError when the result
 *   does not validate (a bug: the fitters produce canonical, finite values)
 */
export function applyFits(
  baseJson: unknown,
  baseName: string,
  fitted: readonly Fitted[],
  sources: readonly string[],
): { json: Json; profile: Profile; changes: Change[] } {
  const json = structuredClone(baseJson) as Json;
  const changes: Change[] = [];
  for (const f of fitted) {
    const dim = dimensionOf(f.path);
    if (!dim) throw new Error(`calibrate: ${f.path} is not a quantity of the profile spec`);
    const keys = f.path.split('.');
    const parent = keys.slice(0, -1).reduce<Json>((o, k) => o[k] as Json, json);
    const leaf = keys.at(-1)!;
    const q = parent[leaf] as Json;
    const unit = String(q.unit);
    const factor = unitFactor(dim, unit);
    if (factor === undefined)
      throw new Error(`calibrate: ${f.path} in ${baseName} has unit ${unit}, not a ${dim} unit`);
    // 6 digits only undoes float noise of the unit factor: the fitters round to what they measure
    // (stack bytes are exact integers, times 4-5 digits).
    const toBase = (x: number) => sig(x / factor, 6);
    const after = toBase(f.value);
    const before = Number(q.v);
    if (sig(before) === sig(after)) continue;
    const ref = measuredRef(f.file, f.lines);
    const next: Json = {
      v: after,
      unit,
      ref,
      conf: 'H',
      note: `${f.what}; residuals: ${f.residuals}`,
    };
    if (q.part !== undefined) next.part = q.part;
    if (f.range) next.range = f.range.map(toBase);
    parent[leaf] = next;
    changes.push({
      path: f.path,
      unit,
      before,
      after,
      beforeRef: String(q.ref),
      beforeConf: String(q.conf),
      ref,
      fitted: f,
    });
  }
  if (changes.length > 0) {
    json.version = `${String(json.version)}+calibrated`;
    json.description = `${String(json.description)} Calibrated by keytwin calibrate from ${sources.join(' and ')} (${changes.length} figures, ref "measured:...").`;
  }
  const profile = validateProfile(json, `${baseName} (calibrated)`);
  return { json, profile, changes };
}
