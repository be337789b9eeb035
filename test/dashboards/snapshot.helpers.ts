/**
 * SVG snapshots, Plot-style: the rendered chart (numbers rounded to 2 decimals so float noise does
 * not churn) is compared with test/output/<name>.svg; on mismatch the new rendering is written to
 * test/output/<name>-changed.svg for review and the test fails. A missing snapshot is written
 * (review it, then commit it). UPDATE_SNAPSHOTS=1 rewrites them.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OUTPUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'output');

export function normaliseSvg(svg: string): string {
  return svg.replace(/-?\d+\.\d{3,}/g, (m) => String(Math.round(Number(m) * 100) / 100)).replace(/></g, '>\n<') + '\n';
}

/** Returns null when the snapshot matches (or was created), else a message naming the files. */
export function compareSnapshot(name: string, svg: string): string | null {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const actual = normaliseSvg(svg);
  const file = join(OUTPUT_DIR, `${name}.svg`);
  const changed = join(OUTPUT_DIR, `${name}-changed.svg`);
  if (!existsSync(file) || process.env.UPDATE_SNAPSHOTS === '1') {
    writeFileSync(file, actual);
    rmSync(changed, { force: true });
    return null;
  }
  const expected = readFileSync(file, 'utf8');
  if (expected === actual) {
    rmSync(changed, { force: true });
    return null;
  }
  writeFileSync(changed, actual);
  return `snapshot ${file} differs; the new rendering is in ${changed} (review, then UPDATE_SNAPSHOTS=1)`;
}
