// Test support for the CLI tests: the built bin as users run it (npm test builds first).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/** The built CLI entry point. */
export const CLI = join(process.cwd(), 'dist/lib/cli/main.js');

/** What one CLI run left behind. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `replilab ARGS` to completion. */
export function runCli(args: string[], cwd = process.cwd()): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** For beforeAll: fail clearly when the CLI has not been built. */
export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does)`);
}

/** Bad input: exit code 2, nothing on stdout, one line on stderr naming `flag`, none of `paths` written. */
export function expectRefused(run: CliRun, flag: string, paths: string[]): void {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(flag);
  for (const path of paths) expect(existsSync(path), path).toBe(false);
}

/** Runs `replilab ARGS` expecting success and exactly one JSON object on stdout (nothing on stderr); returns it. */
export function runCliJson(args: string[]): Record<string, any> {
  const run = runCli(args);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toBe('');
  const lines = run.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]) as Record<string, any>;
}
