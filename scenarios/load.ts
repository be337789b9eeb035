/**
 * Loading scenario YAML: parse with the `yaml` package (keeping node positions through a
 * LineCounter), validate (schema.ts), and report every problem as `file:line:col: field.path:
 * expected …, got …`. Also expands a scenario's sweep into its variant scenarios.
 * @module
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { checkScenario, type PathSegment, type Scenario, type ScenarioIssue } from './schema.ts';
import { firmwareToRaw } from './firmware-schema.ts';

export interface LocatedIssue extends ScenarioIssue {
  readonly line: number;
  readonly col: number;
}

/** A scenario file that failed to parse or validate; the message lists every problem. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
  readonly userFacing = true;
  readonly file: string;
  readonly issues: readonly LocatedIssue[];
  constructor(file: string, issues: readonly LocatedIssue[]) {
    const lines = issues.map((i) => formatIssue(file, i));
    super(lines.length === 1 ? lines[0]! : `${lines.length} problems in ${file}:\n  ${lines.join('\n  ')}`);
    this.file = file;
    this.issues = issues;
  }
}

export function formatIssue(file: string, i: LocatedIssue): string {
  const path = pathText(i.path);
  return `${file}:${i.line}:${i.col}: ${path ? `${path}: ` : ''}expected ${i.expected}, got ${i.got}`;
}

function pathText(path: readonly PathSegment[]): string {
  return path.map((p, k) => (typeof p === 'number' ? `[${p}]` : k === 0 ? p : `.${p}`)).join('');
}

/** The node for a path: the value, its key (`at: 'key'`), or the nearest existing ancestor. */
function locate(doc: Document, lc: LineCounter, path: readonly PathSegment[], at?: 'key' | 'parent'): { line: number; col: number } {
  let node: unknown = doc.contents;
  let best: unknown = node;
  for (let k = 0; k < path.length; k++) {
    const seg = path[k]!;
    if (!isMap(node) && !(node && typeof node === 'object' && 'items' in node)) break;
    const items = (node as { items: unknown[] }).items;
    let next: unknown;
    if (isMap(node)) {
      const pair = items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair || !isPair(pair)) break;
      const isLast = k === path.length - 1;
      if (isLast && at === 'key') {
        best = pair.key;
        break;
      }
      next = pair.value ?? pair.key;
    } else next = typeof seg === 'number' ? items[seg] : undefined;
    if (next === undefined || next === null) break;
    node = next;
    best = node;
  }
  const range = (best as Node | null)?.range;
  const pos = lc.linePos(range ? range[0] : 0);
  return { line: pos.line, col: pos.col };
}

/**
 * Parses and validates scenario text. `file` names it in errors; relative `profile:` paths are
 * resolved against its folder.
 * @throws ScenarioError listing every problem with its line and column
 */
export function parseScenario(text: string, file: string): Scenario {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      file,
      doc.errors.map((e) => {
        const pos = lc.linePos(e.pos[0]);
        return { path: [], expected: 'valid YAML', got: e.message.split('\n')[0]!, line: pos.line, col: pos.col };
      }),
    );
  }
  const raw: unknown = doc.toJS();
  const { scenario, issues } = checkScenario(raw);
  const located: LocatedIssue[] = issues.map((i) => ({ ...i, ...locate(doc, lc, i.path, i.at) }));
  // Each sweep variant must itself be a valid scenario: report its problems at its `set` entry.
  if (located.length === 0)
    scenario.sweep.forEach((v, idx) => {
      for (const issue of checkScenario(applyOverrides(raw, v.set)).issues) {
        const key = Object.keys(v.set).find((k) => pathText(issue.path).startsWith(k)) ?? null;
        const pos = locate(doc, lc, key ? ['sweep', idx, 'set', key] : ['sweep', idx], key ? 'key' : undefined);
        located.push({ ...issue, path: ['sweep', idx, 'set', ...(key ? [key] : []), ...issue.path.slice(key ? key.split('.').length : 0)], expected: `${issue.expected} (in variant "${v.name}": ${pathText(issue.path)})`, ...pos });
      }
    });
  if (located.length > 0) throw new ScenarioError(file, located);
  if (scenario.profile !== 'default' && !isAbsolute(scenario.profile)) scenario.profile = resolve(dirname(file), scenario.profile);
  return scenario;
}

/** Reads and validates a scenario file. @throws ScenarioError */
export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ScenarioError(path, [{ path: [], expected: 'a readable scenario file', got: code, line: 1, col: 1 }]);
  }
  return parseScenario(text, path);
}

/** A deep copy of `raw` with dotted-path overrides applied (`fleet.suites` replaces that field). */
function applyOverrides(raw: unknown, set: Record<string, unknown>): unknown {
  const copy = structuredClone(raw) as Record<string, unknown>;
  delete copy.sweep;
  for (const [path, value] of Object.entries(set)) {
    const keys = path.split('.');
    let node = copy;
    for (const k of keys.slice(0, -1)) {
      if (typeof node[k] !== 'object' || node[k] === null || Array.isArray(node[k])) node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]!] = structuredClone(value);
  }
  return copy;
}

/**
 * The variant scenarios of a sweep (the scenario itself when it has none). Each variant is the
 * base with its overrides applied, named `<base>/<variant>`, with the same seed (common random
 * numbers: differences between variants come from the overrides, not from the draws).
 */
export function expandSweep(scenario: Scenario): Scenario[] {
  if (scenario.sweep.length === 0) return [scenario];
  const base = { ...scenario, sweep: [] };
  return scenario.sweep.map((v) => {
    const raw = applyOverrides(toRaw(base), v.set);
    const { scenario: s, issues } = checkScenario(raw);
    if (issues.length > 0)
      throw new ScenarioError(`${scenario.name}/${v.name}`, issues.map((i) => ({ ...i, line: 0, col: 0 })));
    return { ...s, name: `${scenario.name}/${v.name}`, profile: scenario.profile };
  });
}

/** The raw (YAML-shaped) form of a validated scenario, so overrides apply as they would to the file. */
function toRaw(s: Scenario): Record<string, unknown> {
  const { durationMs: _d, sweep: _s, description, ...rest } = s;
  return {
    ...rest,
    ...(description ? { description } : {}),
    behaviour: { ...s.behaviour, diurnal: s.behaviour.diurnal.preset ?? s.behaviour.diurnal.weights, ota: s.behaviour.ota ?? undefined },
    firmware: firmwareToRaw(s.firmware),
    sinks: { store: s.sinks.store, ...(s.sinks.influx ? { influx: s.sinks.influx } : {}) },
  };
}
