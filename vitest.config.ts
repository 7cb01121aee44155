import { configDefaults, defineConfig } from 'vitest/config';

// Tests sit beside the code in lib/. Scratch copies under .tmp/ (git-ignored) are not the project's tests.
export default defineConfig({
  test: {
    exclude: [...configDefaults.exclude, '.tmp/**', 'dist/**'],
  },
});
