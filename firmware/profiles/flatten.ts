/**
 * A profile as rows (section, key, value, unit, conf, ref): what `keytwin profile show` prints, and
 * a flat form for reports that list the parameters a run used.
 * @module
 */
import { PROFILE_SPEC, type LeafSpec, type Profile, type SectionSpec } from './spec.ts';

export interface ProfileRow {
  /** Top-level section (mcu, battery, ...). */
  readonly section: string;
  /** Dotted path inside the section (e.g. "mlkem768.decaps"). */
  readonly key: string;
  readonly value: string;
  readonly unit: string;
  readonly conf: string;
  readonly ref: string;
}

function fmt(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e7)) return n.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(n.toPrecision(6)));
}

function isLeaf(s: LeafSpec | SectionSpec): s is LeafSpec {
  return typeof (s as { kind?: unknown }).kind === 'string';
}

/** Every leaf of the profile as a row, in spec order. */
export function flattenProfile(profile: Profile): ProfileRow[] {
  const rows: ProfileRow[] = [];
  const walk = (section: string, prefix: string, spec: SectionSpec, node: Record<string, unknown>): void => {
    for (const [k, s] of Object.entries(spec)) {
      const key = prefix ? `${prefix}.${k}` : k;
      const v = node[k] as Record<string, unknown> | string;
      if (!isLeaf(s)) {
        walk(section, key, s, v as Record<string, unknown>);
        continue;
      }
      if (typeof v === 'string') {
        rows.push({ section, key, value: v, unit: '', conf: '', ref: '' });
        continue;
      }
      const conf = String(v.conf ?? '');
      const ref = String(v.ref ?? '');
      if (s.kind === 'q') {
        const range = v.range as readonly number[] | undefined;
        const value = fmt(v.value as number) + (range ? ` [${fmt(range[0]!)}-${fmt(range[1]!)}]` : '');
        rows.push({ section, key, value, unit: String(v.unit), conf, ref });
      } else if (s.kind === 'choice') {
        rows.push({ section, key, value: String(v.value), unit: '', conf, ref });
      } else if (s.kind === 'table') {
        const value = Object.keys(s.fields)
          .map((f) => {
            const x = v[f];
            return `${f}=${Array.isArray(x) ? x.map(fmt).join('/') : typeof x === 'number' ? fmt(x) : String(x)}`;
          })
          .join(' ');
        rows.push({ section, key, value, unit: '', conf, ref });
      } else {
        for (const [mode, comps] of Object.entries(v as Record<string, Record<string, readonly string[]>>))
          for (const [comp, list] of Object.entries(comps))
            rows.push({ section, key: `${key}.${mode}.${comp}`, value: list.join(' + ') || '-', unit: '', conf: '', ref: '' });
      }
    }
  };
  for (const [section, s] of Object.entries(PROFILE_SPEC)) {
    const node = (profile as unknown as Record<string, unknown>)[section];
    if (isLeaf(s)) rows.push({ section, key: '', value: String(node), unit: '', conf: '', ref: '' });
    else walk(section, '', s, node as Record<string, unknown>);
  }
  return rows;
}
