import { configDefaults, defineConfig } from 'vitest/config';

// Tests sit beside the code in lib/. Scratch copies under .tmp/ (git-ignored) are not the project's tests.
// No test asserts on time; the timeout only catches hangs, so it is generous: many tests spawn the
// CLI or worker threads, and vitest runs test files in parallel on few cores.
export default defineConfig({
  test: {
    exclude: [...configDefaults.exclude, '.tmp/**', 'dist/**'],
    testTimeout: 60_000,
    globalSetup: ['./lib/test-tmpdir.testkit.ts'],
  },
});
