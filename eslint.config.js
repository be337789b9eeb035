// Lint: typescript-eslint's recommended rules plus the project's two structural rules:
// determinism in the pure core, and the dependency direction of DESIGN.md.
import tseslint from 'typescript-eslint';

/** The readers of results/: what sim/, results/ and charts/ must never import. */
const UPPER_LAYERS = ['**/store/**', '**/reports/**', '**/dashboards/**', '**/charts/**'];

/** A no-restricted-imports block for `files` (minus `ignores`): `groups` plus cli/, with `message`. */
function layer(files, groups, message, ignores = []) {
  return [{
    files,
    ignores,
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        ...(groups.length ? [{ group: groups, message }] : []),
        { group: ['**/cli/**', '../cli', './cli'], message: 'Nothing imports cli/: it is the composition root.' },
      ] }],
    },
  }];
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'bench/.build/**', 'test/output/**', 'dashboards/static/**', 'notebooks/dist/**', 'notebooks/src/components/**', 'notebooks/src/.observablehq/**'] },
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
  // The dependency direction of DESIGN.md (scenarios → models/firmware → sim → results/store →
  // reports/dashboards; charts/ and results/ are contracts every reader may use). ESLint keeps one
  // no-restricted-imports per file (a later block replaces an earlier one), so each block lists
  // everything its folder must not import, cli/ included: nothing imports the composition root.
  // Tests and benchmarks drive the CLI, so they may import it.
  ...layer(['**/*.ts', '**/*.js', '**/*.mjs'], [], 'Nothing imports cli/: it is the composition root.', ['cli/**', 'test/**', 'bench/**']),
  ...layer(['sim/engine/**/*.ts'], ['**/models/**', '**/firmware/**', '**/results/**', '**/store/**', 'xstate'], 'The engine is generic: it knows nothing about keychains.'),
  ...layer(['models/**/*.ts', 'firmware/**/*.ts'], ['**/sim/**', '**/results/**', '**/store/**', 'node:fs', 'node:net', 'node:http', 'fs', 'pg'], 'models/ and firmware/ are pure: no I/O, no simulator.'),
  ...layer(['sim/**/*.ts'], UPPER_LAYERS, 'sim/ writes results/ and knows nothing of the readers.', ['sim/engine/**']),
  ...layer(['sim/twin/**/*.ts'], [...UPPER_LAYERS, '../cloud', '../cloud/*', '**/sim/cloud/**'], 'sim/twin and sim/cloud share types through results/, not each other.'),
  ...layer(['sim/cloud/**/*.ts'], [...UPPER_LAYERS, '../twin', '../twin/*', '**/sim/twin/**'], 'sim/twin and sim/cloud share types through results/, not each other.'),
  ...layer(['units/**/*.ts'], ['../*', '../**'], 'units/ is imported by every layer, so it imports nothing.'),
  ...layer(['results/**/*.ts', 'charts/**/*.ts'], ['**/sim/**', ...UPPER_LAYERS], 'results/ and charts/ are contracts: they import no layer that uses them.'),
  ...layer(['store/**/*.ts'], ['**/sim/**', '**/reports/**', '**/dashboards/**', '**/charts/**'], 'store/ reads and writes results/ and never imports the simulator or its readers.'),
  ...layer(['reports/**/*.ts'], ['**/sim/**', '**/dashboards/**'], 'reports/ reads results/ (and store/), draws with charts/, and never imports the simulator or dashboards/.'),
  ...layer(['dashboards/**/*.ts'], ['**/sim/**', '**/reports/**'], 'dashboards/ reads results/ (and store/), draws with charts/, and never imports the simulator or reports/.'),
);
