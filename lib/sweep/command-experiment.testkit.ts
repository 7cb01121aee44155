// Test support for the sweep experiments (those derived from a parameter schema, and leaderless,
// which still wraps its CLI command). Worker threads run dist/lib/sweep/worker.js: npm test builds first.
import { expect } from 'vitest';
import { ParameterError } from '../errors.js';
import { deriveStream } from '../random/index.js';
import type { CsvValue } from './csv-output.js';
import { seedFromStream } from './result-batch.js';
import { runSweep, type SweepResult } from './run-sweep.js';
import { validateSweepSpec, type SweepSpec } from './spec.js';

/** The model seed of batch `batch` of cell `cell` of a sweep with seed `seed`. */
export function batchSeed(seed: number, cell: number, batch: number): number {
  return seedFromStream(deriveStream(seed, cell, batch));
}

/** Runs the sweep at 1, 2 and 8 threads; expects byte-identical CSVs, no failures; returns the 1-thread result. */
export async function expectSameAtAnyThreads(spec: SweepSpec): Promise<SweepResult> {
  const one = await runSweep(spec, { threads: 1 });
  expect(one.failures).toEqual([]);
  for (const threads of [2, 8]) {
    const many = await runSweep(spec, { threads });
    expect(many.failures).toEqual([]);
    expect(many.csv, `${threads} threads`).toBe(one.csv);
  }
  return one;
}

/** Expects the spec refused before any work with a ParameterError whose field contains `field`. */
export function expectRefusedNaming(spec: unknown, field: string): void {
  let error: unknown;
  try {
    validateSweepSpec(spec);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ParameterError);
  expect((error as ParameterError).parameter).toContain(field);
}

/**
 * Expects two CSV rows to agree column by column: the same text, or numbers equal to 12
 * significant digits (a pooled mean is sum(value x weight) / sum(weight), which can differ from
 * the model's own mean in the last bit).
 */
export function expectRowsAgree(actual: Record<string, CsvValue>, expected: Record<string, CsvValue>): void {
  expect(Object.keys(actual).filter((k) => k !== 'cell' && k !== 'replicate')).toEqual(Object.keys(expected));
  for (const [column, value] of Object.entries(expected)) {
    const got = actual[column];
    if (typeof value === 'number' && typeof got === 'number' && Number.isFinite(value)) {
      expect(Math.abs(got - value), column).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(value)));
    } else expect(got, column).toEqual(value);
  }
}
