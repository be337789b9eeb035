/**
 * Checks of a parsed JSON body that no schema expresses, done before any schema is applied and
 * without recursion (a body nested 10,000 deep must not overflow the stack, issue 15 item 6):
 * nesting depth, keys that reach JavaScript prototypes (`__proto__`, `constructor`,
 * `prototype`: they pass `additionalProperties: false` in naive validators and poison objects
 * built from the body), and strings Postgres cannot store (NUL) or that are not Unicode (lone
 * surrogates). The first problem is reported with its field path, like a schema problem.
 * @module
 */
import type { ValidationProblem } from './schema.ts';

/** Deepest nesting of objects/arrays a request body may have (the deepest route schema needs 4). */
export const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function stringProblem(s: string, field: string): ValidationProblem | null {
  if (s.includes('\u0000')) return { field, expected: 'a string without NUL characters', got: 'a string containing U+0000' };
  if (LONE_SURROGATE.test(s)) return { field, expected: 'a string of valid Unicode', got: 'a string containing a lone surrogate' };
  return null;
}

/** The first hostile feature of `value`, or null. */
export function guardJson(value: unknown, root = ''): ValidationProblem | null {
  const stack: [unknown, string, number][] = [[value, root, 0]];
  while (stack.length > 0) {
    const [v, field, depth] = stack.pop()!;
    if (typeof v === 'string') {
      const p = stringProblem(v, field);
      if (p) return p;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_DEPTH) return { field, expected: `at most ${MAX_DEPTH} levels of nesting`, got: 'deeper nesting' };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${field}[${i}]`, depth + 1]);
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!;
      const f = field === '' ? k : `${field}.${k}`;
      if (FORBIDDEN_KEYS.has(k)) return { field: f, expected: 'no field named __proto__, constructor or prototype', got: `a field '${k}'` };
      const kp = stringProblem(k, f);
      if (kp) return { ...kp, expected: `a field name ${kp.expected.replace(/^a string /, '')}` };
      stack.push([(v as Record<string, unknown>)[k], f, depth + 1]);
    }
  }
  return null;
}
