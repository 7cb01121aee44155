// ESLint (flat config) with typed linting from typescript-eslint.
//
// TypeScript: one program from tsconfig.test.json (the sources, the tests and testkits, the
// vitest config), so every typed rule sees the same types `npm run typecheck` does. The notebook
// drivers (notebooks/*.mjs) and this file are plain JavaScript; they get typed linting too,
// through the project service's default project, for the promise rules.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Unused code is an error; a name that starts with `_` is unused on purpose (e.g. a key taken out
// of a destructured object so that the rest omits it).
const unusedVars = {
  args: 'all',
  argsIgnorePattern: '^_',
  varsIgnorePattern: '^_',
  caughtErrors: 'all',
  caughtErrorsIgnorePattern: '^_',
  destructuredArrayIgnorePattern: '^_',
  ignoreRestSiblings: false,
};

export default defineConfig(
  {
    ignores: ['dist/', 'node_modules/', '.tmp/', 'data/', 'experiments/golden/', 'schema/'],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: './tsconfig.test.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: { ...globals.node },
      parser: tseslint.parser,
      parserOptions: {
        projectService: {
          allowDefaultProject: ['notebooks/*.mjs', 'eslint.config.js'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: { 'no-unused-vars': ['error', unusedVars] },
  },
  {
    files: ['**/*.ts'],
    rules: {
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': ['error', unusedVars],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        // `require(...) as typeof import(...)` is how lib/charts loads its heavy dependencies lazily.
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      // `any` is written only where it is meant: the generic defaults of heterogeneous registries
      // (BatchModel<P = any>, SweepExperiment<O = any>, result folds) and the tests that read into
      // Vega-Lite specs. The unsafe-* rules below still catch an `any` that leaks into the sources.
      '@typescript-eslint/no-explicit-any': 'off',
      // A value typed by an interface that declares toString() (LatencyDistribution, KeyChooser)
      // prints its canonical text form in a template; no-base-to-string still refuses
      // "[object Object]".
      '@typescript-eslint/restrict-template-expressions': 'off',
      // `async run()` without an await satisfies an interface that returns a Promise and turns a
      // throw into a rejection; removing `async` would change that.
      '@typescript-eslint/require-await': 'off',
      // A value narrowed from `unknown` (typed `{}`) is user input, stringified in an error message
      // as `unknown` is (checkUnknown: false).
      '@typescript-eslint/no-base-to-string': [
        'error',
        { ignoredTypeNames: ['Error', 'RegExp', 'URL', 'URLSearchParams', '{}'] },
      ],
      // Callbacks pass a caught value on as it came (the worker pool rejects with what a task threw).
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    // Tests parse the CLI's JSON output and read into Vega-Lite specs: `any` there is the point,
    // and expect() checks the shape at run time.
    files: ['**/*.test.ts', '**/*.testkit.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Published coefficients (Wichura's AS241, Cody's ANORM) and reference values are quoted with
    // every digit of their source, more than a double holds.
    files: [
      'lib/latency/standard-normal.ts',
      'lib/latency/standard-normal.test.ts',
      'lib/latency/distributions.test.ts',
    ],
    rules: { 'no-loss-of-precision': 'off' },
  },
);
