// Lint: typescript-eslint's recommended rules plus the project's two structural rules:
// determinism in the pure core, and the dependency direction of DESIGN.md.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'bench/.build/**', 'test/output/**', 'dashboards/static/**'] },
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['models/**/*.ts', 'firmware/**/*.ts', 'sim/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use a seeded stream (sim/engine/random.ts).' },
        { object: 'Date', property: 'now', message: 'Use simulated time.' },
      ],
      'no-restricted-globals': ['error', 'Date', 'setTimeout', 'setInterval', 'performance'],
    },
  },
  {
    files: ['sim/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/models/**', '**/firmware/**', '**/store/**', 'xstate'], message: 'The engine is generic: it knows nothing about keychains.' }] }],
    },
  },
  {
    files: ['models/**/*.ts', 'firmware/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/sim/**', '**/store/**', '**/cli/**', 'node:fs', 'node:net', 'node:http', 'fs', 'pg'], message: 'models/ and firmware/ are pure: no I/O, no simulator.' }] }],
    },
  },
);
